"""``aria-harness validate``: exit 0 conforms, 1 violations, 2 unusable input, one-line errors."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from harness.cli import main
from tests.samples import gen_invoice_m_error, gen_invoice_m_success


def _write(tmp_path: Path, payload: object, name: str = "answer.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def test_conforming_response_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["validate", "--method", "gen_invoice_m", _write(tmp_path, gen_invoice_m_success())])
        == 0
    )
    assert "conforms to the gen_invoice_m contract" in capsys.readouterr().out


def test_violations_are_printed_with_pointer_and_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = gen_invoice_m_error()
    answer["error_code"] = 4242
    assert main(["validate", "-m", "gen_invoice_m", _write(tmp_path, answer)]) == 1
    out = capsys.readouterr().out
    assert "gen_invoice_m /error_code" in out
    assert "actual 4242" in out
    assert "1 violation(s)" in out


def test_standard_input_is_read_with_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(gen_invoice_m_error())))
    assert main(["validate", "--method", "gen_invoice_m", "-"]) == 0
    assert "<stdin>: conforms" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "--method", "gen_invoices_m", "{file}"], "unknown method 'gen_invoices_m'"),
        (["validate", "--method", "gen_invoice_m", "{bad}"], "is not JSON"),
        (["validate", "--method", "gen_invoice_m", "{missing}"], "No such file or directory"),
        (["validate", "{file}"], "give --method METHOD"),
        (["validate", "--cassettes", "{missing}"], "does not exist"),
        (["validate", "--cassettes", "{dir}", "-m", "gen_invoice_m"], "takes no --method"),
        (["validate", "--cassettes", "{dir}"], "no recorded Aria answers"),
        (["no-such-command"], "No such command"),
    ],
    ids=[
        "unknown-method",
        "not-json",
        "missing-file",
        "no-method",
        "missing-cassettes",
        "cassettes-and-method",
        "no-cassette-in-folder",
        "unknown-command",
    ],
)
def test_unusable_input_is_a_one_line_error_and_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    paths = {
        "file": _write(tmp_path, gen_invoice_m_error()),
        "bad": str(bad),
        "missing": str(tmp_path / "missing.json"),
        "dir": str(tmp_path / "empty"),
    }
    (tmp_path / "empty").mkdir()
    assert main([arg.format(**paths) for arg in argv]) == 2
    captured = capsys.readouterr()
    err_lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err_lines) == 1, captured.err
    assert err_lines[0].startswith("aria-harness: error: ")
    assert message in err_lines[0]
    assert "Traceback" not in captured.err + captured.out


def _recorded_answers(tmp_path: Path, *answers: dict) -> Path:
    from tests.drift.fakes import recorded, write_cassette

    folder = tmp_path / "cassettes"
    write_cassette(folder / "night.yaml", [recorded("gen_invoice_m", a) for a in answers])
    return folder


def test_recorded_answers_that_match_the_description_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _recorded_answers(tmp_path, gen_invoice_m_success(), gen_invoice_m_error())
    assert main(["validate", "--cassettes", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "gen_invoice_m: 2 answer(s), 0 contract violation(s), 0 difference(s)" in out
    assert "Proposed change" not in out


def test_a_field_added_to_a_recorded_answer_is_found_and_proposed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    answer = gen_invoice_m_success()
    answer["invoice_po_num"] = "PO-7"  # top level: GenInvoiceMResponse
    answer["out_invoices_list"][0]["invoice_due_date"] = "2026-12-01"  # nested: OutInvoicesList
    answer["out_acct_no"] = "1000001"  # an integer in the description, a string here
    folder = _recorded_answers(tmp_path, answer, gen_invoice_m_success())
    assert main(["validate", "--cassettes", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "gen_invoice_m at /invoice_po_num - field 'invoice_po_num' (string)" in out
    assert "gen_invoice_m at /out_invoices_list/0/invoice_due_date" in out
    assert "night.yaml#0: gen_invoice_m /out_acct_no" in out  # the contract says so too
    summary = r"gen_invoice_m: 2 answer\(s\), [1-9]\d* contract violation\(s\), 3 difference\(s\)"
    assert re.search(summary, out), out
    proposal = yaml.safe_load(out.split("(merge under its top level):", 1)[1])
    schemas = proposal["components"]["schemas"]
    added = schemas["GenInvoiceMResponse"]["properties"]["invoice_po_num"]
    assert added["type"] == ["string", "null"]
    assert "gen_invoice_m" in added["description"]
    nested = schemas["OutInvoicesList"]["properties"]["invoice_due_date"]
    assert nested["type"] == ["string", "null"]
    retyped = schemas["GenInvoiceMResponse"]["properties"]["out_acct_no"]
    assert retyped == {"type": ["integer", "null", "string"]}

"""``aria-harness validate``: exit 0 conforms, 1 violations, 2 unusable input, one-line errors."""

from __future__ import annotations

import io
import json
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
        (["validate", "{file}"], "Missing option '--method'"),
        (["no-such-command"], "No such command"),
    ],
    ids=["unknown-method", "not-json", "missing-file", "no-method", "unknown-command"],
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
    }
    assert main([arg.format(**paths) for arg in argv]) == 2
    captured = capsys.readouterr()
    err_lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(err_lines) == 1, captured.err
    assert err_lines[0].startswith("aria-harness: error: ")
    assert message in err_lines[0]
    assert "Traceback" not in captured.err + captured.out

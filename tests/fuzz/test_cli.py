"""``aria-harness fuzz``: exit codes, reports, and no secret in what it prints or writes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from harness.cli import main

DEMO_KEY = "stub-demo-auth-key-7000001"


def test_fuzz_embedded_stub_is_clean_and_writes_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit, markdown = tmp_path / "fuzz.xml", tmp_path / "fuzz.md"
    code = main(
        [
            "fuzz",
            "--method",
            "get_virtual_datetime_m",
            "--max-examples",
            "5",
            "--seed",
            "1",
            "--report-junit",
            str(junit),
            "--report-markdown",
            str(markdown),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "get_virtual_datetime_m" in out and "clean" in out
    assert '<testcase classname="aria" name="get_virtual_datetime_m"' in junit.read_text()
    assert "| get_virtual_datetime_m |" in markdown.read_text()


def test_failures_exit_1_and_print_a_masked_reproduction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.stub import Stub

    stub = Stub()
    stub.faults.add(method="get_virtual_datetime_m", kind="error_code", code=4242, message="odd")
    monkeypatch.setattr("harness.stub.Stub", lambda *a, **k: stub)
    markdown = tmp_path / "fuzz.md"
    code = main(
        [
            "fuzz",
            "--method",
            "get_virtual_datetime_m",
            "--max-examples",
            "5",
            "--seed",
            "9",
            "--report-markdown",
            str(markdown),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "aria_documented_error_code failed" in out
    assert "--seed 9" in out and '"auth_key": "ARIA_AUTH_KEY"' in out
    assert DEMO_KEY not in out and DEMO_KEY not in markdown.read_text()


@pytest.mark.parametrize(
    "argv",
    [
        ["fuzz", "--method", "no_such_method"],
        ["fuzz", "--mode", "sideways"],
        ["fuzz", "--max-examples", "0"],
    ],
    ids=["unknown-method", "bad-mode", "zero-examples"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("aria-harness: error:")


def test_base_url_needs_credentials_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ARIA_CLIENT_NO", raising=False)
    monkeypatch.delenv("ARIA_AUTH_KEY", raising=False)
    assert main(["fuzz", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "ARIA_AUTH_KEY" in capsys.readouterr().err


def test_unreachable_base_url_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIA_CLIENT_NO", "7000001")
    monkeypatch.setenv("ARIA_AUTH_KEY", "secret-from-env")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["fuzz", "--base-url", f"http://127.0.0.1:{port}"]) == 3

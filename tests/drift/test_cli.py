from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from tests.drift.fakes import AUTH_KEY, CLIENT_NO, FakeAria, Reply, recorded, write_cassette

OK = {"error_code": 0, "error_msg": "OK", "virtual_date": "2026-01-01"}


@pytest.fixture
def sandbox_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIA_CLIENT_NO", CLIENT_NO)
    monkeypatch.setenv("ARIA_AUTH_KEY", AUTH_KEY)
    monkeypatch.delenv("ARIA_BASE_URL", raising=False)


@pytest.fixture
def cassettes(tmp_path: Path) -> Path:
    write_cassette(tmp_path / "c" / "one.yaml", [recorded("get_virtual_datetime_m", OK)])
    return tmp_path / "c"


def run(*args: str) -> int:
    return main(["drift", *args])


@pytest.mark.usefixtures("sandbox_env")
@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply(dict(OK, virtual_date="2026-05-05")), 0),
        (Reply({"error_code": 0, "error_msg": "OK", "virtual_date": 20260101}), 1),
        (Reply("Service Unavailable", status=503, content_type="text/plain"), 3),
    ],
    ids=["pass", "drift", "unavailable"],
)
def test_exit_codes_follow_the_verdicts(
    fake_aria: FakeAria, cassettes: Path, tmp_path: Path, reply: Reply, code: int
) -> None:
    fake_aria.responder = lambda method, params: reply
    report = tmp_path / "out" / "drift.json"
    argv = ["--cassettes", str(cassettes), "--base-url", fake_aria.url, "--retries", "0"]
    assert run(*argv, "--report-json", str(report)) == code
    assert json.loads(report.read_text())["exit_code"] == code
    # the credentials came from the environment, not the command line
    (_, params, _) = fake_aria.calls[0]
    assert params["auth_key"] == AUTH_KEY


@pytest.mark.usefixtures("sandbox_env")
def test_base_url_is_read_from_the_environment(
    fake_aria: FakeAria, cassettes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_aria.responder = lambda method, params: Reply(OK)
    monkeypatch.setenv("ARIA_BASE_URL", fake_aria.url)
    assert run("--cassettes", str(cassettes)) == 0
    assert len(fake_aria.calls) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["--deadline", "0"],
        ["--timeout", "-1"],
        ["--cassettes", "/nonexistent/cassettes"],
        ["--retries", "many"],
    ],
    ids=["zero-deadline", "negative-timeout", "missing-folder", "bad-retries"],
)
def test_bad_options_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("aria-harness: error:") and "Traceback" not in err


def test_missing_credentials_are_a_one_line_usage_error(
    cassettes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("ARIA_CLIENT_NO", "ARIA_AUTH_KEY", "ARIA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert run("--cassettes", str(cassettes), "--base-url", "http://127.0.0.1:9") == 2
    err = capsys.readouterr().err.strip()
    assert "ARIA_CLIENT_NO and ARIA_AUTH_KEY" in err and len(err.splitlines()) == 1


def test_a_malformed_cassette_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sandbox_env: Any
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("interactions: [")
    assert run("--cassettes", str(bad), "--base-url", "http://127.0.0.1:9") == 2
    assert "bad.yaml" in capsys.readouterr().err


@pytest.mark.usefixtures("sandbox_env")
def test_a_drift_seen_in_several_cassettes_is_printed_once_with_its_count(
    fake_aria: FakeAria, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("two.yaml", "three.yaml"):
        write_cassette(cassettes / name, [recorded("get_virtual_datetime_m", OK)])
    renamed = {"error_code": 0, "error_msg": "OK", "virtual_day": "2026-01-01"}
    fake_aria.responder = lambda method, params: Reply(renamed)
    assert run("--cassettes", str(cassettes), "--base-url", fake_aria.url) == 1
    out = capsys.readouterr().out
    removed = [line for line in out.splitlines() if "field_removed at /virtual_date" in line]
    assert len(removed) == 1 and "(and 2 more alike)" in removed[0]
    assert "difference(s) between tonight's answers and the description" in out
    assert f"against {fake_aria.url} (target): 0 PASS, 3 DRIFT" in out

"""Fuzz reports (stdout, JUnit, Markdown) pass every line through the recorder's masker."""

from __future__ import annotations

import io

from harness.fuzz.report import mask, render_summary, write_junit, write_markdown
from harness.fuzz.result import FailureRecord, FuzzResult, MethodStats
from tests.recording.test_secrets import LIVE

EMAIL = "marguerite@example.org"
KEY = "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6"


def _result() -> FuzzResult:
    record = FailureRecord(
        method="update_acct_complete_m",
        check="aria_documented_error_code",
        message=f"undocumented error_code 9999: card {LIVE} of {EMAIL} refused",
        seed=7,
        request=mask({"rest_call": "update_acct_complete_m", "cc_number": LIVE, "auth_key": KEY}),
        response=f"HTTP 500 <html><body><td>{LIVE}</td> auth_key={KEY}</body></html>",
    )
    result = FuzzResult(exit_code=1, target="http://127.0.0.1:9/", seed=7)
    result.methods["update_acct_complete_m"] = MethodStats(cases=1)
    result.failures.append(record)
    result.errors.append(f"server said {EMAIL}")
    result.skipped["get_acct_details_all_m"] = f"echoed {LIVE}"
    return result


def test_every_report_masks_echoed_cards_keys_and_emails(tmp_path):
    out = io.StringIO()
    render_summary(_result(), out)
    write_junit(_result(), tmp_path / "fuzz.xml")
    write_markdown(_result(), tmp_path / "fuzz.md")
    for text in (
        out.getvalue(),
        (tmp_path / "fuzz.xml").read_text(),
        (tmp_path / "fuzz.md").read_text(),
    ):
        assert "update_acct_complete_m" in text
        for value in (LIVE, EMAIL, KEY):
            assert value not in text, value


def test_mask_uses_the_recorder_placeholders():
    assert mask({"auth_key": KEY, "acct": [{"cvv": "123"}]}) == {
        "auth_key": "ARIA_AUTH_KEY",
        "acct": [{"cvv": "ARIA_REDACTED"}],
    }


def test_reports_hunt_the_runs_credentials_echoed_bare(tmp_path, mini_aria):
    from harness.fuzz import run_fuzz
    from tests.fuzz.conftest import AUTH_KEY, CLIENT_NO, fuzz_config

    mini_aria.faults["echo_credentials"] = "gen_rb_m"
    result = run_fuzz(fuzz_config(mini_aria, methods=["gen_rb_m"], max_examples=5))
    assert any(record.check == "aria_error_msg_ok" for record in result.failures)
    out = io.StringIO()
    render_summary(result, out)
    write_junit(result, tmp_path / "fuzz.xml")
    write_markdown(result, tmp_path / "fuzz.md")
    for text in (
        out.getvalue(),
        (tmp_path / "fuzz.xml").read_text(),
        (tmp_path / "fuzz.md").read_text(),
    ):
        assert "aria_error_msg_ok" in text
        for value in (str(CLIENT_NO), AUTH_KEY):
            assert value not in text, value

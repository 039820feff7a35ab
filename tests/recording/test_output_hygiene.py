"""What pytest prints and writes to JUnit XML holds no secret when a recording or a call fails."""

from __future__ import annotations

import json

import harness.recording.config  # noqa: F401 - loaded once for the in-process pytester runs
import harness.recording.persist  # noqa: F401
from tests.recording.test_attacks import SECRETS
from tests.recording.test_secrets import LIVE

LIVE_KEY = "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6"
SENT = {**SECRETS, "auth_key": LIVE_KEY, "bank_acct_num": "lowercase-acct-77"}

CONSUMER = """
import json, os, requests
from harness.errors import AriaError
from harness.recording import use_cassette

URL = os.environ["FAKE_URL"]
SENT = json.loads(os.environ["SENT"])

def test_refused_save(tmp_path):
    with use_cassette(tmp_path / "c.yaml", record_mode="once"):
        requests.post(URL, json={**SENT, "rest_call": "refuse"}, timeout=10)

def test_aria_error_with_an_echo():
    answer = requests.post(URL, json={**SENT, "rest_call": "echo_m"}, timeout=10).json()
    raise AriaError("update_acct_complete_m", code=1016, message=answer["error_msg"], sent=SENT)
"""


def test_failing_recordings_and_calls_print_no_secret(pytester, fake_aria, monkeypatch):
    echo = f"card {LIVE} of {SENT['bill_email']} key {LIVE_KEY} acct {SENT['bank_acct_num']}"

    def hostile(params):
        body = json.dumps({"error_code": 1016, "error_msg": echo, "echo": params}).encode()
        if params.get("rest_call") == "refuse":  # a lying body: the refusal must not quote it
            body = b"\x1f\x8b" + body
        return "200 OK", [("Content-Type", "application/json")], body

    fake_aria.app.hostile = hostile
    monkeypatch.setenv("FAKE_URL", fake_aria.url + "/api/ws/api_ws_class_dispatcher.php")
    monkeypatch.setenv("SENT", json.dumps(SENT))
    pytester.makepyfile(test_consumer=CONSUMER)
    xml = pytester.path / "junit.xml"
    run = pytester.runpytest("-p", "no:cacheprovider", "--tb=long", f"--junitxml={xml}")
    run.assert_outcomes(failed=2)
    output = run.stdout.str() + run.stderr.str()
    assert "not written" in output and "failed with error_code 1016" in output
    published = output + xml.read_text(encoding="utf-8")
    for value in (LIVE, SENT["bill_email"], LIVE_KEY, SENT["bank_acct_num"], SENT["password"]):
        assert value not in published, value

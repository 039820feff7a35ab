"""What pytest prints and writes to JUnit XML holds no secret when a recording or a call fails."""

from __future__ import annotations

import json

import pytest

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


CALLER = """
import json, os
import pytest
import requests
from harness import AriaClient
from harness.intercept import intercept

URL = os.environ["FAKE_URL"]
SENT = json.loads(os.environ["SENT"])
CREDENTIALS = json.loads(os.environ["CREDENTIALS"])

def test_client_error():
    client = AriaClient(URL, encoding="form", **CREDENTIALS)
    client.call("get_acct_notes_m", raise_on_error=True, account_no=1, **SENT)

def test_client_violation():
    AriaClient(URL, **CREDENTIALS).call("get_virtual_datetime_m", violate="1", **SENT)

def test_intercepted_violation(monkeypatch):
    monkeypatch.setenv("ARIA_CLIENT_NO", str(CREDENTIALS["client_no"]))
    monkeypatch.setenv("ARIA_AUTH_KEY", CREDENTIALS["auth_key"])
    with intercept(target="live", base_url=URL):
        requests.post(URL + "/api/ws/api_ws_class_dispatcher.php", timeout=10,
                      data={"rest_call": "get_virtual_datetime_m", "violate": "1",
                            **CREDENTIALS, **SENT})
"""


def test_a_failing_call_prints_neither_its_params_nor_their_echo(pytester, fake_aria):
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    sent = {"bill_first_name": "Jolantha", "password": "hunter2-S3cr3t!", "cvv": "8841"}

    def hostile(params):
        echo = " ".join(str(params.get(name)) for name in (*sent, "auth_key"))
        code = 0 if params.get("violate") else 1016  # 0 with an echo breaks the contract
        body = json.dumps({"error_code": code, "error_msg": f"bad {echo}"}).encode()
        return "200 OK", [("Content-Type", "application/json")], body

    fake_aria.app.hostile = hostile
    pytester.makepyfile(test_caller=CALLER)
    xml = pytester.path / "junit.xml"
    env = {
        "FAKE_URL": fake_aria.url,
        "SENT": json.dumps(sent),
        "CREDENTIALS": json.dumps({"client_no": CLIENT_NO, "auth_key": AUTH_KEY}),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        run = pytester.runpytest("-p", "no:cacheprovider", "--tb=long", f"--junitxml={xml}")
    run.assert_outcomes(failed=3)
    output = run.stdout.str() + run.stderr.str()
    assert "AriaError" in output and "ContractViolation" in output
    published = output + xml.read_text(encoding="utf-8")
    for value in (*sent.values(), AUTH_KEY):
        assert value not in published, value

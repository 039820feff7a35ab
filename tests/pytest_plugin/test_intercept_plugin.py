"""The plugin's interception, as a consumer uses it: own-code calls on every target."""

from __future__ import annotations

import json
import re

import pytest

import harness.recording.config  # noqa: F401  (one copy of vcrpy's loaders per session)
import harness.recording.persist  # noqa: F401
from tests.intercept.conftest import sandbox
from tests.recording.fake_aria import AUTH_KEY, FakeServer

__all__ = ["sandbox"]

APP = """
import json
import requests

from harness.spec import DISPATCHER_PATH


class Billing:
    # the consumer's own integration: requests, form bodies, swallows errors and logs them
    def __init__(self, base_url, client_no, auth_key):
        self.url = base_url.rstrip("/") + DISPATCHER_PATH
        self.credentials = {"client_no": int(client_no), "auth_key": auth_key}
        self.errors = []

    def call(self, method, **params):
        try:
            response = requests.post(
                self.url, data={"rest_call": method, **self.credentials, **params}, timeout=5
            )
            return response.json()
        except Exception as exc:
            self.errors.append(exc)
            return None
"""

TESTS = """
import pytest
from app import Billing

@pytest.fixture
def billing(aria_target):
    return Billing(aria_target.base_url, aria_target.client_no, aria_target.auth_key)

def test_clock(billing):
    assert billing.call("get_virtual_datetime_m")["error_code"] == 0

def test_invoice(billing):
    answer = billing.call("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)
    assert answer is None and "refused gen_invoice_m" in str(billing.errors[0])
"""


@pytest.fixture
def consumer(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(app=APP, test_app=TESTS)
    return pytester


def test_live_target_refuses_own_invoice_call_and_the_sandbox_receives_nothing(
    consumer: pytest.Pytester, sandbox: FakeServer
) -> None:
    run = consumer.runpytest_subprocess("-p", "no:cacheprovider", "--aria-target=live")
    received = [call["rest_call"] for call in sandbox.app.received]
    run.assert_outcomes(passed=2)
    assert received == ["get_virtual_datetime_m"]
    run.stdout.fnmatch_lines(
        [
            "*test_clock: 1 Aria calls, 0 invoices generated, 0 contract violations*",
            "*test_invoice: 1 Aria calls, 0 invoices generated, 0 contract violations,"
            " 0 unchecked (undescribed methods), 1 refused",
        ]
    )


def test_record_then_replay_with_a_planted_break_fails_at_teardown(
    consumer: pytest.Pytester, sandbox: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = consumer.runpytest_subprocess("-p", "no:cacheprovider", "--aria-target=record")
    run.assert_outcomes(passed=2)
    cassette = consumer.path / "cassettes" / "test_app" / "test_clock.json"
    assert cassette.is_file() and AUTH_KEY not in cassette.read_text()
    assert not (consumer.path / "cassettes" / "test_app" / "test_invoice.json").exists()
    monkeypatch.delenv("ARIA_BASE_URL")
    replay = consumer.runpytest_subprocess(
        "-p", "no:cacheprovider", "--aria-target=cassette", "-k", "clock"
    )
    replay.assert_outcomes(passed=1)
    data = json.loads(cassette.read_text())
    data["interactions"][0]["response"]["body"]["string"] = (
        '{"error_code": 0, "error_msg": "Success"}'
    )
    cassette.write_text(json.dumps(data, indent=2))
    broken = consumer.runpytest_subprocess(
        "-p", "no:cacheprovider", "--aria-target=cassette", "-k", "clock"
    )
    broken.assert_outcomes(passed=1, errors=1)
    broken.stdout.fnmatch_lines(["*get_virtual_datetime_m /error_msg*expected*actual*"])
    counted = re.search(
        r"test_clock: 1 Aria calls, 0 invoices generated, (\d+) contract", broken.stdout.str()
    )
    assert counted is not None and int(counted.group(1)) >= 1


def test_marker_and_ini_turn_interception_on_and_the_stub_answers_any_host(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\naria_intercept = true\n")
    pytester.makepyfile(
        """
        import httpx, pytest

        URL = "https://secure.future.ariasystems.net/api/ws/api_ws_class_dispatcher.php"

        def test_ini():
            body = {"rest_call": "get_virtual_datetime_m", "client_no": 1, "auth_key": "prod"}
            assert httpx.post(URL, json=body).json()["error_code"] == 0

        @pytest.mark.aria(strict_credentials=True)
        def test_strict():
            body = {"rest_call": "get_virtual_datetime_m", "client_no": 1, "auth_key": "prod"}
            assert httpx.post(URL, json=body).json()["error_code"] == 1004
        """
    )
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    run.assert_outcomes(passed=2)
    run.stdout.fnmatch_lines(["*test_ini: 1 Aria calls*", "*test_strict: 1 Aria calls*"])


def test_recording_without_credentials_stops_in_one_line_and_writes_nothing(
    consumer: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIA_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("ARIA_CLIENT_NO", raising=False)
    monkeypatch.delenv("ARIA_AUTH_KEY", raising=False)
    run = consumer.runpytest_subprocess("-p", "no:cacheprovider", "--aria-target=record")
    assert run.ret != 0
    run.stderr.fnmatch_lines(["*set ARIA_CLIENT_NO and ARIA_AUTH_KEY*"])
    assert not (consumer.path / "cassettes").exists()


def test_header_masks_a_password_in_the_target_url(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass")
    run = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--aria-base-url=https://user:hunter2@sandbox.example"
    )
    assert "hunter2" not in run.stdout.str()
    run.stdout.fnmatch_lines(["aria-harness: target=https://sandbox.example,*"])


def test_aria_client_recording_only_credential_errors_writes_no_cassette(
    pytester: pytest.Pytester, sandbox: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIA_AUTH_KEY", "not-the-sandbox-key")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aria_cassette
        def test_clock(aria_client):
            assert aria_client.call("get_virtual_datetime_m")["error_code"] == 1004
        """
    )
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--aria-record-mode=once")
    run.assert_outcomes(passed=1, errors=1)
    run.stdout.fnmatch_lines(["*not written: every recorded answer is a credential error*"])
    assert not (pytester.path / "cassettes").exists()


def test_header_shows_the_target_url_without_query_or_fragment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass")
    url = "https://sandbox.example/aria?auth_key=Zq8xK2mP9vL4nR7tW3yB&client_no=7654321#token=frag-tok-31"
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--aria-base-url={url}")
    for secret in ("Zq8xK2mP9vL4nR7tW3yB", "7654321", "frag-tok-31"):
        assert secret not in run.stdout.str(), secret
    run.stdout.fnmatch_lines(["aria-harness: target=https://sandbox.example/aria,*"])

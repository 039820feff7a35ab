"""Record and live targets: the policy stops the code's own calls before any byte leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import InvoiceGuardError, RealCardError
from harness.intercept import MissingCredentialsError, intercept
from harness.spec import DISPATCHER_PATH
from tests.intercept import senders
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer

INVOICE = {
    "rest_call": "gen_invoice_m",
    "client_no": CLIENT_NO,
    "auth_key": AUTH_KEY,
    "acct_no": 1,
    "master_plan_instance_no": 2,
}
REAL_CARD = "4539578763621486"  # Luhn-valid Visa, not a published test card


def test_own_gen_invoice_m_against_a_live_target_is_refused_and_nothing_arrives(
    sender_name: str, sandbox: FakeServer
) -> None:
    with intercept(target="live") as active:
        answer = senders.ALL[sender_name](sandbox.url + DISPATCHER_PATH, dict(INVOICE))
    assert answer is None
    assert any(isinstance(exc, InvoiceGuardError) for exc in senders.swallowed_chain())
    assert sandbox.app.received == []
    assert active.ledger.summary()["refused"] == 1
    assert active.ledger.summary()["invoices"] == 0


def test_own_live_card_number_is_refused_and_nothing_arrives(
    sender_name: str, sandbox: FakeServer
) -> None:
    body = {
        "rest_call": "update_payment_method_m",
        "client_no": CLIENT_NO,
        "auth_key": AUTH_KEY,
        "acct_no": 1,
        "cc_number": REAL_CARD,
    }
    with intercept(target="live") as active:
        senders.ALL[sender_name](sandbox.url + DISPATCHER_PATH, body, form=True)
    assert any(isinstance(exc, RealCardError) for exc in senders.swallowed_chain())
    assert sandbox.app.received == []
    assert active.ledger.summary()["refused"] == 1


def test_allowed_invoicing_reaches_the_live_target_and_is_counted(
    main_sender: senders.Sender, sandbox: FakeServer
) -> None:
    with intercept(target="live", allow_invoicing=True) as active:
        answer = main_sender(sandbox.url + DISPATCHER_PATH, dict(INVOICE))
    assert answer is not None and answer["error_code"] == 0
    assert [call["rest_call"] for call in sandbox.app.received] == ["gen_invoice_m"]
    assert active.ledger.summary()["invoices"] == 1


def test_a_live_contract_break_fails_on_exit_though_the_app_swallowed_it(
    main_sender: senders.Sender, sandbox: FakeServer
) -> None:
    body = {"rest_call": "get_invoice_details_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    with pytest.raises(AssertionError, match="get_invoice_details_m /error_code"):
        with intercept(target="live") as active:
            main_sender(sandbox.url + DISPATCHER_PATH, body)
    assert active.ledger.summary()["violations"] >= 1


def test_recording_without_credentials_fails_in_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIA_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("ARIA_CLIENT_NO", raising=False)
    monkeypatch.delenv("ARIA_AUTH_KEY", raising=False)
    cassette = tmp_path / "app.yaml"
    with pytest.raises(MissingCredentialsError) as caught:
        with intercept(target="record", cassette=cassette):
            pass
    message = str(caught.value)
    assert "\n" not in message
    assert "ARIA_CLIENT_NO" in message and "ARIA_AUTH_KEY" in message
    assert not cassette.exists()


def test_a_recording_of_only_credential_errors_is_not_written(
    main_sender: senders.Sender, sandbox: FakeServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "app.yaml"
    body = {"rest_call": "get_virtual_datetime_m", "client_no": CLIENT_NO, "auth_key": "wrong"}
    with pytest.raises(Exception, match="every recorded answer is a credential error"):
        with intercept(target="record", cassette=cassette):
            main_sender(sandbox.url + DISPATCHER_PATH, body)
    assert len(sandbox.app.received) == 1
    assert not cassette.exists()


def test_live_writes_nothing_and_record_writes_scrubbed(
    main_sender: senders.Sender, sandbox: FakeServer, tmp_path: Path
) -> None:
    body = {"rest_call": "get_virtual_datetime_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    with intercept(target="live"):
        main_sender(sandbox.url + DISPATCHER_PATH, dict(body))
    assert list(tmp_path.iterdir()) == []
    cassette = tmp_path / "app.yaml"
    with intercept(target="record", cassette=cassette):
        main_sender(sandbox.url + DISPATCHER_PATH, dict(body))
    text = cassette.read_text()
    assert "get_virtual_datetime_m" in text
    assert AUTH_KEY not in text and str(CLIENT_NO) not in text


@pytest.fixture(params=sorted(senders.ALL))
def sender_name(request: pytest.FixtureRequest) -> str:
    """Every HTTP library in turn (the fake is local, so all of them run live too)."""
    return request.param


def test_a_json_body_under_another_content_type_is_still_guarded(sandbox: FakeServer) -> None:
    import requests

    url = sandbox.url + DISPATCHER_PATH
    with intercept(target="live"):
        with pytest.raises(InvoiceGuardError):
            requests.post(url, data=json.dumps(INVOICE), headers={"Content-Type": "text/plain"})
    assert sandbox.app.received == []


def test_record_mode_once_replays_an_existing_cassette_and_sends_nothing(
    sandbox: FakeServer, tmp_path: Path
) -> None:
    cassette = tmp_path / "app.yaml"
    url = sandbox.url + DISPATCHER_PATH
    body = {"rest_call": "get_virtual_datetime_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    with intercept(target="record", cassette=cassette, record_mode="once"):
        first = senders.with_requests(url, dict(body))
    sandbox.app.received.clear()
    with intercept(target="record", cassette=cassette, record_mode="once"):
        again = senders.with_requests(url, dict(body))
    assert again == first
    assert sandbox.app.received == []
    with pytest.raises(Exception, match="closest recorded call"):
        with intercept(target="record", cassette=cassette, record_mode="once"):
            senders.with_requests(url, {**body, "acct_no": 5})
    assert sandbox.app.received == []


@pytest.mark.parametrize("style", ["json", "data"])
def test_aiohttp_json_and_form_arguments_are_guarded(sandbox: FakeServer, style: str) -> None:
    import asyncio

    import aiohttp

    async def send() -> None:
        async with aiohttp.ClientSession() as session:
            await session.post(sandbox.url + DISPATCHER_PATH, **{style: dict(INVOICE)})

    with intercept(target="live") as active:
        with pytest.raises(InvoiceGuardError):
            asyncio.run(send())
    assert sandbox.app.received == []
    assert active.ledger.summary()["refused"] == 1


@pytest.mark.parametrize("target", ["live", "stub"])
def test_http_library_logs_never_show_the_credentials_in_a_query(
    target: str, sandbox: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    import httpx
    import requests

    caplog.set_level(logging.DEBUG)
    query = {
        "rest_call": "get_virtual_datetime_m",
        "client_no": CLIENT_NO,
        "auth_key": AUTH_KEY,
        "bill_first_name": "Jolantha",
    }
    with intercept(target=target, fail_on_exit=False):
        httpx.get(sandbox.url + DISPATCHER_PATH, params=query, timeout=5)
        requests.get(sandbox.url + DISPATCHER_PATH, params=query, timeout=5)
    assert any(record.name.startswith("httpx") for record in caplog.records)
    logged = caplog.text + "".join(record.getMessage() for record in caplog.records)
    for value in (AUTH_KEY, "Jolantha"):
        assert value not in logged, value

"""The stub target: the code's own calls, through any HTTP library, answered in-process."""

from __future__ import annotations

import socket

import pytest

from harness import ContractViolation, InvoiceGuardError
from harness.intercept import intercept
from tests.intercept import senders
from tests.intercept.conftest import PRODUCTION_URL

DATETIME = {"rest_call": "get_virtual_datetime_m", "client_no": 77, "auth_key": "prod-config-key"}


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every socket connection attempted, refused: the stub target needs none."""
    attempts: list[tuple] = []

    def refuse(self: socket.socket, address: tuple) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(f"test forbids connecting to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_every_library_reaches_the_stub_with_a_production_url_and_no_socket(
    any_sender: senders.Sender, no_sockets: list[tuple]
) -> None:
    with intercept() as active:
        answer = any_sender(PRODUCTION_URL, dict(DATETIME))
    assert senders.swallowed == []
    assert answer is not None and answer["error_code"] == 0 and "virtual_date" in answer
    assert no_sockets == []
    assert active.ledger.summary()["calls"] == 1


def test_form_bodies_reach_the_stub_as_aria6_parameters(any_sender: senders.Sender) -> None:
    with intercept():
        answer = any_sender(PRODUCTION_URL, dict(DATETIME), form=True)
    assert answer is not None and answer["error_code"] == 0


def test_strict_credentials_let_the_stub_answer_1004(any_sender: senders.Sender) -> None:
    with intercept(strict_credentials=True):
        answer = any_sender(PRODUCTION_URL, dict(DATETIME))
    assert answer is not None and answer["error_code"] == 1004


def test_the_stub_target_generates_invoices_and_counts_them(any_sender: senders.Sender) -> None:
    with intercept() as active:
        # the default world's ACME-GOLD-1 instance is due today: one invoice
        body = {**DATETIME, "rest_call": "gen_invoice_m", "acct_no": 1000001}
        billed = any_sender(PRODUCTION_URL, {**body, "master_plan_instance_no": 20001})
        # an account the world does not have: an error, no invoice
        refused = any_sender(PRODUCTION_URL, {**body, "acct_no": 1, "master_plan_instance_no": 1})
    assert billed is not None and billed["error_code"] == 0
    assert refused is not None and refused["error_code"] != 0
    summary = active.ledger.summary()
    assert (summary["calls"], summary["invoices"]) == (2, 1)


def test_an_undescribed_method_is_counted_unchecked(any_sender: senders.Sender) -> None:
    with intercept() as active:
        any_sender(PRODUCTION_URL, {"rest_call": "get_something_undescribed_m"})
    assert active.ledger.summary() == {
        "calls": 1,
        "invoices": 0,
        "violations": 0,
        "unchecked": 1,
        "refused": 0,
    }


def test_a_real_card_is_sent_to_the_stub_but_not_elsewhere(any_sender: senders.Sender) -> None:
    body = {"rest_call": "get_virtual_datetime_m", "cc_number": "4539578763621486"}
    with intercept() as active:
        answer = any_sender(PRODUCTION_URL, dict(body))
    assert answer is not None
    assert active.ledger.summary()["refused"] == 0


def test_an_injected_contract_break_fails_on_exit_though_the_app_swallowed_it(
    any_sender: senders.Sender,
) -> None:
    from harness.stub import Stub

    stub = Stub()
    stub.faults.add("get_virtual_datetime_m", kind="field", set={"error_msg": "Success"})
    with pytest.raises(ContractViolation, match="/error_msg"):
        with intercept(stub=stub) as active:
            any_sender(PRODUCTION_URL, dict(DATETIME))
    assert active.ledger.summary()["violations"] >= 1


def test_raise_on_violation_raises_into_the_sender(any_sender: senders.Sender) -> None:
    from harness.stub import Stub

    stub = Stub()
    stub.faults.add("get_virtual_datetime_m", kind="field", set={"error_msg": "Success"})
    with intercept(stub=stub, raise_on_violation=True, fail_on_exit=False):
        any_sender(PRODUCTION_URL, dict(DATETIME))
    assert any(isinstance(exc, ContractViolation) for exc in senders.swallowed_chain())


def test_other_hosts_pass_through_or_are_blocked_when_the_network_is_closed(
    any_sender: senders.Sender, no_sockets: list[tuple]
) -> None:
    with intercept():
        any_sender("http://127.0.0.1:9/other", {"hello": "world"})
    assert no_sockets  # passed through: it tried to connect
    no_sockets.clear()
    with pytest.raises(Exception, match="network is closed"):
        with intercept(closed_network=True):
            any_sender("http://127.0.0.1:9/other", {"hello": "world"})
    assert no_sockets == []


def test_decorator_on_sync_and_async_functions() -> None:
    import asyncio

    import httpx

    @intercept
    def sync_call() -> dict:
        return httpx.post(PRODUCTION_URL, json=DATETIME).json()

    @intercept()
    async def async_call() -> dict:
        async with httpx.AsyncClient() as client:
            return (await client.post(PRODUCTION_URL, json=DATETIME)).json()

    assert sync_call()["error_code"] == 0
    assert asyncio.run(async_call())["error_code"] == 0


def test_user_declared_patterns_are_aria_calls(any_sender: senders.Sender) -> None:
    with intercept(patterns=[r"^https://billing\.internal/aria-proxy"]) as active:
        answer = any_sender("https://billing.internal/aria-proxy", dict(DATETIME))
    assert answer is not None and answer["error_code"] == 0
    assert active.ledger.summary()["calls"] == 1


def test_the_stub_target_refuses_nothing_for_invoices() -> None:
    with intercept() as active:
        senders.with_requests(PRODUCTION_URL, {"rest_call": "gen_invoice_m", "acct_no": 1})
    assert not any(isinstance(exc, InvoiceGuardError) for exc in senders.swallowed)
    assert active.ledger.summary()["refused"] == 0


def test_injected_transport_faults_reach_the_app_as_its_server_would_send_them(
    main_sender: senders.Sender,
) -> None:
    from harness.stub import Stub

    stub = Stub()
    stub.faults.add("get_virtual_datetime_m", kind="http_status", status=503, times=1)
    with pytest.raises(ContractViolation, match="HTTP status 503"):
        with intercept(stub=stub) as active:
            assert main_sender(PRODUCTION_URL, dict(DATETIME)) is None  # not JSON: swallowed
    assert active.ledger.summary()["violations"] == 1
    stub.faults.add("get_virtual_datetime_m", kind="drop", times=1)
    with intercept(stub=stub):
        assert main_sender(PRODUCTION_URL, dict(DATETIME)) is None
    assert any(isinstance(exc, ConnectionError) for exc in senders.swallowed_chain())

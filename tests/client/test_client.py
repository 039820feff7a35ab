"""AriaClient: encodings, contract checks, errors, retries, the invoice guard, the card check."""

from __future__ import annotations

import socket

import pytest
import requests

from harness import AriaClient, AriaError, ContractViolation, InvoiceGuardError, RealCardError
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO


def test_json_call_sends_rest_call_and_credentials_and_returns_the_envelope(fake_client, fake_aria):
    answer = fake_client.call("get_virtual_datetime_m")
    assert answer["error_code"] == 0 and answer["virtual_date"] == "2026-01-01"
    sent = fake_aria.app.received[0]
    assert sent["rest_call"] == "get_virtual_datetime_m"
    assert sent["client_no"] == CLIENT_NO and sent["auth_key"] == AUTH_KEY


def test_form_encoding_sends_arrays_as_aria6_pipe_columns(fake_aria):
    client = AriaClient(
        fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, encoding="form", is_stub=True
    )
    client.call(
        "create_order_m",
        account_no=1,
        do_write=False,
        order_line_items_list=[{"client_sku": "A", "units": 1}, {"client_sku": "B", "units": 2}],
    )
    sent = fake_aria.app.received[0]
    assert sent["order_line_items_list"] == [
        {"client_sku": "A", "units": "1"},
        {"client_sku": "B", "units": "2"},
    ]


def test_contract_violation_names_method_and_pointer(fake_client):
    with pytest.raises(ContractViolation) as caught:
        fake_client.call("get_invoice_details_m", acct_no=1, src_transaction_id=1)
    assert isinstance(caught.value, AssertionError)
    assert "get_invoice_details_m" in str(caught.value) and "/error_code" in str(caught.value)
    assert fake_client.calls[-1].violations >= 1


def test_aria_errors_are_returned_unless_asked_to_raise(fake_aria):
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key="wrong", is_stub=True)
    assert client.call("get_virtual_datetime_m")["error_code"] == 1004
    with pytest.raises(AriaError) as caught:
        client.call("get_virtual_datetime_m", raise_on_error=True)
    assert caught.value.code == 1004


def test_guard_refuses_gen_invoice_m_against_a_real_target_before_sending(fake_client, fake_aria):
    with pytest.raises(InvoiceGuardError) as caught:
        fake_client.call("gen_invoice_m", acct_no=1, master_plan_instance_no=2)
    message = str(caught.value)
    assert "gen_invoice_m" in message and "billing date has passed" in message
    assert "--aria-allow-invoicing" in message and "aria_generates_invoice" in message
    assert fake_aria.app.received == []


@pytest.mark.parametrize(
    "options",
    [{"allow_invoicing": True}, {"is_stub": True}],
    ids=["allowed-by-option", "stub-is-exempt"],
)
def test_guard_lets_gen_invoice_m_through_when_allowed(fake_aria, options):
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, **options)
    assert client.call("gen_invoice_m", acct_no=1, master_plan_instance_no=2)["error_code"] == 0
    assert client.calls[-1].invoices == 1


def test_guard_lets_a_dry_run_through(fake_client, fake_aria):
    fake_client.call("create_order_m", account_no=1, do_write="false", order_line_items_list=[])
    assert fake_aria.app.received[0]["do_write"] == "false"


def test_guard_knows_invoicing_methods_outside_the_description(fake_client):
    with pytest.raises(InvoiceGuardError, match="proration charges apply"):
        fake_client.call("assign_acct_plan_m", acct_no=1)


@pytest.mark.parametrize(
    ("number", "refused"),
    [("4000 1234 5678 9017", True), ("4111111111111111", False), ("4000123456789011", False)],
    ids=["real-luhn-valid", "published-test-card", "not-luhn-valid"],
)
def test_card_check_refuses_real_card_numbers_before_sending(
    fake_client, fake_aria, number, refused
):
    params = {"account_no": 1, "do_write": False, "cc_number": number, "order_line_items_list": []}
    if refused:
        with pytest.raises(RealCardError, match="cc_number"):
            fake_client.call("create_order_m", **params)
        assert fake_aria.app.received == []
    else:
        fake_client.call("create_order_m", **params)
        assert len(fake_aria.app.received) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def post(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.attempts += 1
        return super().post(*args, **kwargs)


def test_refused_connections_are_retried_a_bounded_number_of_times(monkeypatch):
    monkeypatch.setattr("harness.client.RESEND_BACKOFF", 0.0)
    session = _CountingSession()
    client = AriaClient(f"http://127.0.0.1:{_closed_port()}", session=session, is_stub=True)
    with pytest.raises(requests.ConnectionError):
        client.call("create_order_m", account_no=1, order_line_items_list=[])
    assert session.attempts == 3


def test_a_state_changing_call_is_not_resent_after_a_read_timeout(monkeypatch):
    monkeypatch.setattr("harness.client.RESEND_BACKOFF", 0.0)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts, never answers
    try:
        session = _CountingSession()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        client = AriaClient(url, session=session, is_stub=True, timeout=0.2)
        with pytest.raises(requests.Timeout):
            client.call("create_order_m", account_no=1, order_line_items_list=[])
        assert session.attempts == 1
        reads = _CountingSession()
        reader = AriaClient(url, session=reads, is_stub=True, timeout=0.2)
        with pytest.raises(requests.Timeout):
            reader.call("get_virtual_datetime_m")
        assert reads.attempts == 3
    finally:
        listener.close()


def test_a_non_json_answer_is_a_contract_violation(fake_aria):
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, is_stub=True)
    with pytest.raises(ContractViolation, match="JSON"):
        client.call("binary_m")


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="json.*form"):
        AriaClient("http://127.0.0.1:1", encoding="xml")


def test_repr_masks_the_credentials():
    client = AriaClient("http://aria.example", client_no=1234567, auth_key="s3cr3t-key")
    text = repr(client)
    assert "1234567" not in text and "s3cr3t-key" not in text
    assert "http://aria.example" in text

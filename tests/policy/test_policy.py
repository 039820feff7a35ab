"""The call policy: send, dry run or refuse, and which failed sends may be sent again."""

from __future__ import annotations

import socket

import pytest
import requests

from harness import InvoiceGuardError, RealCardError
from harness.policy import (
    DRY_RUN_VALUE,
    Action,
    Failure,
    Target,
    decide,
    failure_of,
    may_resend,
)

SANDBOX = Target("https://sandbox.example")
STUB = Target("embedded stub", is_stub=True)
REAL_CARD = "4539578763621486"  # Luhn-valid Visa, not a published test card
INVOICE = {"acct_no": 1, "master_plan_instance_no": 2}


def test_invoice_generating_call_is_refused_against_a_sandbox_naming_the_condition() -> None:
    decision = decide("gen_invoice_m", INVOICE, SANDBOX)
    assert decision.action is Action.REFUSE
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m against https://sandbox.example"):
        decision.enforce()


def test_invoice_generating_call_is_sent_to_the_stub_and_when_allowed() -> None:
    assert decide("gen_invoice_m", INVOICE, STUB).action is Action.SEND
    allowed = Target("https://sandbox.example", allow_invoicing=True)
    assert decide("gen_invoice_m", INVOICE, allowed).action is Action.SEND


def test_a_call_that_asks_for_a_dry_run_passes_the_guard_and_is_not_state_changing() -> None:
    decision = decide("create_order_m", {"account_no": 1, "do_write": "false"}, SANDBOX)
    assert decision.action is Action.SEND
    assert decision.state_changing is False


@pytest.mark.parametrize("spelling", ["False", "0", "FALSE"])
def test_an_undocumented_dry_run_spelling_is_refused_saying_which_spelling_passes(
    spelling: str,
) -> None:
    # requests sends Python's False in a form as "False"; Aria's docs name only 'false'
    decision = decide("gen_rb_m", {"invoice_no": 9, "do_write": spelling}, SANDBOX)
    assert decision.action is Action.REFUSE
    with pytest.raises(InvoiceGuardError, match=f"do_write={spelling!r} is not .*do_write=false"):
        decision.enforce()


def test_prefer_dry_run_sets_the_methods_dry_run_field_without_touching_the_input() -> None:
    params = {"account_no": 1}
    decision = decide("create_order_m", params, SANDBOX, prefer_dry_run=True)
    assert decision.action is Action.DRY_RUN
    assert decision.dry_run_field == "do_write"
    assert decision.enforce() == {"account_no": 1, "do_write": DRY_RUN_VALUE}
    assert params == {"account_no": 1}


def test_prefer_dry_run_still_refuses_a_method_without_a_dry_run_field() -> None:
    decision = decide("gen_invoice_m", INVOICE, SANDBOX, prefer_dry_run=True)
    assert decision.action is Action.REFUSE


def test_an_unknown_write_may_invoice_so_only_unknown_reads_pass() -> None:
    refused = decide("update_something_m", {}, SANDBOX)
    assert refused.action is Action.REFUSE
    assert "not in the bundled description" in str(refused.error)
    assert decide("get_something_m", {}, SANDBOX).action is Action.SEND
    assert decide("update_something_m", {}, Target("stub", is_stub=True)).action is Action.SEND


@pytest.mark.parametrize(
    "spelling",
    [
        "GEN_INVOICE_M",
        "Gen_Invoice_M",
        "gen_invoice_m ",
        " gen_invoice_m",
        "gen_invoice_m\n",
        "gen_invoice_m\0",
        "gen_invoice_m\u200b",
        "ｇｅｎ_invoice_m",
    ],
    ids=repr,
)
def test_a_method_is_judged_by_its_name_as_aria_may_read_it(spelling: str) -> None:
    decision = decide(spelling, INVOICE, SANDBOX)
    assert decision.action is Action.REFUSE
    assert decision.method == spelling


@pytest.mark.parametrize(
    ("legacy", "params"),
    [
        ("create_order", {"bill_immediately": 1}),
        ("update_order", {"bill_immediately": 1}),
        ("assign_supp_plan", {}),
        ("update_master_plan", {}),
    ],
)
def test_a_legacy_name_is_refused_as_its_m_method_or_as_unknown(legacy: str, params) -> None:
    assert decide(legacy, params, SANDBOX).action is Action.REFUSE


def test_a_reading_that_may_invoice_refuses_the_call() -> None:
    harmless = ("get_virtual_datetime_m", {})
    assert decide(*harmless, SANDBOX).action is Action.SEND
    other = [("gen_invoice_m", INVOICE)]
    assert decide(*harmless, SANDBOX, readings=other).action is Action.REFUSE
    same = [("create_order_m", {"bill_immediately": "1"})]
    refused = decide("create_order_m", {"bill_immediately": 0}, SANDBOX, readings=same)
    assert refused.action is Action.REFUSE
    unread = decide(*harmless, SANDBOX, unread="the gzip body could not be read")
    assert "gzip body could not be read" in str(unread.error)


def test_real_card_is_refused_off_the_stub_and_test_card_passes() -> None:
    params = {"acct_no": 1, "cc_number": REAL_CARD}
    with pytest.raises(RealCardError, match="cc_number"):
        decide("update_payment_method_m", params, SANDBOX).enforce()
    test_card = {"acct_no": 1, "cc_number": "4111111111111111"}
    assert decide("update_payment_method_m", test_card, SANDBOX).action is Action.SEND
    assert decide("update_payment_method_m", params, STUB).action is Action.SEND


def test_a_dry_run_decision_still_refuses_a_real_card() -> None:
    params = {"account_no": 1, "cc_number": REAL_CARD}
    decision = decide("create_order_m", params, SANDBOX, prefer_dry_run=True)
    assert decision.action is Action.REFUSE
    assert isinstance(decision.error, RealCardError)


@pytest.mark.parametrize(
    ("failure", "state_changing", "expected"),
    [
        (Failure.NOT_CONNECTED, True, True),
        (Failure.NO_ANSWER, True, False),
        (Failure.NOT_ARIA, True, False),
        (Failure.NO_ANSWER, False, True),
        (Failure.NOT_ARIA, False, True),
    ],
)
def test_only_what_never_left_or_changes_nothing_is_sent_again(
    failure: Failure, state_changing: bool, expected: bool
) -> None:
    assert may_resend(failure, state_changing=state_changing) is expected


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_refused_connection_through_requests_is_classified_never_sent() -> None:
    with pytest.raises(requests.ConnectionError) as caught:
        requests.post(f"http://127.0.0.1:{_closed_port()}/", timeout=2)
    assert failure_of(caught.value) is Failure.NOT_CONNECTED


def test_a_read_timeout_is_classified_as_maybe_arrived() -> None:
    assert failure_of(requests.ReadTimeout("read timed out")) is Failure.NO_ANSWER
    assert failure_of(requests.ConnectTimeout("connect timed out")) is Failure.NOT_CONNECTED


@pytest.mark.parametrize("spelling", [False, "0", " FALSE", 0])
def test_prefer_dry_run_rewrites_a_lenient_spelling_to_the_documented_one(spelling: object) -> None:
    decision = decide(
        "create_order_m", {"account_no": 1, "do_write": spelling}, SANDBOX, prefer_dry_run=True
    )
    assert decision.action is Action.DRY_RUN
    assert decision.enforce()["do_write"] == DRY_RUN_VALUE


def test_the_dry_run_hint_is_given_when_a_reading_of_the_wire_refuses() -> None:
    params = {"invoice_no": 9, "do_write": "False"}
    decision = decide("gen_rb_m", params, SANDBOX, readings=[("gen_rb_m", params)])
    with pytest.raises(InvoiceGuardError, match="only do_write=false"):
        decision.enforce()

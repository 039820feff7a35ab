"""Refunds of payments, with and without invoice line reversals."""

from __future__ import annotations

import pytest

ACME = 1000001
GLOBEX = 1000002


@pytest.fixture
def paid(ok):
    """A billed order paid at once by ACME's card (the create_order_m answer)."""
    order = ok(
        "create_order_m",
        account_no=ACME,
        bill_immediately=1,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 2}],
    )
    assert order["transaction_id"] is not None
    return order


def _reversing(paid, amount=None) -> list[dict]:
    """invoice_trans_to_reverse for line 1 of the paid order's invoice."""
    item = {"invoice_no": paid["invoice_no"], "invoice_line_no": 1}
    if amount is not None:
        item["invoice_line_reversing_amount"] = amount
    return [item]


def _balance(ok) -> float:
    return float(ok("get_acct_balance_m", acct_no=ACME)["acct_balance"])


def _invoice_rows(service) -> list[dict]:
    return service.dump_state()["tables"]["invoices"]


def test_refund_without_reversal_generates_no_invoice(ok, paid, service):
    assert _balance(ok) == 0
    answer = ok(
        "issue_refund_to_acct_m",
        acct_no=ACME,
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        total_refund_amount=10,
    )
    assert answer["applied_total_refund_amount"] == 10
    assert answer["applied_total_reversal_amount"] == 0
    assert answer["reversed_invoice_transactions"] == []
    assert len(_invoice_rows(service)) == 1
    # the money went back: the account owes it again
    assert _balance(ok) == 10


def test_refund_with_reversal_creates_a_credit_invoice(ok, paid, service):
    answer = ok(
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        auto_calc_refund="true",
        invoice_trans_to_reverse=_reversing(paid, 4),
    )
    assert answer["applied_total_refund_amount"] == 4 == answer["applied_total_reversal_amount"]
    reversed_line = answer["reversed_invoice_transactions"][0]
    assert (
        reversed_line["invoice_no"] == paid["invoice_no"] and reversed_line["reversed_amount"] == 4
    )
    credit = [row for row in _invoice_rows(service) if row["kind"] == "reversal"]
    assert len(credit) == 1 and credit[0]["orig_invoice_no"] == paid["invoice_no"]
    assert float(credit[0]["total"]) == -4
    shown = ok("get_invoice_details_m", invoice_no=credit[0]["invoice_no"])
    assert shown["invoice_type_cd"] == "C"
    # refund and reversal cancel out on the balance
    assert _balance(ok) == 0


def test_reversal_defaults_to_the_whole_open_line(ok, paid):
    line_amount = paid["invoice_line_items_list"][0]["line_amount"]
    answer = ok(
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        auto_calc_refund="true",
        invoice_trans_to_reverse=_reversing(paid),
    )
    assert answer["applied_total_reversal_amount"] == line_amount


def test_refund_details_show_the_refund_and_its_reversals(ok, paid):
    out = ok(
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=3,
        total_refund_amount=5,
        refund_check_number="CHK-1",
        invoice_trans_to_reverse=_reversing(paid, 5),
    )
    details = ok("get_refund_details_m", acct_no=ACME)["refund_details"]
    assert len(details) == 1
    refund = details[0]
    assert refund["refund_transaction_id"] == out["out_transaction_id"]
    assert refund["ref_payment_transaction_id"] == paid["transaction_id"]
    assert refund["refund_amount"] == 5 and refund["reason_code"] == 3
    assert refund["refund_check_num"] == "CHK-1" and refund["payment_src_suffix"] == "1111"
    assert refund["invoice_reversals"][0]["reversed_line_amount"] == 5
    only = ok("get_refund_details_m", acct_no=ACME, aria_event_no=out["out_transaction_id"])
    assert len(only["refund_details"]) == 1
    assert ok("get_refund_details_m", acct_no=ACME, aria_event_no=1)["refund_details"] == []


def test_dry_run_refund_writes_nothing(ok, paid, service):
    count = service.change_count()
    answer = ok(
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        do_write="false",
        auto_calc_refund="true",
        invoice_trans_to_reverse=_reversing(paid),
    )
    assert answer["out_transaction_id"] is None and answer["applied_total_refund_amount"] > 0
    assert service.change_count() == count


def test_refund_beyond_the_payment_is_refused(ok, err, paid):
    total = paid["total_charges_after_tax"]
    ok(
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        total_refund_amount=total - 1,
    )
    answer = err(
        1016,
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        total_refund_amount=1.01,
    )
    assert "1.00" in answer["error_msg"]


def test_refund_amount_is_required_without_auto_calc(err, paid):
    answer = err(
        1010, "issue_refund_to_acct_m", payment_transaction_id=paid["transaction_id"], reason_code=1
    )
    assert answer["error_msg"] == "Missing required parameter: total_refund_amount"


def test_unknown_or_foreign_payment_is_not_found(err, paid):
    err(
        1002,
        "issue_refund_to_acct_m",
        payment_transaction_id=1,
        reason_code=1,
        total_refund_amount=1,
    )
    err(
        1002,
        "issue_refund_to_acct_m",
        acct_no=GLOBEX,
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        total_refund_amount=1,
    )


def test_reversal_beyond_the_line_is_refused(err, paid):
    line_amount = paid["invoice_line_items_list"][0]["line_amount"]
    err(
        1016,
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        auto_calc_refund="true",
        invoice_trans_to_reverse=_reversing(paid, line_amount + 0.01),
    )


def test_unlinked_refund_is_answered_clearly(err, paid):
    answer = err(
        1016,
        "issue_refund_to_acct_m",
        payment_transaction_id=paid["transaction_id"],
        reason_code=1,
        total_refund_amount=1,
        is_unlinked_refund="true",
    )
    assert "not simulated" in answer["error_msg"]

"""Write-offs and dispute holds: creation, settlement, the account's list, balances."""

from __future__ import annotations

from datetime import date

import pytest

from harness.stub.methods.disputes import DISPUTE_DAYS

ACME = 1000001
GLOBEX = 1000002
_REQUEST = {"reason_code": 1, "comments": "x"}


def _balance(ok) -> float:
    return float(ok("get_acct_balance_m", acct_no=ACME)["acct_balance"])


@pytest.fixture
def invoice(ok):
    return ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)["out_invoices_list"][0]


def _writeoff(ok, invoice, **params):
    return ok(
        "create_writeoff_or_dispute_m",
        acct_no=ACME,
        invoice_no=invoice["invoice_no"],
        reason_code=2,
        comments="uncollectable",
        **params,
    )["writeoff_transactions"]


def test_full_writeoff_clears_the_invoice(ok, invoice, service):
    lines = _writeoff(ok, invoice)
    assert sum(line["amount"] for line in lines) == pytest.approx(invoice["invoice_total_amount"])
    assert {line["dispute_ind"] for line in lines} == {0}
    assert all(line["dispute_creation_date"] is None for line in lines)
    assert _balance(ok) == 0
    assert len(service.dump_state()["tables"]["invoices"]) == 1


def test_partial_writeoff_covers_only_what_is_open(ok, invoice, service):
    ok(
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="credit first",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 10}],
    )
    lines = _writeoff(ok, invoice)
    assert sum(line["amount"] for line in lines) == pytest.approx(
        invoice["invoice_total_amount"] - 10
    )
    # the first line had 10 credited already: its adjustment line is the rest
    first = invoice["invoice_items"][0]["line_amount"]
    assert lines[0]["original_amount"] == first and lines[0]["amount"] == pytest.approx(first - 10)
    # an invoice reference (the adjustment lines), not a new invoice
    assert len(service.dump_state()["tables"]["invoices"]) == 1
    assert _balance(ok) == 0


def test_nothing_open_is_refused(ok, err, invoice):
    _writeoff(ok, invoice)
    answer = err(
        1016,
        "create_writeoff_or_dispute_m",
        invoice_no=invoice["invoice_no"],
        reason_code=2,
        comments="again",
    )
    assert "no open balance" in answer["error_msg"]


def test_writeoff_of_another_accounts_invoice_is_not_found(err, invoice):
    err(
        1002,
        "create_writeoff_or_dispute_m",
        acct_no=GLOBEX,
        invoice_no=invoice["invoice_no"],
        reason_code=2,
        comments="x",
    )


def test_dispute_holds_without_changing_the_balance(ok, err, invoice):
    before = _balance(ok)
    lines = _writeoff(ok, invoice, do_dispute=1)
    assert {line["dispute_ind"] for line in lines} == {1}
    assert lines[0]["dispute_expiry_date"] > lines[0]["dispute_creation_date"]
    assert _balance(ok) == before
    # the held amount is out of reach of a write-off and of a credit memo
    err(1016, "create_writeoff_or_dispute_m", **_REQUEST, invoice_no=invoice["invoice_no"])
    err(
        1016,
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="x",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 1}],
    )


def _dispute_no(ok) -> int:
    info = ok("get_acct_writeoff_or_disputes_m", acct_no=ACME, dispute_or_writeoff_flag=2)
    return info["writeoff_dispute_info"][0]["rec_no"]


def test_settle_by_writeoff_takes_the_amount_off(ok, invoice):
    _writeoff(ok, invoice, do_dispute=1)
    settled = ok(
        "settle_dispute_hold_m", acct_no=ACME, dispute_no=_dispute_no(ok), settlement_action=1
    )
    assert settled["amount"] == pytest.approx(invoice["invoice_total_amount"])
    assert settled["invoice_no"] == invoice["invoice_no"] and settled["dispute_ind"] == 1
    assert _balance(ok) == 0


def test_settle_by_release_leaves_the_amount_due(ok, invoice, service):
    before = _balance(ok)
    _writeoff(ok, invoice, do_dispute=1)
    ok("settle_dispute_hold_m", acct_no=ACME, dispute_no=_dispute_no(ok), settlement_action=2)
    assert _balance(ok) == before
    # released: the invoice can be written off again, and no invoice was generated
    _writeoff(ok, invoice)
    assert len(service.dump_state()["tables"]["invoices"]) == 1


def test_settling_twice_or_unknown_disputes_is_refused(ok, err, invoice):
    _writeoff(ok, invoice, do_dispute=1)
    number = _dispute_no(ok)
    ok("settle_dispute_hold_m", acct_no=ACME, dispute_no=number, settlement_action=1)
    err(1016, "settle_dispute_hold_m", acct_no=ACME, dispute_no=number, settlement_action=1)
    err(1002, "settle_dispute_hold_m", acct_no=ACME, dispute_no=1, settlement_action=1)
    err(1002, "settle_dispute_hold_m", acct_no=GLOBEX, dispute_no=number, settlement_action=1)
    err(1016, "settle_dispute_hold_m", acct_no=ACME, dispute_no=number, settlement_action=9)


def test_account_list_filters_and_details(ok, invoice):
    ok(
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="c",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 1}],
    )
    _writeoff(ok, invoice, do_dispute=1)
    ok("settle_dispute_hold_m", acct_no=ACME, dispute_no=_dispute_no(ok), settlement_action=2)
    _writeoff(ok, invoice)
    both = ok("get_acct_writeoff_or_disputes_m", acct_no=ACME, details_flag=1)[
        "writeoff_dispute_info"
    ]
    assert [row["dispute_ind"] for row in both] == [1, 0]
    assert both[1]["writeoff_detail"][0]["invoice_no"] == invoice["invoice_no"]
    assert sum(
        d["writeoff_transaction_amount"] for d in both[1]["writeoff_detail"]
    ) == pytest.approx(both[1]["amount"])
    writeoffs = ok("get_acct_writeoff_or_disputes_m", acct_no=ACME, dispute_or_writeoff_flag=1)
    assert [row["dispute_ind"] for row in writeoffs["writeoff_dispute_info"]] == [0]
    assert writeoffs["writeoff_dispute_info"][0]["writeoff_detail"] is None
    other_plan = ok("get_acct_writeoff_or_disputes_m", acct_no=ACME, master_plan_instance_no=20002)
    assert other_plan["writeoff_dispute_info"] == []


def test_dispute_expiry_is_documented_days_after_creation(ok, invoice):
    line = _writeoff(ok, invoice, do_dispute=1)[0]
    gap = date.fromisoformat(line["dispute_expiry_date"]) - date.fromisoformat(
        line["dispute_creation_date"]
    )
    assert gap.days == DISPUTE_DAYS


def test_bad_writeoff_date_is_refused(err, invoice):
    err(
        1016,
        "create_writeoff_or_dispute_m",
        **_REQUEST,
        invoice_no=invoice["invoice_no"],
        writeoff_date="yesterday",
    )

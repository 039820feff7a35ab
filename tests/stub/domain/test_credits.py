"""Credit memos (create, apply, unapply, details), credit reference lines and the balance."""

from __future__ import annotations

import pytest

ACME = 1000001
GLOBEX = 1000002


def _invoices(service) -> list[dict]:
    return service.dump_state()["tables"]["invoices"]


def _balance(ok, acct_no: int = ACME) -> float:
    return float(ok("get_acct_balance_m", acct_no=acct_no)["acct_balance"])


@pytest.fixture
def invoice(ok):
    """An unpaid invoice of ACME's Gold plan instance (recurring lines and a tax line)."""
    answer = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    return answer["out_invoices_list"][0]


@pytest.fixture
def general_memo(ok):
    return ok(
        "create_cm_m",
        acct_no=ACME,
        credit_ref_type=1,
        cm_comments="goodwill",
        cm_line_items=[{"cm_line_amount": 10}],
    )


def test_invoice_based_memo_credits_the_line_and_references_the_invoice(ok, invoice, service):
    before = _balance(ok)
    line = invoice["invoice_items"][0]
    memo = ok(
        "create_cm_m",
        acct_no=ACME,
        orig_invoice_no=invoice["invoice_no"],
        cm_reason_cd=3,
        cm_comments="partial credit",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 5.5}],
    )
    assert memo["cm_total"] == 5.5 and memo["cm_no"] is not None
    detail = memo["cm_details"][0]
    assert detail["applied_invoice_no"] == invoice["invoice_no"]
    assert detail["applied_invoice_line_no"] == 1
    assert detail["service_no_out"] == line["service_no"]
    assert _balance(ok) == pytest.approx(before - 5.5)
    shown = ok("get_cm_details_m", acct_no=ACME, cm_no=memo["cm_no"])
    assert shown["orig_invoice_no"] == invoice["invoice_no"]
    assert [
        (d["cm_applied_invoice_no"], d["cm_applied_amount"]) for d in shown["cm_applied_details"]
    ] == [(invoice["invoice_no"], 5.5)]
    # an invoice reference, not a new invoice
    assert len(_invoices(service)) == 1


def test_full_credit_of_a_line_then_nothing_more_on_it(ok, err, invoice):
    amount = invoice["invoice_items"][0]["line_amount"]
    ok(
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="full",
        cm_line_items=[{"line_no": 1, "cm_line_amount": amount}],
    )
    refused = err(
        1016,
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="again",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 0.01}],
    )
    assert "line 1" in refused["error_msg"]


def test_invoice_based_memo_needs_an_invoice(err):
    answer = err(
        1010, "create_cm_m", acct_no=ACME, cm_comments="x", cm_line_items=[{"cm_line_amount": 1}]
    )
    assert answer["error_msg"] == "Missing required parameter: orig_invoice_no"


def test_memo_on_another_accounts_invoice_is_not_found(err, invoice):
    err(
        1002,
        "create_cm_m",
        acct_no=GLOBEX,
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="x",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 1}],
    )


def test_dry_run_memo_writes_nothing(ok, invoice, service):
    count = service.change_count()
    answer = ok(
        "create_cm_m",
        orig_invoice_no=invoice["invoice_no"],
        cm_comments="what if",
        do_write="false",
        cm_line_items=[{"line_no": 1, "cm_line_amount": 2}],
    )
    assert answer["cm_no"] is None and answer["cm_total"] == 2
    assert service.change_count() == count


def test_general_memo_is_unapplied_and_lowers_the_balance(ok, general_memo, service):
    assert general_memo["cm_details"][0]["applied_invoice_no"] is None
    shown = ok("get_cm_details_m", cm_no=general_memo["cm_no"])
    assert shown["cm_applied_details"] == [] and shown["credit_ref_type"] == "1"
    assert _balance(ok) == -10
    assert _invoices(service) == []


def test_general_memo_line_names_a_plan_instance_of_the_account(ok, err):
    memo = ok(
        "create_cm_m",
        acct_no=ACME,
        credit_ref_type=3,
        cm_comments="cancelled",
        cm_line_items=[{"cm_line_amount": 2, "master_plan_instance_no": 20002}],
    )
    assert memo["cm_details"][0]["master_plan_instance_no_out"] == 20002
    err(
        1016,
        "create_cm_m",
        acct_no=GLOBEX,
        credit_ref_type=3,
        cm_comments="not theirs",
        cm_line_items=[{"cm_line_amount": 2, "master_plan_instance_no": 20002}],
    )


def test_apply_then_unapply_moves_credit_without_changing_the_balance(ok, invoice, general_memo):
    balance = _balance(ok)
    cm_no = general_memo["cm_no"]
    applied = ok(
        "apply_cm_m",
        acct_no=ACME,
        credit_application_details=[
            {
                "cm_no": cm_no,
                "cm_line_no": 1,
                "apply_to_invoice_no": invoice["invoice_no"],
                "apply_to_invoice_line_no": 1,
                "gross_line_application_amt": 4,
            },
            {
                "cm_no": cm_no,
                "cm_line_no": 1,
                "apply_to_invoice_no": invoice["invoice_no"],
                "apply_to_invoice_line_no": 2,
                "gross_line_application_amt": 0.5,
            },
        ],
    )["applied_cm_line_details"]
    assert [(a["applied_to_invoice_line_no"], a["line_amt_applied"]) for a in applied] == [
        (1, 4),
        (2, 0.5),
    ]
    shown = ok("get_cm_details_m", cm_no=cm_no)["cm_applied_details"]
    assert sum(d["cm_applied_amount"] for d in shown) == 4.5
    unapplied = ok(
        "unapply_cm_m",
        cm_unapply_details=[
            {
                "cm_no": cm_no,
                "cm_line_no": 1,
                "invoice_no": invoice["invoice_no"],
                "invoice_line_no": 1,
            }
        ],
    )["unapplied_cm_details"]
    assert unapplied[0]["line_amt_unapplied"] == 4
    shown = ok("get_cm_details_m", cm_no=cm_no)["cm_applied_details"]
    assert [(d["cm_applied_charge_seq_num"], d["cm_applied_amount"]) for d in shown] == [(2, 0.5)]
    assert _balance(ok) == pytest.approx(balance)


def test_apply_beyond_the_memo_line_is_refused(err, invoice, general_memo):
    answer = err(
        1016,
        "apply_cm_m",
        credit_application_details=[
            {
                "cm_no": general_memo["cm_no"],
                "cm_line_no": 1,
                "apply_to_invoice_no": invoice["invoice_no"],
                "apply_to_invoice_line_no": 1,
                "gross_line_application_amt": 10.01,
            }
        ],
    )
    assert "10.00" in answer["error_msg"]


def test_unapply_more_than_applied_is_refused(err, invoice, general_memo):
    err(
        1016,
        "unapply_cm_m",
        cm_unapply_details=[
            {
                "cm_no": general_memo["cm_no"],
                "cm_line_no": 1,
                "invoice_no": invoice["invoice_no"],
                "invoice_line_no": 1,
                "line_unapply_amount": 1,
            }
        ],
    )


def _application(memo, invoice, amount=3) -> dict:
    return {
        "cm_no": memo["cm_no"],
        "cm_line_no": 1,
        "apply_to_invoice_no": invoice["invoice_no"],
        "apply_to_invoice_line_no": 1,
        "gross_line_application_amt": amount,
    }


def _unapplication(memo, invoice) -> dict:
    return {
        "cm_no": memo["cm_no"],
        "cm_line_no": 1,
        "invoice_no": invoice["invoice_no"],
        "invoice_line_no": 1,
    }


def test_dry_run_apply_and_unapply_write_nothing(ok, invoice, general_memo, service):
    count = service.change_count()
    ok(
        "apply_cm_m",
        do_write="false",
        credit_application_details=[_application(general_memo, invoice)],
    )
    assert service.change_count() == count
    ok("apply_cm_m", credit_application_details=[_application(general_memo, invoice)])
    count = service.change_count()
    ok("unapply_cm_m", do_write="false", cm_unapply_details=[_unapplication(general_memo, invoice)])
    assert service.change_count() == count
    applied = ok("get_cm_details_m", cm_no=general_memo["cm_no"])["cm_applied_details"]
    assert applied[0]["cm_applied_amount"] == 3


def test_apply_and_unapply_generate_no_invoice(ok, invoice, general_memo, service):
    ok("apply_cm_m", credit_application_details=[_application(general_memo, invoice)])
    ok("unapply_cm_m", cm_unapply_details=[_unapplication(general_memo, invoice)])
    assert len(_invoices(service)) == 1


def test_unknown_memo_is_not_found(err):
    err(1002, "get_cm_details_m", cm_no=12345)


def test_credit_reference_lines_over_past_invoices(ok, invoice, service):
    # invoice_items list the lines in line order
    recurring = {
        number: item
        for number, item in enumerate(invoice["invoice_items"], start=1)
        if item["line_type"] in (1, 7)
    }
    answer = ok(
        "calc_credit_reference_line_m",
        acct_no=ACME,
        plan_instance_no=20001,
        credit_ref_type=2,
        credit_reference_start_date="2000-01-01",
        monthly_price=1,
    )
    assert recurring
    assert [r["invoice_line_no"] for r in answer["invoice_reference_details"]] == list(recurring)
    charged = sum(item["line_amount"] for item in recurring.values())
    assert answer["credit_reference_amount"] == pytest.approx(charged)
    assert answer["charge_reference_amount"] > 0
    assert answer["amount"] == pytest.approx(
        answer["credit_reference_amount"] - answer["charge_reference_amount"]
    )
    # a calculation: nothing is written
    count = service.change_count()
    ok(
        "calc_credit_reference_line_m",
        acct_no=ACME,
        credit_ref_type=3,
        credit_reference_start_date="2000-01-01",
    )
    assert service.change_count() == count


def test_credit_reference_after_the_period_finds_nothing(ok, invoice):
    answer = ok(
        "calc_credit_reference_line_m",
        acct_no=ACME,
        credit_ref_type=3,
        credit_reference_start_date="2999-01-01",
    )
    assert answer["invoice_reference_details"] == [] and answer["amount"] == 0


def test_credit_reference_with_an_unknown_plan_instance(err):
    answer = err(
        14046,
        "calc_credit_reference_line_m",
        acct_no=ACME,
        plan_instance_no=1,
        credit_ref_type=3,
        credit_reference_start_date="2000-01-01",
    )
    assert answer["error_msg"] == "Invalid Plan instance number"
    answer = err(
        14047,
        "calc_credit_reference_line_m",
        acct_no=ACME,
        client_plan_instance_id="nope",
        credit_ref_type=3,
        credit_reference_start_date="2000-01-01",
    )
    assert answer["error_msg"] == "Invalid client Plan instance identifier"


def test_price_change_reference_needs_a_monthly_price(err):
    err(
        1010,
        "calc_credit_reference_line_m",
        acct_no=ACME,
        credit_ref_type=2,
        credit_reference_start_date="2000-01-01",
    )


def test_balance_of_an_unknown_account(err):
    err(1009, "get_acct_balance_m", acct_no=1)


def test_balance_is_what_the_invoice_charged(ok, invoice):
    answer = ok("get_acct_balance_m", client_acct_id="ACME-1")
    assert answer["acct_balance"] == f"{invoice['invoice_total_amount']:.2f}"
    assert answer["currency_cd"] == "usd"

"""A consumer's flow offline: create an account, assign a plan, advance the clock, change units
mid-cycle, generate the invoice, read the history; every answer contract-checked (``ok``)."""

from __future__ import annotations

from datetime import date

import pytest


def silver_account(client_acct_id: str) -> list[dict]:
    """create_acct_complete_m's ``acct``: one account on the Silver plan, paying by card (the
    consumer flows' starting point, here and through an app's own session)."""
    return [
        {
            "client_acct_id": client_acct_id,
            "dunning_group": [{}],
            "payment_method": [{"pay_method_type": 1, "cc_num": "5555555555554444"}],
            "master_plans_detail": [{"client_plan_id": "silver"}],
        }
    ]


def test_account_lifecycle_offline(ok):
    created = ok("create_acct_complete_m", acct=silver_account("FLOW-1"))["out_acct"][0]
    acct_no = created["acct_no"]
    silver = created["master_plans_assigned"][0]["plan_instance_no"]
    first = ok("gen_invoice_m", acct_no=acct_no)["out_invoices_list"][0]

    ok("advance_virtual_datetime_m", offset_hours=24 * 5)
    gold = ok("assign_acct_plan_m", acct_no=acct_no, new_client_plan_id="gold")
    assert gold["invoice_no"] is not None  # mid-cycle in the billing group: prorated

    ok("advance_virtual_datetime_m", offset_hours=24 * 3)
    more = ok(
        "modify_acct_plan_unit_instances_m", acct_no=acct_no, plan_inst_no=silver, new_plan_units=2
    )
    assert more["invoice_no"] is not None and more["invoice_line_item"][0]["line_units"] == 2

    plans = ok("get_acct_plans_all_m", acct_no=acct_no)["all_acct_plans_m"]
    due = {row["next_bill_date"] for row in plans}
    assert len(due) == 1  # the assigned plan joined the group's cycle
    today = date.fromisoformat(ok("get_virtual_datetime_m")["virtual_date"])
    days = (date.fromisoformat(due.pop()) - today).days
    ok("advance_virtual_datetime_m", offset_hours=24 * days)
    renewal = ok("gen_invoice_m", acct_no=acct_no)["out_invoices_list"][0]
    silver_fee = next(
        item for item in renewal["invoice_items"] if item["client_service_id"] == "silver-fee"
    )
    assert silver_fee["units"] == 3 and silver_fee["line_amount"] == pytest.approx(59.97)

    hist = ok("get_invoice_history_m", client_acct_id="FLOW-1")["invoice_hist"]
    assert [entry["invoice_no"] for entry in hist] == [
        first["invoice_no"],
        gold["invoice_no"],
        more["invoice_no"],
        renewal["invoice_no"],
    ]
    assert [entry["amount"] for entry in hist] == pytest.approx(
        [
            first["invoice_total_amount"],
            gold["total"],
            more["total"],
            renewal["invoice_total_amount"],
        ]
    )
    balance = ok("get_acct_details_all_m", acct_no=acct_no)["acct_balance"]
    # the plan changes' invoices were collected from the card; gen_invoice_m collects nothing
    assert balance == pytest.approx(first["invoice_total_amount"] + renewal["invoice_total_amount"])

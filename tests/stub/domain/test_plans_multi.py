"""update_acct_plan_multi_m: "Generates an invoice when one or more plan operations in the batch
trigger immediate charges or proration." (apis-that-generate-invoices.txt)"""

from __future__ import annotations

import pytest

from harness.contracts import validate
from harness.spec import registry
from tests.stub.domain.test_plans import (
    ACME,
    EAST_BG,
    GOLD,
    GOLD_FEE,
    GOLD_MPI,
    MAIN_BG,
    SILVER,
    history,
    instance,
    mid_cycle,
    money,
    share_left,
)

METHOD = "update_acct_plan_multi_m"
UNITS_UP = {"plan_directive": 3, "existing_plan_instance_no": GOLD_MPI, "plan_units": 2}
ASSIGN_EAST = {"plan_directive": 1, "new_plan_no": SILVER, "billing_group_no": EAST_BG}


def batch(ok, *updates, **params):
    params = {"acct_no": ACME, "plan_updates": list(updates), "acct_billing_groups": [{}], **params}
    answer = ok(METHOD, **params)
    if any(detail["invoice_no"] for detail in answer["multi_plan_invoice_details"]):
        assert registry()[METHOD].may_generate_invoice(params)
    for detail in answer["multi_plan_invoice_details"]:
        assert detail["invoice_charges_after_tax"] == pytest.approx(
            detail["invoice_charges_before_tax"] + detail["invoice_tax_charges"]
        )
        assert detail["invoice_total_amount"] == pytest.approx(
            detail["invoice_charges_after_tax"] - detail["invoice_credits"]
        )
    return answer


def test_a_batch_with_a_mid_cycle_increase_invoices_that_billing_group_once(ok):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = batch(ok, UNITS_UP, ASSIGN_EAST)
    assert [p["plan_operation"] for p in answer["plans_updated"]] == [3, 1]
    (detail,) = answer["multi_plan_invoice_details"]  # the east group has no running cycle
    assert detail["billing_group_no"] == MAIN_BG and detail["invoice_no"] in history(ok)
    assert detail["invoice_item_details"][0]["line_amount"] == money(GOLD_FEE * share)
    assert detail["proc_status_code"] == "1"  # collected from the card on file
    assert instance(ok, GOLD_MPI)["plan_units"] == 2
    new_no = answer["plans_updated"][1]["plan_instance_no"]
    assert instance(ok, new_no)["billing_group_no"] == EAST_BG


def test_a_batch_that_charges_nothing_now_does_not_invoice(ok):
    mid_cycle(ok)
    before = history(ok)
    down = {"plan_directive": 2, "existing_plan_instance_no": GOLD_MPI, "new_plan_no": SILVER}
    answer = batch(ok, down, ASSIGN_EAST)
    assert answer["multi_plan_invoice_details"] == [] and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_no"] == SILVER


def test_a_failing_item_changes_nothing(ok, err, service):
    mid_cycle(ok)
    before = service.state_digest()
    params = {"acct_no": ACME, "acct_billing_groups": [{}]}
    err(1016, METHOD, plan_updates=[UNITS_UP, {"plan_directive": 9}], **params)
    err(1016, METHOD, plan_updates=[UNITS_UP, {**UNITS_UP, "plan_units": 3}], **params)
    assert service.state_digest() == before


def test_a_dry_run_writes_nothing_and_shows_the_invoice(ok, service):
    mid_cycle(ok)
    before = service.change_count()
    dry = batch(ok, UNITS_UP, {"plan_directive": 1, "new_plan_no": GOLD}, do_write="false")
    assert service.change_count() == before
    (detail,) = dry["multi_plan_invoice_details"]
    assert detail["invoice_no"] is None
    real = batch(ok, UNITS_UP, {"plan_directive": 1, "new_plan_no": GOLD})
    assert (
        real["multi_plan_invoice_details"][0]["invoice_total_amount"]
        == (detail["invoice_total_amount"])
    )


def test_a_batch_invoice_whose_totals_do_not_add_up_breaks_the_contract(ok):
    mid_cycle(ok)
    answer = batch(ok, UNITS_UP)
    answer["multi_plan_invoice_details"][0]["invoice_charges_after_tax"] += 1
    (violation,) = validate(METHOD, answer)
    assert "invoice_charges_after_tax" in str(violation)

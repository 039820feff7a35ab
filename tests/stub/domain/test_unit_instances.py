"""Plan unit instances: fulfilling a unit's fulfillment-based service.

update_acct_plan_unit_instance_m (apis-that-generate-invoices.txt): "Generates an invoice when a
fulfillment status change triggers a billable event on the associated plan." The stub's billable
event is fulfilling a unit now while its plan instance's invoiced period runs
(harness/stub/unit_instances.py); every call is checked against the method's invoicing rule.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from harness.policy import Action, Target, decide
from harness.spec import registry

from .conftest import check_invoicing
from .test_plans import ACME, EAST_BG, TAX, history, money

SANDBOX = Target("https://sandbox.example")
METHOD = "update_acct_plan_unit_instance_m"
ROUTER, SUPPORT, RENTAL = 10004, 30031, 30032
RENTAL_FEE, SUPPORT_FEE = Decimal("12.00"), Decimal("5.00")


@pytest.fixture
def fulfil(ok):
    """Update a unit instance; the call must succeed and invoice only where the rule allows."""

    def _call(unit, *services, **params):
        params = {"acct_no": ACME, "plan_unit_inst_no": unit, **params}
        if services:
            params["plan_unit_instance_services"] = list(services)
        answer = ok(METHOD, **params)
        check_invoicing(METHOD, params, answer)
        assert answer["total"] == answer["total_charges_after_tax"]  # nothing is credited
        return answer

    return _call


@pytest.fixture
def router(ok):
    """A Managed router plan instance of two units on ACME's east group; its unit numbers."""
    answer = ok(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=ROUTER, plan_units=2,
        existing_billing_group_no=EAST_BG,
    )  # fmt: skip
    listing = ok("get_acct_plan_unit_instance_all_m", acct_no=ACME,
                 plan_instance_no=answer["plan_instance_no"])  # fmt: skip
    (instance,) = listing["all_plan_instances"]
    return [unit["plan_unit_inst_no"] for unit in instance["plan_unit_inst_list"]]


def bill_east(ok):
    """Invoice ACME's east group; its lines as (service_no, units, amount)."""
    answer = ok("gen_invoice_m", acct_no=ACME, billing_group_no=EAST_BG)
    (entry,) = answer["out_invoices_list"]
    return [(i["service_no"], i["units"], i["line_amount"]) for i in entry["invoice_items"]]


def rental_lines(lines):
    return [line for line in lines if line[0] == RENTAL]


def period_share(ok) -> Decimal:
    """The share of the east group's invoiced period left today (today inclusive)."""
    rows = ok("get_acct_plans_all_m", acct_no=ACME)["all_acct_plans_m"]
    row = next(r for r in rows if r["plan_no"] == ROUTER)
    start, end = (date.fromisoformat(row[key]) for key in ("last_bill_date", "next_bill_date"))
    today = date.fromisoformat(ok("get_virtual_datetime_m")["virtual_date"])
    return Decimal((end - today).days) / Decimal((end - start).days)


def status_of(ok, unit):
    listing = ok("get_acct_plan_unit_instance_all_m", acct_no=ACME, plan_unit_inst_no=unit)
    units = [u for p in listing["all_plan_instances"] for u in p["plan_unit_inst_list"]]
    (detail,) = units[0]["plan_unit_inst_service_details"]
    return detail["fulfillment_status"], detail["fulfillment_date"]


NOW = {"service_no": RENTAL, "fulfillment_directive": 1}


def test_an_unfulfilled_unit_is_not_billed_by_the_regular_invoice(ok, router):
    lines = bill_east(ok)
    assert rental_lines(lines) == []
    assert (SUPPORT, 2, money(2 * SUPPORT_FEE)) in lines


def test_fulfilling_a_unit_while_its_period_runs_invoices_the_rest_of_the_period(
    ok, fulfil, router
):
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    share = period_share(ok)
    answer = fulfil(router[0], NOW)
    assert answer["invoice_no"] in history(ok)
    rental, tax = answer["invoice_line_items"]
    assert (rental["service_no"], rental["line_units"]) == (RENTAL, 1)
    assert rental["line_amount"] == money(RENTAL_FEE * share)
    assert tax["line_type"] == 2 and tax["line_amount"] == money(
        Decimal(str(money(RENTAL_FEE * share))) * TAX
    )
    assert answer["proration_result_amount"] == rental["line_amount"]
    assert answer["collection_error_code"] == 0
    assert status_of(ok, router[0])[0] == "Invoiced"
    assert status_of(ok, router[1]) == ("No Fulfillment Date", None)


def test_fulfilling_before_the_first_invoice_bills_the_unit_on_that_invoice(ok, fulfil, router):
    before = history(ok)
    answer = fulfil(router[0], NOW)
    assert answer["invoice_no"] is None and answer["invoice_line_items"] == []
    assert history(ok) == before
    assert status_of(ok, router[0])[0] == "Queued for Invoicing"
    assert rental_lines(bill_east(ok)) == [(RENTAL, 1, money(RENTAL_FEE))]


def test_a_future_fulfillment_bills_nothing_now_and_the_next_period_bills_the_unit(
    ok, fulfil, router
):
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    rows = ok("get_acct_plans_all_m", acct_no=ACME)["all_acct_plans_m"]
    next_bill = next(r for r in rows if r["plan_no"] == ROUTER)["next_bill_date"]
    later = {
        "service_no": RENTAL,
        "fulfillment_directive": 2,
        "service_fulfillment_date": next_bill,
    }
    before = history(ok)
    answer = fulfil(router[1], later)
    assert answer["invoice_no"] is None and history(ok) == before
    assert status_of(ok, router[1]) == ("Queued for Invoicing", next_bill)
    today = date.fromisoformat(ok("get_virtual_datetime_m")["virtual_date"])
    ok("advance_virtual_datetime_m",
       offset_hours=24 * (date.fromisoformat(next_bill) - today).days)  # fmt: skip
    assert rental_lines(bill_east(ok)) == [(RENTAL, 1, money(RENTAL_FEE))]


def test_removing_a_fulfillment_date_credits_nothing_and_stops_the_charge(ok, fulfil, router):
    fulfil(router[0], NOW)
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    answer = fulfil(router[0], {"service_no": RENTAL, "fulfillment_directive": 3})
    assert answer["invoice_no"] is None and answer["total"] == 0
    assert status_of(ok, router[0]) == ("No Fulfillment Date", None)
    ok("advance_virtual_datetime_m", offset_hours=24 * 31)
    assert rental_lines(bill_east(ok)) == []


def test_fulfilling_an_already_fulfilled_service_charges_nothing_again(ok, fulfil, router):
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 5)
    assert fulfil(router[0], NOW)["invoice_no"] is not None
    before = history(ok)
    assert fulfil(router[0], NOW)["invoice_no"] is None
    assert history(ok) == before


def test_a_renamed_unit_is_found_by_its_new_id(ok, fulfil, router):
    answer = fulfil(router[0], new_client_plan_unit_inst_id="router-at-hq")
    assert answer["out_client_plan_unit_inst_id"] == "router-at-hq"
    found = ok(METHOD, acct_no=ACME, client_plan_unit_inst_id="router-at-hq")
    assert found["out_plan_unit_inst_no"] == router[0]


@pytest.mark.parametrize(
    ("code", "params", "message"),
    [
        (1016, {"plan_unit_inst_no": 1}, "not a plan unit instance"),
        (1016, {"services": [{"service_no": SUPPORT}]}, "fulfillment-based service"),
        (1016, {"services": [{**NOW, "service_fulfillment_date": "2099-01-01"}]}, "directive 2"),
        (1016, {"services": [{**NOW, "fulfillment_directive": 4}]}, "must be 1, 2 or 3"),
        (1016, {"services": [{**NOW, "service_fulfillment_date": "today"}]}, "must be a date"),
        (1010, {"services": [{**NOW, "fulfillment_directive": 2}]}, "service_fulfillment_date"),
        (1016, {"services": [NOW, NOW]}, "already updated"),
    ],
    ids=["unknown-unit", "not-fulfillment", "future-now", "directive", "date", "no-date", "twice"],
)
def test_a_bad_update_is_refused_and_changes_nothing(
    ok, err, service, router, code, params, message
):
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    call = {"acct_no": ACME, "plan_unit_inst_no": router[0]}
    if "plan_unit_inst_no" in params:
        call["plan_unit_inst_no"] = params["plan_unit_inst_no"]
    if "services" in params:
        call["plan_unit_instance_services"] = params["services"]
    before = service.dump_state()
    answer = err(code, METHOD, **call)
    assert message in answer["error_msg"]
    assert service.dump_state() == before


def test_a_dry_run_writes_nothing_and_shows_the_invoice_the_fulfillment_would_make(
    ok, fulfil, service, router
):
    bill_east(ok)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    before = service.dump_state()
    dry = fulfil(router[0], NOW, do_write="false")
    assert service.dump_state() == before
    assert dry["invoice_no"] is None and not registry()[METHOD].may_generate_invoice(
        {"acct_no": ACME, "plan_unit_instance_services": [NOW], "do_write": "false"}
    )
    real = fulfil(router[0], NOW)
    assert real["invoice_no"] is not None
    assert dry["invoice_line_items"] == real["invoice_line_items"]
    assert dry["total"] == real["total"] > 0


def test_the_guard_refuses_a_fulfillment_now_and_passes_what_cannot_bill():
    unit = {"acct_no": ACME, "plan_unit_inst_no": 7}
    for service in (NOW, {"service_no": RENTAL}):  # directive 1 is the default
        now = {**unit, "plan_unit_instance_services": [service]}
        assert decide(METHOD, now, SANDBOX).action is Action.REFUSE
        assert decide(METHOD, {**now, "do_write": "false"}, SANDBOX).action is Action.SEND
    for directive in (2, 3):
        later = {"service_no": RENTAL, "fulfillment_directive": directive}
        params = {**unit, "plan_unit_instance_services": [later]}
        assert decide(METHOD, params, SANDBOX).action is Action.SEND
    renamed = {**unit, "new_client_plan_unit_inst_id": "x"}
    assert decide(METHOD, renamed, SANDBOX).action is Action.SEND

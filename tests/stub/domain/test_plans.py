"""Plan changes: one test per invoice trigger of apis-that-generate-invoices.txt.

Each trigger's invoice appears when and only when its condition holds, with its lines and
totals prorated by days on the virtual clock; every call is checked against the method's
invoicing rule (harness/spec/invoicing.py): the stub never invoices where the rule says it may
not. Dry runs write nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from harness.contracts import validate
from harness.spec import registry
from tests.stub.domain.conftest import check_invoicing

ACME, GOLD_MPI, SILVER_MPI, MAIN_BG, EAST_BG = 1000001, 20001, 20002, 70001, 70002
GOLD, SILVER, ANNUAL = 10001, 10002, 10003
GOLD_FEE, SILVER_FEE, GOLD_ACTIVATION = Decimal("49.99"), Decimal("19.99"), Decimal("25.00")
TAX = Decimal("0.0825")


@pytest.fixture
def plan_call(ok):
    """A plan method call that must succeed and agree with the method's invoicing rule."""

    def _call(method, /, **params):
        answer = ok(method, **params)
        check_invoicing(method, params, answer)
        assert answer["total"] == pytest.approx(
            answer["total_charges_after_tax"] - answer["total_credit"]
        )
        charges = [line for line in lines_of(answer) if line["line_type"] != 2]
        assert answer["total_charges_before_tax"] == pytest.approx(
            sum(line["line_amount"] for line in charges)
        )
        return answer

    return _call


def money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def mid_cycle(ok, group=MAIN_BG, days=10):
    """Invoice a billing group of ACME, then move the clock some days into the period."""
    ok("gen_invoice_m", acct_no=ACME, billing_group_no=group)
    ok("advance_virtual_datetime_m", offset_hours=24 * days)


def instance(ok, mpi_no, acct_no=ACME):
    rows = ok("get_acct_plans_all_m", acct_no=acct_no)["all_acct_plans_m"]
    return next((row for row in rows if row["plan_instance_no"] == mpi_no), None)


def share_left(ok, mpi_no) -> Decimal:
    """Days left of the instance's invoiced period over its length, today inclusive."""
    row = instance(ok, mpi_no)
    start, end = (date.fromisoformat(row[key]) for key in ("last_bill_date", "next_bill_date"))
    today = date.fromisoformat(ok("get_virtual_datetime_m")["virtual_date"])
    return Decimal((end - today).days) / Decimal((end - start).days)


def lines_of(answer):
    """The answer's lines (modify_acct_plan_unit_instances_m names them invoice_line_item)."""
    if "invoice_line_item" in answer:
        return answer["invoice_line_item"]
    return answer["acct_plan_line_items"]


def charges(answer):
    return [(line["line_type"], line["line_amount"]) for line in lines_of(answer)]


def history(ok, acct_no=ACME):
    return [
        entry["invoice_no"]
        for entry in ok("get_invoice_history_m", acct_no=acct_no)["invoice_hist"]
    ]


# assign_acct_plan_m: "Generates an invoice when a plan is assigned mid-cycle and proration
# charges apply."


def test_assign_mid_cycle_invoices_the_prorated_plan(ok, plan_call):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = plan_call(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=GOLD, plan_units=2,
        existing_billing_group_no=MAIN_BG,
    )  # fmt: skip
    assert answer["invoice_no"] in history(ok)
    assert charges(answer)[:2] == [(1, money(2 * GOLD_FEE * share)), (5, 25.0)]
    assert answer["total_tax_charges"] == pytest.approx(
        money((Decimal(str(money(2 * GOLD_FEE * share))) + GOLD_ACTIVATION) * TAX), abs=0.01
    )
    assert answer["collection_error_code"] == 0
    new = instance(ok, answer["plan_instance_no"])
    assert new["next_bill_date"] == instance(ok, GOLD_MPI)["next_bill_date"]


def test_assign_without_a_running_cycle_does_not_invoice(ok, plan_call, service):
    before = history(ok)
    answer = plan_call(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=GOLD, existing_billing_group_no=EAST_BG
    )
    assert answer["invoice_no"] is None and answer["acct_plan_line_items"] == []
    assert history(ok) == before
    today = ok("get_virtual_datetime_m")["virtual_date"]
    assert instance(ok, answer["plan_instance_no"])["next_bill_date"] == today


# cancel_acct_plan_m: "Generates an invoice when cancellation triggers a proration credit or
# early termination fee."


def test_cancel_mid_cycle_credits_the_unused_days(ok, plan_call):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = plan_call("cancel_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI)
    assert answer["invoice_no"] in history(ok)
    assert charges(answer)[0] == (3, -money(GOLD_FEE * share))
    assert answer["total"] < 0 and answer["proration_credit_amount"] == money(GOLD_FEE * share)
    assert instance(ok, GOLD_MPI) is None


def test_cancel_of_an_instance_never_invoiced_does_not_invoice(ok, plan_call):
    answer = plan_call("cancel_acct_plan_m", acct_no=ACME, plan_instance_no=SILVER_MPI)
    assert answer["invoice_no"] is None and history(ok) == []
    assert instance(ok, SILVER_MPI) is None


def test_cancel_before_the_minimum_term_charges_the_early_termination_fee(ok, plan_call):
    assigned = plan_call(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=ANNUAL, existing_billing_group_no=EAST_BG
    )
    answer = plan_call(
        "cancel_acct_plan_m", acct_no=ACME, plan_instance_no=assigned["plan_instance_no"]
    )
    assert charges(answer) == [(9, 150.0)]
    assert answer["total"] == 150.0 and answer["invoice_no"] in history(ok)


# replace_acct_plan_m: "Generates an invoice when the replacement plan carries a higher rate and
# an immediate charge is triggered at the time of swap."


def test_replace_with_a_higher_rate_mid_cycle_charges_the_difference(ok, plan_call):
    mid_cycle(ok, group=EAST_BG)
    share = share_left(ok, SILVER_MPI)
    answer = plan_call(
        "replace_acct_plan_m", acct_no=ACME, plan_instance_no=SILVER_MPI, new_plan_no=GOLD
    )
    assert charges(answer)[:2] == [(3, -money(SILVER_FEE * share)), (1, money(GOLD_FEE * share))]
    assert answer["total_charges_before_tax"] > 0 and answer["invoice_no"] in history(ok)
    assert instance(ok, SILVER_MPI)["plan_no"] == GOLD


def test_replace_with_a_lower_rate_does_not_invoice(ok, plan_call):
    mid_cycle(ok)
    before = history(ok)
    answer = plan_call(
        "replace_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, new_plan_no=SILVER
    )
    assert answer["invoice_no"] is None and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_no"] == SILVER


def test_replace_by_a_plan_of_another_billing_interval_is_refused(err):
    answer = err(
        1016, "replace_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, new_plan_no=ANNUAL
    )
    assert "same billing interval" in answer["error_msg"]


# update_acct_plan_m: "Generates an invoice when a unit quantity increase mid-cycle triggers an
# immediate prorated charge."


def test_update_units_up_mid_cycle_charges_the_added_units(ok, plan_call):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = plan_call("update_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, plan_units=3)
    assert charges(answer)[0] == (1, money(2 * GOLD_FEE * share))
    assert answer["invoice_no"] in history(ok)
    assert instance(ok, GOLD_MPI)["plan_units"] == 3


@pytest.mark.parametrize(("billed", "units"), [(True, 0.5), (False, 3)], ids=["down", "unbilled"])
def test_update_units_without_a_mid_cycle_increase_does_not_invoice(ok, plan_call, billed, units):
    if billed:
        mid_cycle(ok)
    before = history(ok)
    answer = plan_call(
        "update_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, plan_units=units
    )
    assert answer["invoice_no"] is None and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_units"] == units


# modify_acct_plan_unit_instances_m: "Generates an invoice when adding units mid-cycle causes
# immediate prorated charges."


def test_adding_unit_instances_mid_cycle_charges_them(ok, plan_call):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = plan_call(
        "modify_acct_plan_unit_instances_m", acct_no=ACME, plan_inst_no=GOLD_MPI,
        new_client_plan_unit_inst=[{"new_client_plan_unit_inst_id": "seat-2"}],
    )  # fmt: skip
    assert answer["invoice_line_item"][0]["line_amount"] == money(GOLD_FEE * share)
    assert answer["invoice_no"] in history(ok)
    assert instance(ok, GOLD_MPI)["plan_units"] == 2


def test_removing_unit_instances_does_not_invoice(ok, plan_call):
    plan_call("update_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, plan_units=3)
    mid_cycle(ok)
    before = history(ok)
    answer = plan_call(
        "modify_acct_plan_unit_instances_m", acct_no=ACME, plan_inst_no=GOLD_MPI,
        remove_plan_units=[{"plan_unit_inst_no": 1}],
    )  # fmt: skip
    assert answer["invoice_no"] is None and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_units"] == 2


def test_a_unit_instance_change_must_leave_a_unit(ok, err):
    answer = err(
        1016, "modify_acct_plan_unit_instances_m", acct_no=ACME, plan_inst_no=GOLD_MPI,
        remove_plan_units=[{"plan_unit_inst_no": 1}],
    )  # fmt: skip
    assert "at least one must stay" in answer["error_msg"]


# Dry runs: the would-be invoice's lines and totals, nothing written.

DRY_RUNS = {
    "assign_acct_plan_m": {"new_plan_no": GOLD, "existing_billing_group_no": MAIN_BG},
    "cancel_acct_plan_m": {"plan_instance_no": GOLD_MPI},
    "replace_acct_plan_m": {"plan_instance_no": GOLD_MPI, "new_plan_no": GOLD, "plan_units": 2},
    "update_acct_plan_m": {"plan_instance_no": GOLD_MPI, "plan_units": 2},
    "modify_acct_plan_unit_instances_m": {"plan_inst_no": GOLD_MPI, "new_plan_units": 1},
}


@pytest.mark.parametrize("method", sorted(DRY_RUNS))
def test_a_dry_run_writes_nothing_and_shows_the_invoice_the_call_would_make(
    ok, plan_call, service, method
):
    mid_cycle(ok)
    params = {"acct_no": ACME, **DRY_RUNS[method]}
    before = service.change_count()
    dry = plan_call(method, do_write="false", **params)
    assert service.change_count() == before
    assert dry["invoice_no"] is None and not registry()[method].may_generate_invoice(
        {**params, "do_write": "false"}
    )
    real = plan_call(method, **params)
    assert real["invoice_no"] is not None
    assert dry["total"] == real["total"] and charges(dry) == charges(real)


def test_unknown_plan_instance_is_refused(err):
    answer = err(1016, "update_acct_plan_m", acct_no=ACME, plan_instance_no=1, plan_units=2)
    assert "not an active plan instance" in answer["error_msg"]


@pytest.mark.parametrize("method", sorted(DRY_RUNS))
def test_a_plan_answer_whose_totals_do_not_add_up_breaks_its_contract(ok, method):
    mid_cycle(ok)
    answer = ok(method, acct_no=ACME, do_write="false", **DRY_RUNS[method])
    answer["total_charges_after_tax"] += 1
    (violation,) = validate(method, answer)
    assert "charges_after_tax" in str(violation)

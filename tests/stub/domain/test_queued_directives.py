"""assignment_directive on cancel_acct_plan_m, modify_acct_plan_unit_instances_m and
update_acct_plan_multi_m (Swagger 19 gives each the field at the top level).

1 queues the change for the instance's next billing date and bills nothing now; the clock
applies it on that date, and the invoice of the new period bills the new terms. 3 makes the
change now without proration (a cancellation still owes its early termination fee). Every
answer is contract-checked (the domain conftest) and checked against the method's invoicing
rule: the stub invoices only where the rule says it may, and the guard refuses a call against
a live target unless its inputs rule the invoice out.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.policy import Action, Target, decide

from .conftest import check_invoicing
from .test_plans import (
    ACME,
    ANNUAL,
    EAST_BG,
    GOLD,
    GOLD_FEE,
    GOLD_MPI,
    MAIN_BG,
    SILVER,
    SILVER_FEE,
    SILVER_MPI,
    history,
    instance,
    mid_cycle,
    money,
)
from .test_plans_multi import batch
from .test_queued_changes import days_until, queued

SANDBOX = Target("https://sandbox.example")
CANCEL, MODIFY, MULTI = (
    "cancel_acct_plan_m",
    "modify_acct_plan_unit_instances_m",
    "update_acct_plan_multi_m",
)
UNITS_UP = {"plan_directive": 3, "existing_plan_instance_no": GOLD_MPI, "plan_units": 2}
ASSIGN_MAIN = {"plan_directive": 1, "new_plan_no": SILVER, "billing_group_no": MAIN_BG}
CANCEL_SILVER = {"plan_directive": 4, "existing_plan_instance_no": SILVER_MPI}


@pytest.fixture
def checked(ok):
    """A single plan method's call that must succeed and invoice only where its rule allows."""

    def _call(method, /, **params):
        answer = ok(method, **params)
        check_invoicing(method, params, answer)
        return answer

    return _call


def to_anniversary(ok, mpi_no=GOLD_MPI):
    """Move the clock to the instance's next billing date; that date."""
    anniversary = instance(ok, mpi_no)["next_bill_date"]
    ok("advance_virtual_datetime_m", offset_hours=24 * days_until(ok, anniversary))
    return anniversary


def recurring(invoice):
    """(plan instance, units, amount) of each recurring line of a gen_invoice_m answer."""
    (entry,) = invoice["out_invoices_list"]
    return sorted(
        (line["plan_instance_no"], line["units"], line["line_amount"])
        for line in entry["invoice_items"]
        if line["line_type"] == 1
    )


def assign_silver_to_main(checked):
    """A second instance in ACME's main group (mid-cycle: prorated now); its number."""
    answer = checked(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=SILVER, existing_billing_group_no=MAIN_BG
    )
    return answer["plan_instance_no"]


# cancel_acct_plan_m


def test_a_cancellation_on_the_anniversary_is_queued_and_credits_nothing_now(ok, checked):
    mid_cycle(ok)
    silver = assign_silver_to_main(checked)
    before = history(ok)
    answer = checked(
        CANCEL, acct_no=ACME, plan_instance_no=GOLD_MPI, assignment_directive=1,
        include_plan_instance_queue="true",
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["acct_plan_line_items"] == []
    assert answer["proration_credit_amount"] == 0 and history(ok) == before
    (entry,) = answer["plan_instance_queue"]
    assert entry["plan_instance_no"] == GOLD_MPI
    (detail,) = queued(ok)
    assert detail["queue_id"] == entry["queue_id"] and detail["queued_action_status_cd"] == 1
    assert detail["current_plan_no"] == GOLD and detail["target_plan_no"] is None
    anniversary = instance(ok, GOLD_MPI)["next_bill_date"]
    assert detail["effective_date"] == anniversary
    ok("advance_virtual_datetime_m", offset_hours=24 * (days_until(ok, anniversary) - 1))
    assert instance(ok, GOLD_MPI) is not None  # the day before: still there
    ok("advance_virtual_datetime_m", offset_hours=24)
    assert instance(ok, GOLD_MPI) is None
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    assert recurring(invoice) == [(silver, 1, money(SILVER_FEE))]  # Gold is no longer billed


def test_a_queued_cancellation_owes_no_early_termination_fee_now(ok, checked):
    assigned = checked(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=ANNUAL, existing_billing_group_no=EAST_BG
    )
    before = history(ok)
    answer = checked(
        CANCEL, acct_no=ACME, plan_instance_no=assigned["plan_instance_no"],
        assignment_directive=1,
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["total"] == 0
    assert history(ok) == before and len(queued(ok, queued_action_status_cd=1)) == 1


def test_a_cancellation_without_proration_credits_nothing(ok, checked):
    mid_cycle(ok)
    before = history(ok)
    answer = checked(CANCEL, acct_no=ACME, plan_instance_no=GOLD_MPI, assignment_directive=3)
    assert answer["invoice_no"] is None and answer["acct_plan_line_items"] == []
    assert history(ok) == before and instance(ok, GOLD_MPI) is None and queued(ok) == []


def test_a_cancellation_without_proration_still_charges_the_early_termination_fee(ok, checked):
    assigned = checked(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=ANNUAL, existing_billing_group_no=EAST_BG
    )
    answer = checked(
        CANCEL, acct_no=ACME, plan_instance_no=assigned["plan_instance_no"],
        assignment_directive=3,
    )  # fmt: skip
    lines = [(line["line_type"], line["line_amount"]) for line in answer["acct_plan_line_items"]]
    assert lines == [(9, 150.0)] and answer["proration_credit_amount"] == 0
    assert answer["invoice_no"] in history(ok)


def test_executing_a_queued_cancellation_now_credits_the_unused_days(ok, checked):
    mid_cycle(ok)
    checked(CANCEL, acct_no=ACME, plan_instance_no=GOLD_MPI, assignment_directive=1)
    edits = [{"plan_instance_no": GOLD_MPI, "queue_edit_directive": 1}]
    answer = ok("edit_acct_plan_queued_changes_m", acct_no=ACME, edit_queued_changes=edits)
    (info,) = answer["invoice_info"]
    assert info["invoice_no"] in history(ok) and info["invoice_total_amount"] < 0
    assert instance(ok, GOLD_MPI) is None


# modify_acct_plan_unit_instances_m


def add_two_units_mid_cycle(ok, checked, directive):
    """Add two units to ACME's Gold instance mid-cycle; assert nothing is billed now."""
    mid_cycle(ok)
    before = history(ok)
    answer = checked(
        MODIFY, acct_no=ACME, plan_inst_no=GOLD_MPI, new_plan_units=2,
        assignment_directive=directive,
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["invoice_line_item"] == []
    assert history(ok) == before


def test_units_added_on_the_anniversary_are_queued_and_billed_by_the_next_invoice(ok, checked):
    add_two_units_mid_cycle(ok, checked, 1)
    assert instance(ok, GOLD_MPI)["plan_units"] == 1
    (detail,) = queued(ok)
    assert detail["queued_action_status_cd"] == 1 and detail["target_plan_units"] == 3
    to_anniversary(ok)
    assert instance(ok, GOLD_MPI)["plan_units"] == 3
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    assert recurring(invoice) == [(GOLD_MPI, 3, money(3 * GOLD_FEE))]


def test_units_added_without_proration_change_now_and_bill_nothing(ok, checked):
    add_two_units_mid_cycle(ok, checked, 3)
    assert instance(ok, GOLD_MPI)["plan_units"] == 3 and queued(ok) == []


def test_a_queued_unit_change_is_checked_when_queued(ok, err, service):
    before = service.dump_state()
    for do_write in ("true", "false"):
        answer = err(
            1016, MODIFY, acct_no=ACME, plan_inst_no=GOLD_MPI, assignment_directive=1,
            remove_plan_units=[{"plan_unit_inst_no": 1}], do_write=do_write,
        )  # fmt: skip
        assert "at least one must stay" in answer["error_msg"]
    assert service.dump_state() == before


# update_acct_plan_multi_m: one assignment_directive for the whole batch


def test_a_batch_on_the_anniversary_queues_every_operation_and_bills_nothing_now(ok):
    mid_cycle(ok)
    before = history(ok)
    answer = batch(
        ok, UNITS_UP, ASSIGN_MAIN, CANCEL_SILVER, assignment_directive=1,
        include_plan_instance_queue="true",
    )  # fmt: skip
    assert answer["multi_plan_invoice_details"] == [] and history(ok) == before
    queue = answer["plan_instance_queue"]
    assert [entry["queue_type_ind"] for entry in queue] == [None, 1, None]
    new_no = queue[1]["plan_instance_no"]
    assert [p["plan_instance_no"] for p in answer["plans_updated"]] == [
        GOLD_MPI,
        new_no,
        SILVER_MPI,
    ]
    assert instance(ok, GOLD_MPI)["plan_units"] == 1 and instance(ok, new_no) is None
    assert {d["queue_id"] for d in queued(ok)} == {entry["queue_id"] for entry in queue}
    to_anniversary(ok)
    assert instance(ok, GOLD_MPI)["plan_units"] == 2 and instance(ok, SILVER_MPI) is None
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    assert recurring(invoice) == sorted(
        [(GOLD_MPI, 2, money(2 * GOLD_FEE)), (new_no, 1, money(SILVER_FEE))]
    )


def test_a_batch_without_proration_changes_now_and_bills_nothing(ok):
    ok("gen_invoice_m", acct_no=ACME, billing_group_no=EAST_BG)
    mid_cycle(ok)
    operations = (UNITS_UP, ASSIGN_MAIN, CANCEL_SILVER)
    prorated = batch(ok, *operations, assignment_directive=2, do_write="false")
    assert len(prorated["multi_plan_invoice_details"]) == 2  # what 3 leaves out
    before = history(ok)
    answer = batch(ok, *operations, assignment_directive=3)
    assert answer["multi_plan_invoice_details"] == [] and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_units"] == 2 and instance(ok, SILVER_MPI) is None
    new_no = answer["plans_updated"][1]["plan_instance_no"]
    assert instance(ok, new_no)["plan_no"] == SILVER and queued(ok) == []


# dry runs write nothing, whichever the directive

DRY_RUNS: dict[str, dict[str, Any]] = {
    CANCEL: {"plan_instance_no": GOLD_MPI},
    MODIFY: {"plan_inst_no": GOLD_MPI, "new_plan_units": 2},
    MULTI: {"plan_updates": [UNITS_UP, ASSIGN_MAIN, CANCEL_SILVER], "acct_billing_groups": [{}]},
}


@pytest.mark.parametrize("directive", [1, 3])
@pytest.mark.parametrize("method", sorted(DRY_RUNS))
def test_a_dry_run_writes_nothing_and_bills_nothing(ok, service, method, directive):
    mid_cycle(ok)
    before = service.dump_state()
    params = {"acct_no": ACME, "assignment_directive": directive, **DRY_RUNS[method]}
    answer = ok(method, do_write="false", **params)
    assert service.dump_state() == before
    if method == MULTI:
        assert answer["multi_plan_invoice_details"] == []
    else:
        check_invoicing(method, params, answer)
        assert answer["invoice_no"] is None and answer["total"] == 0


# the guard


GUARDED: dict[str, dict[str, Any]] = {
    CANCEL: {"acct_no": ACME, "plan_instance_no": GOLD_MPI},
    MODIFY: {"acct_no": ACME, "plan_inst_no": GOLD_MPI, "new_plan_units": 2},
    MULTI: {"acct_no": ACME, "plan_updates": [UNITS_UP, ASSIGN_MAIN]},
}


@pytest.mark.parametrize("method", sorted(GUARDED))
def test_the_guard_passes_a_change_on_the_anniversary_and_refuses_one_made_now(method):
    params = GUARDED[method]
    assert decide(method, params, SANDBOX).action is Action.REFUSE
    assert decide(method, {**params, "assignment_directive": 1}, SANDBOX).action is Action.SEND
    for directive in (2, 4):
        now = {**params, "assignment_directive": directive}
        assert decide(method, now, SANDBOX).action is Action.REFUSE


@pytest.mark.parametrize("method", [MODIFY, MULTI])
def test_the_guard_passes_a_change_without_proration(method):
    params = {**GUARDED[method], "assignment_directive": 3}
    assert decide(method, params, SANDBOX).action is Action.SEND


def test_the_guard_refuses_a_cancellation_without_proration_that_may_owe_a_fee():
    alone = {**GUARDED[CANCEL], "assignment_directive": 3}
    assert decide(CANCEL, alone, SANDBOX).action is Action.REFUSE
    in_batch = {**GUARDED[MULTI], "assignment_directive": 3}
    in_batch["plan_updates"] = [*in_batch["plan_updates"], CANCEL_SILVER]
    assert decide(MULTI, in_batch, SANDBOX).action is Action.REFUSE

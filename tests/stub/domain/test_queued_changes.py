"""Queued plan changes: assignment_directive 1 queues a change for the anniversary, the clock
applies it, and edit_acct_plan_queued_changes_m deletes, executes or reschedules it.

edit_acct_plan_queued_changes_m (apis-that-generate-invoices.txt): "Generates an invoice when a
queued plan change is executed immediately and the resulting plan assignment carries billable
charges." Every call is checked against its method's invoicing rule: the stub invoices only
where the rule says it may, and the guard refuses the call against a live target exactly then.
"""

from __future__ import annotations

from datetime import date

import pytest

from harness.policy import Action, Target, decide
from harness.spec import registry

from .conftest import check_invoicing
from .test_plans import (
    ACME,
    ANNUAL,
    GOLD,
    GOLD_FEE,
    GOLD_MPI,
    MAIN_BG,
    SILVER,
    SILVER_MPI,
    history,
    instance,
    mid_cycle,
    money,
    share_left,
)

SANDBOX = Target("https://sandbox.example")
EDIT = "edit_acct_plan_queued_changes_m"


@pytest.fixture
def checked(ok):
    """A call that must succeed and invoice only where its method's rule says it may."""

    def _call(method, /, **params):
        answer = ok(method, **params)
        if method != EDIT:
            check_invoicing(method, params, answer)
        elif any(info["invoice_no"] is not None for info in answer["invoice_info"]):
            assert registry()[method].may_generate_invoice(params), params
        return answer

    return _call


def queue(checked, method="update_acct_plan_m", **params):
    """Queue a change of ACME's Gold instance for its anniversary; its queue entry."""
    params = {"plan_instance_no": GOLD_MPI, "plan_units": 3, **params}
    answer = checked(
        method, acct_no=ACME, assignment_directive=1, include_plan_instance_queue="true",
        **params,
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["total"] == 0
    (entry,) = answer["plan_instance_queue"]
    return entry


def queued(ok, **filters):
    return ok("get_acct_plan_queued_changes_m", acct_no=ACME, **filters)["queued_change_details"]


def days_until(ok, day: str) -> int:
    today = date.fromisoformat(ok("get_virtual_datetime_m")["virtual_date"])
    return (date.fromisoformat(day) - today).days


# assignment_directive 1: on the anniversary, nothing billed now


def test_a_change_on_the_anniversary_is_queued_and_bills_nothing_now(ok, checked):
    mid_cycle(ok)
    before = history(ok)
    entry = queue(checked)
    assert entry["plan_instance_no"] == GOLD_MPI and entry["queue_type_ind"] is None
    assert history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_units"] == 1
    (detail,) = queued(ok)
    assert detail["queue_id"] == entry["queue_id"]
    assert detail["queued_action_status_cd"] == 1 and detail["target_plan_units"] == 3
    assert detail["effective_date"] == instance(ok, GOLD_MPI)["next_bill_date"]
    rule_params = {"acct_no": ACME, "plan_instance_no": GOLD_MPI, "plan_units": 3}
    assert not registry()["update_acct_plan_m"].may_generate_invoice(
        {**rule_params, "assignment_directive": 1}
    )


def test_a_queued_change_takes_effect_when_the_clock_reaches_the_anniversary(ok, checked):
    mid_cycle(ok)
    queue(checked)
    anniversary = instance(ok, GOLD_MPI)["next_bill_date"]
    ok("advance_virtual_datetime_m", offset_hours=24 * (days_until(ok, anniversary) - 1))
    assert instance(ok, GOLD_MPI)["plan_units"] == 1  # the day before: still queued
    ok("advance_virtual_datetime_m", offset_hours=24)
    assert instance(ok, GOLD_MPI)["plan_units"] == 3
    (detail,) = queued(ok)
    assert detail["queued_action_status_cd"] == 2
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    (entry,) = invoice["out_invoices_list"]
    fee = next(line for line in entry["invoice_items"] if line["service_no"] == 30001)
    assert fee["units"] == 3 and fee["line_amount"] == money(3 * GOLD_FEE)


def test_a_change_queued_for_a_due_anniversary_is_applied_before_the_invoice_bills(ok, checked):
    # never invoiced: the anniversary is today, so the change is due as soon as it is queued
    entry = queue(checked, method="replace_acct_plan_m", new_plan_no=SILVER, plan_units=2)
    assert instance(ok, GOLD_MPI)["plan_no"] == GOLD
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    items = invoice["out_invoices_list"][0]["invoice_items"]
    assert {line["plan_no"] for line in items if line["line_type"] != 2} == {SILVER}
    assert instance(ok, GOLD_MPI)["plan_no"] == SILVER
    assert queued(ok, queue_id=entry["queue_id"])[0]["queued_action_status_cd"] == 2


def test_an_assignment_on_the_anniversary_creates_the_instance_then(ok, checked):
    mid_cycle(ok)
    anniversary = instance(ok, GOLD_MPI)["next_bill_date"]
    answer = checked(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=SILVER, existing_billing_group_no=MAIN_BG,
        assignment_directive=1, include_plan_instance_queue="1",
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["plan_instance_no"] is None
    (entry,) = answer["plan_instance_queue"]
    assert entry["queue_type_ind"] == 1 and instance(ok, entry["plan_instance_no"]) is None
    ok("advance_virtual_datetime_m", offset_hours=24 * days_until(ok, anniversary))
    new = instance(ok, entry["plan_instance_no"])
    assert new["plan_no"] == SILVER and new["next_bill_date"] == anniversary


def test_directive_3_changes_now_without_proration(ok, checked):
    mid_cycle(ok)
    before = history(ok)
    answer = checked(
        "update_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, plan_units=3,
        assignment_directive=3,
    )  # fmt: skip
    assert answer["invoice_no"] is None and answer["acct_plan_line_items"] == []
    assert history(ok) == before and instance(ok, GOLD_MPI)["plan_units"] == 3
    assert queued(ok) == []


def test_an_unknown_assignment_directive_is_refused(err):
    answer = err(
        1016, "update_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI, plan_units=3,
        assignment_directive=7,
    )  # fmt: skip
    assert "assignment_directive" in answer["error_msg"]


# edit_acct_plan_queued_changes_m


def test_executing_a_queued_increase_now_invoices_the_prorated_units(ok, checked):
    mid_cycle(ok)
    entry = queue(checked)
    share = share_left(ok, GOLD_MPI)
    edits = [{"queue_id": entry["queue_id"], "queue_edit_directive": 1}]
    answer = checked(EDIT, acct_no=ACME, edit_queued_changes=edits)
    (info,) = answer["invoice_info"]
    assert info["invoice_no"] in history(ok)
    fee, tax = info["invoice_items"]
    assert (fee["line_type"], fee["units"], fee["line_amount"]) == (
        1,
        2,
        money(2 * GOLD_FEE * share),
    )
    assert tax["line_type"] == 2 and info["invoice_tax_charges"] == tax["line_amount"]
    assert info["invoice_charges_before_tax"] == fee["line_amount"]
    assert info["invoice_total_amount"] == pytest.approx(fee["line_amount"] + tax["line_amount"])
    assert answer["queued_changes"][0]["edit_queued_change_status_cd"] == 2
    assert answer["proration_details"][0]["proration_amount"] == fee["line_amount"]
    assert instance(ok, GOLD_MPI)["plan_units"] == 3
    assert queued(ok, queued_action_status_cd=2)[0]["execute_immediately_date"] is not None


def test_executing_a_queued_change_without_billable_charges_does_not_invoice(ok, checked):
    mid_cycle(ok)
    queue(checked, method="replace_acct_plan_m", new_plan_no=SILVER, plan_units=1)  # lower
    before = history(ok)
    answer = checked(EDIT, acct_no=ACME, edit_queued_changes=[{"queue_edit_directive": 1}])
    assert answer["invoice_info"] == [] and history(ok) == before
    assert instance(ok, GOLD_MPI)["plan_no"] == SILVER


def test_deleting_a_queued_change_keeps_the_terms_past_the_anniversary(ok, checked):
    mid_cycle(ok)
    queue(checked)
    edits = [{"plan_instance_no": GOLD_MPI, "queue_edit_directive": 0}]
    answer = checked(EDIT, acct_no=ACME, edit_queued_changes=edits)
    assert answer["invoice_info"] == []
    assert answer["queued_changes"][0]["edit_queued_change_status_label"] == "Deleted"
    ok("advance_virtual_datetime_m", offset_hours=24 * 40)
    assert instance(ok, GOLD_MPI)["plan_units"] == 1
    assert [d["queued_action_status_cd"] for d in queued(ok)] == [0]
    assert queued(ok, queued_action_status_cd=1) == []


def test_a_rescheduled_change_takes_effect_on_its_new_date(ok, checked):
    mid_cycle(ok)
    entry = queue(checked)
    anniversary = instance(ok, GOLD_MPI)["next_bill_date"]
    later = date.fromordinal(date.fromisoformat(anniversary).toordinal() + 5).isoformat()
    edits = [
        {"queue_id": entry["queue_id"], "queue_edit_directive": 2, "new_effective_date": later}
    ]
    answer = checked(EDIT, acct_no=ACME, edit_queued_changes=edits)
    assert answer["queued_changes"][0]["edit_queued_change_status_cd"] == 1
    ok("advance_virtual_datetime_m", offset_hours=24 * days_until(ok, anniversary))
    assert instance(ok, GOLD_MPI)["plan_units"] == 1
    ok("advance_virtual_datetime_m", offset_hours=24 * 5)
    assert instance(ok, GOLD_MPI)["plan_units"] == 3


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"queue_id": 1, "queue_edit_directive": 1}, "is not a queued plan change"),
        ({"queue_edit_directive": 3}, "queue_edit_directive must be"),
        ({"queue_edit_directive": 2, "new_effective_date": "2001-01-01"}, "before the virtual"),
        ({"queue_edit_directive": 2, "new_effective_date": "soon"}, "must be a date"),
    ],
    ids=["unknown-queue-id", "unknown-directive", "past-date", "not-a-date"],
)
def test_a_bad_edit_is_refused_and_changes_nothing(ok, checked, err, service, edit, message):
    queue(checked)
    before = service.dump_state()
    answer = err(1016, EDIT, acct_no=ACME, edit_queued_changes=[edit])
    assert message in answer["error_msg"]
    assert service.dump_state() == before


def test_a_reschedule_without_a_date_names_the_missing_input(ok, checked, err):
    queue(checked)
    answer = err(1010, EDIT, acct_no=ACME, edit_queued_changes=[{"queue_edit_directive": 2}])
    assert "new_effective_date" in answer["error_msg"]


@pytest.mark.parametrize("directive", [0, 1, 2])
def test_a_dry_run_edit_writes_nothing_and_shows_what_it_would_do(ok, checked, service, directive):
    mid_cycle(ok)
    queue(checked)
    edit = {"queue_edit_directive": directive, "new_effective_date": "2099-01-01"}
    before = service.dump_state()
    dry = checked(EDIT, acct_no=ACME, edit_queued_changes=[edit], do_write="false")
    assert service.dump_state() == before
    assert all(info["invoice_no"] is None for info in dry["invoice_info"])
    real = checked(EDIT, acct_no=ACME, edit_queued_changes=[edit])
    assert dry["queued_changes"] == real["queued_changes"]
    strip = [{**info, "invoice_no": None} for info in real["invoice_info"]]
    for info in strip:  # the dry run collects nothing
        info.update({name: None for name in info if name.startswith("proc_")})
    assert dry["invoice_info"] == strip
    assert bool(real["invoice_info"]) == (directive == 1)


# the guard


def test_the_guard_refuses_an_immediate_execution_and_passes_what_cannot_invoice():
    account = {"acct_no": ACME}
    execute = {**account, "edit_queued_changes": [{"queue_edit_directive": 1}]}
    assert decide(EDIT, execute, SANDBOX).action is Action.REFUSE
    for directive in (0, 2):
        edit = {**account, "edit_queued_changes": [{"queue_edit_directive": directive}]}
        assert decide(EDIT, edit, SANDBOX).action is Action.SEND
    assert decide(EDIT, {**execute, "do_write": "false"}, SANDBOX).action is Action.SEND


@pytest.mark.parametrize("method", ["update_acct_plan_m", "replace_acct_plan_m"])
def test_the_guard_passes_a_change_queued_for_the_anniversary(method):
    params = {"acct_no": ACME, "plan_instance_no": SILVER_MPI, "plan_units": 2,
              "new_plan_no": GOLD}  # fmt: skip
    assert decide(method, params, SANDBOX).action is Action.REFUSE
    for directive in (1, 3):
        queued_now = {**params, "assignment_directive": directive}
        assert decide(method, queued_now, SANDBOX).action is Action.SEND


def test_a_queued_change_whose_instance_was_cancelled_fails_and_the_clock_moves_on(ok, checked):
    mid_cycle(ok)
    queue(checked)
    anniversary = instance(ok, GOLD_MPI)["next_bill_date"]
    ok("cancel_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI)
    ok("advance_virtual_datetime_m", offset_hours=24 * days_until(ok, anniversary))
    (detail,) = queued(ok)
    assert detail["queued_action_status_cd"] == 3
    assert detail["queued_action_status_label"] == "Failed to execute"


def test_a_replacement_the_stub_cannot_make_is_refused_when_queued(err, service):
    before = service.dump_state()
    answer = err(
        1016, "replace_acct_plan_m", acct_no=ACME, plan_instance_no=GOLD_MPI,
        new_plan_no=ANNUAL, assignment_directive=1,
    )  # fmt: skip
    assert "same billing interval" in answer["error_msg"]
    assert service.dump_state() == before

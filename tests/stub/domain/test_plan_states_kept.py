"""An account's plan instance billing state (next billing date, invoice count) is kept across an
in-memory store's transactions (``invoicing.states_key``): each writer of ``plan_instances``
sets or forgets it, so an invoice never bills from a stale date.

The discarded pending invoice is covered in test_manage_pending_invoice.py
(test_discard_frees_the_period_for_a_new_invoice).
"""

from __future__ import annotations

from harness.stub.methods.billing_dates import next_bill_day
from tests.stub.domain.test_plans import ACME, EAST_BG, GOLD, GOLD_MPI, MAIN_BG, instance, mid_cycle


def _period(answer):
    """The billing period of an invoice's first line."""
    (entry,) = answer["out_invoices_list"]
    first = entry["invoice_items"][0]
    return first["start_date_range"], first["end_date_range"]


def test_a_second_invoice_bills_the_period_after_the_first(ok):
    # store_invoice sets the kept state it writes: the next call starts where this one ended
    ok("advance_virtual_datetime_m", offset_hours=24 * 400)
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI, combine_invoices=2)
    second = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI, combine_invoices=2)
    assert second["invoice_no"] != first["invoice_no"]
    assert _period(second)[0] > _period(first)[1]
    assert _period(second)[0] == instance(ok, GOLD_MPI)["last_bill_date"]


def test_a_billing_date_change_is_seen_by_the_next_invoice(ok, err):
    mid_cycle(ok)  # invoices the main group: its state is kept
    # (no refused gen_invoice_m here: its rollback would drop every kept value)
    moved_to = instance(ok, GOLD_MPI)["next_bill_date"]
    today = ok("get_virtual_datetime_m")["virtual_date"]
    day = 3 if today.endswith("-03") else 4
    ok("update_acct_complete_m", acct_no=ACME, client_master_plan_instance_id="ACME-GOLD-1",
       alt_bill_day=day)  # fmt: skip
    new_date = next_bill_day(today, day)
    assert new_date != moved_to
    answer = err(1002, "gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI)
    assert new_date in answer["error_msg"]


def test_a_new_plan_instance_is_billed_after_the_account_state_was_kept(ok):
    ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)  # keeps the account's state
    assigned = ok(
        "assign_acct_plan_m", acct_no=ACME, new_plan_no=GOLD, existing_billing_group_no=EAST_BG
    )  # no running cycle in the east group: due today, not invoiced yet
    new_mpi = assigned["plan_instance_no"]
    answer = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=new_mpi)
    (entry,) = answer["out_invoices_list"]
    charged = [line for line in entry["invoice_items"] if line["line_type"] != 2]  # not the tax
    assert {line["plan_instance_no"] for line in charged} == {new_mpi}


def test_a_reset_bills_from_the_fixture_dates_again(ok, service):
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI)
    service.reset()
    again = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI)
    assert _period(again) == _period(first)


def test_the_kept_state_spares_the_plan_instances_query(ok, service):
    ok("advance_virtual_datetime_m", offset_hours=24 * 400)
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI, combine_invoices=2)
    statements: list[str] = []
    service._store._conn.set_trace_callback(statements.append)
    try:
        ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=GOLD_MPI, combine_invoices=2)
    finally:
        service._store._conn.set_trace_callback(None)
    assert any(sql.startswith("UPDATE plan_instances") for sql in statements)
    assert not any(sql.startswith("SELECT") and "plan_instances" in sql for sql in statements)

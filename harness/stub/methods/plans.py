"""assign_acct_plan_m, cancel_acct_plan_m, replace_acct_plan_m, update_acct_plan_m,
modify_acct_plan_unit_instances_m: one plan change each (harness.stub.plan_changes), billed on
its own invoice when it charges or credits anything now.

``do_write=false`` answers the would-be lines and totals and writes nothing. The stub invoices
prorations immediately whatever ``proration_invoice_timing`` says (the description gives it no
values). Each reads ``assignment_directive`` (harness.stub.queued_changes): 1 queues the
change for the anniversary and bills nothing now, 3 changes now without proration (a
cancellation still owes its early termination fee); ``include_plan_instance_queue`` true lists
the queued change in ``plan_instance_queue`` (modify_acct_plan_unit_instances_m's answer has
no such field).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from harness.facts import reads_true
from harness.stub.accounts import find_account, find_instance, find_plan, pick
from harness.stub.billing import TAX_LINE, Totals, dec
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.models import Account, BillingGroup
from harness.stub.plan_changes import (
    Billed,
    Change,
    assign,
    bill_lines,
    cancel,
    change_units,
    positive_units,
    replace_plan,
)
from harness.stub.queued_changes import (
    NOW_DEFAULT,
    ON_ANNIVERSARY,
    Queued,
    assignment_directive,
    billed_now,
    queue_assignment,
    queue_change,
    queue_records,
)
from harness.stub.render import render_record
from harness.stub.store import Transaction

__all__ = [
    "assign_acct_plan_m",
    "billing_group",
    "line_records",
    "cancel_acct_plan_m",
    "modify_acct_plan_unit_instances_m",
    "replace_acct_plan_m",
    "total_fields",
    "update_acct_plan_m",
    "with_queue",
]

Make = Callable[[Transaction, Account, bool], Change]


def _run(
    ctx: CallContext,
    params: dict[str, Any],
    make: Make,
    *,
    collect_it: bool = True,
    directive: int = NOW_DEFAULT,
) -> tuple[Change, Billed]:
    """Make one change on the named account, bill it, and (unless a dry run) write it.

    The lines billed are those the assignment_directive bills now (billed_now).
    """
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, ctx.tenant, params)
        change = make(db, account, dry_run)
        change.lines = billed_now(directive, change.lines)
        billed = bill_lines(
            db,
            ctx,
            account,
            change.billing_group_no,
            change.lines,
            params,
            dry_run=dry_run,
            collect_it=collect_it,
        )
        if not dry_run:
            change.commit(billed.invoice_no is not None)
    return change, billed


def _answer(billed: Billed) -> dict[str, Any]:
    """The totals and lines every plan method answers with."""
    sums, lines = billed.sums, billed.draft.lines
    credit_before_tax = sum(
        (
            dec(line["amount"])
            for line in lines
            if line["amount"] < 0 and line["line_type"] != TAX_LINE
        ),
        Decimal(0),
    )
    credit_after_tax = sum(
        (dec(line["amount"]) for line in lines if line["amount"] < 0), Decimal(0)
    )
    answer: dict[str, Any] = {
        "invoice_no": billed.invoice_no,
        "proration_result_amount": float(sums.before_tax),
        "proration_tax_amount": float(sums.tax),
        # what credits unused days, as positive amounts: before tax, and with its tax
        "proration_credit_amount": float(-credit_before_tax),
        "proration_credit_result_amount": float(-credit_after_tax),
        **total_fields(sums),
        "acct_plan_line_items": line_records("A7.AcctPlanLineItem", lines),
    }
    if billed.outcome:
        answer.update(billed.outcome)
    return answer


def total_fields(sums: Totals) -> dict[str, Any]:
    """The total_* fields a plan change's answer gives its invoice."""
    return {
        "total_charges_before_tax": float(sums.before_tax),
        "total_tax_charges": float(sums.tax),
        "total_charges_after_tax": float(sums.after_tax),
        # coupons are the only credits; a proration credit is a negative line
        "total_credit": float(sums.credit),
        "total_tax_credit": 0.0,
        "total_credit_before_tax": 0.0,
        "total": float(sums.total),
    }


def line_records(schema: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines in the shape of A7.AcctPlanLineItem, A7.InvoiceLineItem or A7.InvoiceItemDetail
    (the same facts under the names each schema gives them)."""
    return [
        render_record(
            schema,
            {
                "line_no": line["line_no"],
                "invoice_line_no": line["line_no"],
                "line_type": line["line_type"],
                "service_is_tax_ind": int(line["line_type"] == TAX_LINE),
                "service_no": line.get("service_no"),
                "service_name": line.get("service_name"),
                "client_service_id": line.get("client_service_id"),
                "line_units": line.get("units"),
                "rate_per_unit": line.get("rate"),
                "line_amount": line["amount"],
                "line_base_units": line.get("plan_units"),
                "proration_factor": line.get("proration_factor"),
                "description": line.get("description"),
                "line_description": line.get("description"),
                "date_range_start": line.get("start"),
                "start_date_range": line.get("start"),
                "date_range_end": line.get("end"),
                "end_date_range": line.get("end"),
                "plan_no": line.get("plan_no"),
                "plan_name": line.get("plan_name"),
                "client_plan_id": line.get("client_plan_id"),
                "plan_instance_no": line.get("plan_instance_no"),
                "client_plan_instance_id": line.get("client_plan_instance_id"),
            },
        )
        for line in lines
    ]


Enqueue = Callable[[Transaction, Account], "Queued | None"]


def _directed(
    ctx: CallContext,
    params: dict[str, Any],
    make: Make,
    enqueue: Enqueue,
    *,
    collect_it: bool = True,
) -> tuple[dict[str, Any], Change | None, Billed]:
    """Run the change as ``assignment_directive`` says: queued for the anniversary, or now
    (prorated, or not with 3); the answer, the change when one was made now, and its bill."""
    directive = assignment_directive(params)
    if directive == ON_ANNIVERSARY:
        dry_run = params.get("do_write") == "false"
        store = ctx.store
        with store.read() if dry_run else store.transaction() as db:
            account = find_account(db, ctx.tenant, params)
            if dry_run:
                make(db, account, True)  # checks the inputs as the change would; writes nothing
            queued = None if dry_run else enqueue(db, account)
            if queued is not None or dry_run:
                nothing = bill_lines(db, ctx, account, 0, [], params, dry_run=True)
                return (
                    with_queue(params, _answer(nothing), [queued] if queued else []),
                    None,
                    nothing,
                )
        # no anniversary to wait for (no cycle runs in the group yet): made now, nothing to prorate
    change, billed = _run(ctx, params, make, collect_it=collect_it, directive=directive)
    return with_queue(params, _answer(billed), []), change, billed


def with_queue(
    params: dict[str, Any], answer: dict[str, Any], queued: Sequence[Queued]
) -> dict[str, Any]:
    """``plan_instance_queue`` (the changes the call queued) when the call asks for it
    (include_plan_instance_queue)."""
    if reads_true(params.get("include_plan_instance_queue")):
        answer["plan_instance_queue"] = [
            render_record("A7.PlanInstanceQueue", record) for record in queue_records(queued)
        ]
    return answer


def billing_group(
    account: Account,
    params: dict[str, Any],
    no_field: str = "existing_billing_group_no",
    id_field: str = "existing_client_billing_group_id",
) -> BillingGroup:
    """The existing billing group a plan assignment names; the account's first by default."""
    if params.get(no_field) is None and params.get(id_field) is None:
        # the stub creates no billing group here: the account's first one takes the plan
        return account.billing_groups[0]
    return pick(
        params,
        no_field,
        id_field,
        account.billing_groups,
        lambda group: group.billing_group_no,
        lambda group: group.client_billing_group_id,
        f"a billing group of account {account.acct_no}",
    )


def assign_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Assign a new master plan instance; prorated and invoiced when its group is mid-cycle."""
    plan = find_plan(ctx.tenant, params, "new_plan_no", "new_client_plan_id")
    units = positive_units(params.get("plan_units", 1), "plan_units")

    ident = params.get("client_plan_instance_id")

    def make(db: Transaction, account: Account, dry_run: bool) -> Change:
        group = billing_group(account, params)
        return assign(
            db, ctx, account, plan, units=units, group=group, ident=ident, dry_run=dry_run
        )

    def enqueue(db: Transaction, account: Account) -> Queued | None:
        group = billing_group(account, params)
        return queue_assignment(db, ctx, account, plan, units=units, group=group, ident=ident)

    answer, change, _ = _directed(ctx, params, make, enqueue)
    if change is not None:
        answer["plan_instance_no"] = change.mpi.mpi_no or None
    return answer


def _instance_change(
    params: dict[str, Any],
    no_field: str,
    id_field: str,
    how: Callable[[Transaction, Account, Any], Any],
) -> Callable[[Transaction, Account, bool], Any]:
    def make(db: Transaction, account: Account, dry_run: bool) -> Any:
        return how(db, account, find_instance(account, params, no_field, id_field))

    return make


def _now(find: Callable[[Transaction, Account, bool], Any]) -> Enqueue:
    """An instance change found by ``_instance_change`` as an Enqueue (never a dry run)."""
    return lambda db, account: find(db, account, False)


def cancel_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Cancel a plan instance: unused days credited mid-cycle, an early termination fee due;
    with assignment_directive 1 on its next billing date, nothing credited or charged."""

    def later(db: Transaction, account: Account, mpi: Any) -> Queued:
        return queue_change(
            db, ctx, account, mpi, kind="cancel", plan_no=mpi.plan_no, units=mpi.units
        )

    fields = ("plan_instance_no", "client_plan_instance_id")
    make = _instance_change(params, *fields, lambda db, account, mpi: cancel(db, ctx, account, mpi))
    enqueue = _instance_change(params, *fields, later)
    return _directed(ctx, params, make, _now(enqueue), collect_it=False)[0]


def replace_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Swap an instance's plan; a higher rate mid-cycle is charged for the rest of the period."""
    new_plan = find_plan(ctx.tenant, params, "new_plan_no", "new_client_plan_id")

    ident = params.get("new_client_plan_instance_id")

    def how(db: Transaction, account: Account, mpi: Any) -> Change:
        units = positive_units(params.get("plan_units", mpi.units), "plan_units")
        return replace_plan(db, ctx, account, mpi, new_plan, units=units, new_ident=ident)

    def later(db: Transaction, account: Account, mpi: Any) -> Queued:
        units = positive_units(params.get("plan_units", mpi.units), "plan_units")
        return queue_change(
            db, ctx, account, mpi, kind="replace", plan_no=new_plan.plan_no, units=units,
            new_ident=ident,
        )  # fmt: skip

    fields = ("plan_instance_no", "client_plan_instance_id")
    make = _instance_change(params, *fields, how)
    enqueue = _instance_change(params, *fields, later)
    return _directed(ctx, params, make, _now(enqueue))[0]


def update_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change an instance's units (the only change the stub simulates)."""

    def how(db: Transaction, account: Account, mpi: Any) -> Change:
        units = positive_units(params.get("plan_units", mpi.units), "plan_units")
        return change_units(db, ctx, account, mpi, units)

    def later(db: Transaction, account: Account, mpi: Any) -> Queued:
        units = positive_units(params.get("plan_units", mpi.units), "plan_units")
        return queue_change(db, ctx, account, mpi, kind="units", plan_no=mpi.plan_no, units=units)

    fields = ("plan_instance_no", "client_plan_instance_id")
    make = _instance_change(params, *fields, how)
    enqueue = _instance_change(params, *fields, later)
    return _directed(ctx, params, make, _now(enqueue))[0]


def modify_acct_plan_unit_instances_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Add units (new_plan_units, or one per new_client_plan_unit_inst) or remove some."""
    added = dec(params.get("new_plan_units", 0))
    if added < 0:
        raise InvalidInput("new_plan_units must not be negative")
    added += len(params.get("new_client_plan_unit_inst") or ())
    removed = len(params.get("remove_plan_units") or ())
    if not added and not removed:
        raise InvalidInput("give new_plan_units, new_client_plan_unit_inst or remove_plan_units")

    def new_units(mpi: Any) -> Decimal:
        units: Decimal = mpi.units + added - removed
        if units <= 0:
            raise InvalidInput(f"the instance has {mpi.units} units; at least one must stay")
        return units

    def how(db: Transaction, account: Account, mpi: Any) -> Change:
        return change_units(db, ctx, account, mpi, new_units(mpi))

    def later(db: Transaction, account: Account, mpi: Any) -> Queued:
        units = new_units(mpi)
        return queue_change(db, ctx, account, mpi, kind="units", plan_no=mpi.plan_no, units=units)

    fields = ("plan_inst_no", "client_plan_inst_id")
    make = _instance_change(params, *fields, how)
    enqueue = _instance_change(params, *fields, later)
    answer, _, billed = _directed(ctx, params, make, _now(enqueue))
    answer["invoice_line_item"] = line_records("A7.InvoiceLineItem", billed.draft.lines)
    return answer

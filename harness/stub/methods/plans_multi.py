"""update_acct_plan_multi_m: several plan changes on one account in one call.

apis-that-generate-invoices.txt: "Generates an invoice when one or more plan operations in the
batch trigger immediate charges or proration." Each ``plan_updates`` item is one change of
harness.stub.plan_changes, judged on the account as it stood before the call; the changes'
lines are billed on one invoice per billing group (collected like the single methods'), and
every change is written in the same transaction, so a failing item changes nothing.

``plan_directive``: Swagger 19 names 1 (assign a new plan) and 3 (update an instance's units)
in ``assign_plan_unit_instances``; 2 (replace) and 4 (cancel) follow the order the method's
summary gives its operations ("assigns, replaces, updates, and/or cancels"). Any other value
answers 1016. Each instance takes one operation per call (the docs' guide), a second answers
1016. ``acct_billing_groups`` (required by Swagger) is read but the stub creates or edits no
billing group through it: plan updates name existing groups.

``assignment_directive`` is one for the whole batch (Swagger 19 gives it at the top level, and
no ``plan_updates`` item has one): 1 queues every operation for its instance's next billing
date (an assignment for the end of the cycle running in its group, made now when none runs),
bills nothing now and lists the queued changes in ``plan_instance_queue`` when
``include_plan_instance_queue`` is true; 3 makes them now without proration (a cancellation
still owes its early termination fee); 2 and 4 now, prorated (harness.stub.queued_changes).
A queued operation appears in ``plans_updated`` as it will be, under the instance number it
keeps or (an assignment) took when queued.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from harness.stub.accounts import find_account, find_instance, find_plan
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.methods.plans import billing_group, line_records, with_queue
from harness.stub.models import Account, MasterPlanInstance
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
    ON_ANNIVERSARY,
    Queued,
    assignment_directive,
    billed_now,
    queue_assignment,
    queue_change,
)
from harness.stub.render import render_record
from harness.stub.store import Transaction

__all__ = ["update_acct_plan_multi_m"]

ASSIGN, REPLACE, UPDATE, CANCEL = 1, 2, 3, 4
# a change made on an existing instance (Change.operation) as the queue names its kind
QUEUED_KIND = {"replace": "replace", "update": "units", "cancel": "cancel"}


def _change(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    item: dict[str, Any],
    where: str,
    dry_run: bool,
) -> Change:
    directive = item["plan_directive"]
    if directive == ASSIGN:
        plan = find_plan(ctx.tenant, item, "new_plan_no", "new_client_plan_id")
        return assign(
            db,
            ctx,
            account,
            plan,
            units=positive_units(item.get("plan_units", 1), f"{where}.plan_units"),
            group=billing_group(account, item, "billing_group_no", "client_billing_group_id"),
            ident=item.get("new_client_plan_instance_id"),
            dry_run=dry_run,
        )
    if directive not in (REPLACE, UPDATE, CANCEL):
        raise InvalidInput(
            f"{where}.plan_directive must be 1 (assign), 2 (replace), 3 (update) or 4 (cancel)"
        )
    mpi = find_instance(
        account, item, "existing_plan_instance_no", "existing_client_plan_instance_id"
    )
    if directive == CANCEL:
        return cancel(db, ctx, account, mpi)
    units = positive_units(item.get("plan_units", mpi.units), f"{where}.plan_units")
    if directive == UPDATE:
        return change_units(db, ctx, account, mpi, units)
    plan = find_plan(ctx.tenant, item, "new_plan_no", "new_client_plan_id")
    ident = item.get("new_client_plan_instance_id")
    return replace_plan(db, ctx, account, mpi, plan, units=units, new_ident=ident)


def _queue(
    db: Transaction, ctx: CallContext, account: Account, item: dict[str, Any], change: Change
) -> Queued | None:
    """Queue an operation (checked as ``change``) for the anniversary; None for an assignment
    with no cycle running in its group, which is made now."""
    if change.operation == "assign":
        group = billing_group(account, item, "billing_group_no", "client_billing_group_id")
        plan, units = ctx.tenant.plans[change.mpi.plan_no], change.mpi.units
        ident = item.get("new_client_plan_instance_id")
        return queue_assignment(db, ctx, account, plan, units=units, group=group, ident=ident)
    current = next(m for m in account.mpis if m.mpi_no == change.mpi.mpi_no)
    return queue_change(
        db,
        ctx,
        account,
        current,
        kind=QUEUED_KIND[change.operation],
        plan_no=change.mpi.plan_no,
        units=change.mpi.units,
        new_ident=item.get("new_client_plan_instance_id")
        if change.operation == "replace"
        else None,
    )


def update_acct_plan_multi_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Assign, replace, update and cancel plan instances; one invoice per billing group."""
    directive = assignment_directive(params)
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, ctx.tenant, params)
        changes: list[tuple[int, Change]] = []
        shown: list[tuple[int, MasterPlanInstance]] = []
        queued: list[Queued] = []
        touched: set[int] = set()
        later = directive == ON_ANNIVERSARY
        for index, item in enumerate(params["plan_updates"]):
            where = f"plan_updates[{index}]"
            # a queued operation is checked as a dry run of it: nothing is written for it now
            change = _change(db, ctx, account, item, where, dry_run or later)
            if change.operation != "assign":
                if change.mpi.mpi_no in touched:
                    raise InvalidInput(
                        f"{where}: plan instance {change.mpi.mpi_no} already "
                        "has an operation in this call"
                    )
                touched.add(change.mpi.mpi_no)
            entry = _queue(db, ctx, account, item, change) if later and not dry_run else None
            if entry is not None:
                queued.append(entry)
                mpi = replace(
                    change.mpi, mpi_no=entry.mpi_no, client_mpi_id=entry.target["client_mpi_id"]
                )
                shown.append((item["plan_directive"], mpi))
                continue
            if later and not dry_run:  # an assignment with no cycle to wait for: made now
                change = _change(db, ctx, account, item, where, False)
            change.lines = billed_now(directive, change.lines)
            changes.append((item["plan_directive"], change))
            shown.append((item["plan_directive"], change.mpi))
        by_group: dict[int, list[dict[str, Any]]] = {}
        for _, change in changes:
            by_group.setdefault(change.billing_group_no, []).extend(change.lines)
        billed = {
            group_no: bill_lines(db, ctx, account, group_no, lines, params, dry_run=dry_run)
            for group_no, lines in by_group.items()
            if lines
        }
        if not dry_run:
            for _, change in changes:
                invoice = billed.get(change.billing_group_no)
                change.commit(invoice is not None and invoice.invoice_no is not None)
    tenant = ctx.tenant
    answer: dict[str, Any] = {
        "out_acct_no": account.acct_no,
        "out_client_acct_id": account.client_acct_id,
        "plans_updated": [
            render_record(
                "A7.PlansUpdated",
                {
                    "plan_instance_no": mpi.mpi_no or None,
                    "client_plan_instance_id": mpi.client_mpi_id,
                    "plan_no": mpi.plan_no,
                    "client_plan_id": tenant.plans[mpi.plan_no].client_plan_id,
                    "plan_name": tenant.plans[mpi.plan_no].name,
                    "plan_operation": operation,
                },
            )
            for operation, mpi in shown
        ],
        "multi_plan_invoice_details": [
            _invoice_detail(account, group_no, one) for group_no, one in billed.items()
        ],
    }
    return with_queue(params, answer, queued)


def _invoice_detail(account: Account, group_no: int, billed: Billed) -> dict[str, Any]:
    sums, group = billed.sums, account.billing_group(group_no)
    return render_record(
        "A7.MultiPlanInvoiceDetail",
        {
            **(billed.outcome or {}),
            "billing_group_no": group_no,
            "client_billing_group_id": group.client_billing_group_id if group else None,
            "invoice_no": billed.invoice_no,
            "invoice_charges_before_tax": float(sums.before_tax),
            "invoice_tax_charges": float(sums.tax),
            "invoice_charges_after_tax": float(sums.after_tax),
            # coupons are the only credits; a proration credit is a negative line
            "invoice_credit_before_tax": 0.0,
            "invoice_tax_credits": 0.0,
            "invoice_credits": float(sums.credit),
            "invoice_total_amount": float(sums.total),
            "invoice_item_details": line_records("A7.InvoiceItemDetail", billed.draft.lines),
        },
    )

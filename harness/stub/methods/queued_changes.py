"""get_acct_plan_queued_changes_m and edit_acct_plan_queued_changes_m: the queue of plan changes
(harness.stub.queued_changes).

``queue_edit_directive`` as Aria's guide to edit_acct_plan_queued_changes_m gives it
(assignment_directive is "not honored when queue_edit_directive = 0 (delete queue), or 1
(execute immediate)"; Swagger 19: new_effective_date is "valid only when queue_edit_directive
= 2"): 0 deletes, 1 executes now, 2 moves the effective date. Any other value answers 1016.
An item names a queue_id, else a plan instance (all its queued changes), else none (every
queued change of the account).

apis-that-generate-invoices.txt: "Generates an invoice when a queued plan change is executed
immediately and the resulting plan assignment carries billable charges." Executing now makes
the change as the immediate methods do (prorated by the client's rule: the item's
assignment_directive is not honored, as the guide says), and the changes' lines are billed on
one invoice per billing group, collected when it charges. ``do_write=false`` answers the
would-be invoices and writes nothing.

Choices where the docs are silent: ``edit_queued_change_status_cd`` and its label give the
queued change's status after the edit in the codes of get_acct_plan_queued_changes_m (0
deleted, 1 queued, 2 executed, 3 failed to execute); a queue_id that is not a queued change of
the account answers 1016.
"""

from __future__ import annotations

from typing import Any

from harness.stub.accounts import find_account
from harness.stub.billing import TAX_LINE, dec
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter
from harness.stub.models import Account
from harness.stub.plan_changes import Billed, Change, bill_lines
from harness.stub.queued_changes import (
    DELETED,
    EXECUTED,
    FAILED,
    QUEUED,
    STATUS_LABELS,
    Queued,
    find_queued,
    reschedule,
    set_status,
    start_change,
)
from harness.stub.render import render_lines, render_record, render_tax_details
from harness.stub.store import Transaction

__all__ = ["edit_acct_plan_queued_changes_m", "get_acct_plan_queued_changes_m"]

DELETE, EXECUTE, RESCHEDULE = 0, 1, 2
ALL_STATUSES = 4  # queued_action_status_cd 4: "All (default if no value is provided)"


def _matches(queued: Queued, item: dict[str, Any]) -> bool:
    """Whether an item (or a filter) names this queued change."""
    if item.get("queue_id") is not None:
        return bool(queued.queue_id == item["queue_id"])
    if item.get("plan_instance_no") is not None:
        return bool(queued.mpi_no == item["plan_instance_no"])
    if item.get("client_plan_instance_id") is not None:
        return bool(queued.target.get("client_mpi_id") == item["client_plan_instance_id"])
    return True


def get_acct_plan_queued_changes_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's queued plan changes (of one instance or queue id, of one status)."""
    tenant = ctx.tenant
    status = params.get("queued_action_status_cd", ALL_STATUSES)
    if status not in (*STATUS_LABELS, ALL_STATUSES):
        raise InvalidInput("queued_action_status_cd must be 0, 1, 2, 3 or 4 (all)")
    with ctx.store.read() as db:
        account = find_account(db, tenant, params)
        found = find_queued(
            db, ctx, account.acct_no, status=None if status == ALL_STATUSES else status
        )
        details = [
            _detail(account, tenant.plans, queued) for queued in found if _matches(queued, params)
        ]
    return {"queued_change_details": details}


def _detail(account: Account, plans: Any, queued: Queued) -> dict[str, Any]:
    target = queued.target
    # a cancellation leaves no plan on the instance: its target is empty
    new_plan = None if queued.kind == "cancel" else plans[target["plan_no"]]
    current = next((m for m in account.mpis if m.mpi_no == queued.mpi_no), None)
    now_plan = plans[current.plan_no] if current is not None else None
    return render_record(
        "A7.QueuedChangeDetail",
        {
            "queue_id": queued.queue_id,
            "plan_instance_no": queued.mpi_no,
            "client_plan_instance_id": target["client_mpi_id"],
            "queued_action_status_cd": queued.status,
            "queued_action_status_label": STATUS_LABELS[queued.status],
            "current_plan_no": now_plan.plan_no if now_plan else None,
            "current_client_plan_id": now_plan.client_plan_id if now_plan else None,
            "current_plan_name": now_plan.name if now_plan else None,
            "current_plan_units": int(current.units) if current is not None else None,
            "effective_date": queued.effective_date,
            "target_plan_no": new_plan.plan_no if new_plan else None,
            "target_client_plan_id": new_plan.client_plan_id if new_plan else None,
            "target_plan_name": new_plan.name if new_plan else None,
            "target_plan_units": int(dec(target["units"])) if new_plan else None,
            "queuing_date": queued.queued_on,
            "deleting_date": queued.deleted_on,
            "execute_immediately_date": queued.executed_on,
            "editing_date": queued.edited_on,
        },
    )


def edit_acct_plan_queued_changes_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Delete, execute now or reschedule queued plan changes; executing may invoice."""
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, ctx.tenant, params)
        queued = find_queued(db, ctx, account.acct_no, status=QUEUED)
        edited: list[tuple[Queued, int]] = []
        executed: list[Change] = []
        for index, item in enumerate(params["edit_queued_changes"]):
            where = f"edit_queued_changes[{index}]"
            directive = item.get("queue_edit_directive")
            if directive is None:
                raise MissingParameter(f"{where}.queue_edit_directive")
            if directive not in (DELETE, EXECUTE, RESCHEDULE):
                raise InvalidInput(
                    f"{where}.queue_edit_directive must be 0 (delete), 1 (execute now) or 2 "
                    "(change the effective date)"
                )
            chosen = [q for q in queued if _matches(q, item)]
            if item.get("queue_id") is not None and not chosen:
                raise InvalidInput(
                    f"{where}.queue_id {item['queue_id']} is not a queued plan change of "
                    f"account {account.acct_no}"
                )
            if directive == RESCHEDULE and item.get("new_effective_date") is None:
                raise MissingParameter(f"{where}.new_effective_date")
            for entry in chosen:
                queued.remove(entry)  # one edit per queued change and call
                edited.append((entry, _edit(db, ctx, account, entry, item, executed, dry_run)))
        billed = _bill(db, ctx, account, executed, params, dry_run)
        if not dry_run:
            invoiced = {group for group, one in billed.items() if one.invoice_no is not None}
            for change in executed:
                change.commit(change.billing_group_no in invoiced)
    return {
        "queued_changes": [
            render_record(
                "A7.QueuedChange",
                {
                    "queue_id": entry.queue_id,
                    "plan_instance_no": entry.mpi_no,
                    "client_plan_instance_id": entry.target["client_mpi_id"],
                    "edit_queued_change_status_cd": status,
                    "edit_queued_change_status_label": STATUS_LABELS[status],
                },
            )
            for entry, status in edited
        ],
        "invoice_info": [_invoice_info(account, group, one) for group, one in billed.items()],
        "proration_details": [_proration(change) for change in executed if change.lines],
    }


def _edit(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    queued: Queued,
    item: dict[str, Any],
    executed: list[Change],
    dry_run: bool,
) -> int:
    """Apply one edit to one queued change; its status after the edit."""
    directive = item["queue_edit_directive"]
    if directive == DELETE:
        if not dry_run:
            set_status(db, ctx, queued, DELETED)
        return DELETED
    if directive == RESCHEDULE:
        if not dry_run:
            reschedule(db, ctx, queued, item["new_effective_date"])
        return QUEUED
    change = start_change(db, ctx, account, queued, dry_run=dry_run)
    if change is None:
        if not dry_run:
            set_status(db, ctx, queued, FAILED)
        return FAILED
    executed.append(change)
    if not dry_run:
        set_status(db, ctx, queued, EXECUTED)
    return EXECUTED


def _bill(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    executed: list[Change],
    params: dict[str, Any],
    dry_run: bool,
) -> dict[int, Billed]:
    """The executed changes' lines on one invoice per billing group (those with lines)."""
    by_group: dict[int, list[dict[str, Any]]] = {}
    for change in executed:
        if change.lines:
            by_group.setdefault(change.billing_group_no, []).extend(change.lines)
    return {
        group: bill_lines(db, ctx, account, group, lines, params, dry_run=dry_run)
        for group, lines in by_group.items()
    }


def _invoice_info(account: Account, group_no: int, billed: Billed) -> dict[str, Any]:
    sums, lines = billed.sums, billed.draft.lines
    group = account.billing_group(group_no)
    first = next((line for line in lines if line.get("client_plan_instance_id")), {})
    charged = sum((dec(line["amount"]) for line in lines if line["line_type"] != TAX_LINE), dec(0))
    return render_record(
        "A7.InvoiceInfo",
        {
            **(billed.outcome or {}),
            "invoice_no": billed.invoice_no,
            "billing_group_no": group_no,
            "client_plan_instance_id": first.get("client_plan_instance_id"),
            "invoice_charges_before_tax": float(sums.before_tax),
            "invoice_tax_charges": float(sums.tax),
            "invoice_charges_after_tax": float(sums.after_tax),
            "invoice_credit_amount": float(sums.credit),
            "invoice_total_amount": float(sums.total),
            # coupons are the only credits; a proration credit is a negative line
            "total_credit": float(sums.credit),
            "total_tax_credit": 0.0,
            "total_credit_before_tax": 0.0,
            "total": float(sums.total),
            "proration_result_amount": float(charged),
            "invoice_items": render_lines("A7.InvoiceItem", lines),
            "tax_details": render_tax_details("A7.TaxDetail", billed.draft.tax_details),
            "client_billing_group_id": group.client_billing_group_id if group else None,
        },
    )


def _proration(change: Change) -> dict[str, Any]:
    charged = sum((dec(line["amount"]) for line in change.lines if line["amount"] > 0), dec(0))
    credited = sum((dec(line["amount"]) for line in change.lines if line["amount"] < 0), dec(0))
    return render_record(
        "A7.ProrationDetail",
        {
            "plan_instance_no": change.mpi.mpi_no,
            "client_plan_instance_id": change.mpi.client_mpi_id,
            # before tax: the tax is on the invoice
            "proration_result_total_amount": float(charged + credited),
            "proration_amount": float(charged),
            "proration_credit_amount": float(-credited),
        },
    )

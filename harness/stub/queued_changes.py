"""Queued plan changes: a change asked for "on the anniversary" waits in a queue until then.

``assignment_directive`` (assign_acct_plan_m, cancel_acct_plan_m, replace_acct_plan_m,
update_acct_plan_m, modify_acct_plan_unit_instances_m, and update_acct_plan_multi_m for every
operation of its batch: Swagger 19 gives each of them the field at the top level), as
Swagger 19 spells its values (proration_result_amount: "'1' (perform on anniversary date), or
'2' (honor client default proration action) ... or '3' (force no proration)") and Aria's guide
to modify_acct_plan_unit_instances_m lists them (4: "immediately ... forcing PRORATION"):

- 1 queues the change for the plan instance's next billing date (its anniversary), with no
  proration; the change is applied when the virtual clock reaches that date (on
  advance_virtual_datetime_m, and before gen_invoice_m bills), so the invoice of the new
  period bills the new terms;
- 2 (the default) and 4 change now, prorated: the stub's client rule prorates, so both are the
  same here;
- 3 changes now without proration: nothing is charged or credited until the next invoice,
  except an early termination fee (harness.stub.plan_changes.without_proration).

Any other value answers 1016. A queued change is shown by get_acct_plan_queued_changes_m, by
``plan_instance_queue`` when a call asks for it (``include_plan_instance_queue``), and edited by
edit_acct_plan_queued_changes_m. Status codes are those of Aria's guide to
get_acct_plan_queued_changes_m (0 deleted, 1 queued, 2 executed, 3 failed to execute).

Choices where the docs are silent: a queued assignment takes its plan instance number when it
is queued (the queue shows it), and the instance exists from its effective date; a queued
change whose plan instance was cancelled meanwhile fails to execute (status 3); an assignment
queued where no billing cycle runs in its group has no anniversary to wait for and is made now.
A queued cancellation ends the instance on its next billing date: the period it was billed
for is served, so nothing is credited, and no early termination fee is charged, neither when
it is queued nor when it takes effect (queued changes apply without billing of their own, and
our sources do not say a cancellation on the anniversary owes the fee). A queued units change
stores the units the instance will have (for modify_acct_plan_unit_instances_m: its units when
queued, plus those added, less those removed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.accounts import current_cycle, live_account
from harness.stub.context import CallContext
from harness.stub.exceptions import AriaFault, InvalidInput
from harness.stub.models import Account, BillingGroup, MasterPlanInstance, Plan
from harness.stub.plan_changes import (
    Change,
    assign,
    cancel,
    change_units,
    check_new_ident,
    check_replacement,
    replace_plan,
    running_cycle,
    without_proration,
)
from harness.stub.store import Transaction, dumps

__all__ = [
    "DELETED",
    "EXECUTED",
    "FAILED",
    "NOW_NO_PRORATION",
    "ON_ANNIVERSARY",
    "QUEUED",
    "STATUS_LABELS",
    "Queued",
    "apply_due",
    "assignment_directive",
    "billed_now",
    "find_queued",
    "queue_assignment",
    "queue_change",
    "queue_records",
    "reschedule",
    "set_status",
    "start_change",
]

ON_ANNIVERSARY, NOW_DEFAULT, NOW_NO_PRORATION, NOW_PRORATED = 1, 2, 3, 4
DELETED, QUEUED, EXECUTED, FAILED = 0, 1, 2, 3
STATUS_LABELS = {
    DELETED: "Deleted",
    QUEUED: "Queued",
    EXECUTED: "Executed successfully",
    FAILED: "Failed to execute",
}
# queue_type of Aria's guide to get_acct_plan_queued_changes_m: 1 plan assignment, 3 plan
# replacement; the guide's values for a units change and a cancellation are not in our
# sources, so they show none
QUEUE_TYPES = {"assign": 1, "replace": 3, "units": None, "cancel": None}


def assignment_directive(params: dict[str, Any]) -> int:
    """The call's assignment_directive (2 when absent); 1016 for a value the stub does not know."""
    value = params.get("assignment_directive", NOW_DEFAULT)
    if value not in (ON_ANNIVERSARY, NOW_DEFAULT, NOW_NO_PRORATION, NOW_PRORATED):
        raise InvalidInput(
            "assignment_directive must be 1 (on the anniversary), 2 (now, the client's "
            "proration rule), 3 (now, no proration) or 4 (now, prorated)"
        )
    return int(value)


def billed_now(directive: int, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines a change bills now under the directive: none when it waits for (or, with no
    cycle to wait for, is made on) its anniversary, no proration with 3, all of them else."""
    if directive == ON_ANNIVERSARY:
        return []
    return without_proration(lines) if directive == NOW_NO_PRORATION else lines


@dataclass(frozen=True)
class Queued:
    """One queued plan change as stored."""

    queue_id: int
    acct_no: int
    mpi_no: int
    kind: str
    status: int
    effective_date: str
    queued_on: str
    edited_on: str | None
    deleted_on: str | None
    executed_on: str | None
    target: dict[str, Any]

    @property
    def queue_type(self) -> int | None:
        """Aria's queue_type of this change (None where our sources give none)."""
        return QUEUE_TYPES[self.kind]


def _insert(
    db: Transaction,
    ctx: CallContext,
    acct_no: int,
    mpi_no: int,
    kind: str,
    effective: str,
    target: dict[str, Any],
) -> Queued:
    queue_id = db.next_id("queue_id")
    today = ctx.today(db)
    db.forget(due_key(ctx.tenant.client_no, acct_no))
    db.execute(
        "INSERT INTO queued_changes (queue_id, client_no, acct_no, mpi_no, queue_type, status, "
        "effective_date, queued_on, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            queue_id,
            ctx.tenant.client_no,
            acct_no,
            mpi_no,
            QUEUE_TYPES[kind],
            QUEUED,
            effective,
            today,
            dumps({"kind": kind, **target}),
        ),
    )
    return Queued(queue_id, acct_no, mpi_no, kind, QUEUED, effective, today, None, None, None,
                  target)  # fmt: skip


def queue_change(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    mpi: MasterPlanInstance,
    *,
    kind: str,
    plan_no: int,
    units: Decimal,
    new_ident: str | None = None,
) -> Queued:
    """Queue a units change, a replacement or a cancellation (its plan and units the
    instance's own) of an instance for its next billing date."""
    if kind == "replace":
        # refused now rather than failing on the anniversary
        check_replacement(ctx.tenant.plans[mpi.plan_no], ctx.tenant.plans[plan_no])
    effective = current_cycle(db, ctx.tenant, mpi).next_bill_date
    target = {
        "plan_no": plan_no,
        "units": str(units),
        "client_mpi_id": mpi.client_mpi_id,
        "new_ident": new_ident,
    }
    return _insert(db, ctx, account.acct_no, mpi.mpi_no, kind, effective, target)


def queue_assignment(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    plan: Plan,
    *,
    units: Decimal,
    group: BillingGroup,
    ident: str | None,
) -> Queued | None:
    """Queue a new instance for the end of the cycle running in its group (None: none runs)."""
    cycle = running_cycle(db, ctx.tenant, account, group.billing_group_no, ctx.today(db))
    if cycle is None:
        return None
    check_new_ident(account, ident)
    mpi_no = db.next_id("mpi_no")
    target = {
        "plan_no": plan.plan_no,
        "units": str(units),
        "client_mpi_id": ident or f"MPI-{mpi_no}",
        "billing_group_no": group.billing_group_no,
    }
    return _insert(db, ctx, account.acct_no, mpi_no, "assign", cycle.end, target)


def _from_row(row: Any) -> Queued:
    body = json.loads(row["body"])
    kind = body.pop("kind")
    return Queued(
        queue_id=row["queue_id"],
        acct_no=row["acct_no"],
        mpi_no=row["mpi_no"],
        kind=kind,
        status=row["status"],
        effective_date=row["effective_date"],
        queued_on=row["queued_on"],
        edited_on=row["edited_on"],
        deleted_on=row["deleted_on"],
        executed_on=row["executed_on"],
        target=body,
    )


def find_queued(
    db: Transaction,
    ctx: CallContext,
    acct_no: int | None = None,
    *,
    status: int | None = None,
    due_by: str | None = None,
) -> list[Queued]:
    """Queued changes of the tenant (of one account, of one status, effective by a date)."""
    sql = "SELECT * FROM queued_changes WHERE client_no = ?"
    args: list[Any] = [ctx.tenant.client_no]
    if acct_no is not None:
        sql, args = sql + " AND acct_no = ?", [*args, acct_no]
    if status is not None:
        sql, args = sql + " AND status = ?", [*args, status]
    if due_by is not None:
        sql, args = sql + " AND effective_date <= ?", [*args, due_by]
    rows = db.all(sql + " ORDER BY effective_date, queue_id", tuple(args))
    return [_from_row(row) for row in rows]


def start_change(
    db: Transaction, ctx: CallContext, account: Account, queued: Queued, *, dry_run: bool = False
) -> Change | None:
    """The plan change a queued entry makes now (None: its instance is gone)."""
    tenant = ctx.tenant
    target = queued.target
    units = Decimal(target["units"])
    if queued.kind == "assign":
        group = account.billing_group(target["billing_group_no"])
        if group is None:
            return None
        return assign(
            db,
            ctx,
            account,
            tenant.plans[target["plan_no"]],
            units=units,
            group=group,
            ident=target["client_mpi_id"],
            dry_run=dry_run,
            mpi_no=queued.mpi_no,
        )
    mpi = next((m for m in account.mpis if m.mpi_no == queued.mpi_no), None)
    if mpi is None:
        return None
    if queued.kind == "units":
        return change_units(db, ctx, account, mpi, units)
    if queued.kind == "cancel":
        return cancel(db, ctx, account, mpi)
    return replace_plan(
        db,
        ctx,
        account,
        mpi,
        tenant.plans[target["plan_no"]],
        units=units,
        new_ident=target.get("new_ident"),
    )


def set_status(db: Transaction, ctx: CallContext, queued: Queued, status: int) -> None:
    """Mark a queued change deleted, executed or failed (dated on the virtual clock)."""
    column = {DELETED: "deleted_on", EXECUTED: "executed_on", FAILED: "executed_on"}[status]
    db.forget(due_key(ctx.tenant.client_no, queued.acct_no))
    db.execute(
        f"UPDATE queued_changes SET status = ?, {column} = ? "  # noqa: S608 - a column above
        "WHERE client_no = ? AND queue_id = ?",
        (status, ctx.today(db), ctx.tenant.client_no, queued.queue_id),
    )


def reschedule(db: Transaction, ctx: CallContext, queued: Queued, new_date: Any) -> None:
    """Move a queued change to another effective date (today or later, yyyy-mm-dd)."""
    try:
        day = date.fromisoformat(new_date).isoformat() if isinstance(new_date, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("new_effective_date must be a date (yyyy-mm-dd)")
    today = ctx.today(db)
    if day < today:
        raise InvalidInput(f"new_effective_date {day} is before the virtual date {today}")
    db.forget(due_key(ctx.tenant.client_no, queued.acct_no))
    db.execute(
        "UPDATE queued_changes SET effective_date = ?, edited_on = ? "
        "WHERE client_no = ? AND queue_id = ?",
        (day, today, ctx.tenant.client_no, queued.queue_id),
    )


def apply_due(db: Transaction, ctx: CallContext, acct_no: int | None = None) -> int:
    """Apply every queued change whose effective date has come (of one account, or all).

    On its anniversary a change has no proration effect: the period it would prorate has
    ended, and the invoice of the new period bills the new terms. Returns how many were applied.
    """
    today = ctx.today(db)
    applied = 0
    if acct_no is not None:
        # the common case on every invoice: nothing queued, or nothing due yet
        first = _first_due(db, ctx.tenant.client_no, acct_no)
        if first is None or first > today:
            return 0
    for queued in find_queued(db, ctx, acct_no, status=QUEUED, due_by=today):
        account = live_account(db, ctx.tenant, queued.acct_no)
        try:
            change = start_change(db, ctx, account, queued) if account is not None else None
        except AriaFault:
            # the account changed since (a client id taken meanwhile): the clock never fails
            change = None
        if change is None:
            set_status(db, ctx, queued, FAILED)
            continue
        change.commit(False)
        set_status(db, ctx, queued, EXECUTED)
        applied += 1
    return applied


def due_key(client_no: int, acct_no: int) -> tuple[str, int, int]:
    """The key under which an account's earliest queued date is kept (``db.kept``); every
    writer of queued_changes forgets it."""
    return ("queue due", client_no, acct_no)


def _first_due(db: Transaction, client_no: int, acct_no: int) -> str | None:
    """The earliest effective date of the account's queued changes, or None (kept)."""
    key = due_key(client_no, acct_no)
    if key in db.kept:
        return db.kept[key]
    row = db.one(
        "SELECT MIN(effective_date) FROM queued_changes WHERE client_no = ? AND acct_no = ? "
        "AND status = ?",
        (client_no, acct_no, QUEUED),
    )
    first = db.kept[key] = row[0] if row else None
    return first


def queue_records(queued: Sequence[Queued]) -> list[dict[str, Any]]:
    """The changes as ``plan_instance_queue`` shows them (queue_id, queue_type_ind, instance)."""
    return [
        {"queue_id": q.queue_id, "queue_type_ind": q.queue_type, "plan_instance_no": q.mpi_no}
        for q in queued
    ]

"""Plan changes as the stub's domain: what a change bills now, and what it writes.

A change (assign, cancel, replace, a unit change) is computed as a ``Change``: its billing
group, the lines it invoices now, and ``commit`` for its writes. The methods in
``harness/stub/methods/plans.py`` bill one change; update_acct_plan_multi_m bills a batch on one
invoice per billing group. No parameters are read here.

Each change invoices exactly when aria-docs/apis-that-generate-invoices.txt says it may (the
same conditions as the rules in harness/spec/invoicing.py), prorated by days on the client's
virtual clock: a plan instance whose current period has been invoiced is "mid-cycle" from its
first day until its next billing date (harness.stub.accounts.Cycle), and a change then is
charged or credited for the share of the period left (today inclusive). Only recurring
services (line type 1) are prorated; usage, surcharges and arrears are billed as before by the
next invoice.

Choices where the docs are silent, as real Aria's default client settings behave:
- a proration invoice posts at once (never pending) and is collected from the billing group's
  payment method when it charges something; a credit (negative) invoice is not collected;
- a unit decrease or a change to a lower rate takes effect without an invoice (the page names
  only increases); the next regular invoice bills the new terms;
- a newly assigned plan aligns with a cycle running in its billing group (prorated charge
  now, its activation charges with it); with no cycle running it starts on its own
  anniversary, today, and the next gen_invoice_m bills it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from harness.stub.accounts import CANCELLED, Cycle, current_cycle, plan_date, set_terms
from harness.stub.billing import LINE_TYPES, Totals, add_months, dec, money, totals
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.invoicing import Draft, finish_draft, plan_fields, states_key, store_invoice
from harness.stub.models import Account, BillingGroup, MasterPlanInstance, Plan, Tenant
from harness.stub.payments import collect, collection_outcome
from harness.stub.store import Transaction

__all__ = [
    "Billed",
    "running_cycle",
    "Change",
    "assign",
    "bill_lines",
    "cancel",
    "check_new_ident",
    "check_replacement",
    "change_units",
    "plan_lines",
    "positive_units",
    "replace_plan",
    "unused_days_credit",
    "without_proration",
]

RECURRING, ACTIVATION, SERVICE_CREDIT = 1, 5, 3
# An early termination fee has no line type of its own in gen_invoice_m.txt's list; it is
# billed as a surcharge (9), a one-time fee on top of the plan's charges.
TERMINATION_FEE = 9


@dataclass
class Change:
    """One plan change: the lines it bills now in its group, and ``commit(invoiced)``."""

    billing_group_no: int
    lines: list[dict[str, Any]]
    commit: Callable[[bool], None]
    mpi: MasterPlanInstance
    operation: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Billed:
    """A plan change's invoice (or, on a dry run or without charges, what it would be)."""

    draft: Draft
    sums: Totals
    invoice_no: int | None = None
    outcome: dict[str, Any] | None = None
    transaction_id: int | None = None


def positive_units(value: Any, name: str) -> Decimal:
    """A units input as a Decimal; 1016 naming it unless positive."""
    units = dec(value)
    if units <= 0:
        raise InvalidInput(f"{name} must be positive")
    return units


def _end_day(end: str) -> str:
    return (date.fromisoformat(end) - timedelta(days=1)).isoformat()


def plan_lines(
    plan: Plan,
    mpi: MasterPlanInstance,
    *,
    units: Decimal,
    factor: Decimal,
    today: str,
    end: str,
    credit: bool = False,
    activation: bool = False,
    fulfilled: int | None = None,
) -> list[dict[str, Any]]:
    """The plan's recurring charges for ``units`` over the share ``factor`` of the period
    (negative "Service credit" lines when ``credit``), and its activation charges if asked.

    A fulfillment-based service is billed only when ``fulfilled`` names it (its units' charge
    waits for their fulfillment: harness.stub.unit_instances), and then alone.
    """
    lines = []
    for service in plan.services:
        if fulfilled is not None and service.service_no != fulfilled:
            continue
        if service.line_type == ACTIVATION and activation:
            share, line_type, start, last = Decimal(1), ACTIVATION, today, today
        elif service.line_type == RECURRING and service.fulfillment_based == (
            fulfilled is not None
        ):
            share, line_type, start, last = factor, RECURRING, today, _end_day(end)
        else:
            continue
        line_units = service.units * (units if line_type == RECURRING else 1)
        amount = money(line_units * service.rate * share)
        name = service.name
        if credit:
            amount, line_type, name = -amount, SERVICE_CREDIT, f"{LINE_TYPES[3]}: {service.name}"
        lines.append(
            {
                "line_type": line_type,
                "service_no": service.service_no,
                "client_service_id": service.client_service_id,
                "service_name": service.name,
                "description": name,
                "units": float(line_units),
                "rate": float(service.rate),
                "amount": float(amount),
                "taxable": service.taxable,
                **plan_fields(plan, mpi),
                "proration_factor": float(round(share, 6)),
                "start": start,
                "end": last,
            }
        )
    return lines


def unused_days_credit(
    plan: Plan, mpi: MasterPlanInstance, cycle: Cycle, today: str
) -> list[dict[str, Any]]:
    """The credit of an invoiced period's days left from today, as negative lines."""
    return plan_lines(
        plan,
        mpi,
        units=mpi.units,
        factor=cycle.remaining(today),
        today=today,
        end=cycle.end,
        credit=True,
    )


def without_proration(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a change bills now under assignment_directive 3 ("force no proration"): its early
    termination fee, none of its prorated charges or credits.

    Swagger 19 sets only the proration to 0 under 3; the fee is a term of the plan, not a
    proration, so it stays due (and the guard keeps refusing such a cancellation). Activation
    charges come with a prorated assignment and go with it.
    """
    return [line for line in lines if line["line_type"] == TERMINATION_FEE]


def bill_lines(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    group_no: int,
    lines: list[dict[str, Any]],
    params: dict[str, Any],
    *,
    dry_run: bool,
    collect_it: bool = True,
    order_nos: Sequence[int] = (),
) -> Billed:
    """Invoice the lines when they charge or credit anything (and this is no dry run); the
    orders named are billed by that invoice."""
    draft = Draft(account, group_no, order_nos=list(order_nos))
    for line in lines:
        draft.add_line(**line)
    if draft.lines:
        finish_draft(db, ctx.tenant, draft)
    billed = Billed(draft, totals(draft.lines, tax=draft.tax, credit=Decimal(0)))
    if dry_run or not any(line["amount"] for line in draft.lines):
        return billed
    billed.invoice_no, billed.sums = store_invoice(db, ctx, draft, status="posted")
    if collect_it and billed.sums.total > 0:
        collection = collect(
            db,
            ctx,
            account,
            invoice_no=billed.invoice_no,
            amount=billed.sums.total,
            billing_group_no=group_no,
            params=params,
        )
        if collection is not None:
            billed.outcome = collection_outcome(collection, code_field="collection_error_code")
            billed.transaction_id = collection.transaction_id
    return billed


def running_cycle(
    db: Transaction, tenant: Tenant, account: Account, group_no: int, today: str
) -> Cycle | None:
    """The invoiced cycle running now in a billing group (its first instance's), or None."""
    for mpi in sorted(account.mpis, key=lambda m: m.mpi_no):
        if mpi.billing_group_no == group_no:
            cycle = current_cycle(db, tenant, mpi)
            if cycle.in_progress(today):
                return cycle
    return None


def _termination_fee(plan: Plan, mpi: MasterPlanInstance, today: str) -> dict[str, Any]:
    fee = money(plan.early_cancel_fee)
    return {
        "line_type": TERMINATION_FEE,
        "service_name": f"Early termination fee: {plan.name}",
        "description": f"Early termination fee: {plan.name}",
        "units": 1.0,
        "rate": float(fee),
        "amount": float(fee),
        "taxable": False,
        **plan_fields(plan, mpi),
        "start": today,
        "end": today,
    }


def _period_cost(plan: Plan, units: Decimal) -> Decimal:
    """The plan's recurring charges for one of its billing periods."""
    return sum(
        (s.rate * s.units * units for s in plan.services if s.line_type == RECURRING), Decimal(0)
    )


def check_new_ident(account: Account, ident: str | None) -> None:
    """1016 when a new plan instance's client id is one of the account's already."""
    if ident is not None and any(m.client_mpi_id == ident for m in account.mpis):
        raise InvalidInput(f"client_plan_instance_id {ident!r} is already used")


def assign(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    plan: Plan,
    *,
    units: Decimal,
    group: BillingGroup,
    ident: str | None,
    dry_run: bool,
    mpi_no: int | None = None,
) -> Change:
    """A new master plan instance; prorated now when a cycle runs in its billing group.

    ``mpi_no``: the number a queued assignment took when queued (harness.stub.queued_changes).
    """
    tenant = ctx.tenant
    check_new_ident(account, ident)
    today = ctx.today(db)
    if mpi_no is None:
        mpi_no = 0 if dry_run else db.next_id("mpi_no")
    mpi = MasterPlanInstance(
        mpi_no=mpi_no,
        client_mpi_id=ident or f"MPI-{mpi_no}",
        plan_no=plan.plan_no,
        billing_group_no=group.billing_group_no,
        units=units,
        next_bill_date=None,
        bill_in_days=0,
    )
    cycle = running_cycle(db, tenant, account, group.billing_group_no, today)
    lines = []
    if cycle is not None:
        lines = plan_lines(
            plan,
            mpi,
            units=units,
            factor=cycle.remaining(today),
            today=today,
            end=cycle.end,
            activation=True,
        )

    def commit(invoiced: bool) -> None:
        db.execute(
            "INSERT INTO plan_instances (client_no, mpi_no, acct_no, next_bill_date, "
            "invoice_count) VALUES (?, ?, ?, ?, ?)",
            (
                tenant.client_no,
                mpi_no,
                account.acct_no,
                cycle.end if cycle is not None else today,
                int(invoiced and bool(lines)),
            ),
        )
        set_terms(db, tenant, account.acct_no, mpi, assigned=today)
        db.forget(states_key(tenant.client_no, account.acct_no))  # a new plan_instances row

    return Change(group.billing_group_no, lines, commit, mpi, "assign")


def cancel(db: Transaction, ctx: CallContext, account: Account, mpi: MasterPlanInstance) -> Change:
    """Cancel an instance: unused days credited mid-cycle, an early termination fee due."""
    tenant = ctx.tenant
    plan = tenant.plans[mpi.plan_no]
    today = ctx.today(db)
    cycle = current_cycle(db, tenant, mpi)
    lines = unused_days_credit(plan, mpi, cycle, today) if cycle.in_progress(today) else []
    # The fee is due while the instance is younger than early_cancel_min_months; a fixture's
    # instance has no assignment date in the stub and never owes it.
    assigned = plan_date(db, tenant, mpi.mpi_no)
    if (
        plan.early_cancel_fee > 0
        and assigned is not None
        and today < add_months(assigned, plan.early_cancel_min_months)
    ):
        lines.append(_termination_fee(plan, mpi, today))

    def commit(invoiced: bool) -> None:
        set_terms(db, tenant, account.acct_no, mpi, status=CANCELLED)

    return Change(mpi.billing_group_no, lines, commit, mpi, "cancel")


def check_replacement(old_plan: Plan, new_plan: Plan) -> None:
    """1016 unless the new plan bills at the old one's interval."""
    if new_plan.billing_interval_months != old_plan.billing_interval_months:
        # Aria resets the billing date or prorates across intervals by client settings the
        # docs do not give; the stub does not guess them
        raise InvalidInput(
            "the stub replaces a plan only by one of the same billing interval "
            f"({old_plan.billing_interval_months} months)"
        )


def replace_plan(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    mpi: MasterPlanInstance,
    new_plan: Plan,
    *,
    units: Decimal,
    new_ident: str | None,
) -> Change:
    """Swap an instance's plan; a higher rate mid-cycle is charged for the rest of the period.

    The old plan's unused days are credited and the new plan's charged on one invoice. The
    instance keeps its billing date.
    """
    tenant = ctx.tenant
    old_plan = tenant.plans[mpi.plan_no]
    check_replacement(old_plan, new_plan)
    new_mpi = replace(
        mpi, plan_no=new_plan.plan_no, units=units, client_mpi_id=new_ident or mpi.client_mpi_id
    )
    today = ctx.today(db)
    cycle = current_cycle(db, tenant, mpi)
    lines = []
    if cycle.in_progress(today) and _period_cost(new_plan, units) > _period_cost(
        old_plan, mpi.units
    ):
        factor = cycle.remaining(today)
        lines = unused_days_credit(old_plan, mpi, cycle, today) + plan_lines(
            new_plan, new_mpi, units=units, factor=factor, today=today, end=cycle.end
        )

    def commit(invoiced: bool) -> None:
        set_terms(db, tenant, account.acct_no, new_mpi)

    return Change(mpi.billing_group_no, lines, commit, new_mpi, "replace")


def change_units(
    db: Transaction, ctx: CallContext, account: Account, mpi: MasterPlanInstance, units: Decimal
) -> Change:
    """Set an instance's units; an increase mid-cycle is charged for the rest of the period."""
    tenant = ctx.tenant
    today = ctx.today(db)
    cycle = current_cycle(db, tenant, mpi)
    changed = replace(mpi, units=units)
    lines = []
    if units > mpi.units and cycle.in_progress(today):
        lines = plan_lines(
            tenant.plans[mpi.plan_no],
            changed,
            units=units - mpi.units,
            factor=cycle.remaining(today),
            today=today,
            end=cycle.end,
        )

    def commit(invoiced: bool) -> None:
        set_terms(db, tenant, account.acct_no, changed)

    return Change(mpi.billing_group_no, lines, commit, changed, "update")

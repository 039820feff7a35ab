"""Plan changes mid-cycle: assign_acct_plan_m, cancel_acct_plan_m, replace_acct_plan_m,
update_acct_plan_m, modify_acct_plan_unit_instances_m.

Each invoices exactly when aria-docs/apis-that-generate-invoices.txt says it may (the same
conditions as the rules in harness/spec/invoicing.py), prorated by days on the client's
virtual clock: a plan instance whose current period has been invoiced is "mid-cycle" from its
first day until its next billing date (harness.stub.accounts.Cycle), and a change then is
charged or credited for the share of the period left (today inclusive). Only recurring
services (line type 1) are prorated; usage, surcharges and arrears are billed as before by the
next invoice. ``do_write=false`` answers the would-be lines and totals and writes nothing.

Choices where the docs are silent, as real Aria's default client settings behave:
- a proration invoice posts at once (never pending) and is collected from the billing group's
  payment method when it charges something; a credit (negative) invoice is not collected;
- a unit decrease or a change to a lower rate takes effect without an invoice (the page names
  only increases); the next regular invoice bills the new terms;
- a newly assigned plan aligns with a cycle running in its billing group (prorated charge
  now, its activation charges with it); with no cycle running it starts on its own
  anniversary, today, and the next gen_invoice_m bills it;
- the stub invoices prorations immediately whatever ``proration_invoice_timing`` says (the
  description gives it no values) and reads no ``assignment_directive``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from harness.stub.accounts import (
    CANCELLED,
    Cycle,
    current_cycle,
    find_account,
    find_instance,
    find_plan,
    pick,
    plan_date,
    set_terms,
)
from harness.stub.billing import LINE_TYPES, TAX_LINE, Totals, add_months, dec, money, totals
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.invoicing import Draft, finish_draft, store_invoice
from harness.stub.models import Account, BillingGroup, MasterPlanInstance, Plan, Tenant
from harness.stub.payments import collect, collection_outcome
from harness.stub.render import render_record
from harness.stub.store import _Tx

__all__ = [
    "Billed",
    "assign_acct_plan_m",
    "bill_lines",
    "cancel_acct_plan_m",
    "modify_acct_plan_unit_instances_m",
    "plan_lines",
    "replace_acct_plan_m",
    "update_acct_plan_m",
]

RECURRING, ACTIVATION, SERVICE_CREDIT = 1, 5, 3
# An early termination fee has no line type of its own in gen_invoice_m.txt's list; it is
# billed as a surcharge (9), a one-time fee on top of the plan's charges.
TERMINATION_FEE = 9


@dataclass
class Billed:
    """A plan change's invoice (or, on a dry run or without charges, what it would be)."""

    draft: Draft
    sums: Totals
    invoice_no: int | None = None
    outcome: dict[str, Any] | None = None


def _units(value: Any, field: str) -> Decimal:
    units = dec(value)
    if units <= 0:
        raise InvalidInput(f"{field} must be positive")
    return units


def _end_day(end: str) -> str:
    return (date.fromisoformat(end) - timedelta(days=1)).isoformat()


def _plan_fields(plan: Plan, mpi: MasterPlanInstance) -> dict[str, Any]:
    """What a stored line says of its plan and plan instance."""
    return {
        "plan_no": plan.plan_no,
        "client_plan_id": plan.client_plan_id,
        "plan_name": plan.name,
        "plan_units": float(mpi.units),
        "plan_instance_no": mpi.mpi_no,
        "client_plan_instance_id": mpi.client_mpi_id,
    }


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
) -> list[dict[str, Any]]:
    """The plan's recurring charges for ``units`` over the share ``factor`` of the period
    (negative "Service credit" lines when ``credit``), and its activation charges if asked."""
    lines = []
    for service in plan.services:
        if service.line_type == ACTIVATION and activation:
            share, line_type, start, last = Decimal(1), ACTIVATION, today, today
        elif service.line_type == RECURRING:
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
                **_plan_fields(plan, mpi),
                "proration_factor": float(round(share, 6)),
                "start": start,
                "end": last,
            }
        )
    return lines


def bill_lines(
    db: _Tx,
    ctx: CallContext,
    account: Account,
    group_no: int,
    lines: list[dict[str, Any]],
    params: dict[str, Any],
    *,
    dry_run: bool,
    collect_it: bool = True,
) -> Billed:
    """Invoice the lines when they charge or credit anything (and this is no dry run)."""
    draft = Draft(account, group_no)
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
    return billed


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
        "total_charges_before_tax": float(sums.before_tax),
        "total_tax_charges": float(sums.tax),
        "total_charges_after_tax": float(sums.after_tax),
        # coupons are the only credits; a proration credit is a negative line
        "total_credit": float(sums.credit),
        "total_tax_credit": 0.0,
        "total_credit_before_tax": 0.0,
        "total": float(sums.total),
        "acct_plan_line_items": _line_records("A7.AcctPlanLineItem", lines),
    }
    if billed.outcome:
        answer.update(billed.outcome)
    return answer


def _line_records(schema: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines in the shape of A7.AcctPlanLineItem or A7.InvoiceLineItem (the same fields)."""
    return [
        render_record(
            schema,
            {
                "line_no": line["line_no"],
                "line_type": line["line_type"],
                "service_no": line.get("service_no"),
                "service_name": line.get("service_name"),
                "line_units": line.get("units"),
                "rate_per_unit": line.get("rate"),
                "line_amount": line["amount"],
                "line_base_units": line.get("plan_units"),
                "proration_factor": line.get("proration_factor"),
                "description": line.get("description"),
                "date_range_start": line.get("start"),
                "date_range_end": line.get("end"),
                "plan_no": line.get("plan_no"),
                "plan_name": line.get("plan_name"),
                "client_service_id": line.get("client_service_id"),
                "client_plan_id": line.get("client_plan_id"),
            },
        )
        for line in lines
    ]


def _running_cycle(
    db: _Tx, tenant: Tenant, account: Account, group_no: int, today: str
) -> Cycle | None:
    """The invoiced cycle running now in a billing group (its first instance's), or None."""
    for mpi in sorted(account.mpis, key=lambda m: m.mpi_no):
        if mpi.billing_group_no == group_no:
            cycle = current_cycle(db, tenant, mpi)
            if cycle.in_progress(today):
                return cycle
    return None


def _group(account: Account, params: dict[str, Any]) -> BillingGroup:
    if params.get("existing_billing_group_no") is None and (
        params.get("existing_client_billing_group_id") is None
    ):
        # the stub creates no billing group here: the account's first one takes the plan
        return account.billing_groups[0]
    return pick(
        params,
        "existing_billing_group_no",
        "existing_client_billing_group_id",
        account.billing_groups,
        lambda group: group.billing_group_no,
        lambda group: group.client_billing_group_id,
        f"a billing group of account {account.acct_no}",
    )


def _dry(params: dict[str, Any]) -> bool:
    return params.get("do_write") == "false"


def assign_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Assign a new master plan instance; prorated and invoiced when its group is mid-cycle."""
    tenant = ctx.tenant
    plan = find_plan(tenant, params, "new_plan_no", "new_client_plan_id")
    units = _units(params.get("plan_units", 1), "plan_units")
    dry_run = _dry(params)
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, tenant, params)
        group = _group(account, params)
        ident = params.get("client_plan_instance_id")
        if ident is not None and any(m.client_mpi_id == ident for m in account.mpis):
            raise InvalidInput(f"client_plan_instance_id {ident!r} is already used")
        today = ctx.today(db)
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
        cycle = _running_cycle(db, tenant, account, group.billing_group_no, today)
        lines = []
        if cycle is not None:
            factor = cycle.remaining(today)
            lines = plan_lines(
                plan, mpi, units=units, factor=factor, today=today, end=cycle.end, activation=True
            )
        billed = bill_lines(
            db, ctx, account, group.billing_group_no, lines, params, dry_run=dry_run
        )
        if not dry_run:
            db.execute(
                "INSERT INTO plan_instances (client_no, mpi_no, acct_no, next_bill_date, "
                "invoice_count) VALUES (?, ?, ?, ?, ?)",
                (
                    tenant.client_no,
                    mpi_no,
                    account.acct_no,
                    cycle.end if cycle is not None else today,
                    int(billed.invoice_no is not None),
                ),
            )
            set_terms(db, tenant, account.acct_no, mpi, assigned=today)
    answer = _answer(billed)
    answer["plan_instance_no"] = None if dry_run else mpi_no
    return answer


def cancel_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Cancel a plan instance: unused days credited mid-cycle, an early termination fee due."""
    tenant = ctx.tenant
    dry_run = _dry(params)
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, tenant, params)
        mpi = find_instance(account, params, "plan_instance_no", "client_plan_instance_id")
        plan = tenant.plans[mpi.plan_no]
        today = ctx.today(db)
        cycle = current_cycle(db, tenant, mpi)
        lines = []
        if cycle.in_progress(today):
            lines = plan_lines(
                plan,
                mpi,
                units=mpi.units,
                factor=cycle.remaining(today),
                today=today,
                end=cycle.end,
                credit=True,
            )
        # The fee is due while the instance is younger than early_cancel_min_months; a
        # fixture's instance has no assignment date in the stub and never owes it.
        assigned = plan_date(db, tenant, mpi.mpi_no)
        if (
            plan.early_cancel_fee > 0
            and assigned is not None
            and today < add_months(assigned, plan.early_cancel_min_months)
        ):
            lines.append(_termination_fee(plan, mpi, today))
        billed = bill_lines(
            db, ctx, account, mpi.billing_group_no, lines, params, dry_run=dry_run, collect_it=False
        )
        if not dry_run:
            set_terms(db, tenant, account.acct_no, mpi, status=CANCELLED)
    return _answer(billed)


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
        **_plan_fields(plan, mpi),
        "start": today,
        "end": today,
    }


def _period_cost(plan: Plan, units: Decimal) -> Decimal:
    """The plan's recurring charges for one of its billing periods."""
    return sum(
        (s.rate * s.units * units for s in plan.services if s.line_type == RECURRING), Decimal(0)
    )


def replace_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Swap an instance's plan; a higher rate mid-cycle is charged for the rest of the period.

    The old plan's unused days are credited and the new plan's charged on one invoice. The
    instance keeps its billing date.
    """
    tenant = ctx.tenant
    new_plan = find_plan(tenant, params, "new_plan_no", "new_client_plan_id")
    dry_run = _dry(params)
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, tenant, params)
        mpi = find_instance(account, params, "plan_instance_no", "client_plan_instance_id")
        units = _units(params.get("plan_units", mpi.units), "plan_units")
        old_plan = tenant.plans[mpi.plan_no]
        if new_plan.billing_interval_months != old_plan.billing_interval_months:
            # Aria resets the billing date or prorates across intervals by client settings the
            # docs do not give; the stub does not guess them
            raise InvalidInput(
                "the stub replaces a plan only by one of the same billing interval "
                f"({old_plan.billing_interval_months} months)"
            )
        new_mpi = replace(
            mpi,
            plan_no=new_plan.plan_no,
            units=units,
            client_mpi_id=params.get("new_client_plan_instance_id") or mpi.client_mpi_id,
        )
        today = ctx.today(db)
        cycle = current_cycle(db, tenant, mpi)
        lines = []
        if cycle.in_progress(today) and _period_cost(new_plan, units) > _period_cost(
            old_plan, mpi.units
        ):
            factor = cycle.remaining(today)
            lines = plan_lines(
                old_plan,
                mpi,
                units=mpi.units,
                factor=factor,
                today=today,
                end=cycle.end,
                credit=True,
            ) + plan_lines(
                new_plan, new_mpi, units=units, factor=factor, today=today, end=cycle.end
            )
        billed = bill_lines(db, ctx, account, mpi.billing_group_no, lines, params, dry_run=dry_run)
        if not dry_run:
            set_terms(db, tenant, account.acct_no, new_mpi)
    return _answer(billed)


def _change_units(
    ctx: CallContext,
    params: dict[str, Any],
    mpi: MasterPlanInstance,
    account: Account,
    units: Decimal,
    db: _Tx,
    dry_run: bool,
) -> Billed:
    """Set an instance's units; an increase mid-cycle is charged for the rest of the period."""
    tenant = ctx.tenant
    today = ctx.today(db)
    cycle = current_cycle(db, tenant, mpi)
    lines = []
    if units > mpi.units and cycle.in_progress(today):
        lines = plan_lines(
            tenant.plans[mpi.plan_no],
            replace(mpi, units=units),
            units=units - mpi.units,
            factor=cycle.remaining(today),
            today=today,
            end=cycle.end,
        )
    billed = bill_lines(db, ctx, account, mpi.billing_group_no, lines, params, dry_run=dry_run)
    if not dry_run:
        set_terms(db, tenant, account.acct_no, replace(mpi, units=units))
    return billed


def _units_call(
    ctx: CallContext,
    params: dict[str, Any],
    no_field: str,
    id_field: str,
    new_units: Callable[[MasterPlanInstance], Decimal],
) -> Billed:
    """Find the named instance and set its units to ``new_units(instance)``."""
    dry_run = _dry(params)
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, ctx.tenant, params)
        mpi = find_instance(account, params, no_field, id_field)
        return _change_units(ctx, params, mpi, account, new_units(mpi), db, dry_run)


def update_acct_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Change an instance's units (the only change the stub simulates)."""

    def units(mpi: MasterPlanInstance) -> Decimal:
        return _units(params.get("plan_units", mpi.units), "plan_units")

    return _answer(_units_call(ctx, params, "plan_instance_no", "client_plan_instance_id", units))


def modify_acct_plan_unit_instances_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Add units (new_plan_units, or one per new_client_plan_unit_inst) or remove some."""
    added = dec(params.get("new_plan_units", 0))
    if added < 0:
        raise InvalidInput("new_plan_units must not be negative")
    added += len(params.get("new_client_plan_unit_inst") or ())
    removed = len(params.get("remove_plan_units") or ())
    if not added and not removed:
        raise InvalidInput("give new_plan_units, new_client_plan_unit_inst or remove_plan_units")

    def units(mpi: MasterPlanInstance) -> Decimal:
        if mpi.units + added - removed <= 0:
            raise InvalidInput(f"the instance has {mpi.units} units; at least one must stay")
        return mpi.units + added - removed

    billed = _units_call(ctx, params, "plan_inst_no", "client_plan_inst_id", units)
    answer = _answer(billed)
    answer["invoice_line_item"] = _line_records("A7.InvoiceLineItem", billed.draft.lines)
    return answer

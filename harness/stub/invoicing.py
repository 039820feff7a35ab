"""The invoice lifecycle: what is due, drafting an invoice, storing it, and showing it.

Shared by gen_invoice_m, gen_invoice (Aria6), manage_pending_invoice_m, create_order_m and
gen_rb_m. Rules from aria-docs: an invoice does not generate while the master plan instance's
billing date is in the future (on the client's virtual clock); a pending invoice on a master
plan instance blocks the next one until it is approved; after an invoice the instance's next
billing date moves on by its plan's billing interval.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from harness.stub.billing import Totals, add_months, apply_tax, money, totals
from harness.stub.context import CallContext
from harness.stub.fulfillments import fulfillment_dates
from harness.stub.models import Account, MasterPlanInstance, Plan, Service, Tenant
from harness.stub.render import render_lines, render_tax_details
from harness.stub.store import Transaction, dumps

__all__ = [
    "Draft",
    "add_waiting_orders",
    "MpiState",
    "bill_mpi",
    "carryover_key",
    "finish_draft",
    "invoice_entry",
    "load_invoice",
    "mpi_states",
    "order_lines_waiting",
    "pending_key",
    "pending_mpis",
    "plan_fields",
    "states_key",
    "store_invoice",
    "with_day",
]


# slots, not frozen: built on every invoicing call, and a frozen dataclass's __init__ costs
# five times as much; nothing changes one after it is built
@dataclass(slots=True)
class MpiState:
    """A master plan instance's billing state."""

    mpi: MasterPlanInstance
    next_bill_date: str
    invoice_count: int
    # fulfillment-based service -> the fulfillment dates of the instance's unit instances
    fulfilled: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class Draft:
    """An invoice computed but not stored yet."""

    account: Account
    billing_group_no: int | None
    kind: str = "invoice"
    lines: list[dict[str, Any]] = field(default_factory=list)
    mpi_dates: dict[int, tuple[str, str]] = field(default_factory=dict)
    order_nos: list[int] = field(default_factory=list)
    orig_invoice_no: int | None = None
    credit: Decimal = Decimal(0)
    tax_details: list[dict[str, Any]] = field(default_factory=list)
    tax: Decimal = Decimal(0)
    carry_in: Decimal = Decimal(0)
    carry_out: Decimal = Decimal(0)

    def add_line(self, **line: Any) -> None:
        """Append a line; line numbers follow the order lines are added."""
        line["line_no"] = len(self.lines) + 1
        self.lines.append(line)

    def date_range(self) -> tuple[str | None, str | None]:
        """The earliest start and the latest end of the lines (None where no line has one)."""
        first = last = None
        for line in self.lines:  # one pass: every stored invoice asks
            start, end = line.get("start"), line.get("end")
            if start and (first is None or start < first):
                first = start
            if end and (last is None or end > last):
                last = end
        return first, last


def mpi_states(db: Transaction, tenant: Tenant, account: Account) -> dict[int, MpiState]:
    """The billing state of each of the account's master plan instances."""
    key = states_key(tenant.client_no, account.acct_no)
    rows = db.kept.get(key)
    if rows is None:
        # kept: every invoicing call reads it; store_invoice sets what it writes, and every
        # other writer of plan_instances forgets it (see states_key)
        rows = db.kept[key] = {
            row[0]: (row[1], row[2])
            for row in db.all(
                "SELECT mpi_no, next_bill_date, invoice_count FROM plan_instances "
                "WHERE client_no = ? AND acct_no = ?",
                (tenant.client_no, account.acct_no),
            )
        }
    by_no = {mpi.mpi_no: mpi for mpi in account.mpis}
    states = {
        mpi_no: MpiState(by_no[mpi_no], next_date, count)
        for mpi_no, (next_date, count) in rows.items()
        if mpi_no in by_no
    }
    waiting = _fulfillment_plans(tenant.plans)
    if waiting and any(mpi.plan_no in waiting for mpi in account.mpis):
        for mpi_no, state in states.items():
            states[mpi_no] = replace(state, fulfilled=fulfillment_dates(db, tenant, state.mpi))
    return states


# id(catalog) -> (catalog, the numbers of its plans with a service billed on fulfillment). A
# tenant's plans are built once from its fixture and never change; asking each plan per call
# (a generator over its services) cost more than the rest of mpi_states. The entry holds the
# catalog, so its id is not reused while the entry lives.
_FULFILLMENT_PLANS: dict[int, tuple[Mapping[int, Plan], frozenset[int]]] = {}


def _fulfillment_plans(plans: Mapping[int, Plan]) -> frozenset[int]:
    entry = _FULFILLMENT_PLANS.get(id(plans))
    if entry is None or entry[0] is not plans:
        if len(_FULFILLMENT_PLANS) >= 64:
            _FULFILLMENT_PLANS.clear()  # bounded: a test suite loads fixtures by the hundred
        waiting = frozenset(no for no, plan in plans.items() if plan.has_fulfillment)
        entry = _FULFILLMENT_PLANS[id(plans)] = (plans, waiting)
    return entry[1]


def states_key(client_no: int, acct_no: int) -> tuple[str, int, int]:
    """The key under which an account's ``plan_instances`` rows are kept (``db.kept``): mpi_no
    -> (next_bill_date, invoice_count). Writers: ``store_invoice`` sets its rows; a discarded
    pending invoice (methods/pending.py), a billing date change (methods/billing_dates.py) and a
    new plan instance (plan_changes.py) forget the key. The seed and a created account write
    rows no one has read yet (the seed runs after a wipe or renew has dropped every key)."""
    return ("plan instances", client_no, acct_no)


def pending_mpis(db: Transaction, tenant: Tenant, account: Account) -> set[int]:
    """Master plan instances that carry a pending invoice."""
    blocked: set[int] = set()
    key = pending_key(tenant.client_no, account.acct_no)
    if db.kept.get(key) is False:
        return blocked  # none when last read, and none stored since (store_invoice sets it)
    for row in db.all(
        "SELECT body FROM invoices WHERE client_no = ? AND acct_no = ? AND status = 'pending'",
        (tenant.client_no, account.acct_no),
    ):
        blocked.update(int(no) for no in json.loads(row[0]).get("mpis", {}))
    db.kept[key] = bool(blocked)
    return blocked


def pending_key(client_no: int, acct_no: int) -> tuple[str, int, int]:
    """The key under which whether an account may hold a pending invoice is kept (``db.kept``):
    False after a read found none, until ``store_invoice`` stores a pending one."""
    return ("pending", client_no, acct_no)


def order_lines_waiting(
    db: Transaction, tenant: Tenant, account: Account
) -> list[tuple[int, dict]]:
    """Orders of the account that wait for the next invoice, with their lines and credit."""
    key = waiting_key(tenant.client_no, account.acct_no)
    if db.kept.get(key) is False:
        return []  # none when last read, and no writer has made one wait since
    waiting = [
        (row[0], json.loads(row[1]))
        for row in db.all(
            "SELECT order_no, body FROM orders WHERE client_no = ? AND acct_no = ? "
            "AND status = 'waiting' ORDER BY order_no",
            (tenant.client_no, account.acct_no),
        )
    ]
    db.kept[key] = bool(waiting)
    return waiting


def waiting_key(client_no: int, acct_no: int) -> tuple[str, int, int]:
    """The key under which whether an account may have orders waiting is kept (``db.kept``):
    False after a read found none, until a writer makes an order wait (it forgets the key)."""
    return ("waiting orders", client_no, acct_no)


def bill_mpi(
    draft: Draft,
    tenant: Tenant,
    state: MpiState,
    *,
    periods: int,
    alt_bill_day: int | None = None,
) -> None:
    """Add a master plan instance's charges for a number of billing periods to a draft."""
    mpi = state.mpi
    plan = tenant.plans[mpi.plan_no]
    start = state.next_bill_date
    lines = draft.lines
    for period in range(periods):
        if alt_bill_day is not None and period == periods - 1:
            end_next = with_day(add_months(start, plan.billing_interval_months), alt_bill_day)
            end = _day_before(end_next)
        else:
            end_next, end = _period_after(start, plan.billing_interval_months)
        for service in plan.services:
            if service.line_type == 5 and (state.invoice_count or period):
                continue  # an activation charge is billed once, on the first invoice
            if service.fulfillment_based:
                # per unit fulfilled by the period's first day (harness.stub.unit_instances)
                dates = state.fulfilled.get(service.service_no, ())
                units = service.units * sum(1 for day in dates if day <= start)
                if not units:
                    continue
                fixed = _line_fields(plan, service, mpi, units)
            else:
                fixed = _fixed_line(plan, service, mpi)
            lines.append({**fixed, "start": start, "end": end, "line_no": len(lines) + 1})
        start = end_next
    draft.mpi_dates[mpi.mpi_no] = (state.next_bill_date, start)


def plan_fields(plan: Plan, mpi: MasterPlanInstance) -> dict[str, Any]:
    """What a stored line says of its plan and plan instance."""
    return {
        "plan_no": plan.plan_no,
        "client_plan_id": plan.client_plan_id,
        "plan_name": plan.name,
        "plan_units": float(mpi.units),
        "plan_instance_no": mpi.mpi_no,
        "client_plan_instance_id": mpi.client_mpi_id,
    }


def _line_fields(plan: Plan, service: Service, mpi: MasterPlanInstance, units: Decimal) -> dict:
    """A plan line's fields but its dates and line number, in the stored line's key order."""
    return {
        "line_type": service.line_type,
        "service_no": service.service_no,
        "client_service_id": service.client_service_id,
        "service_name": service.name,
        "description": service.name,
        "units": float(units),
        "rate": float(service.rate),
        "amount": float(money(units * service.rate)),
        "taxable": service.taxable,
        **plan_fields(plan, mpi),
    }


# (id(plan), id(service), id(mpi)) -> (plan, service, mpi, fields). The same few instances are
# billed over and over, and their line is the same every period but for its dates: building
# it (three float conversions, a Decimal product and rounding, 15 keys) is most of bill_mpi.
# The entry holds the objects themselves, so an id is never reused while its entry lives, and
# the objects are immutable (frozen dataclasses): a changed plan or instance is a new object.
_FIXED_LINES: dict[tuple[int, int, int], tuple[Plan, Service, MasterPlanInstance, dict]] = {}


def _fixed_line(plan: Plan, service: Service, mpi: MasterPlanInstance) -> dict:
    """``_line_fields`` of a service billed by the instance's units, built once and shared
    (callers copy it into a new line, never change it)."""
    key = (id(plan), id(service), id(mpi))
    entry = _FIXED_LINES.get(key)
    if entry is None or entry[0] is not plan or entry[1] is not service or entry[2] is not mpi:
        units = service.units * (mpi.units if service.line_type in (1, 7) else 1)
        if len(_FIXED_LINES) >= 4096:
            _FIXED_LINES.clear()  # bounded: accounts created by the thousand come and go
        entry = _FIXED_LINES[key] = (plan, service, mpi, _line_fields(plan, service, mpi, units))
    return entry[3]


@functools.lru_cache(maxsize=4096)
def _period_after(start: str, months: int) -> tuple[str, str]:
    """The next period's start and this period's last day, for a period from ``start``.

    Kept: every invoice moves a date or two, mostly the same dates for every instance of a
    client (the first of a month), and date arithmetic on ISO text costs more than the lookup.
    """
    end_next = add_months(start, months)
    return end_next, _day_before(end_next)


def _day_before(iso: str) -> str:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def with_day(iso: str, day: int) -> str:
    """An ISO date moved to another day of its month, clamped to the month's end."""
    year, month, _ = (int(part) for part in iso.split("-"))
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return f"{year:04d}-{month:02d}-{min(day, last):02d}"


def add_waiting_orders(draft: Draft, orders: Iterable[tuple[int, dict]]) -> None:
    """Bill orders that waited for the next invoice (line type 8, Order Charge) and coupons."""
    for order_no, body in orders:
        for line in body["lines"]:
            draft.add_line(**{k: v for k, v in line.items() if k != "line_no"})
        draft.credit += Decimal(body.get("credit", "0"))
        draft.order_nos.append(order_no)


def finish_draft(db: Transaction, tenant: Tenant, draft: Draft) -> None:
    """Tax the draft against the account's rounding carryover (read inside the transaction)."""
    key = carryover_key(tenant.client_no, draft.account.acct_no)
    carried = db.kept.get(key)
    if carried is None:
        # kept: every invoice reads it, and store_invoice (which writes it) keeps the new one
        row = db.one(
            "SELECT tax_carryover FROM accounts WHERE client_no = ? AND acct_no = ?",
            (tenant.client_no, draft.account.acct_no),
        )
        carried = db.kept[key] = Decimal(row[0]) if row else Decimal(0)
    draft.carry_in = carried
    params = tenant.params
    taxed = apply_tax(
        draft.lines,
        rate=params.tax_rate,
        carry_in=draft.carry_in,
        tax_name=params.tax_name,
        per_invoice=params.tax_rounding.lower() == "per invoice",
    )
    if taxed.tax_line is not None:
        draft.lines.append(taxed.tax_line)
    draft.tax_details = taxed.details
    draft.tax = taxed.total
    draft.carry_out = taxed.carry_out


def carryover_key(client_no: int, acct_no: int) -> tuple[str, int, int]:
    """The key under which an account's tax rounding carryover is kept (``db.kept``)."""
    return ("carryover", client_no, acct_no)


def store_invoice(
    db: Transaction,
    ctx: CallContext,
    draft: Draft,
    *,
    status: str,
    write_state: bool = True,
    orders_stored: bool = True,
) -> tuple[int, Totals]:
    """Store a finished draft; move billing dates, carryover and waiting orders along.

    ``orders_stored=False``: the draft's orders have no row yet (the caller stores them billed
    on this invoice afterwards), so there is none to mark billed.
    """
    tenant = ctx.tenant
    invoice_no = db.next_id("invoice_no")
    sums = totals(draft.lines, tax=draft.tax, credit=draft.credit)
    from_date, to_date = draft.date_range()
    body = {
        "lines": draft.lines,
        "tax_details": draft.tax_details,
        "mpis": {str(no): list(dates) for no, dates in draft.mpi_dates.items()},
        "orders": draft.order_nos,
        "carry_in": str(draft.carry_in),
        "carry_out": str(draft.carry_out),
    }
    db.execute(
        "INSERT INTO invoices (invoice_no, client_no, acct_no, billing_group_no, kind, status, "
        "orig_invoice_no, from_date, to_date, created, charges, tax, credit, total, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            invoice_no,
            tenant.client_no,
            draft.account.acct_no,
            draft.billing_group_no,
            draft.kind,
            status,
            draft.orig_invoice_no,
            from_date,
            to_date,
            ctx.stamp(db),
            str(sums.before_tax),
            str(sums.tax),
            str(sums.credit),
            str(sums.total),
            dumps(body),
        ),
    )
    if write_state:
        db.execute(
            "UPDATE accounts SET tax_carryover = ?, invoice_count = invoice_count + 1 "
            "WHERE client_no = ? AND acct_no = ?",
            (str(draft.carry_out), tenant.client_no, draft.account.acct_no),
        )
        db.kept[carryover_key(tenant.client_no, draft.account.acct_no)] = draft.carry_out
        kept_states = db.kept.get(states_key(tenant.client_no, draft.account.acct_no))
        for mpi_no, (_, new_date) in draft.mpi_dates.items():
            db.execute(
                "UPDATE plan_instances SET next_bill_date = ?, invoice_count = invoice_count + 1 "
                "WHERE client_no = ? AND mpi_no = ?",
                (new_date, tenant.client_no, mpi_no),
            )
            if kept_states is not None and mpi_no in kept_states:
                kept_states[mpi_no] = (new_date, kept_states[mpi_no][1] + 1)
        for order_no in draft.order_nos if orders_stored else ():
            db.execute(
                "UPDATE orders SET status = 'billed', invoice_no = ? "
                "WHERE client_no = ? AND order_no = ?",
                (invoice_no, tenant.client_no, order_no),
            )
    if status == "pending":
        db.kept[pending_key(tenant.client_no, draft.account.acct_no)] = True
    return invoice_no, sums


def load_invoice(
    db: Transaction, tenant: Tenant, invoice_no: int
) -> tuple[Any, dict[str, Any]] | None:
    """A stored invoice's row (an sqlite3.Row: read by column name) and its body, or None."""
    row = db.one(
        "SELECT * FROM invoices WHERE client_no = ? AND invoice_no = ?",
        (tenant.client_no, invoice_no),
    )
    if row is None:
        return None
    return row, json.loads(row["body"])


def invoice_entry(
    account: Account,
    *,
    invoice_no: int | None,
    billing_group_no: int | None,
    sums: Totals,
    lines: Sequence[Mapping[str, Any]],
    tax_details: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """One out_invoices_list entry."""
    group = account.billing_group(billing_group_no) if billing_group_no else None
    return {
        "invoicing_error_code": 0,
        "invoicing_error_msg": "OK",
        "invoice_no": invoice_no,
        "billing_group_no": billing_group_no,
        "client_billing_group_id": group.client_billing_group_id if group else None,
        "invoice_charges_before_tax": float(sums.before_tax),
        "invoice_tax_charges": float(sums.tax),
        "invoice_charges_after_tax": float(sums.after_tax),
        "invoice_credit_amount": float(sums.credit),
        "invoice_total_amount": float(sums.total),
        "invoice_items": render_lines("InvoiceItem", lines),
        "tax_details": render_tax_details("TaxDetail", tax_details),
        "third_party_errors": None,
    }

"""Plan unit instances and the fulfillment of their services: the stub's domain, no HTTP.

A plan instance of N (whole) units has N unit instances. The stub keeps no row per unit: unit
k of plan instance M is number M * 1000 + k (k up to 999) with client id "<client plan instance
id>-<k>" until a call renames it (``unit_instance_ids``); a unit beyond the instance's current
units does not exist. What calls change lives in the store: a fulfillment date per unit and
fulfillment-based service (``unit_fulfillments``).

A fulfillment-based service (the fixture's ``fulfillment_based``, a recurring service) is billed
per unit whose service is fulfilled. apis-that-generate-invoices.txt: update_acct_plan_unit_
instance_m "Generates an invoice when a fulfillment status change triggers a billable event on
the associated plan." The docs do not say which change is billable; as Aria prorates a
fulfillment-based unit from its fulfillment (Swagger 19, proration_result_amount: "any resulting
proration action performed as a result of the fulfillment based service unit assignment"), the
stub takes the billable event to be fulfilling a unit's service now (fulfillment_directive 1)
while the plan instance's invoiced period runs: the rest of the period, from the fulfillment
date (today or earlier, not before the period's start), is charged on its own invoice,
collected like a plan change's. Otherwise nothing is billed now:

- fulfilled with no invoiced period running: the next regular invoice bills the unit;
- fulfilled on a future date (directive 2): the first period starting on or after that date
  bills it (the stub does not prorate the days between);
- a fulfillment date removed (directive 3): no credit; later periods do not bill the unit;
- a service already fulfilled: its date changes, nothing is charged again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.accounts import current_cycle, pick
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter
from harness.stub.fulfillments import UNIT_SPAN, unit_count
from harness.stub.models import Account, MasterPlanInstance, Service, Tenant
from harness.stub.plan_changes import plan_lines
from harness.stub.store import Transaction

__all__ = [
    "FULFIL_LATER",
    "FULFIL_NOW",
    "UNFULFIL",
    "Fulfillment",
    "UnitInstance",
    "find_unit",
    "fulfillment_status",
    "plan_units_of",
    "rename_unit",
    "service_of",
    "set_fulfillment",
]

# fulfillment_directive (Aria's guide to update_acct_plan_unit_instance_m): 1 fulfils now
# (the default), 2 on a future service_fulfillment_date, 3 removes the fulfillment date
FULFIL_NOW, FULFIL_LATER, UNFULFIL = 1, 2, 3


@dataclass(frozen=True)
class UnitInstance:
    """One unit instance of a plan instance."""

    plan_unit_inst_no: int
    index: int
    mpi: MasterPlanInstance
    client_id: str


def _renamed(db: Transaction, tenant: Tenant, unit_no: int) -> str | None:
    row = db.one(
        "SELECT client_unit_id FROM unit_instance_ids WHERE client_no = ? "
        "AND plan_unit_inst_no = ?",
        (tenant.client_no, unit_no),
    )
    return None if row is None else str(row[0])


def plan_units_of(db: Transaction, tenant: Tenant, mpi: MasterPlanInstance) -> list[UnitInstance]:
    """The unit instances of a plan instance, in order."""
    count = unit_count(mpi)
    units = []
    for index in range(1, count + 1):
        number = mpi.mpi_no * UNIT_SPAN + index
        ident = _renamed(db, tenant, number) or f"{mpi.client_mpi_id}-{index}"
        units.append(UnitInstance(number, index, mpi, ident))
    return units


def find_unit(
    db: Transaction, tenant: Tenant, account: Account, params: Mapping[str, Any]
) -> UnitInstance:
    """The account's unit instance the call names (plan_unit_inst_no, else its client id)."""
    candidates = [unit for mpi in account.mpis for unit in plan_units_of(db, tenant, mpi)]
    return pick(
        params,
        "plan_unit_inst_no",
        "client_plan_unit_inst_id",
        candidates,
        lambda unit: unit.plan_unit_inst_no,
        lambda unit: unit.client_id,
        f"a plan unit instance of account {account.acct_no}",
    )


def rename_unit(
    db: Transaction,
    tenant: Tenant,
    account: Account,
    unit: UnitInstance,
    new_id: str,
    *,
    write: bool = True,
) -> UnitInstance:
    """Give a unit instance a new client id (unique among the account's unit instances)."""
    taken = {u.client_id for mpi in account.mpis for u in plan_units_of(db, tenant, mpi)}
    if new_id != unit.client_id and new_id in taken:
        raise InvalidInput(f"new_client_plan_unit_inst_id {new_id!r} is already used")
    if write:
        db.execute(
            "INSERT OR REPLACE INTO unit_instance_ids "
            "(client_no, plan_unit_inst_no, client_unit_id) VALUES (?, ?, ?)",
            (tenant.client_no, unit.plan_unit_inst_no, new_id),
        )
    return replace(unit, client_id=new_id)


def service_of(tenant: Tenant, unit: UnitInstance, item: Mapping[str, Any], where: str) -> Service:
    """The fulfillment-based service of the unit's plan an item names."""
    plan = tenant.plans[unit.mpi.plan_no]
    return pick(
        item,
        "service_no",
        "client_service_id",
        [service for service in plan.services if service.fulfillment_based],
        lambda service: service.service_no,
        lambda service: service.client_service_id,
        f"a fulfillment-based service of plan {plan.plan_no} ({where})",
    )


def _fulfilled_on(db: Transaction, tenant: Tenant, unit_no: int, service_no: int) -> str | None:
    row = db.one(
        "SELECT fulfillment_date FROM unit_fulfillments WHERE client_no = ? "
        "AND plan_unit_inst_no = ? AND service_no = ?",
        (tenant.client_no, unit_no, service_no),
    )
    return None if row is None else str(row[0])


@dataclass
class Fulfillment:
    """One fulfillment change: the lines it bills now, and ``commit()`` for its write."""

    lines: list[dict[str, Any]]
    commit: Callable[[], None]


def _day(value: Any, where: str) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise InvalidInput(f"{where}.service_fulfillment_date must be a date (yyyy-mm-dd)")


def set_fulfillment(
    db: Transaction,
    ctx: CallContext,
    unit: UnitInstance,
    service: Service,
    item: Mapping[str, Any],
    where: str,
) -> Fulfillment:
    """Apply one item's fulfillment_directive to a unit's service (see the module docstring)."""
    tenant, mpi = ctx.tenant, unit.mpi
    today = ctx.today(db)
    directive = item.get("fulfillment_directive", FULFIL_NOW)
    given = item.get("service_fulfillment_date")
    key = (tenant.client_no, unit.plan_unit_inst_no, service.service_no)
    if directive == UNFULFIL:
        return Fulfillment([], lambda: _forget(db, key))
    if directive == FULFIL_LATER:
        if given is None:
            raise MissingParameter(f"{where}.service_fulfillment_date")
        day = _day(given, where)
        if day <= today:
            raise InvalidInput(f"{where}: fulfillment_directive 2 takes a date after {today}")
    elif directive == FULFIL_NOW:
        day = today if given is None else _day(given, where)
        if day > today:
            raise InvalidInput(f"{where}: a future date takes fulfillment_directive 2")
    else:
        raise InvalidInput(f"{where}.fulfillment_directive must be 1, 2 or 3")
    lines: list[dict[str, Any]] = []
    cycle = current_cycle(db, tenant, mpi)
    if (
        directive == FULFIL_NOW
        and _fulfilled_on(db, tenant, unit.plan_unit_inst_no, service.service_no) is None
        and cycle.in_progress(today)
    ):
        start = max(day, cycle.start)
        lines = plan_lines(
            tenant.plans[mpi.plan_no],
            mpi,
            units=Decimal(1),
            factor=cycle.remaining(start),
            today=start,
            end=cycle.end,
            fulfilled=service.service_no,
        )

    def commit() -> None:
        db.execute(
            "INSERT OR REPLACE INTO unit_fulfillments (client_no, plan_unit_inst_no, service_no, "
            "mpi_no, fulfillment_date) VALUES (?, ?, ?, ?, ?)",
            (*key, mpi.mpi_no, day),
        )

    return Fulfillment(lines, commit)


def _forget(db: Transaction, key: tuple[int, int, int]) -> None:
    db.execute(
        "DELETE FROM unit_fulfillments WHERE client_no = ? AND plan_unit_inst_no = ? "
        "AND service_no = ?",
        key,
    )


def fulfillment_status(
    db: Transaction, ctx: CallContext, unit: UnitInstance, service: Service
) -> tuple[str, str | None]:
    """A unit's service as get_acct_plan_unit_instance_all_m shows it: status and date.

    Swagger 19 names the statuses "No Fulfillment Date, Queued for Invoicing, or Invoiced".
    """
    day = _fulfilled_on(db, ctx.tenant, unit.plan_unit_inst_no, service.service_no)
    if day is None:
        return "No Fulfillment Date", None
    cycle = current_cycle(db, ctx.tenant, unit.mpi)
    billed = cycle.billed and day <= ctx.today(db) and day < cycle.end
    return ("Invoiced" if billed else "Queued for Invoicing"), day

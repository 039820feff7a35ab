"""Which plan unit instances have their fulfillment-based services fulfilled, and since when.

What regular invoicing (harness.stub.invoicing) needs of harness.stub.unit_instances, kept
apart so that invoicing does not depend on plan changes: unit k of plan instance M is number
M * UNIT_SPAN + k, and a unit beyond the instance's current units does not exist.
"""

from __future__ import annotations

from harness.stub.models import MasterPlanInstance, Tenant
from harness.stub.store import Transaction

__all__ = ["UNIT_SPAN", "fulfillment_dates", "unit_count"]

UNIT_SPAN = 1000


def unit_count(mpi: MasterPlanInstance) -> int:
    """How many unit instances a plan instance has: its whole units (at most UNIT_SPAN - 1)."""
    return min(int(mpi.units), UNIT_SPAN - 1)


def fulfillment_dates(
    db: Transaction, tenant: Tenant, mpi: MasterPlanInstance
) -> dict[int, tuple[str, ...]]:
    """Per fulfillment-based service, the fulfillment dates of the instance's existing units."""
    rows = db.all(
        "SELECT plan_unit_inst_no, service_no, fulfillment_date FROM unit_fulfillments "
        "WHERE client_no = ? AND mpi_no = ? ORDER BY plan_unit_inst_no",
        (tenant.client_no, mpi.mpi_no),
    )
    existing = unit_count(mpi)
    dates: dict[int, tuple[str, ...]] = {}
    for unit_no, service_no, day in rows:
        if unit_no % UNIT_SPAN <= existing:
            dates[service_no] = (*dates.get(service_no, ()), day)
    return dates

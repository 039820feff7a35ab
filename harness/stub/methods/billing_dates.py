"""update_acct_complete_m: a billing-date change (``alt_bill_day``) that closes the cycle.

apis-that-generate-invoices.txt: "Generates an invoice when a billing date change causes an
immediate cycle close and charge." The stub simulates ``alt_bill_day``: each master plan
instance (the one ``client_master_plan_instance_id`` names, else all of the account's) takes
the next date after today with that day of the month (clamped to the month's end) as its next
billing date. An instance whose invoiced period is running (mid-cycle) closes it today: the
unused days are credited and the days from today to the new billing date charged, prorated on
the period's length, on one invoice per billing group, collected when it charges. An instance
not invoiced yet, or whose billing date does not move, just takes the date; nothing is billed.

Choices where the docs are silent: the other date inputs (alt_start_date,
retroactive_start_date, acct_start_date, reset_dates_after_status) answer 1016 naming them;
contact and other account fields are accepted and not kept (the stub stores no contact data).
The method has no dry-run field, so every call writes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.accounts import current_cycle, find_account, pick
from harness.stub.billing import add_months
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.invoicing import states_key, with_day
from harness.stub.models import MasterPlanInstance
from harness.stub.plan_changes import Billed, bill_lines, plan_lines, unused_days_credit

__all__ = ["update_acct_complete_m"]

_OTHER_DATE_INPUTS = (
    "alt_start_date",
    "retroactive_start_date",
    "acct_start_date",
    "reset_dates_after_status",
)


def next_bill_day(today: str, day: int) -> str:
    """The first date after today on that day of the month (clamped to the month's end)."""
    candidate = with_day(today, day)
    if candidate <= today:
        candidate = with_day(add_months(today[:8] + "01", 1), day)
    return candidate


def update_acct_complete_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Move master plan instances to a new bill day; close a running cycle with an invoice."""
    tenant = ctx.tenant
    for name in _OTHER_DATE_INPUTS:
        if params.get(name) is not None:
            raise InvalidInput(f"{name}: the stub simulates alt_bill_day among the date changes")
    day = params.get("alt_bill_day")
    if day is not None and not 1 <= day <= 31:
        raise InvalidInput("alt_bill_day must be a day of the month (1-31)")
    with ctx.store.transaction() as db:
        account = find_account(db, tenant, params, userid_field="userid")
        targets: tuple[MasterPlanInstance, ...] = account.mpis
        if params.get("client_master_plan_instance_id") is not None:
            targets = (
                pick(
                    params,
                    "master_plan_instance_no",  # not an input of this method: never given
                    "client_master_plan_instance_id",
                    account.mpis,
                    lambda mpi: mpi.mpi_no,
                    lambda mpi: mpi.client_mpi_id,
                    f"an active plan instance of account {account.acct_no}",
                ),
            )
        answer: dict[str, Any] = {}
        if targets:
            first, plan = targets[0], tenant.plans[targets[0].plan_no]
            answer.update(
                master_plan_instance_id=first.mpi_no,
                out_client_mp_instance_id=first.client_mpi_id,
                out_master_plan_no=plan.plan_no,
                out_client_master_plan_id=plan.client_plan_id,
            )
        if day is None:
            return answer
        today = ctx.today(db)
        new_date = next_bill_day(today, day)
        by_group: dict[int, list[dict[str, Any]]] = {}
        for mpi in targets:
            cycle = current_cycle(db, tenant, mpi)
            if cycle.in_progress(today) and new_date != cycle.end:
                plan = tenant.plans[mpi.plan_no]
                period = Decimal(
                    (date.fromisoformat(cycle.end) - date.fromisoformat(cycle.start)).days
                )
                to_new = Decimal((date.fromisoformat(new_date) - date.fromisoformat(today)).days)
                lines = by_group.setdefault(mpi.billing_group_no, [])
                lines += unused_days_credit(plan, mpi, cycle, today)
                lines += plan_lines(
                    plan, mpi, units=mpi.units, factor=to_new / period, today=today, end=new_date
                )
            db.execute(
                "UPDATE plan_instances SET next_bill_date = ? WHERE client_no = ? AND mpi_no = ?",
                (new_date, tenant.client_no, mpi.mpi_no),
            )
            db.forget(states_key(tenant.client_no, account.acct_no))
        billed = [
            bill_lines(db, ctx, account, group_no, lines, params, dry_run=False)
            for group_no, lines in by_group.items()
        ]
    answer.update(_proration_fields(account.billing_group, billed))
    return answer


def _proration_fields(group_of: Any, billed: list[Billed]) -> dict[str, Any]:
    """Totals over the invoices, and the first invoice's number, group and collection."""
    if not billed:
        return {}
    charged = sum(
        (Decimal(str(line["amount"])) for b in billed for line in b.draft.lines
         if line["amount"] > 0 and line["line_type"] != 2),
        Decimal(0),
    )  # fmt: skip
    credited = sum(
        (Decimal(str(line["amount"])) for b in billed for line in b.draft.lines
         if line["amount"] < 0 and line["line_type"] != 2),
        Decimal(0),
    )  # fmt: skip
    first = billed[0]
    group = group_of(first.draft.billing_group_no)
    fields: dict[str, Any] = {
        "master_plan_proration_amount": float(charged),
        "master_plan_proration_credit_amount": float(-credited),
        "master_plan_proration_tax_amount": float(sum(b.sums.tax for b in billed)),
        "master_plan_proration_result_total_amount": float(sum(b.sums.total for b in billed)),
        "out_invoice_no": first.invoice_no,
        "out_billing_group_no": first.draft.billing_group_no,
        "out_client_billing_group_id": group.client_billing_group_id if group else None,
    }
    if first.outcome:
        fields.update(first.outcome)
    return fields

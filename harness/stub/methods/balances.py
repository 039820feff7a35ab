"""get_acct_balance_m and calc_credit_reference_line_m: reads over the account's money.

Rules chosen where the docs are silent:

- acct_balance is the ledger of harness/stub/ledger.py: charged - paid - credited - written off
  + refunded. The stub allocates payments to invoices, not to plan instances, so each master
  plan instance's balance is null rather than a figure that would not add up.
- calc_credit_reference_line_m calculates and writes nothing (it has no do_write): the credit it
  computes reaches a prior period only when the caller applies it (create_cm_m), so the call
  itself never generates an invoice or invoice reference. Its references are the recurring lines
  (types 1 and 7) of the account's posted invoices for the plan instance (and service) whose
  period starts on or after credit_reference_start_date; credit_reference_amount is what they
  charged less what is already credited on them. With credit_ref_type 2 (price change) the
  charge reference is monthly_price per month of each line's period (for the line, not per
  unit); any other type credits the period in full (charge reference 0).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.billing import dec, money
from harness.stub.context import CallContext
from harness.stub.exceptions import (
    InvalidClientPlanInstance,
    InvalidPlanInstance,
    MissingParameter,
)
from harness.stub.ledger import (
    CHARGE_KINDS,
    ZERO,
    account_balance,
    iso_date,
    line_credits,
    load_body,
)
from harness.stub.models import Account, MasterPlanInstance

__all__ = ["calc_credit_reference_line_m", "get_acct_balance_m"]

_RECURRING = (1, 7)
_PRICE_CHANGE = 2


def get_acct_balance_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's outstanding balance."""
    account = ctx.account(params)
    with ctx.store.read() as db:
        balance = account_balance(db, ctx.tenant, account.acct_no)
    return {
        "currency_cd": account.currency_cd,
        "acct_balance": f"{balance:.2f}",
        "master_plan_instances": [
            {
                "master_plan_instance_no": mpi.mpi_no,
                "client_def_master_plan_instance_id": mpi.client_mpi_id,
                "master_plan_name": ctx.tenant.plans[mpi.plan_no].name,
                "master_plan_instance_desc": None,
                "master_plan_instance_balance": None,
            }
            for mpi in account.mpis
        ],
    }


def _instance(account: Account, params: dict[str, Any]) -> MasterPlanInstance | None:
    # the messages calc_credit_reference_line_m's codes give (x-aria-error-codes)
    if "plan_instance_no" in params:
        found = next((m for m in account.mpis if m.mpi_no == params["plan_instance_no"]), None)
        if found is None:
            raise InvalidPlanInstance("Invalid Plan instance number")
        return found
    if "client_plan_instance_id" in params:
        ident = params["client_plan_instance_id"]
        found = next((m for m in account.mpis if m.client_mpi_id == ident), None)
        if found is None:
            raise InvalidClientPlanInstance("Invalid client Plan instance identifier")
        return found
    return None


def _months(start: str, end: str) -> int:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return max((last.year - first.year) * 12 + last.month - first.month + 1, 1)


def calc_credit_reference_line_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The credit due over past invoice lines of a plan instance (and service) since a date."""
    tenant = ctx.tenant
    account = ctx.account(params)
    mpi = _instance(account, params)
    since = iso_date(params["credit_reference_start_date"], "credit_reference_start_date")
    price_change = params["credit_ref_type"] == _PRICE_CHANGE
    if price_change and "monthly_price" not in params:
        raise MissingParameter("monthly_price")
    monthly = money(dec(params.get("monthly_price", 0)))
    service_no, service_id = params.get("service_no"), params.get("client_service_id")
    references = []
    credit_total = charge_total = ZERO
    with ctx.store.read() as db:
        kinds = ",".join("?" * len(CHARGE_KINDS))
        rows = db.all(
            f"SELECT invoice_no, body FROM invoices WHERE client_no = ? AND acct_no = ? "
            f"AND status = 'posted' AND kind IN ({kinds}) ORDER BY invoice_no",
            (tenant.client_no, account.acct_no, *CHARGE_KINDS),
        )
        for row in rows:
            credited = line_credits(db, tenant, row["invoice_no"])
            for line in load_body(row["body"])["lines"]:
                if line["line_type"] not in _RECURRING or (line.get("start") or "") < since:
                    continue
                if mpi is not None and line.get("plan_instance_no") != mpi.mpi_no:
                    continue
                if service_no is not None and line.get("service_no") != service_no:
                    continue
                if service_id is not None and line.get("client_service_id") != service_id:
                    continue
                charged = money(dec(line["amount"]))
                already = credited.get(line["line_no"], ZERO)
                credit_total += charged - already
                if price_change:
                    charge_total += monthly * _months(line["start"], line["end"])
                references.append(
                    {
                        "invoice_no": row["invoice_no"],
                        "invoice_line_no": line["line_no"],
                        "invoice_ref_line_amount": float(charged),
                        "invoice_line_charge_amt": float(charged),
                        "invoice_line_surcharge_amt": 0.0,
                        "invoice_line_credit_amt": float(already),
                        "invoice_line_discount_amt": 0.0,
                        "invoice_line_tax_amt": None,
                    }
                )
    return {
        "plan_instance_no_out": mpi.mpi_no if mpi is not None else None,
        "service_no_out": service_no,
        "client_service_id_out": service_id,
        "credit_reference_amount": float(credit_total),
        "charge_reference_amount": float(charge_total),
        "amount": float(Decimal(credit_total - charge_total)),
        "invoice_reference_details": references,
    }

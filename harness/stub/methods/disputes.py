"""Write-offs and dispute holds: create_writeoff_or_dispute_m, settle_dispute_hold_m and
get_acct_writeoff_or_disputes_m.

Rules chosen where the docs are silent (the page's sentences and Swagger 19's field names):

- A write-off or dispute covers what is open on the invoice when it is made (there is no amount
  input); a dispute already held on it is out of reach. Nothing open answers 1016.
- A write-off takes its amount off the invoice and the account balance. A dispute (do_dispute 1)
  holds it: the amount stays owed, and no other write-off or dispute can take it.
- "Partial" is a write-off of less than the invoice's total (the invoice was partly paid or
  credited before): its detail lines are the adjustment lines against the original invoice, the
  "invoice reference" of apis-that-generate-invoices.txt. No new invoice is stored either way.
- settlement_action (values undocumented): 1 settles in the customer's favour, writing the held
  amount off; 2 settles in the client's favour, releasing the hold so the amount is due again.
  Either settles the whole hold, so no partial charge (and no invoice) ever results.
- A dispute expires 30 days after it is created (dispute_exp_date); the stub only reports it.
- dispute_or_writeoff_flag (values undocumented): 1 write-offs, 2 disputes, 0 or absent both.
  details_flag 1 adds writeoff_detail.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from harness.stub.billing import COUPON_LINE
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, NoDataFound
from harness.stub.invoicing import load_invoice
from harness.stub.ledger import (
    chargeable_invoice,
    held_amount,
    invoice_open,
    iso_date,
    line_credits,
    line_open,
    load_body,
    stamp,
)
from harness.stub.methods.credits import named_account
from harness.stub.store import dumps

__all__ = [
    "create_writeoff_or_dispute_m",
    "get_acct_writeoff_or_disputes_m",
    "settle_dispute_hold_m",
]

DISPUTE_DAYS = 30
_SETTLE_WRITEOFF = 1
_SETTLE_RELEASE = 2
# never unsettled in the stub; Aria's string booleans read "true" / "false"
_CAN_UNSETTLE = "false"


def _spread(body: dict[str, Any], credited: dict[int, Decimal], amount: Decimal) -> list[dict]:
    """The amount over the invoice's open lines, in line order."""
    details, left = [], amount
    for line in body["lines"]:
        if left <= 0:
            break
        if line["line_type"] == COUPON_LINE:
            continue
        portion = min(line_open(body, credited, line["line_no"]), left)
        if portion <= 0:
            continue
        left -= portion
        details.append({"line": line, "amount": portion})
    return details


def create_writeoff_or_dispute_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Write off an invoice's open balance, or hold it as disputed (do_dispute 1)."""
    tenant = ctx.tenant
    account = named_account(ctx, params)
    dispute = params.get("do_dispute") == 1
    if params.get("do_dispute") not in (None, 0, 1):
        raise InvalidInput("do_dispute must be 0 (write off) or 1 (dispute)")
    with ctx.store.transaction() as db:
        row, body = chargeable_invoice(db, tenant, account, params["invoice_no"])
        amount = invoice_open(db, tenant, row) - held_amount(db, tenant, row["invoice_no"])
        if amount <= 0:
            raise InvalidInput(f"invoice {row['invoice_no']} has no open balance")
        created = stamp(ctx, db)
        day = iso_date(params.get("writeoff_date", created[:10]), "writeoff_date")
        expires = (date.fromisoformat(created[:10]) + timedelta(days=DISPUTE_DAYS)).isoformat()
        details = []
        for part in _spread(body, line_credits(db, tenant, row["invoice_no"]), amount):
            line = part["line"]
            details.append(
                {
                    "transaction_id": db.next_id("transaction_id"),
                    "line_no": line["line_no"],
                    "service_no": line.get("service_no"),
                    "client_service_id": line.get("client_service_id"),
                    "original_amount": str(line["amount"]),
                    "amount": str(part["amount"]),
                    "start": line.get("start"),
                    "end": line.get("end"),
                }
            )
        rec_no = db.next_id("writeoff_no")
        record = {
            "created_by": params.get("alt_caller_id", "API"),
            "date": day,
            "reason_code": params["reason_code"],
            "comments": params["comments"],
            "dispute_created": created[:10] if dispute else None,
            "dispute_expires": expires if dispute else None,
            "details": details,
        }
        db.execute(
            "INSERT INTO writeoffs (rec_no, client_no, acct_no, invoice_no, amount, dispute_ind, "
            "status, created, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec_no,
                tenant.client_no,
                row["acct_no"],
                row["invoice_no"],
                str(amount),
                int(dispute),
                "held" if dispute else "writeoff",
                created,
                dumps(record),
            ),
        )
    return {
        "writeoff_transactions": [
            {
                "writeoff_transaction_id": detail["transaction_id"],
                "invoice_no": row["invoice_no"],
                "service_no": detail["service_no"],
                "client_service_id": detail["client_service_id"],
                "original_amount": float(detail["original_amount"]),
                "amount": float(detail["amount"]),
                "date": day,
                "writeoff_reasoncode": params["reason_code"],
                "dispute_creation_date": record["dispute_created"],
                "dispute_expiry_date": record["dispute_expires"],
                "dispute_ind": int(dispute),
                "can_unsettle": _CAN_UNSETTLE,
            }
            for detail in details
        ]
    }


def settle_dispute_hold_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Settle a held dispute: write it off (action 1) or release it as due (action 2)."""
    tenant = ctx.tenant
    account = ctx.account(params, id_field=None)
    action = params["settlement_action"]
    if action not in (_SETTLE_WRITEOFF, _SETTLE_RELEASE):
        raise InvalidInput("settlement_action must be 1 (write off) or 2 (release the hold)")
    with ctx.store.transaction() as db:
        found = db.one(
            "SELECT * FROM writeoffs WHERE client_no = ? AND rec_no = ? AND dispute_ind = 1",
            (tenant.client_no, params["dispute_no"]),
        )
        if found is None or found["acct_no"] != account.acct_no:
            raise NoDataFound(f"no data found: dispute {params['dispute_no']}")
        if found["status"] != "held":
            raise InvalidInput(f"dispute {params['dispute_no']} is already settled")
        status = "settled_writeoff" if action == _SETTLE_WRITEOFF else "released"
        db.execute(
            "UPDATE writeoffs SET status = ? WHERE client_no = ? AND rec_no = ?",
            (status, tenant.client_no, found["rec_no"]),
        )
        invoice = load_invoice(db, tenant, found["invoice_no"])
    assert invoice is not None  # a dispute is only ever made on a stored invoice
    record = load_body(found["body"])
    return {
        "created_by": record["created_by"],
        "amount": float(Decimal(found["amount"])),
        "invoice_no": found["invoice_no"],
        "invoice_date": invoice[0]["created"][:10],
        "invoice_amt": float(Decimal(invoice[0]["total"])),
        "dispute_creation_date": record["dispute_created"],
        "dispute_exp_date": record["dispute_expires"],
        "comments": params.get("comments", record["comments"]),
        "reason_code": record["reason_code"],
        "secondary_reason_code": None,
        "dispute_ind": 1,
        "can_unsettle": _CAN_UNSETTLE,
        "rec_no": found["rec_no"],
    }


def get_acct_writeoff_or_disputes_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """An account's write-offs and disputes (with their line details if details_flag is 1)."""
    tenant = ctx.tenant
    account = ctx.account(params)
    flag = params.get("dispute_or_writeoff_flag", 0)
    if flag not in (0, 1, 2):
        raise InvalidInput("dispute_or_writeoff_flag must be 0 (both), 1 (write-offs) or 2")
    mpi_no = params.get("master_plan_instance_no")
    if "client_master_plan_instance_id" in params:
        ident = params["client_master_plan_instance_id"]
        mpi = next((m for m in account.mpis if m.client_mpi_id == ident), None)
        if mpi is None:
            raise InvalidInput(f"client_master_plan_instance_id {ident!r} is not the account's")
        mpi_no = mpi.mpi_no
    if mpi_no is not None and all(m.mpi_no != mpi_no for m in account.mpis):
        raise InvalidInput(f"master_plan_instance_no {mpi_no} is not the account's")
    with ctx.store.read() as db:
        rows = db.all(
            "SELECT * FROM writeoffs WHERE client_no = ? AND acct_no = ? ORDER BY rec_no",
            (tenant.client_no, account.acct_no),
        )
        invoices = {r["invoice_no"]: load_invoice(db, tenant, r["invoice_no"]) for r in rows}
    info = []
    for row in rows:
        if flag and row["dispute_ind"] != flag - 1:
            continue
        invoice_row, invoice_body = invoices[row["invoice_no"]]  # type: ignore[misc]
        if mpi_no is not None and all(
            ln.get("plan_instance_no") != mpi_no for ln in invoice_body["lines"]
        ):
            continue
        record = load_body(row["body"])
        bill_date = invoice_row["created"][:10]
        info.append(
            {
                "rec_no": row["rec_no"],
                "created_by": record["created_by"],
                "created_date": row["created"],
                "amount": float(Decimal(row["amount"])),
                "invoice_no": row["invoice_no"],
                "invoice_date": bill_date,
                "invoice_amt": float(Decimal(invoice_row["total"])),
                "writeoff_detail": (
                    [
                        {
                            "invoice_no": row["invoice_no"],
                            "invoice_bill_date": bill_date,
                            "invoice_transaction_id": detail["line_no"],
                            "original_transaction_amount": float(detail["original_amount"]),
                            "writeoff_transaction_amount": float(detail["amount"]),
                            "writeoff_transaction_start_date": detail["start"],
                            "writeoff_transaction_end_date": detail["end"],
                        }
                        for detail in record["details"]
                    ]
                    if params.get("details_flag") == 1
                    else None
                ),
                "dispute_creation_date": record["dispute_created"],
                "dispute_exp_date": record["dispute_expires"],
                "reason_code": record["reason_code"],
                "secondary_reason_code": None,
                "comments": record["comments"],
                "dispute_ind": row["dispute_ind"],
                "can_unsettle": _CAN_UNSETTLE,
            }
        )
    return {"writeoff_dispute_info": info}

"""Refunds: issue_refund_to_acct_m (with optional invoice line reversals) and get_refund_details_m.

Rules chosen where the docs are silent:

- A refund returns part or all of an approved payment of the account, never more than is left
  of it after earlier refunds; it goes back to the payment's own method (the test gateway is not
  called and alternate card fields are not kept). is_unlinked_refund "true" is not simulated.
- total_refund_amount absent: with auto_calc_refund "true" the refund is the total reversed
  (Swagger's description); otherwise it is a missing parameter (1010).
- Each reversal names an invoice line by invoice_no and invoice_line_no; its amount defaults to
  what is open on the line and may not exceed it. The reversals of one invoice become one new
  credit invoice (negative lines, orig_invoice_no the reversed invoice), the invoice
  apis-that-generate-invoices.txt says a reversal generates; a refund without reversals
  generates none. A reversed tax line lowers the credit invoice's tax.
- do_write=false computes the same answer and writes nothing (no transaction ids).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from harness.facts import reads_true
from harness.stub.accounts import find_account
from harness.stub.billing import TAX_LINE, dec, money
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter, NoDataFound
from harness.stub.invoicing import Draft, store_invoice
from harness.stub.ledger import (
    ZERO,
    add_line_credit,
    chargeable_invoice,
    creditable,
    invoice_line,
    iso_date,
    line_credits,
    line_open,
    load_body,
    stamp,
)
from harness.stub.methods.credits import named_account
from harness.stub.store import Transaction, dumps

__all__ = ["get_refund_details_m", "issue_refund_to_acct_m"]

# the stub's gateway takes cards only: Aria's pay_method 1 is "Credit card"
_CARD_METHOD = (1, "Credit Card")


def _reversals(
    db: Transaction, ctx: CallContext, acct_no: int, items: list[dict], today: str
) -> list:
    """The lines to reverse, checked against what is open on them; (row, line, amount, date)."""
    tenant = ctx.tenant
    account = find_account(db, tenant, {"acct_no": acct_no})
    moved: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    found = []
    for index, item in enumerate(items):
        for field in ("invoice_no", "invoice_line_no"):
            if field not in item:
                raise MissingParameter(field)
        row, body = chargeable_invoice(db, tenant, account, item["invoice_no"])
        line_no = item["invoice_line_no"]
        key = (row["invoice_no"], line_no)
        room = line_open(body, line_credits(db, tenant, row["invoice_no"]), line_no) - moved[key]
        if "invoice_line_reversing_amount" in item:
            amount = money(dec(item["invoice_line_reversing_amount"]))
        else:
            amount = room
        if amount <= 0 or amount > room:
            raise InvalidInput(f"item {index}: the reversal exceeds the {room} open on the line")
        day = iso_date(
            item.get("invoice_line_reversing_date", today), "invoice_line_reversing_date"
        )
        moved[key] += amount
        moved[(row["invoice_no"], 0)] += amount
        if moved[(row["invoice_no"], 0)] > creditable(db, tenant, row):
            raise InvalidInput(
                f"item {index}: the reversals exceed what invoice {row['invoice_no']} has left"
            )
        found.append((row, invoice_line(body, line_no), amount, day))
    return found


def issue_refund_to_acct_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Refund a payment, reversing invoice lines when asked."""
    tenant = ctx.tenant
    account = named_account(ctx, params)
    if reads_true(params.get("is_unlinked_refund", "false")):
        raise InvalidInput("is_unlinked_refund 'true' is not simulated by the stub")
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        payment = db.one(
            "SELECT * FROM payments WHERE client_no = ? AND transaction_id = ? "
            "AND status = 'approved'",
            (tenant.client_no, params["payment_transaction_id"]),
        )
        if payment is None or (account is not None and payment["acct_no"] != account.acct_no):
            raise NoDataFound(f"no data found: payment {params['payment_transaction_id']}")
        created = stamp(ctx, db)
        reversals = _reversals(
            db, ctx, payment["acct_no"], params.get("invoice_trans_to_reverse", []), created[:10]
        )
        reversed_total = sum((r[2] for r in reversals), ZERO)
        refunded = sum(
            (
                Decimal(r[0])
                for r in db.all(
                    "SELECT amount FROM refunds WHERE client_no = ? AND payment_transaction_id = ?",
                    (tenant.client_no, payment["transaction_id"]),
                )
            ),
            ZERO,
        )
        left = Decimal(payment["amount"]) - refunded
        if "total_refund_amount" in params:
            amount = money(dec(params["total_refund_amount"]))
        elif reads_true(params.get("auto_calc_refund", "false")):
            amount = reversed_total
        else:
            raise MissingParameter("total_refund_amount")
        if amount <= 0 or amount > left:
            raise InvalidInput(f"the refund must be positive and at most the {left} refundable")
        transaction_id = None
        lines = []
        for row, line, part, day in reversals:
            lines.append(
                {
                    "invoice_no": row["invoice_no"],
                    "bill_date": row["created"][:10],
                    "line_no": line["line_no"],
                    "total_line_debit": str(line["amount"]),
                    "amount": str(part),
                    "date": day,
                    "service_no": line.get("service_no"),
                    "client_service_id": line.get("client_service_id"),
                    "comments": line.get("comments"),
                    "start": line.get("start"),
                    "end": line.get("end"),
                    "transaction_id": None,
                }
            )
        if not dry_run:
            transaction_id = db.next_id("transaction_id")
            _write(db, ctx, reversals, lines, transaction_id)
            body = {
                "created_by": params.get("alt_caller_id", "API"),
                "reason_code": params["reason_code"],
                "comments": params.get("comments"),
                "check_no": params.get("refund_check_number"),
                "reversals": lines,
            }
            db.execute(
                "INSERT INTO refunds (transaction_id, client_no, acct_no, payment_transaction_id, "
                "amount, created, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    transaction_id,
                    tenant.client_no,
                    payment["acct_no"],
                    payment["transaction_id"],
                    str(amount),
                    created,
                    dumps(body),
                ),
            )
    return {
        "applied_total_refund_amount": float(amount),
        "applied_total_reversal_amount": float(reversed_total),
        "reversed_invoice_transactions": [
            {
                "invoice_no": line["invoice_no"],
                "invoice_line_no": line["line_no"],
                "reversed_transaction_id": line["transaction_id"],
                "service_no": line["service_no"],
                "reversed_amount": float(line["amount"]),
                "reversing_date": line["date"],
                "transaction_comments": line["comments"],
                "client_service_id": line["client_service_id"],
            }
            for line in lines
        ],
        "out_transaction_id": transaction_id,
    }


def _write(
    db: Transaction, ctx: CallContext, reversals: list, lines: list[dict], refund_no: int
) -> None:
    """Record the reversals as line credits and one credit invoice per reversed invoice."""
    drafts: dict[int, Draft] = {}
    for (row, line, part, _), shown in zip(reversals, lines, strict=True):
        add_line_credit(
            db,
            ctx,
            row,
            line_no=line["line_no"],
            source="reversal",
            ref_no=refund_no,
            ref_line_no=None,
            amount=part,
        )
        shown["transaction_id"] = db.next_id("transaction_id")
        draft = drafts.get(row["invoice_no"])
        if draft is None:
            account = find_account(db, ctx.tenant, {"acct_no": row["acct_no"]})
            draft = drafts[row["invoice_no"]] = Draft(
                account, row["billing_group_no"], kind="reversal"
            )
            draft.orig_invoice_no = row["invoice_no"]
        credit_line = {k: v for k, v in line.items() if k != "line_no"}
        credit_line.update(amount=float(-part), taxable=False)
        draft.add_line(**credit_line)
        if line["line_type"] == TAX_LINE:
            draft.tax -= part
    for draft in drafts.values():
        store_invoice(db, ctx, draft, status="posted", write_state=False)


def get_refund_details_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """An account's refunds with the invoice lines they reversed."""
    tenant = ctx.tenant
    account = ctx.account(params, id_field=None)
    with ctx.store.read() as db:
        rows = db.all(
            "SELECT r.*, p.amount AS paid, p.last_four, p.proc_payment_id FROM refunds r "
            "JOIN payments p ON p.transaction_id = r.payment_transaction_id "
            "WHERE r.client_no = ? AND r.acct_no = ? ORDER BY r.transaction_id",
            (tenant.client_no, account.acct_no),
        )
    event = params.get("aria_event_no")
    details = []
    for row in rows:
        if event is not None and row["transaction_id"] != event:
            continue
        body = load_body(row["body"])
        details.append(
            {
                "refund_amount": float(Decimal(row["amount"])),
                "create_date": row["created"][:10],
                "create_user": body["created_by"],
                "reason_code": body["reason_code"],
                "reason_label": None,
                "reason_description": None,
                "ref_payment_transaction_id": row["payment_transaction_id"],
                "ref_payment_transaction_type": None,
                "ref_payment_transaction_desc": None,
                "ref_payment_amount": float(Decimal(row["paid"])),
                "ref_payment_ref_code": row["proc_payment_id"],
                "bill_seq_no": None,
                "pay_method_id": _CARD_METHOD[0],
                "pay_method_name": _CARD_METHOD[1],
                "cc_id": None,
                "cc_type": None,
                "payment_src_suffix": row["last_four"],
                "refund_check_num": body["check_no"],
                "is_voided_ind": 0,
                "bill_email": None,
                "invoice_reversals": [
                    {
                        "invoice_no": line["invoice_no"],
                        "invoice_bill_date": line["bill_date"],
                        "invoice_line_no": line["line_no"],
                        "total_line_debit": float(line["total_line_debit"]),
                        "reversed_line_amount": float(line["amount"]),
                        "reversed_line_start_date": line["start"],
                        "reversed_line_end_date": line["end"],
                        "transaction_id": str(line["transaction_id"]),
                        "reversal_date": line["date"],
                        "service_no": None
                        if line["service_no"] is None
                        else str(line["service_no"]),
                        "client_service_id": line["client_service_id"],
                        "transaction_comments": line["comments"],
                    }
                    for line in body["reversals"]
                ],
                "refund_transaction_id": row["transaction_id"],
            }
        )
    return {"refund_details": details}

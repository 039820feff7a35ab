"""Money moved after an invoice: credit memos, line credits, write-offs, disputes and refunds.

The one place balances are computed, shared by the credit, dispute and refund methods:

- a line's open amount is its amount less the line credits on it (memo applications, net of
  unapplications, and refund reversals);
- an invoice's open balance is its total less its line credits, its approved payments and its
  write-offs, plus refunds of its payments; a held dispute keeps its amount open but out of
  reach of another write-off or dispute;
- the account balance is everything charged (posted and rebilled invoices, including the
  negative credit invoices of rebills and reversals) less payments, credit memos and write-offs,
  plus refunds. A credit memo lowers the balance when created, applied or not: applying it only
  says which invoice line it pays (Aria's unapplied credit is still the account's credit).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.billing import COUPON_LINE, dec, money
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, NoDataFound
from harness.stub.invoicing import load_invoice
from harness.stub.models import Account, Tenant
from harness.stub.store import Transaction

__all__ = [
    "CHARGE_KINDS",
    "ZERO",
    "account_balance",
    "add_line_credit",
    "chargeable_invoice",
    "creditable",
    "held_amount",
    "invoice_line",
    "iso_date",
    "invoice_open",
    "line_credits",
    "line_open",
    "stamp",
]

ZERO = Decimal("0.00")
# invoices that charge the account; credit memos of rebills and reversal credit invoices do not
CHARGE_KINDS = ("invoice", "order", "rebill")
# a write-off, or a dispute settled as one, takes its amount off; a held or released dispute not
_WRITTEN_OFF = ("writeoff", "settled_writeoff")


def stamp(ctx: CallContext, db: Transaction) -> str:
    """The call's instant on the client's virtual clock, as Aria prints it."""
    return ctx.stamp(db)


def iso_date(value: Any, field: str) -> str:
    """A yyyy-mm-dd input as an ISO date; 1016 naming the field otherwise."""
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidInput(f"{field} must be a date (yyyy-mm-dd)") from None


def _sum(db: Transaction, sql: str, args: tuple[Any, ...]) -> Decimal:
    return sum((Decimal(row[0]) for row in db.all(sql, args)), ZERO)


def chargeable_invoice(
    db: Transaction, tenant: Tenant, account: Account | None, invoice_no: Any
) -> tuple[Mapping[str, Any], dict[str, Any]]:
    """A posted charging invoice of the account (of any account when None), or 1002/1016."""
    found = load_invoice(db, tenant, invoice_no) if isinstance(invoice_no, int) else None
    if found is None or found[0]["status"] in ("pending", "discarded"):
        raise NoDataFound(f"no data found: invoice {invoice_no}")
    row, body = found
    if account is not None and row["acct_no"] != account.acct_no:
        raise NoDataFound(f"no data found: invoice {invoice_no} of account {account.acct_no}")
    if row["status"] != "posted" or row["kind"] not in CHARGE_KINDS:
        raise InvalidInput(f"invoice {invoice_no} cannot be credited (it is {row['status']})")
    return row, body


def line_credits(db: Transaction, tenant: Tenant, invoice_no: int) -> dict[int, Decimal]:
    """Per invoice line, the credit on it now (applications net of unapplications, reversals)."""
    credited: dict[int, Decimal] = {}
    for row in db.all(
        "SELECT invoice_line_no, amount FROM line_credits WHERE client_no = ? AND invoice_no = ?",
        (tenant.client_no, invoice_no),
    ):
        credited[row[0]] = credited.get(row[0], ZERO) + Decimal(row[1])
    return credited


def invoice_line(body: Mapping[str, Any], line_no: Any) -> dict[str, Any] | None:
    """The invoice's line with this number, or None."""
    return next((line for line in body["lines"] if line["line_no"] == line_no), None)


def line_open(body: Mapping[str, Any], credited: Mapping[int, Decimal], line_no: Any) -> Decimal:
    """What can still be credited on a line of an invoice; 1016 for a line it has not."""
    line = invoice_line(body, line_no)
    if line is None or line["line_type"] == COUPON_LINE:
        raise InvalidInput(f"line_no {line_no} is not a creditable line of the invoice")
    return money(dec(line["amount"])) - credited.get(line_no, ZERO)


def held_amount(db: Transaction, tenant: Tenant, invoice_no: int) -> Decimal:
    """The amount of an invoice's disputes on hold."""
    return _sum(
        db,
        "SELECT amount FROM writeoffs WHERE client_no = ? AND invoice_no = ? AND status = 'held'",
        (tenant.client_no, invoice_no),
    )


def _written_off(db: Transaction, tenant: Tenant, invoice_no: int) -> Decimal:
    marks = ",".join("?" * len(_WRITTEN_OFF))
    return _sum(
        db,
        f"SELECT amount FROM writeoffs WHERE client_no = ? AND invoice_no = ? "
        f"AND status IN ({marks})",
        (tenant.client_no, invoice_no, *_WRITTEN_OFF),
    )


def creditable(db: Transaction, tenant: Tenant, row: Mapping[str, Any]) -> Decimal:
    """What may still be credited or reversed on an invoice: its total less the line credits,
    write-offs and held disputes on it. Payments do not count: crediting a paid invoice leaves
    the account a credit balance, as in Aria."""
    number = row["invoice_no"]
    credits = sum(line_credits(db, tenant, number).values(), ZERO)
    return (
        Decimal(row["total"])
        - credits
        - _written_off(db, tenant, number)
        - held_amount(db, tenant, number)
    )


def invoice_open(db: Transaction, tenant: Tenant, row: Mapping[str, Any]) -> Decimal:
    """An invoice's open balance (what the account still owes on it)."""
    client, number = tenant.client_no, row["invoice_no"]
    credits = sum(line_credits(db, tenant, number).values(), ZERO)
    paid = _sum(
        db,
        "SELECT amount FROM payments WHERE client_no = ? AND invoice_no = ? "
        "AND status = 'approved'",
        (client, number),
    )
    refunded = _sum(
        db,
        "SELECT r.amount FROM refunds r JOIN payments p ON p.transaction_id = "
        "r.payment_transaction_id WHERE r.client_no = ? AND p.invoice_no = ?",
        (client, number),
    )
    written = _written_off(db, tenant, number)
    return Decimal(row["total"]) - credits - paid + refunded - written


def account_balance(db: Transaction, tenant: Tenant, acct_no: int) -> Decimal:
    """Charged - paid - credited - written off + refunded, over the account's whole history."""
    args = (tenant.client_no, acct_no)
    charged = _sum(
        db,
        "SELECT total FROM invoices WHERE client_no = ? AND acct_no = ? "
        "AND status IN ('posted', 'rebilled')",
        args,
    )
    paid = _sum(
        db,
        "SELECT amount FROM payments WHERE client_no = ? AND acct_no = ? AND status = 'approved'",
        args,
    )
    credited = _sum(db, "SELECT total FROM credit_memos WHERE client_no = ? AND acct_no = ?", args)
    marks = ",".join("?" * len(_WRITTEN_OFF))
    written = _sum(
        db,
        f"SELECT amount FROM writeoffs WHERE client_no = ? AND acct_no = ? AND status IN ({marks})",
        (*args, *_WRITTEN_OFF),
    )
    refunded = _sum(db, "SELECT amount FROM refunds WHERE client_no = ? AND acct_no = ?", args)
    return charged - paid - credited - written + refunded


def add_line_credit(
    db: Transaction,
    ctx: CallContext,
    row: Mapping[str, Any],
    *,
    line_no: int,
    source: str,
    ref_no: int,
    ref_line_no: int | None,
    amount: Decimal,
) -> int:
    """Record a credit (negative: its undoing) on an invoice line; its number."""
    number = db.next_id("line_credit_no")
    db.execute(
        "INSERT INTO line_credits (credit_no, client_no, acct_no, invoice_no, invoice_line_no, "
        "source, ref_no, ref_line_no, amount, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            number,
            ctx.tenant.client_no,
            row["acct_no"],
            row["invoice_no"],
            line_no,
            source,
            ref_no,
            ref_line_no,
            str(amount),
            stamp(ctx, db),
        ),
    )
    return number


def load_body(text: str) -> dict[str, Any]:
    """A stored JSON body."""
    return json.loads(text)

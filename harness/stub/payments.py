"""Collections: charge an invoice through the test gateway and record the payment.

Only the last four digits of a card reach the store; a CVV or track data never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from harness.stub.context import CallContext
from harness.stub.gateway import ProcessorResult, card_approves, charge
from harness.stub.models import Account
from harness.stub.store import Transaction

__all__ = ["DECLINED_COLLECTION_CODE", "Collection", "collect", "collection_outcome"]

DECLINED_COLLECTION_CODE = 4011


class Collection:
    """A collection attempt: the processor's answer and the payment's transaction id."""

    __slots__ = ("result", "transaction_id")

    def __init__(self, result: ProcessorResult, transaction_id: int) -> None:
        self.result = result
        self.transaction_id = transaction_id


def collection_outcome(collection: Collection, *, code_field: str) -> dict[str, Any]:
    """The processor fields and collection error code/message a method answers with.

    gen_rb_m names the code ``collection_error_cd``, manage_pending_invoice_m
    ``collection_error_code``; the service keeps only the fields a method outputs.
    """
    outcome: dict[str, Any] = dict(collection.result.proc_fields())
    if collection.result.approved:
        outcome[code_field] = 0
        outcome["collection_error_msg"] = "OK"
    else:
        # The method pages document no collection codes. Aria's code for a card the processor
        # refuses is 4011 "cc authorization failed" (its published error list, e.g.
        # settle_account_balance_m and manage_pending_invoice_m); the message is the decline.
        outcome[code_field] = DECLINED_COLLECTION_CODE
        outcome["collection_error_msg"] = collection.result.status_text
    return outcome


def collect(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    *,
    invoice_no: int,
    amount: Decimal,
    billing_group_no: int | None,
    params: Mapping[str, Any],
) -> Collection | None:
    """Charge an invoice's amount: an alternate card when given, else the payment method on file.

    None when there is nothing to charge with (no card on file and none given).
    """
    decline = ctx.tenant.params.decline_card_number
    card = params.get("cc_number")
    if params.get("alt_pay_method") == 1 and card:
        approves = card_approves(str(card), decline_number=decline)
        last_four = str(card)[-4:]
    else:
        group = account.billing_group(billing_group_no) if billing_group_no else None
        method = account.payment_method(group.payment_method_seq if group else None)
        if method is None:
            return None
        approves, last_four = method.approves, method.last_four
    transaction_id = db.next_id("transaction_id")
    amount_text = f"{amount:.2f}"
    result = charge(
        approves=approves,
        amount=amount_text,
        has_cvv=bool(params.get("cvv") or params.get("existing_pay_method_cvv")),
        reference=transaction_id,
    )
    db.execute(
        "INSERT INTO payments (transaction_id, client_no, acct_no, invoice_no, amount, status, "
        "last_four, proc_payment_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            transaction_id,
            ctx.tenant.client_no,
            account.acct_no,
            invoice_no,
            amount_text,
            "approved" if result.approved else "declined",
            last_four,
            result.payment_id,
            ctx.stamp(db),
        ),
    )
    return Collection(result, transaction_id)

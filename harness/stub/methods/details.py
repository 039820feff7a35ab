"""get_invoice_details_m: the lines, tax details and status of a stored invoice."""

from __future__ import annotations

from typing import Any

from harness.stub.accounts import live_account
from harness.stub.context import CallContext
from harness.stub.exceptions import NoDataFound
from harness.stub.invoicing import load_invoice
from harness.stub.render import render_lines, render_tax_details

__all__ = ["TYPE_CD", "get_invoice_details_m"]

# invoice_type_cd: Aria marks credit memos apart from invoices; the stub uses "I" for invoices
# (regular, order and rebill invoices) and "C" for the credit memo of a rebill and the credit
# invoice of a refund's line reversals.
TYPE_CD = {"invoice": "I", "order": "I", "rebill": "I", "credit_memo": "C", "reversal": "C"}


def get_invoice_details_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """An invoice's lines, tax details and status."""
    tenant = ctx.tenant
    named = None
    if "acct_no" in params or "client_acct_id" in params:
        named = ctx.account(params)
    with ctx.store.read() as db:
        found = load_invoice(db, tenant, params["invoice_no"])
        if found is None or found[0]["status"] == "discarded":
            raise NoDataFound(f"no data found: invoice {params['invoice_no']}")
        row, body = found
        if named is not None and named.acct_no != row["acct_no"]:
            raise NoDataFound(f"no data found: invoice {params['invoice_no']} of that account")
        account = live_account(db, tenant, row["acct_no"])
    assert account is not None  # an invoice's account is never deleted
    group = account.billing_group(row["billing_group_no"]) if row["billing_group_no"] else None
    lines = render_lines("InvoiceLineDetail", body["lines"], client_acct_id=account.client_acct_id)
    rebill = row["kind"] in ("rebill", "credit_memo") or row["status"] == "rebilled"
    return {
        "invoice_line_details": lines,
        "tax_details": render_tax_details("InvoiceTaxDetail", body["tax_details"]),
        "custom_status_label": None,
        "custom_status_desc": None,
        "client_notes": None,
        "invoice_type_cd": TYPE_CD.get(row["kind"], "I"),
        "from_date": row["from_date"],
        "to_date": row["to_date"],
        "client_billing_group_no": group.client_billing_group_id if group else None,
        "acct_locale_name": None,
        "rb_flag": int(rebill),
        "rb_status": row["status"] if rebill else None,
        "orig_invoice_no": row["orig_invoice_no"],
        "is_pending_ind": int(row["status"] == "pending"),
        "billing_group_no": row["billing_group_no"],
        "acct_locale_no": None,
    }

"""gen_rb_m: rebill an invoice as a credit memo offsetting it plus a new rebill invoice.

rb_line_items name lines of the original invoice by line_no, in ascending order (gen_rb_m.txt:
"you must send the line items in ascending order using the line_no field ... for the tax line
items to be calculated correctly"). A blank rb_rate_per_unit takes the original line's rate.
do_write=false computes the whole answer and stores nothing; do_collect null follows the
client's autocollect-on-rebill setting.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.stub.accounts import live_account
from harness.stub.billing import COUPON_LINE, TAX_LINE, dec, money
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, NoDataFound
from harness.stub.invoicing import Draft, finish_draft, load_invoice, store_invoice
from harness.stub.payments import collect, collection_outcome
from harness.stub.render import render_lines, render_tax_details

__all__ = ["gen_rb_m"]


def _rebill_lines(original: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[dict]:
    by_no = {line["line_no"]: line for line in original}
    previous = 0
    lines = []
    for item in items:
        line_no = item["line_no"]
        if line_no <= previous:
            raise InvalidInput(
                f"rb_line_items must be sent in ascending line_no order: {line_no} "
                f"follows {previous}"
            )
        previous = line_no
        source = by_no.get(line_no)
        if source is None or source["line_type"] in (TAX_LINE, COUPON_LINE):
            raise InvalidInput(f"line_no {line_no} is not a chargeable line of the invoice")
        if "service_no" in item and item["service_no"] != source.get("service_no"):
            raise InvalidInput(f"service_no {item['service_no']} does not match line {line_no}")
        if "client_service_id" in item and item["client_service_id"] != source.get(
            "client_service_id"
        ):
            raise InvalidInput(f"client_service_id does not match line {line_no}")
        rate = dec(item["rb_rate_per_unit"]) if "rb_rate_per_unit" in item else dec(source["rate"])
        units = dec(item["rb_units"]) if "rb_units" in item else dec(source["units"])
        amount = money(dec(item["rb_amount"])) if "rb_amount" in item else money(units * rate)
        line = {k: v for k, v in source.items() if k != "line_no"}
        line.update(units=float(units), rate=float(rate), amount=float(amount))
        if "rb_line_comments" in item:
            line["comments"] = item["rb_line_comments"]
        lines.append(line)
    return lines


def gen_rb_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Rebill an invoice (or, with do_write=false, show what the rebill would be)."""
    tenant = ctx.tenant
    # acct_no OR client_acct_id, neither required (gen_rb_m.txt lost its Req column; Swagger
    # requires neither): without them the original invoice names the account, as in Aria.
    named = params.get("acct_no") is not None or params.get("client_acct_id") is not None
    account = ctx.account(params) if named else None
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        found = load_invoice(db, tenant, params["orig_invoice_no"])
        if found is not None and account is None:
            account = live_account(db, tenant, found[0]["acct_no"])
        if found is None or account is None or found[0]["acct_no"] != account.acct_no:
            owner = f" of account {account.acct_no}" if account is not None else ""
            raise NoDataFound(f"no data found: invoice {params['orig_invoice_no']}{owner}")
        row, body = found
        if row["status"] != "posted" or row["kind"] == "credit_memo":
            raise InvalidInput(
                f"invoice {row['invoice_no']} cannot be rebilled (it is {row['status']})"
            )
        draft = Draft(account, row["billing_group_no"], kind="rebill")
        for line in _rebill_lines(body["lines"], params["rb_line_items"]):
            draft.add_line(**line)
        draft.orig_invoice_no = row["invoice_no"]
        finish_draft(db, tenant, draft)
        before = sum(
            (dec(line["amount"]) for line in draft.lines if line["line_type"] != TAX_LINE),
            Decimal(0),
        )
        amount = money(before) + draft.tax
        _, virtual, _ = ctx.now(db)
        answer: dict[str, Any] = {
            "created_by": params.get("alt_caller_id", "API"),
            "created_date": virtual.date().isoformat(),
            "amount": float(amount),
            "reason_code": params["reason_cd"],
            "invoice_items": render_lines("RbInvoiceItem", draft.lines),
            "tax_details": render_tax_details("TaxDetail", draft.tax_details),
            "third_party_errors": None,
        }
        if dry_run:
            return answer
        memo = Draft(account, row["billing_group_no"], kind="credit_memo")
        for line in body["lines"]:
            negated = {k: v for k, v in line.items() if k != "line_no"}
            negated["amount"] = -line["amount"]
            negated["taxable"] = False
            memo.add_line(**negated)
        memo.orig_invoice_no = row["invoice_no"]
        memo.carry_in = memo.carry_out = Decimal(0)
        # the memo offsets the original in full: its tax and coupon credit as well as its charges
        memo.tax = -Decimal(row["tax"])
        memo.credit = -Decimal(row["credit"])
        store_invoice(db, ctx, memo, status="posted", write_state=False)
        db.execute(
            "UPDATE invoices SET status = 'rebilled' WHERE client_no = ? AND invoice_no = ?",
            (tenant.client_no, row["invoice_no"]),
        )
        invoice_no, sums = store_invoice(db, ctx, draft, status="posted")
        answer["invoice_no"] = invoice_no
        do_collect = params.get("do_collect")
        wanted = tenant.params.autocollect_on_rebill if do_collect is None else do_collect == 1
        if wanted:
            collection = collect(
                db,
                ctx,
                account,
                invoice_no=invoice_no,
                amount=sums.total,
                billing_group_no=row["billing_group_no"],
                params=params,
            )
            if collection is not None:
                answer.update(collection_outcome(collection, code_field="collection_error_cd"))
        return answer

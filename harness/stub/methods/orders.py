"""create_order_m: an order of catalogue items, billed now or on the next invoice.

bill_immediately 1 invoices the order at once and collects from the payment method; 0 leaves
it waiting for the account's next invoice; null follows the client's AUTO BILL ORDERS
(create_order_m.txt, default true). do_write=false returns the would-be lines and totals and
stores nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harness.stub.accounts import find_account
from harness.stub.billing import COUPON_LINE, LINE_TYPES, TAX_LINE, dec, money, totals
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.invoicing import Draft, finish_draft, store_invoice, waiting_key
from harness.stub.models import Account, InventoryItem, RateSchedule, Tenant
from harness.stub.payments import collect
from harness.stub.render import render_lines
from harness.stub.store import Transaction, dumps

__all__ = [
    "bill_immediately",
    "create_order_m",
    "invoice_order",
    "order_lines",
    "record_order",
]


_RATE_PLACES = Decimal("0.0001")
_NO_DISCOUNT = money(Decimal(0))


def _schedule(item: InventoryItem, account: Account) -> RateSchedule:
    # The page's two rows for choosing a rate schedule lost their names and no source names
    # them (openapi/aria.yaml OrderLineItem), so an order always takes the default below.
    # create_order_m.txt: "If both are not specified, the default rate schedule for the
    # account's currency is chosen." Else the item's first schedule in that currency.
    # One loop, no lists: every ordered line chooses one.
    currency = account.currency_cd
    first = None
    for schedule in item.schedules:
        if schedule.currency_cd == currency:
            if schedule.default:
                return schedule
            if first is None:
                first = schedule
    if first is None:
        raise InvalidInput(
            f"item {item.client_sku} has no rate schedule in the account's currency ({currency})"
        )
    return first


def order_lines(
    tenant: Tenant,
    account: Account,
    items: list[dict],
    day: str,
    *,
    field: str = "order_line_items_list",
) -> list[dict]:
    """An order's charge lines (type 8) from its items, named ``field`` in error messages."""
    lines = []
    for index, line in enumerate(items):
        sku = line.get("client_sku")
        if sku is None:
            raise InvalidInput(f"{field}[{index}].client_sku is required")
        item = tenant.items.get(sku)
        if item is None:
            raise InvalidInput(f"client_sku {sku!r} is not in the catalogue")
        units = dec(line["units"])
        if units <= 0:
            raise InvalidInput(f"{field}[{index}].units must be positive")
        schedule = _schedule(item, account)
        rate = schedule.rate
        if "amount" in line:
            amount = money(dec(line["amount"]))
            rate = (amount / units).quantize(_RATE_PLACES)
        else:
            amount = money(units * rate)
        # unit_discount_amount: "The discount amount applied for the number of units", read as
        # a discount per unit, taken off the line (none given: nothing to compute)
        discount = (
            money(units * dec(line["unit_discount_amount"]))
            if "unit_discount_amount" in line
            else _NO_DISCOUNT
        )
        if discount < 0 or discount > amount or amount < 0:
            raise InvalidInput(
                f"{field}[{index}]: amount and unit_discount_amount must leave "
                "a line amount between 0 and the undiscounted amount"
            )
        lines.append(
            {
                "line_no": index + 1,
                "line_type": 8,
                "service_no": item.service_no,
                "client_service_id": item.client_service_id,
                "service_name": item.name,
                "description": line.get("line_comments") or item.name,
                "units": float(units),
                "rate": float(rate),
                "amount": float(amount - discount),
                "taxable": item.taxable,
                "client_sku": item.client_sku,
                "item_no": item.item_no,
                "rate_schedule_no": schedule.rate_schedule_no,
                "client_rate_schedule_id": schedule.client_rate_schedule_id,
                "schedule_name": schedule.name,
                "start": day,
                "end": day,
            }
        )
    return lines


def _add_coupon_line(draft: Draft, coupon_cd: str, credit: Decimal, day: str) -> None:
    """The coupon's line, type 4 "Coupon Credit" (gen_invoice_m.txt line types), after tax.

    Its amount is the credit as a negative line; the totals carry it as credit, not as a
    charge (billing.totals leaves coupon lines out of the charges).
    """
    draft.add_line(
        line_type=COUPON_LINE,
        service_name=LINE_TYPES[COUPON_LINE],
        description=f"{LINE_TYPES[COUPON_LINE]}: {coupon_cd}",
        coupon_cd=coupon_cd,
        units=1.0,
        rate=float(-credit),
        amount=float(-credit),
        taxable=False,
        start=day,
        end=day,
    )


def bill_immediately(params: dict[str, Any], *, default: bool) -> bool:
    """Whether ``bill_immediately`` asks to bill now (0 or 1; ``default`` when absent)."""
    value = params.get("bill_immediately")
    if value is None:
        return default
    if value not in (0, 1):
        raise InvalidInput("bill_immediately must be 0 or 1")
    return value == 1


def create_order_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create an order (and its invoice when billed now)."""
    tenant = ctx.tenant
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        # looked up in the call's own transaction rather than a read of its own (one lock
        # taken per call, not two); create_order_m names the account account_no (Aria6
        # style): "account does not exist"
        account = find_account(db, tenant, params, no_field="account_no", id_field=None, aria6=True)
        coupon = None
        if "coupon_cd" in params:
            coupon = tenant.coupons.get(params["coupon_cd"])
            if coupon is None:
                raise InvalidInput(
                    f"coupon_cd {params['coupon_cd']!r} is not a coupon of this client"
                )
        bill_now = bill_immediately(params, default=tenant.params.auto_bill_orders)
        group_no = account.billing_groups[0].billing_group_no
        day = ctx.today(db)
        draft = Draft(account, group_no, kind="order")
        draft.lines = order_lines(tenant, account, params["order_line_items_list"], day)
        finish_draft(db, tenant, draft)
        # the order's charge lines (its tax lines are not charges; the coupon comes after)
        sums = totals(draft.lines, tax=draft.tax, credit=Decimal(0))
        before, after = sums.before_tax, sums.after_tax
        credit = min(coupon.amount, after) if coupon is not None else Decimal(0)
        draft.credit = credit
        if coupon is not None:
            _add_coupon_line(draft, coupon.coupon_cd, credit, day)
        answer: dict[str, Any] = {
            "total_charges_before_tax": float(before),
            "total_tax_charges": float(draft.tax),
            "total_charges_after_tax": float(after),
            "total_credit": float(credit),
            "third_party_errors": None,
        }
        if dry_run:
            answer["invoice_line_items_list"] = render_lines("InvoiceLineItem", draft.lines)
            return answer
        order_no = db.next_id("order_no")
        for line in draft.lines:
            line["order_no"] = order_no
        answer["invoice_line_items_list"] = render_lines("InvoiceLineItem", draft.lines)
        answer["order_no"] = order_no
        # what the next invoice bills: the order's charges and its coupon line, not its tax
        charged = [line for line in draft.lines if line["line_type"] != TAX_LINE]
        client_order_id = params.get("client_order_id")
        if not bill_now:
            record_order(db, tenant, account, order_no, charged, credit, client_order_id)
            return answer
        draft.order_nos.append(order_no)
        answer.update(invoice_order(db, ctx, draft, params, orders_stored=False))
        # Stored once, already billed, after its invoice: the row a waiting order gets and
        # store_invoice would then mark billed, written in one statement. A billed order never
        # waits, so the account's kept "no orders waiting" stays true.
        record_order(
            db,
            tenant,
            account,
            order_no,
            charged,
            credit,
            client_order_id,
            invoice_no=answer["invoice_no"],
        )
        return answer


def invoice_order(
    db: Transaction,
    ctx: CallContext,
    draft: Draft,
    params: dict[str, Any],
    *,
    orders_stored: bool = True,
) -> dict[str, Any]:
    """Post an order's invoice now and collect it; the invoice and payment fields answered
    (``orders_stored=False``: the order's row is written after, already billed)."""
    invoice_no, sums = store_invoice(db, ctx, draft, status="posted", orders_stored=orders_stored)
    answer: dict[str, Any] = {
        "invoice_no": invoice_no,
        "invoicing_error_code": 0,
        "invoicing_error_msg": "OK",
    }
    collection = collect(
        db,
        ctx,
        draft.account,
        invoice_no=invoice_no,
        amount=sums.total,
        billing_group_no=draft.billing_group_no,
        params=params,
    )
    if collection is not None:
        # A declined card still answers error_code 0: the docs give create_order_m no
        # collection error code, so the decline shows in the processor fields.
        answer["transaction_id"] = collection.transaction_id
        answer.update(collection.result.proc_fields())
    return answer


def record_order(
    db: Transaction,
    tenant: Tenant,
    account: Account,
    order_no: int,
    lines: list[dict[str, Any]],
    credit: Decimal,
    client_order_id: str | None,
    *,
    invoice_no: int | None = None,
) -> None:
    """Store an order: what its invoice bills (lines, coupon credit), waiting for the account's
    next invoice, or billed on ``invoice_no``."""
    if invoice_no is None:
        db.forget(waiting_key(tenant.client_no, account.acct_no))
    db.execute(
        "INSERT INTO orders (order_no, client_no, acct_no, status, invoice_no, "
        "client_order_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            order_no,
            tenant.client_no,
            account.acct_no,
            "waiting" if invoice_no is None else "billed",
            invoice_no,
            client_order_id,
            dumps({"lines": lines, "credit": str(credit)}),
        ),
    )

"""create_order_with_plan_m and update_order_m: orders that join a plan change, or change later.

create_order_with_plan_m creates an order (create_order_m's lines) and assigns a plan
(assign_acct_plan_m's assignment, harness.stub.plan_changes.assign) in one transaction, on one
invoice. apis-that-generate-invoices.txt: it "generates an invoice when the combined order and
plan assignment produces billable charges in the same transaction". The order's charges are
billable now when ``bill_immediately`` is 1 (Swagger 19: "if not set bill on next billing
anniversary date"); the assignment's are when it falls mid-cycle and is prorated. Choices where
the docs are silent:

- the stub has no supplemental plans: the plan named by ``supp_plan_no`` / ``client_supp_plan_id``
  becomes another plan instance in the billing group of the parent instance
  (``parent_plan_instance_no`` / ``client_parent_plan_instance_id``; the account's first group
  without one), aligned with the cycle running there exactly as assign_acct_plan_m assigns;
- "on a single invoice" (Swagger's summary): when the assignment charges now, the order rides
  on its invoice even without ``bill_immediately``; when nothing charges now, no invoice and the
  order waits, as create_order_m's do, for the next invoice of the account's first billing
  group;
- ``multiple_coupons`` and ``supp_plan_instance_no`` (an existing instance to change) answer 1016
  naming the input: the stub does not simulate them.

update_order_m: Swagger 19 gives it no input that changes an order's items (only
``bill_immediately``, the payment fields and ``fulfilled_date``), so no update can change what
an order costs. The page's "when an order update increases the order total and bill_immediately
is set to true" is read as real Aria's use of the call: ``bill_immediately`` 1 on an order
still waiting for its invoice bills it now, raising what is invoiced for it from nothing to its
total. Choices where the docs are silent:

- ``bill_immediately`` absent or 0 bills nothing now (Swagger: "if not set bill on next billing
  anniversary date");
- an order of another account, or none, answers 1002 (no data found);
- a cancelled order (a discarded pending invoice's, ``cancel_orders_on_discard``) answers 1016;
  so does ``bill_immediately`` 1 on an order already billed (billing it twice is the mistake
  the call must refuse); an update of a billed order's ``fulfilled_date`` alone succeeds;
- ``fulfilled_date`` (yyyy-mm-dd) is kept with the order; nothing the stub answers shows it.

Both answer the order's lines and totals (taxed as an invoice now would be); ``do_write=false``
answers the same and writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from harness.stub.accounts import find_account, find_instance, find_plan, live_account
from harness.stub.billing import Totals, totals
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter, NoDataFound
from harness.stub.invoicing import Draft, add_waiting_orders, finish_draft
from harness.stub.methods.orders import (
    bill_immediately,
    invoice_order,
    order_lines,
    record_order,
)
from harness.stub.methods.plans import line_records
from harness.stub.models import Account, BillingGroup, Tenant
from harness.stub.plan_changes import assign, bill_lines, positive_units
from harness.stub.store import Transaction, dumps

__all__ = ["create_order_with_plan_m", "update_order_m"]

_NOT_SIMULATED = ("multiple_coupons", "supp_plan_instance_no")


def _totals_answer(sums: Totals) -> dict[str, Any]:
    """The totals every answer of these methods carries."""
    return {
        "total_charges_before_tax": float(sums.before_tax),
        "total_tax_charges": float(sums.tax),
        "total_charges_after_tax": float(sums.after_tax),
        "total_credit": float(sums.credit),
        "third_party_errors": None,
    }


def _group(account: Account, params: dict[str, Any]) -> BillingGroup:
    """The parent instance's billing group (the account's first when no parent is named)."""
    if (
        params.get("parent_plan_instance_no") is None
        and params.get("client_parent_plan_instance_id") is None
    ):
        return account.billing_groups[0]
    parent = find_instance(
        account, params, "parent_plan_instance_no", "client_parent_plan_instance_id"
    )
    group = account.billing_group(parent.billing_group_no)
    if group is None:
        raise InvalidInput(
            f"the parent plan instance's billing group is not account {account.acct_no}'s"
        )
    return group


def create_order_with_plan_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create an order and assign a plan on one invoice, billed when either charges now."""
    tenant = ctx.tenant
    for name in _NOT_SIMULATED:
        if params.get(name):
            raise InvalidInput(f"{name} is not simulated by the aria-harness stub")
    items = params.get("order_line_items")
    if not items:
        raise MissingParameter("order_line_items")
    plan = find_plan(tenant, params, "supp_plan_no", "client_supp_plan_id")
    units = positive_units(params.get("supp_plan_units", 1), "supp_plan_units")
    bill_now = bill_immediately(params, default=False)
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, tenant, params)
        group = _group(account, params)
        # the items are checked before the assignment numbers its instance
        ordered = order_lines(tenant, account, items, ctx.today(db), field="order_line_items")
        change = assign(
            db,
            ctx,
            account,
            plan,
            units=units,
            group=group,
            ident=params.get("client_plan_instance_id"),
            dry_run=dry_run,
        )
        order_no = None
        if not dry_run:
            order_no = db.next_id("order_no")
            for line in ordered:
                line["order_no"] = order_no
            client_order_id = params.get("client_order_id")
            record_order(db, tenant, account, order_no, ordered, Decimal(0), client_order_id)
        invoice_now = bill_now or any(line["amount"] for line in change.lines)
        billed = bill_lines(
            db,
            ctx,
            account,
            group.billing_group_no,
            ordered + change.lines,
            params,
            dry_run=dry_run or not invoice_now,
            order_nos=[order_no] if order_no is not None else [],
        )
        if not dry_run:
            change.commit(billed.invoice_no is not None)
    answer = _totals_answer(billed.sums)
    answer.update(
        order_no=order_no,
        invoice_no=billed.invoice_no,
        transaction_id=billed.transaction_id,
        cart_inv_line_items=line_records("A7.CartInvLineItem", billed.draft.lines),
        plan_instance_queue=None,
    )
    if billed.invoice_no is not None:
        answer.update(invoicing_error_code=0, invoicing_error_msg="OK")
    if billed.outcome:
        # the processor fields; a decline answers error_code 0, as create_order_m's does
        answer.update(billed.outcome)
    return answer


@dataclass(frozen=True)
class _Order:
    order_no: int
    account: Account
    status: str
    invoice_no: int | None
    body: dict[str, Any]


def _find_order(db: Transaction, tenant: Tenant, params: dict[str, Any]) -> _Order:
    """The order the call names, of the account it names (if it names one); 1002 otherwise."""
    order_no = params["order_no"]
    row = db.one(
        "SELECT acct_no, status, invoice_no, body FROM orders WHERE client_no = ? AND order_no = ?",
        (tenant.client_no, order_no),
    )
    account: Account | None = None
    if params.get("account_no") is not None or params.get("client_acct_id") is not None:
        named = find_account(db, tenant, params, no_field="account_no")
        account = named if row is not None and row[0] == named.acct_no else None
    elif row is not None:
        account = live_account(db, tenant, row[0])
    if row is None or account is None:
        raise NoDataFound(f"no data found: order_no {order_no}")
    return _Order(order_no, account, row[1], row[2], json.loads(row[3]))


def _fulfilled_date(params: dict[str, Any]) -> str | None:
    value = params.get("fulfilled_date")
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidInput("fulfilled_date must be a date, yyyy-mm-dd") from None


def update_order_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Bill a waiting order now (bill_immediately 1) or record its fulfilled date."""
    tenant = ctx.tenant
    bill_now = bill_immediately(params, default=False)
    fulfilled = _fulfilled_date(params)
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        order = _find_order(db, tenant, params)
        if order.status == "cancelled":
            raise InvalidInput(f"order_no {order.order_no} is cancelled")
        if bill_now and order.status == "billed":
            raise InvalidInput(
                f"order_no {order.order_no} is already billed on invoice_no {order.invoice_no}"
            )
        account = order.account
        # an order is billed in the account's first billing group, as create_order_m bills it
        draft = Draft(account, account.billing_groups[0].billing_group_no, kind="order")
        add_waiting_orders(draft, [(order.order_no, order.body)])
        finish_draft(db, tenant, draft)
        sums = totals(draft.lines, tax=draft.tax, credit=draft.credit)
        answer = _totals_answer(sums)
        answer["cart_invoice_line_items"] = line_records("A7.CartInvoiceLineItem", draft.lines)
        if dry_run:
            return answer
        if fulfilled is not None:
            body = dumps({**order.body, "fulfilled_date": fulfilled})
            db.execute(
                "UPDATE orders SET body = ? WHERE client_no = ? AND order_no = ?",
                (body, tenant.client_no, order.order_no),
            )
        if not bill_now:
            return answer
        answer.update(invoice_order(db, ctx, draft, params))
        return answer

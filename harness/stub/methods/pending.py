"""manage_pending_invoice_m: approve, discard or regenerate a pending invoice.

The pending invoice is named by invoice_no or by its master plan instance. Approval may collect
(the client's collect-on-approve setting, or alt_collect_on_approve when given) and then fills
the collection and processor fields.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from harness.facts import reads_true
from harness.stub.accounts import instance_by_client_id, live_account
from harness.stub.billing import periods_between
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter, NoDataFound
from harness.stub.invoicing import (
    Draft,
    MpiState,
    add_waiting_orders,
    bill_mpi,
    carryover_key,
    finish_draft,
    states_key,
    store_invoice,
    waiting_key,
)
from harness.stub.models import Account
from harness.stub.payments import collect, collection_outcome
from harness.stub.store import Transaction

__all__ = ["manage_pending_invoice_m"]

# action_directive: the swagger names only the default (null = "approve pending invoice"); the
# values 1 approve, 2 discard, 3 regenerate follow the order in which Aria lists the actions.
APPROVE, DISCARD, REGENERATE = 1, 2, 3


def _find_pending(db: Transaction, ctx: CallContext, params: dict[str, Any]) -> tuple[Any, dict]:
    tenant = ctx.tenant
    if "invoice_no" in params:
        row = db.one(
            "SELECT * FROM invoices WHERE client_no = ? AND invoice_no = ? AND status = 'pending'",
            (tenant.client_no, params["invoice_no"]),
        )
        if row is None:
            raise NoDataFound(f"no data found: no pending invoice {params['invoice_no']}")
        return row, json.loads(row["body"])
    mpi_no = params.get("master_plan_instance_no")
    if mpi_no is None and "client_master_plan_instance_id" in params:
        ident = params["client_master_plan_instance_id"]
        mpi_no = instance_by_client_id(db, tenant, ident)
        if mpi_no is None:
            raise NoDataFound(f"no data found: no master plan instance {ident!r}")
    if mpi_no is None:
        raise MissingParameter("invoice_no")
    for row in db.all(
        "SELECT * FROM invoices WHERE client_no = ? AND status = 'pending' ORDER BY invoice_no",
        (tenant.client_no,),
    ):
        body = json.loads(row["body"])
        if str(mpi_no) in body.get("mpis", {}):
            return row, body
    raise NoDataFound(f"no data found: no pending invoice on master plan instance {mpi_no}")


def _undo(db: Transaction, ctx: CallContext, row: Any, body: dict, *, orders_to: str) -> None:
    """Discard a pending invoice: its periods, carryover and orders become unbilled again."""
    client_no = ctx.tenant.client_no
    db.execute(
        "UPDATE invoices SET status = 'discarded' WHERE client_no = ? AND invoice_no = ?",
        (client_no, row["invoice_no"]),
    )
    for mpi_no, (old_date, _new) in body.get("mpis", {}).items():
        db.execute(
            "UPDATE plan_instances SET next_bill_date = ?, invoice_count = invoice_count - 1 "
            "WHERE client_no = ? AND mpi_no = ?",
            (old_date, client_no, int(mpi_no)),
        )
    db.execute(
        "UPDATE accounts SET tax_carryover = ? WHERE client_no = ? AND acct_no = ? "
        "AND tax_carryover = ?",
        (body.get("carry_in", "0"), client_no, row["acct_no"], body.get("carry_out", "0")),
    )
    db.forget(carryover_key(client_no, row["acct_no"]))
    db.forget(states_key(client_no, row["acct_no"]))  # the billing dates moved back
    db.forget(waiting_key(client_no, row["acct_no"]))  # the orders may wait again
    for order_no in body.get("orders", []):
        db.execute(
            "UPDATE orders SET status = ?, invoice_no = NULL WHERE client_no = ? AND order_no = ?",
            (orders_to, client_no, order_no),
        )


def _regenerate(db: Transaction, ctx: CallContext, account: Account, row: Any, body: dict) -> int:
    tenant = ctx.tenant
    _undo(db, ctx, row, body, orders_to="waiting")
    draft = Draft(account, row["billing_group_no"])
    by_no = {mpi.mpi_no: mpi for mpi in account.mpis}
    for mpi_no, (old_date, new_date) in body.get("mpis", {}).items():
        mpi = by_no.get(int(mpi_no))
        if mpi is None:
            # cancelled since the invoice was made: the docs are silent; Aria regenerates from
            # the account as it stands, so a plan it no longer has bills nothing
            continue
        stored = db.one(
            "SELECT invoice_count FROM plan_instances WHERE client_no = ? AND mpi_no = ?",
            (tenant.client_no, mpi.mpi_no),
        )
        assert stored is not None, "an account's plan instance has its row from the seed"
        count = stored[0]
        interval = tenant.plans[mpi.plan_no].billing_interval_months
        periods = periods_between(old_date, new_date, interval, through_end=False)
        bill_mpi(draft, tenant, MpiState(mpi, old_date, count), periods=periods)
    orders = [
        (r[0], json.loads(r[1]))
        for r in db.all(
            "SELECT order_no, body FROM orders WHERE client_no = ? AND order_no IN "
            f"({','.join('?' * len(body.get('orders', [])))})",
            (tenant.client_no, *body.get("orders", [])),
        )
    ]
    add_waiting_orders(draft, orders)
    finish_draft(db, tenant, draft)
    number, _ = store_invoice(db, ctx, draft, status="pending")
    return number


def manage_pending_invoice_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Approve (default), discard or regenerate a pending invoice."""
    tenant = ctx.tenant
    action = params.get("action_directive", APPROVE)
    if action not in (APPROVE, DISCARD, REGENERATE):
        raise InvalidInput("action_directive must be 1 (approve), 2 (discard) or 3 (regenerate)")
    named = None
    if "acct_no" in params or "client_acct_id" in params:
        named = ctx.account(params)
    with ctx.store.transaction() as db:
        row, body = _find_pending(db, ctx, params)
        account = live_account(db, tenant, row["acct_no"])
        assert account is not None  # an invoice's account is never deleted
        if named is not None and named.acct_no != account.acct_no:
            raise NoDataFound("no data found: the pending invoice belongs to another account")
        group = account.billing_group(row["billing_group_no"]) if row["billing_group_no"] else None
        answer: dict[str, Any] = {
            "acct_no": account.acct_no,
            "client_acct_id": account.client_acct_id,
            "billing_group_no": group.billing_group_no if group else None,
            "client_billing_group_id": group.client_billing_group_id if group else None,
        }
        if action == DISCARD:
            cancel = reads_true(params.get("cancel_orders_on_discard", "false"))
            _undo(db, ctx, row, body, orders_to="cancelled" if cancel else "waiting")
            return answer
        if action == REGENERATE:
            answer["new_invoice_no"] = _regenerate(db, ctx, account, row, body)
            return answer
        db.execute(
            "UPDATE invoices SET status = 'posted' WHERE client_no = ? AND invoice_no = ?",
            (tenant.client_no, row["invoice_no"]),
        )
        override = params.get("alt_collect_on_approve")
        wanted = tenant.params.collect_on_approve if override is None else reads_true(override)
        if wanted:
            collection = collect(
                db,
                ctx,
                account,
                invoice_no=row["invoice_no"],
                amount=Decimal(row["total"]),
                billing_group_no=row["billing_group_no"],
                params=params,
            )
            if collection is not None:
                answer.update(collection_outcome(collection, code_field="collection_error_code"))
        return answer

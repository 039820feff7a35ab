"""update_acct_plan_multi_m: several plan changes on one account in one call.

apis-that-generate-invoices.txt: "Generates an invoice when one or more plan operations in the
batch trigger immediate charges or proration." Each ``plan_updates`` item is one change of
harness.stub.plan_changes, judged on the account as it stood before the call; the changes'
lines are billed on one invoice per billing group (collected like the single methods'), and
every change is written in the same transaction, so a failing item changes nothing.

``plan_directive``: Swagger 19 names 1 (assign a new plan) and 3 (update an instance's units)
in ``assign_plan_unit_instances``; 2 (replace) and 4 (cancel) follow the order the method's
summary gives its operations ("assigns, replaces, updates, and/or cancels"). Any other value
answers 1016. Each instance takes one operation per call (the docs' guide), a second answers
1016. ``acct_billing_groups`` (required by Swagger) is read but the stub creates or edits no
billing group through it: plan updates name existing groups.
"""

from __future__ import annotations

from typing import Any

from harness.stub.accounts import find_account, find_instance, find_plan
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.methods.plans import billing_group, line_records
from harness.stub.models import Account
from harness.stub.plan_changes import (
    Billed,
    Change,
    assign,
    bill_lines,
    cancel,
    change_units,
    positive_units,
    replace_plan,
)
from harness.stub.render import render_record
from harness.stub.store import Transaction

__all__ = ["update_acct_plan_multi_m"]

ASSIGN, REPLACE, UPDATE, CANCEL = 1, 2, 3, 4


def _change(
    db: Transaction,
    ctx: CallContext,
    account: Account,
    item: dict[str, Any],
    where: str,
    dry_run: bool,
) -> Change:
    directive = item["plan_directive"]
    if directive == ASSIGN:
        plan = find_plan(ctx.tenant, item, "new_plan_no", "new_client_plan_id")
        return assign(
            db,
            ctx,
            account,
            plan,
            units=positive_units(item.get("plan_units", 1), f"{where}.plan_units"),
            group=billing_group(account, item, "billing_group_no", "client_billing_group_id"),
            ident=item.get("new_client_plan_instance_id"),
            dry_run=dry_run,
        )
    if directive not in (REPLACE, UPDATE, CANCEL):
        raise InvalidInput(
            f"{where}.plan_directive must be 1 (assign), 2 (replace), 3 (update) or 4 (cancel)"
        )
    mpi = find_instance(
        account, item, "existing_plan_instance_no", "existing_client_plan_instance_id"
    )
    if directive == CANCEL:
        return cancel(db, ctx, account, mpi)
    units = positive_units(item.get("plan_units", mpi.units), f"{where}.plan_units")
    if directive == UPDATE:
        return change_units(db, ctx, account, mpi, units)
    plan = find_plan(ctx.tenant, item, "new_plan_no", "new_client_plan_id")
    ident = item.get("new_client_plan_instance_id")
    return replace_plan(db, ctx, account, mpi, plan, units=units, new_ident=ident)


def update_acct_plan_multi_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Assign, replace, update and cancel plan instances; one invoice per billing group."""
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, ctx.tenant, params)
        changes: list[tuple[int, Change]] = []
        touched: set[int] = set()
        for index, item in enumerate(params["plan_updates"]):
            change = _change(db, ctx, account, item, f"plan_updates[{index}]", dry_run)
            if change.operation != "assign":
                if change.mpi.mpi_no in touched:
                    raise InvalidInput(
                        f"plan_updates[{index}]: plan instance {change.mpi.mpi_no} already "
                        "has an operation in this call"
                    )
                touched.add(change.mpi.mpi_no)
            changes.append((item["plan_directive"], change))
        by_group: dict[int, list[dict[str, Any]]] = {}
        for _, change in changes:
            by_group.setdefault(change.billing_group_no, []).extend(change.lines)
        billed = {
            group_no: bill_lines(db, ctx, account, group_no, lines, params, dry_run=dry_run)
            for group_no, lines in by_group.items()
            if lines
        }
        if not dry_run:
            for _, change in changes:
                invoice = billed.get(change.billing_group_no)
                change.commit(invoice is not None and invoice.invoice_no is not None)
    tenant = ctx.tenant
    return {
        "out_acct_no": account.acct_no,
        "out_client_acct_id": account.client_acct_id,
        "plans_updated": [
            render_record(
                "A7.PlansUpdated",
                {
                    "plan_instance_no": change.mpi.mpi_no or None,
                    "client_plan_instance_id": change.mpi.client_mpi_id,
                    "plan_no": change.mpi.plan_no,
                    "client_plan_id": tenant.plans[change.mpi.plan_no].client_plan_id,
                    "plan_name": tenant.plans[change.mpi.plan_no].name,
                    "plan_operation": directive,
                },
            )
            for directive, change in changes
        ],
        "multi_plan_invoice_details": [
            _invoice_detail(account, group_no, one) for group_no, one in billed.items()
        ],
    }


def _invoice_detail(account: Account, group_no: int, billed: Billed) -> dict[str, Any]:
    sums, group = billed.sums, account.billing_group(group_no)
    return render_record(
        "A7.MultiPlanInvoiceDetail",
        {
            **(billed.outcome or {}),
            "billing_group_no": group_no,
            "client_billing_group_id": group.client_billing_group_id if group else None,
            "invoice_no": billed.invoice_no,
            "invoice_charges_before_tax": float(sums.before_tax),
            "invoice_tax_charges": float(sums.tax),
            "invoice_charges_after_tax": float(sums.after_tax),
            # coupons are the only credits; a proration credit is a negative line
            "invoice_credit_before_tax": 0.0,
            "invoice_tax_credits": 0.0,
            "invoice_credits": float(sums.credit),
            "invoice_total_amount": float(sums.total),
            "invoice_item_details": line_records("A7.InvoiceItemDetail", billed.draft.lines),
        },
    )

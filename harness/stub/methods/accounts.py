"""create_acct_complete_m, get_acct_details_all_m, get_acct_plans_all_m, get_invoice_history_m.

An account created here gets its billing groups, payment methods and master plan instances;
the stub keeps no contact data and of a card only its last four digits (whatever the store is,
secrets never reach it), so the contact fields of get_acct_details_all_m answer null.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from harness.stub.accounts import (
    ACTIVE,
    Cycle,
    current_cycle,
    find_account,
    find_plan,
    plan_date,
    save_account,
    set_terms,
)
from harness.stub.context import CallContext
from harness.stub.exceptions import AccountNotFound, InvalidInput, MissingParameter
from harness.stub.gateway import card_approves
from harness.stub.methods.details import TYPE_CD
from harness.stub.models import (
    Account,
    BillingGroup,
    MasterPlanInstance,
    PaymentMethod,
    Plan,
    Tenant,
)
from harness.stub.render import render_record
from harness.stub.store import Transaction

__all__ = [
    "create_acct_complete_m",
    "get_acct_details_all_m",
    "get_acct_plans_all_m",
    "get_invoice_history_m",
]

# pay_method_type 1 is a credit card in Aria's payment method types; the stub's gateway charges
# cards only, so another type is kept as given and never approves a collection.
CREDIT_CARD = 1
_KINDS = {CREDIT_CARD: "credit_card"}
_KIND_TYPES = {kind: number for number, kind in _KINDS.items()}


def _new_account(db: Transaction, ctx: CallContext, raw: dict[str, Any], dry_run: bool) -> Account:
    """The account an ``acct`` item describes, numbered from the store's sequences."""
    tenant = ctx.tenant
    number = (lambda name: 0) if dry_run else db.next_id
    client_acct_id = raw.get("client_acct_id")
    userid = raw.get("userid") or client_acct_id
    for column, value in (("client_acct_id", client_acct_id), ("userid", userid)):
        if value is None:
            continue
        try:
            find_account(db, tenant, {column: value}, userid_field="userid")
        except AccountNotFound:
            continue  # the identifier is free
        raise InvalidInput(f"{column} {value!r} is already used by another account")
    methods = []
    for index, method in enumerate(raw.get("payment_method", ())):
        kind = _KINDS.get(method.get("pay_method_type", CREDIT_CARD), "other")
        card = str(method.get("cc_num") or "")
        if kind == "credit_card" and not card:
            raise MissingParameter(f"acct[0].payment_method[{index}].cc_num")
        decline = tenant.params.decline_card_number
        methods.append(
            PaymentMethod(
                seq=method.get("payment_method_idx", index + 1),
                kind=kind,
                last_four=card[-4:],
                approves=kind == "credit_card" and card_approves(card, decline_number=decline),
            )
        )
    groups = []
    for index, group in enumerate(raw.get("billing_group") or [{}]):
        groups.append(
            (
                group.get("billing_group_idx", index + 1),
                BillingGroup(
                    billing_group_no=number("billing_group_no"),
                    client_billing_group_id=group.get("client_billing_group_id")
                    or f"{client_acct_id or 'acct'}-BG-{index + 1}",
                    name=group.get("billing_group_name", ""),
                    payment_method_seq=group.get(
                        "primary_payment_method_idx", methods[0].seq if methods else None
                    ),
                ),
            )
        )
    by_idx = dict(groups)
    by_client_id = {group.client_billing_group_id: group for _, group in groups}
    mpis = []
    for index, detail in enumerate(raw["master_plans_detail"]):
        where = f"acct[0].master_plans_detail[{index}]"
        plan = find_plan(tenant, detail, "plan_no", "client_plan_id")
        group = by_idx.get(detail.get("billing_group_idx")) or by_client_id.get(
            detail.get("client_billing_group_id")
        )
        units = Decimal(str(detail.get("plan_instance_units", 1)))
        if units <= 0:
            raise InvalidInput(f"{where}.plan_instance_units must be positive")
        mpi_no = number("mpi_no")
        mpis.append(
            MasterPlanInstance(
                mpi_no=mpi_no,
                client_mpi_id=detail.get("client_plan_instance_id") or f"MPI-{mpi_no}",
                plan_no=plan.plan_no,
                billing_group_no=(group or groups[0][1]).billing_group_no,
                units=units,
                next_bill_date=None,
                bill_in_days=0,
            )
        )
    return Account(
        acct_no=number("acct_no"),
        client_acct_id=client_acct_id or "",
        userid=userid or "",
        currency_cd=str(raw.get("acct_currency") or "usd").lower(),
        billing_groups=tuple(group for _, group in groups),
        mpis=tuple(mpis),
        payment_methods=tuple(methods),
    )


def create_acct_complete_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create an account with its billing groups, payment methods and master plan instances.

    No invoice at creation: the docs' page of invoice-generating methods does not name this
    method, so each master plan instance's first billing date is the virtual today (its
    anniversary) and gen_invoice_m bills it.
    """
    items = params.get("acct") or []
    if len(items) != 1:
        raise InvalidInput("acct must hold exactly one account")
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = _new_account(db, ctx, items[0], dry_run)
        if not dry_run:
            save_account(db, ctx.tenant, account)
            today = ctx.today(db)
            for mpi in account.mpis:
                db.execute(
                    "INSERT INTO plan_instances (client_no, mpi_no, acct_no, next_bill_date) "
                    "VALUES (?, ?, ?, ?)",
                    (ctx.tenant.client_no, mpi.mpi_no, account.acct_no, today),
                )
                set_terms(db, ctx.tenant, account.acct_no, mpi, assigned=today)
    number = None if dry_run else account.acct_no
    assigned = [
        render_record(
            "A7.MasterPlansAssigned",
            {
                "plan_instance_no": None if dry_run else mpi.mpi_no,
                "client_plan_instance_id": mpi.client_mpi_id,
            },
        )
        for mpi in account.mpis
    ]
    out = {
        "acct_no": number,
        "userid": account.userid,
        "client_acct_id": account.client_acct_id,
        "master_plans_assigned": assigned,
    }
    return {"out_acct": [render_record("A7.OutAcct", out)]}


def get_acct_details_all_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """An account's identifiers, balance, billing groups, payment methods and master plans."""
    tenant = ctx.tenant
    with ctx.store.read() as db:
        account = find_account(db, tenant, params)
        plans = [_master_plan_info(db, tenant, account, mpi) for mpi in account.mpis]
        balance = _balance(db, tenant, account)
    groups = [
        render_record(
            "A7.BillingGroupsInfo",
            {
                "billing_group_no": group.billing_group_no,
                "billing_group_name": group.name,
                "client_def_billing_group_id": group.client_billing_group_id,
                "primary_payment_method_no": group.payment_method_seq,
            },
        )
        for group in account.billing_groups
    ]
    methods = [
        render_record(
            "A7.PaymentMethodsInfo",
            {
                "payment_method_no": method.seq,
                "pay_method_type": _KIND_TYPES.get(method.kind),
                "suffix": method.last_four,
            },
        )
        for method in account.payment_methods
    ]
    answer: dict[str, Any] = {
        "acct_no": account.acct_no,
        "client_acct_id": account.client_acct_id,
        "userid": account.userid,
        # status_cd 1: active (the stub has no account statuses)
        "status_cd": 1,
        "acct_currency": account.currency_cd,
        "acct_balance": float(balance),
        "master_plan_count": len(account.mpis),
        "supp_plan_count": 0,
    }
    if params.get("include_master_plans", 1) != 0:
        answer["master_plans_info"] = plans
    if params.get("include_billing_groups", 1) != 0:
        answer["billing_groups_info"] = groups
    if params.get("include_payment_methods", 1) != 0:
        answer["payment_methods_info"] = methods
    return answer


def _balance(db: Transaction, tenant: Tenant, account: Account) -> Decimal:
    """Posted invoices' totals less approved payments."""
    invoiced = db.all(
        "SELECT total FROM invoices WHERE client_no = ? AND acct_no = ? "
        "AND status IN ('posted', 'rebilled') AND kind != 'credit_memo'",
        (tenant.client_no, account.acct_no),
    )
    paid = db.all(
        "SELECT amount FROM payments WHERE client_no = ? AND acct_no = ? AND status = 'approved'",
        (tenant.client_no, account.acct_no),
    )
    return sum((Decimal(row[0]) for row in invoiced), Decimal(0)) - sum(
        (Decimal(row[0]) for row in paid), Decimal(0)
    )


def _instance_values(
    db: Transaction, tenant: Tenant, account: Account, mpi: MasterPlanInstance
) -> tuple[Plan, Cycle, BillingGroup | None]:
    plan = tenant.plans[mpi.plan_no]
    cycle = current_cycle(db, tenant, mpi)
    group = account.billing_group(mpi.billing_group_no)
    return plan, cycle, group


def _master_plan_info(
    db: Transaction, tenant: Tenant, account: Account, mpi: MasterPlanInstance
) -> dict[str, Any]:
    plan, cycle, group = _instance_values(db, tenant, account, mpi)
    return render_record(
        "A7.MasterPlansInfo",
        {
            "master_plan_instance_no": mpi.mpi_no,
            "client_master_plan_instance_id": mpi.client_mpi_id,
            "client_master_plan_id": plan.client_plan_id,
            "master_plan_no": plan.plan_no,
            "billing_group_no": mpi.billing_group_no,
            "client_billing_group_id": group.client_billing_group_id if group else None,
            "master_plan_instance_status": ACTIVE,
            "master_plan_units": float(mpi.units),
            "next_bill_date": cycle.next_bill_date,
            "last_bill_date": cycle.start if cycle.billed else None,
            "plan_date": plan_date(db, tenant, mpi.mpi_no),
            "recurring_billing_interval": plan.billing_interval_months,
        },
    )


def get_acct_plans_all_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's active plan instances (cancelled ones are not listed)."""
    tenant = ctx.tenant
    with ctx.store.read() as db:
        account = find_account(db, tenant, params)
        rows = []
        for mpi in account.mpis:
            if params.get("master_plan_instance_filter") not in (None, mpi.mpi_no):
                continue
            plan, cycle, group = _instance_values(db, tenant, account, mpi)
            rows.append(
                render_record(
                    "A7.AllAcctPlansM",
                    {
                        "plan_no": plan.plan_no,
                        "plan_name": plan.name,
                        "client_plan_id": plan.client_plan_id,
                        "plan_instance_no": mpi.mpi_no,
                        "client_plan_instance_id": mpi.client_mpi_id,
                        "master_plan_instance_no": mpi.mpi_no,
                        "client_master_plan_instance_id": mpi.client_mpi_id,
                        "plan_date": plan_date(db, tenant, mpi.mpi_no),
                        "plan_units": float(mpi.units),
                        "last_bill_date": cycle.start if cycle.billed else None,
                        "next_bill_date": cycle.next_bill_date,
                        "recurring_billing_interval": plan.billing_interval_months,
                        "early_cancel_fee": float(plan.early_cancel_fee),
                        "early_cancel_min_months": plan.early_cancel_min_months,
                        "billing_group_no": mpi.billing_group_no,
                        "client_billing_group_id": group.client_billing_group_id if group else None,
                        "currency_cd": account.currency_cd,
                        "supp_plan_ind": 0,
                        "plan_instance_status_cd": ACTIVE,
                        "plan_instance_status_label": "Active",
                    },
                )
            )
    return {"record_count": len(rows), "all_acct_plans_m": rows}


def get_invoice_history_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's invoices, oldest first (pending and discarded ones are not history)."""
    tenant = ctx.tenant
    with ctx.store.read() as db:
        account = find_account(db, tenant, params, userid_field="user_id")
        rows = db.all(
            "SELECT * FROM invoices WHERE client_no = ? AND acct_no = ? "
            "AND status IN ('posted', 'rebilled') ORDER BY invoice_no",
            (tenant.client_no, account.acct_no),
        )
    mpi_filter = params.get("master_plan_instance_id")
    history = []
    for row in rows:
        bill_date = row["created"][:10]
        if params.get("start_bill_date") and bill_date < params["start_bill_date"]:
            continue
        if params.get("end_bill_date") and bill_date > params["end_bill_date"]:
            continue
        if mpi_filter is not None and str(mpi_filter) not in _instances_of(row["body"]):
            continue
        group = account.billing_group(row["billing_group_no"]) if row["billing_group_no"] else None
        rebill = row["kind"] in ("rebill", "credit_memo") or row["status"] == "rebilled"
        history.append(
            render_record(
                "A7.InvoiceHist",
                {
                    "invoice_no": row["invoice_no"],
                    "outacct_no": account.acct_no,
                    "outclient_acct_id": account.client_acct_id,
                    "billing_group_no": row["billing_group_no"],
                    "client_billing_group_id": group.client_billing_group_id if group else None,
                    "currency_cd": account.currency_cd,
                    "bill_date": bill_date,
                    "amount": float(Decimal(row["total"])),
                    "credit": float(Decimal(row["credit"])),
                    "recurring_bill_from": row["from_date"],
                    "recurring_bill_thru": row["to_date"],
                    "is_voided_ind": 0,
                    "invoice_type_cd": TYPE_CD.get(row["kind"], "I"),
                    "orig_invoice_no": row["orig_invoice_no"],
                    "rb_flag": int(rebill),
                    "rb_status": row["status"] if rebill else None,
                },
            )
        )
    return {"invoice_hist": history}


def _instances_of(body: str) -> set[str]:
    data = json.loads(body)
    found = set(data.get("mpis", {}))
    found.update(
        str(line["plan_instance_no"]) for line in data["lines"] if line.get("plan_instance_no")
    )
    return found

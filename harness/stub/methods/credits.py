"""Credit memos: create_cm_m, apply_cm_m, unapply_cm_m and get_cm_details_m.

Rules chosen where the docs are silent (apis-that-generate-invoices.txt gives one sentence per
method; the rest is Swagger 19's field descriptions):

- create_cm_m with orig_invoice_no makes an invoice-based memo: each line names an invoice line
  (``line_no``) and is applied to it at once; that application is the "invoice reference" the page
  speaks of (get_cm_details_m shows it in cm_applied_details and orig_invoice_no). Without it the
  memo is general (credit_ref_type 1, 2 or 3) and unapplied. credit_ref_type null means
  invoice-based (Swagger: "Invoice-based=null"), so it needs orig_invoice_no.
- Memo line amounts are gross: the memo credits what the line (a tax line included) shows and
  recomputes no tax, so cm_tax_details is empty. A line, or an invoice, is never credited beyond
  what is creditable on it (its total less earlier credits, write-offs and held disputes;
  a paid invoice may be credited, leaving the account a credit balance).
- apply_cm_m moves unapplied memo credit onto invoice lines: each application is the "invoice
  record ... tracked against the original invoice"; the account balance does not change, since
  the memo lowered it when created. unapply_cm_m takes it back off; the credit stays on the
  account, unapplied, so no charge event follows and no invoice is generated.
- do_write=false computes the same answer and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from harness.stub.accounts import find_account
from harness.stub.billing import dec, money
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput, MissingParameter, NoDataFound
from harness.stub.invoicing import load_invoice
from harness.stub.ledger import (
    ZERO,
    add_line_credit,
    chargeable_invoice,
    creditable,
    invoice_line,
    line_credits,
    line_open,
    load_body,
    stamp,
)
from harness.stub.models import Account, Tenant
from harness.stub.store import Transaction, dumps

__all__ = ["apply_cm_m", "create_cm_m", "get_cm_details_m", "named_account", "unapply_cm_m"]

_GENERAL_TYPES = (1, 2, 3)


def named_account(ctx: CallContext, params: dict[str, Any]) -> Account | None:
    """The account the call names (1009 when it names none that exists), or None if unnamed."""
    if params.get("acct_no") is None and params.get("client_acct_id") is None:
        return None
    return ctx.account(params)


def _amount(item: dict[str, Any], field: str, index: int, *, required: bool = True) -> Decimal:
    if field not in item:
        if required:
            raise MissingParameter(field)
        return ZERO
    amount = money(dec(item[field]))
    if amount <= 0:
        raise InvalidInput(f"item {index}: {field} must be positive")
    return amount


def _memo_line(item: dict[str, Any], index: int, source: dict[str, Any] | None) -> dict[str, Any]:
    """A memo line from a cm_line_items entry (and the invoice line it credits, if any)."""
    source = source or {}
    for field, key in (
        ("service_no", "service_no"),
        ("client_service_id", "client_service_id"),
        ("master_plan_instance_no", "plan_instance_no"),
        ("client_master_plan_instance_id", "client_plan_instance_id"),
    ):
        if source and field in item and item[field] != source.get(key):
            raise InvalidInput(f"item {index}: {field} does not match the invoice line")
    return {
        "invoice_line_no": item.get("line_no"),
        "reason_cd": item.get("cm_reason_cd_det"),
        "comments": item.get("cm_line_comments"),
        "service_no": source.get("service_no", item.get("service_no")),
        "client_service_id": source.get("client_service_id", item.get("client_service_id")),
        "plan_instance_no": source.get("plan_instance_no", item.get("master_plan_instance_no")),
        "client_plan_instance_id": source.get(
            "client_plan_instance_id", item.get("client_master_plan_instance_id")
        ),
        "supp_plan_instance_no": item.get("supp_plan_instance_no"),
        "item_no": source.get("item_no"),
        "client_sku": source.get("client_sku"),
    }


def _check_instance(account: Account, item: dict[str, Any], index: int) -> None:
    """A general memo line may name a master plan instance: it must be the account's."""
    if "master_plan_instance_no" in item and all(
        m.mpi_no != item["master_plan_instance_no"] for m in account.mpis
    ):
        raise InvalidInput(f"item {index}: master_plan_instance_no is not the account's")
    if "client_master_plan_instance_id" in item and all(
        m.client_mpi_id != item["client_master_plan_instance_id"] for m in account.mpis
    ):
        raise InvalidInput(f"item {index}: client_master_plan_instance_id is not the account's")


def create_cm_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Create a credit memo, applied to an invoice's lines or general (unapplied)."""
    tenant = ctx.tenant
    account = named_account(ctx, params)
    ref_type = params.get("credit_ref_type")
    orig = params.get("orig_invoice_no")
    if ref_type is not None and ref_type not in _GENERAL_TYPES:
        raise InvalidInput("credit_ref_type must be 1 (general), 2 (price change) or 3")
    if ref_type is None and orig is None:
        raise MissingParameter("orig_invoice_no")
    items = params["cm_line_items"]
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        row = body = None
        if orig is not None:
            row, body = chargeable_invoice(db, tenant, account, orig)
            account = find_account(db, tenant, {"acct_no": row["acct_no"]})
        if account is None:
            account = find_account(db, tenant, params)  # 1009: a general memo names its account
        lines = []
        wanted: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for index, item in enumerate(items):
            amount = _amount(item, "cm_line_amount", index)
            source = None
            if body is not None:
                if "line_no" not in item:
                    raise MissingParameter("line_no")
                source = invoice_line(body, item["line_no"])
                wanted[item["line_no"]] += amount
            elif "line_no" in item:
                raise InvalidInput(f"item {index}: line_no needs orig_invoice_no")
            else:
                _check_instance(account, item, index)
            line = _memo_line(item, index, source)
            line.update(cm_line_no=index + 1, amount=str(amount))
            lines.append(line)
        if row is not None and body is not None:
            credited = line_credits(db, tenant, row["invoice_no"])
            for line_no, amount in wanted.items():
                if amount > line_open(body, credited, line_no):
                    raise InvalidInput(f"the credit on line {line_no} exceeds what is open on it")
            room = creditable(db, tenant, row)
            if sum(wanted.values(), ZERO) > room:
                raise InvalidInput(f"the credit exceeds the {room} creditable on invoice {orig}")
        total = sum((Decimal(line["amount"]) for line in lines), ZERO)
        created = stamp(ctx, db)
        cm_no = None
        if not dry_run:
            cm_no = db.next_id("cm_no")
            for line in lines:
                line["cm_transaction_id"] = db.next_id("transaction_id")
                if row is not None:
                    add_line_credit(
                        db,
                        ctx,
                        row,
                        line_no=line["invoice_line_no"],
                        source="cm",
                        ref_no=cm_no,
                        ref_line_no=line["cm_line_no"],
                        amount=Decimal(line["amount"]),
                    )
            memo = {
                "lines": lines,
                "reason_cd": params.get("cm_reason_cd"),
                "comments": params["cm_comments"],
                "customer_note": params.get("customer_facing_comments"),
                "credit_ref_type": ref_type,
                "created_by": params.get("alt_caller_id", "API"),
            }
            db.execute(
                "INSERT INTO credit_memos (cm_no, client_no, acct_no, orig_invoice_no, created, "
                "total, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (cm_no, tenant.client_no, account.acct_no, orig, created, str(total), dumps(memo)),
            )
    return {
        "cm_no": cm_no,
        "created_by": params.get("alt_caller_id", "API"),
        "created_date": created[:10],
        "credit_ref_type_out": None if ref_type is None else str(ref_type),
        "cm_total": float(total),
        "cm_reason_cd_out": params.get("cm_reason_cd"),
        "cm_comments_out": params["cm_comments"],
        "customer_facing_comments_out": params.get("customer_facing_comments"),
        "cm_details": [
            {
                "cm_line_no": line["cm_line_no"],
                "applied_invoice_no": orig,
                "applied_invoice_line_no": line["invoice_line_no"],
                "master_plan_instance_no_out": line["plan_instance_no"],
                "supp_plan_instance_no_out": line["supp_plan_instance_no"],
                "cm_reason_cd_det_out": line["reason_cd"],
                "orig_transaction_id": None,
                "service_no_out": line["service_no"],
                "client_service_id_out": line["client_service_id"],
                "cm_transaction_id": line.get("cm_transaction_id"),
                "item_no_out": line["item_no"],
                "client_item_id_out": None,
                "sku_out": line["client_sku"],
                "cm_line_amount_out": float(line["amount"]),
            }
            for line in lines
        ],
        "cm_tax_details": [],
        "client_cm_seq_id": None,
    }


def _load_memo(
    db: Transaction, tenant: Tenant, account: Account | None, cm_no: Any
) -> tuple[Any, dict]:
    row = db.one(
        "SELECT * FROM credit_memos WHERE client_no = ? AND cm_no = ?", (tenant.client_no, cm_no)
    )
    if row is None or (account is not None and row["acct_no"] != account.acct_no):
        raise NoDataFound(f"no data found: credit memo {cm_no}")
    return row, load_body(row["body"])


def _memo_applied(
    db: Transaction, tenant: Tenant, cm_no: int
) -> dict[tuple[int, int, int], Decimal]:
    """(memo line, invoice, invoice line) -> credit applied from the memo line now."""
    applied: dict[tuple[int, int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in db.all(
        "SELECT ref_line_no, invoice_no, invoice_line_no, amount FROM line_credits "
        "WHERE client_no = ? AND source = 'cm' AND ref_no = ?",
        (tenant.client_no, cm_no),
    ):
        applied[(row[0], row[1], row[2])] += Decimal(row[3])
    return applied


def _find_memo_line(memo: dict, item: dict[str, Any], index: int) -> dict[str, Any]:
    for line in memo["lines"]:
        if item.get("cm_line_no") == line["cm_line_no"] or (
            "cm_line_no" not in item
            and item.get("cm_transaction_id") == line.get("cm_transaction_id")
        ):
            return line
    if "cm_line_no" not in item and "cm_transaction_id" not in item:
        raise MissingParameter("cm_line_no")
    raise InvalidInput(f"item {index}: no such line on credit memo {item['cm_no']}")


def _moves(ctx: CallContext, params: dict[str, Any], *, unapply: bool) -> list[dict[str, Any]]:
    """Apply (or unapply) memo line credit to invoice lines; the moves made, in input order."""
    tenant = ctx.tenant
    account = named_account(ctx, params)
    key = "cm_unapply_details" if unapply else "credit_application_details"
    invoice_field = "invoice_no" if unapply else "apply_to_invoice_no"
    line_field = "invoice_line_no" if unapply else "apply_to_invoice_line_no"
    amount_field = "line_unapply_amount" if unapply else "gross_line_application_amt"
    dry_run = params.get("do_write") == "false"
    store = ctx.store
    moves = []
    with store.read() if dry_run else store.transaction() as db:
        # what this call has moved so far, so several items on one line add up
        moved: dict[Any, Decimal] = defaultdict(lambda: ZERO)
        for index, item in enumerate(params[key]):
            for field in ("cm_no", invoice_field, line_field):
                if field not in item:
                    raise MissingParameter(field)
            memo_row, memo = _load_memo(db, tenant, account, item["cm_no"])
            memo_line = _find_memo_line(memo, item, index)
            invoice_no, line_no = item[invoice_field], item[line_field]
            found = load_invoice(db, tenant, invoice_no)
            if found is None or found[0]["acct_no"] != memo_row["acct_no"]:
                raise NoDataFound(f"no data found: invoice {invoice_no} of the memo's account")
            row, body = found
            applied = _memo_applied(db, tenant, memo_row["cm_no"])
            here = (memo_line["cm_line_no"], invoice_no, line_no)
            if unapply:
                available = applied[here] - moved[here]
                amount = _amount(item, amount_field, index, required=False) or available
                if amount <= 0 or amount > available:
                    raise InvalidInput(
                        f"item {index}: {amount_field} exceeds the {available} applied there"
                    )
            else:
                row, body = chargeable_invoice(db, tenant, None, invoice_no)
                amount = _amount(item, amount_field, index)
                unapplied = Decimal(memo_line["amount"]) - sum(
                    (v for k, v in applied.items() if k[0] == memo_line["cm_line_no"]), ZERO
                )
                unapplied -= moved[(memo_row["cm_no"], memo_line["cm_line_no"])]
                line_room = line_open(body, line_credits(db, tenant, invoice_no), line_no)
                invoice_room = creditable(db, tenant, row)
                if amount > unapplied:
                    raise InvalidInput(f"item {index}: only {unapplied} of the memo line is left")
                if amount > line_room - moved[(invoice_no, line_no)] or (
                    amount > invoice_room - moved[invoice_no]
                ):
                    raise InvalidInput(f"item {index}: the credit exceeds what is open there")
            moved[here] += amount
            moved[(memo_row["cm_no"], memo_line["cm_line_no"])] += amount
            moved[(invoice_no, line_no)] += amount
            moved[invoice_no] += amount
            if not dry_run:
                add_line_credit(
                    db,
                    ctx,
                    row,
                    line_no=line_no,
                    source="cm",
                    ref_no=memo_row["cm_no"],
                    ref_line_no=memo_line["cm_line_no"],
                    amount=-amount if unapply else amount,
                )
            moves.append(
                {
                    "invoice_no": invoice_no,
                    "line_no": line_no,
                    "cm_no": memo_row["cm_no"],
                    "cm_line_no": memo_line["cm_line_no"],
                    "cm_transaction_id": memo_line.get("cm_transaction_id"),
                    "amount": float(amount),
                }
            )
    return moves


# the answer fields of a move, in the order of _move_values, for each direction
_APPLIED = (
    "applied_to_invoice_no",
    "applied_to_invoice_line_no",
    "invoice_line_transaction_id",
    "cm_no_out",
    "cm_line_no_out",
    "cm_transaction_id_out",
    "line_amt_applied",
    "line_tax_amt_applied",
)
_UNAPPLIED = (
    "invoice_no_out",
    "invoice_line_no_out",
    "invoice_line_trans_id_out",
    "cm_no_out",
    "cm_line_no_out",
    "cm_transaction_id_out",
    "line_amt_unapplied",
    "line_tax_amt_unapplied",
)


def _rows(moves: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    # invoice lines carry no transaction ids in the stub; memo credit is gross (no tax part)
    return [
        dict(
            zip(
                names,
                (
                    move["invoice_no"],
                    move["line_no"],
                    None,
                    move["cm_no"],
                    move["cm_line_no"],
                    move["cm_transaction_id"],
                    move["amount"],
                    0.0,
                ),
                strict=True,
            )
        )
        for move in moves
    ]


def apply_cm_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Apply unapplied credit memo line credit to invoice lines."""
    return {"applied_cm_line_details": _rows(_moves(ctx, params, unapply=False), _APPLIED)}


def unapply_cm_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Take applied credit memo line credit back off invoice lines."""
    return {"unapplied_cm_details": _rows(_moves(ctx, params, unapply=True), _UNAPPLIED)}


def get_cm_details_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """A credit memo's lines and where its credit is applied now."""
    tenant = ctx.tenant
    account = named_account(ctx, params)
    if params.get("cm_no") is None:
        if params.get("client_cm_seq_id_in") is not None:
            # the stub's memos carry no client sequence id (create_cm_m takes none)
            raise NoDataFound(f"no data found: credit memo {params['client_cm_seq_id_in']!r}")
        raise MissingParameter("cm_no")
    with ctx.store.read() as db:
        row, memo = _load_memo(db, tenant, account, params["cm_no"])
        applied = _memo_applied(db, tenant, row["cm_no"])
        dates = {
            (r[0], r[1], r[2]): r[3]
            for r in db.all(
                "SELECT ref_line_no, invoice_no, invoice_line_no, MAX(created) FROM line_credits "
                "WHERE client_no = ? AND source = 'cm' AND ref_no = ? "
                "GROUP BY ref_line_no, invoice_no, invoice_line_no",
                (tenant.client_no, row["cm_no"]),
            )
        }
        invoices = {no: load_invoice(db, tenant, no) for (_, no, _) in applied}
    ref_type = memo["credit_ref_type"]
    details = []
    for (cm_line_no, invoice_no, line_no), amount in sorted(applied.items()):
        if amount <= 0:
            continue
        found = invoices[invoice_no]
        line = (invoice_line(found[1], line_no) if found else None) or {}
        details.append(
            {
                "cm_line_no_applied": cm_line_no,
                "cm_applied_date": dates[(cm_line_no, invoice_no, line_no)][:10],
                "cm_applied_charge_id": None,
                "cm_applied_tax_event_id": None,
                "cm_applied_invoice_no": invoice_no,
                "cm_applied_charge_seq_num": line_no,
                "cm_applied_service_no": line.get("service_no"),
                "cm_applied_service_cdid": line.get("client_service_id"),
                "cm_applied_service_name": line.get("service_name"),
                "cm_applied_amount": float(amount),
                "cm_applied_plan_instance_no": line.get("plan_instance_no"),
            }
        )
    return {
        "cm_no_out": row["cm_no"],
        "client_cm_seq_id": None,
        "credit_ref_type": None if ref_type is None else str(ref_type),
        "created_by": memo["created_by"],
        "created_date": row["created"][:10],
        "credit_reason_code": memo["reason_cd"],
        "credit_comments": memo["comments"],
        "cm_total": float(Decimal(row["total"])),
        "customer_note": memo["customer_note"],
        "cm_line_details": [
            {
                "cm_line_no": line["cm_line_no"],
                "cm_transaction_id": line.get("cm_transaction_id"),
                "cm_void_transaction_id": None,
                "cm_line_amount": float(line["amount"]),
                "master_plan_instance_no": line["plan_instance_no"],
                "client_master_plan_instance_id": line["client_plan_instance_id"],
                "service_no": line["service_no"],
                "client_service_id": line["client_service_id"],
                "item_no": line["item_no"],
                "client_item_id": None,
                "client_sku": line["client_sku"],
                "reason_code": line["reason_cd"],
            }
            for line in memo["lines"]
        ],
        "cm_tax_details": [],
        "cm_applied_details": details,
        "orig_invoice_no": row["orig_invoice_no"],
    }

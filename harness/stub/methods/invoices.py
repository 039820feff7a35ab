"""gen_invoice_m (by master plan instance, billing group, or every billing group of an account)
and Aria6's account-level gen_invoice.

Concurrency: a call reads, computes and stores in one transaction, so calls on an account
never interleave. With the client setting ``invoice_in_progress_seconds``, a call that invoices
leaves its billing groups marked "invoicing in progress" until that long after it started on
the client's virtual clock, and a call that finds a mark in force answers 3108 ("another invoice
in progress for the same billing group"): the stub answers at once where Aria takes a while,
and callers arriving meanwhile see what Aria's would.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from harness.stub.accounts import find_account, live_account
from harness.stub.billing import Totals, add_months, periods_between
from harness.stub.context import CallContext
from harness.stub.exceptions import (
    AriaFault,
    InvalidBillingGroup,
    InvalidClientBillingGroup,
    InvalidClientPlanInstance,
    InvalidInput,
    InvalidPlanInstance,
    InvoiceInProgress,
    NoDataFound,
)
from harness.stub.invoicing import (
    Draft,
    MpiState,
    add_waiting_orders,
    bill_mpi,
    finish_draft,
    invoice_entry,
    mpi_states,
    order_lines_waiting,
    pending_mpis,
    store_invoice,
)
from harness.stub.models import Account, BillingGroup, MasterPlanInstance
from harness.stub.queued_changes import apply_due

__all__ = ["gen_invoice", "gen_invoice_m"]

if TYPE_CHECKING:
    from harness.stub.store import Transaction

# Codes for the cases the docs describe without a code. gen_invoice_m documents 3108 "another
# invoice in progress for the same billing group": a pending invoice is exactly that, so a
# pending invoice that blocks the next answers 3108. Nothing due yet (billing date in the future)
# answers the generic 1002 "no data found": there is nothing to bill. Aria6 gen_invoice documents
# no codes, so its refusals use generic ones: 1016 (invalid input) for "a pending invoice or
# another invoice in progress blocks this one" and for alt_bill_day after the first invoice.
PENDING_BLOCKS = "a pending invoice on the master plan instance must be approved first"


# slots, not frozen: built on every invoicing call, and a frozen dataclass's __init__ costs
# five times as much; nothing changes one after it is built
@dataclass(slots=True)
class _Request:
    account: Account
    groups: tuple[BillingGroup, ...]
    mpi_filter: int | None
    invoice_mode: int
    combine: int
    alt_bill_day: int | None
    pending: bool
    account_level: bool = False


@dataclass(slots=True)  # not frozen: see _Request
class _Result:
    invoice_no: int
    billing_group_no: int | None
    sums: Totals
    draft: Draft


def _find_mpi(account: Account, params: dict[str, Any]) -> MasterPlanInstance | None:
    if "master_plan_instance_no" in params:
        number = params["master_plan_instance_no"]
        for mpi in account.mpis:
            if mpi.mpi_no == number:
                return mpi
        raise InvalidPlanInstance()
    if "client_master_plan_instance_id" in params:
        ident = params["client_master_plan_instance_id"]
        found = next((m for m in account.mpis if m.client_mpi_id == ident), None)
        if found is None:
            raise InvalidClientPlanInstance()
        return found
    return None


def _find_group(account: Account, params: dict[str, Any]) -> BillingGroup | None:
    if "billing_group_no" in params:
        group = account.billing_group(params["billing_group_no"])
        if group is None:
            raise InvalidBillingGroup()
        return group
    if "client_billing_group_id" in params:
        ident = params["client_billing_group_id"]
        group = next(
            (g for g in account.billing_groups if g.client_billing_group_id == ident), None
        )
        if group is None:
            raise InvalidClientBillingGroup()
        return group
    return None


def _alt_bill_day(params: dict[str, Any], invoice_mode: int) -> int | None:
    day = params.get("alt_bill_day")
    if day is None:
        return None
    if invoice_mode == 1:
        # gen_invoice_m.txt: "The invoice_mode must be set to 0 or must be blank to enter a date"
        raise InvalidInput("alt_bill_day cannot be used with invoice_mode 1")
    if not 1 <= day <= 31:
        raise InvalidInput("alt_bill_day must be a day of the month (1-31)")
    return day


def _pending(ctx: CallContext, params: dict[str, Any], invoice_mode: int) -> bool:
    # force_pending cannot turn the client's pending setting off, and invoice_mode 1 overrides
    # it (GenInvoiceMRequest.force_pending)
    forced = params.get("force_pending") == "true" and invoice_mode != 1
    return ctx.tenant.params.pending_invoices or forced


def gen_invoice_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Generate the due invoices of a master plan instance, a billing group, or an account."""
    # the account is found inside the call's one transaction: one lock and one Transaction
    # per call, and what it reads cannot change before the invoice is written
    with ctx.store.transaction() as db:
        account = find_account(db, ctx.tenant, params, userid_field="userid")
        mpi = _find_mpi(account, params)
        group = _find_group(account, params)
        if mpi is not None and group is not None and mpi.billing_group_no != group.billing_group_no:
            raise InvalidBillingGroup()
        invoice_mode = params.get("invoice_mode", 0)
        combine = params.get("combine_invoices", 3)
        if combine == 3:
            combine = ctx.tenant.params.combine_invoices_default
        if mpi is not None:
            groups: tuple[BillingGroup, ...] = (account.billing_group(mpi.billing_group_no),)  # type: ignore[assignment]
        elif group is not None:
            groups = (group,)
        else:
            groups = account.billing_groups
        request = _Request(
            account=account,
            groups=groups,
            mpi_filter=mpi.mpi_no if mpi is not None else None,
            invoice_mode=invoice_mode,
            combine=combine,
            alt_bill_day=_alt_bill_day(params, invoice_mode),
            pending=_pending(ctx, params, invoice_mode),
        )
        results = _run(ctx, db, request, in_progress=InvoiceInProgress, blocked=InvoiceInProgress)
    single = results[0] if len(results) == 1 else None
    single_group = (
        account.billing_group(single.billing_group_no)
        if single is not None and single.billing_group_no is not None
        else None
    )
    return {
        "invoice_no": single.invoice_no if single else None,
        "out_acct_no": account.acct_no,
        "out_client_acct_id": account.client_acct_id,
        "out_billing_group_no": single_group.billing_group_no if single_group else None,
        "out_client_billing_group_id": (
            single_group.client_billing_group_id if single_group else None
        ),
        "third_party_errors": None,
        "out_invoices_list": [
            invoice_entry(
                account,
                invoice_no=r.invoice_no,
                billing_group_no=r.billing_group_no,
                sums=r.sums,
                lines=r.draft.lines,
                tax_details=r.draft.tax_details,
            )
            for r in results
        ],
    }


def gen_invoice(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Aria6: generate one invoice for the account's due master plan instances."""
    with ctx.store.transaction() as db:
        account = find_account(db, ctx.tenant, params, id_field=None, aria6=True)
        invoice_mode = params.get("invoice_mode", 0)
        alt_bill_day = _alt_bill_day(params, invoice_mode)
        if alt_bill_day is not None:
            row = db.one(
                "SELECT invoice_count FROM accounts WHERE client_no = ? AND acct_no = ?",
                (ctx.tenant.client_no, account.acct_no),
            )
            if row is not None and row[0] > 0:
                # gen_invoice.txt: an alternate bill day only on the account's first invoice
                raise InvalidInput("alt_bill_day is accepted only on the account's first invoice")
        request = _Request(
            account=account,
            groups=account.billing_groups,
            mpi_filter=None,
            invoice_mode=invoice_mode,
            combine=ctx.tenant.params.combine_invoices_default,
            alt_bill_day=alt_bill_day,
            pending=_pending(ctx, params, invoice_mode),
            account_level=True,
        )
        results = _run(ctx, db, request, in_progress=_aria6_busy, blocked=_aria6_pending)
    return {"invoice_no": results[0].invoice_no, "third_party_errors": None}


def _aria6_busy() -> AriaFault:
    return InvalidInput("another invoice is in progress for this account; try again")


def _aria6_pending() -> AriaFault:
    return InvalidInput("the account has a pending invoice; approve it before the next invoice")


def _run(
    ctx: CallContext,
    db: Transaction,
    request: _Request,
    *,
    in_progress: Callable[[], AriaFault],
    blocked: Callable[[], AriaFault],
) -> list[_Result]:
    tenant = ctx.tenant
    account = request.account
    group_nos = [g.billing_group_no for g in request.groups]
    # In the caller's one transaction: concurrent calls on the account serialize, and a call
    # that finds the group already billed has nothing due. A held mark
    # (invoice_in_progress_seconds) is what answers 3108 to the calls that follow within its time.
    started = ctx.now(db)[1]
    marks = ",".join("?" * len(group_nos))
    busy = (
        db.one(
            "SELECT 1 FROM invoicing_marks WHERE client_no = ? "
            f"AND billing_group_no IN ({marks}) AND (until IS NULL OR until > ?)",
            (tenant.client_no, *group_nos, ctx.stamp(db)),
        )
        if _may_hold_marks(db, tenant.client_no)
        else None
    )
    if busy is not None:
        raise in_progress()
    today = started.date().isoformat()
    if apply_due(db, ctx, account.acct_no):
        # plan changes queued for an anniversary that has come: the invoice bills new terms
        request = replace(request, account=live_account(db, tenant, account.acct_no) or account)
        account = request.account
    states = mpi_states(db, tenant, account)
    pending = pending_mpis(db, tenant, account)
    # nothing due: answer before writing anything, so a no-op call writes nothing
    due = _due(ctx, request, today, states, pending, blocked)
    orders = order_lines_waiting(db, tenant, account)
    drafts = _build(ctx, request, today, due, orders)
    status = "pending" if request.pending else "posted"
    results = []
    for draft in drafts:
        finish_draft(db, tenant, draft)
        number, sums = store_invoice(db, ctx, draft, status=status)
        results.append(_Result(number, draft.billing_group_no, sums, draft))
    hold = tenant.params.invoice_in_progress_seconds
    if hold:
        until = _instant(started + timedelta(seconds=hold))
        # REPLACE: a mark whose time is over may still be there
        db.executemany(
            "INSERT OR REPLACE INTO invoicing_marks "
            "(client_no, billing_group_no, token, until) VALUES (?, ?, 'held', ?)",
            [(tenant.client_no, number, until) for number in group_nos],
        )
        db.kept[_marks_key(tenant.client_no)] = True
    return results


def _marks_key(client_no: int) -> tuple[str, int]:
    return ("invoicing_marks", client_no)


def _may_hold_marks(db: Transaction, client_no: int) -> bool:
    """Whether the client has any invoicing mark, kept (``db.kept``) once read: only clients
    with ``invoice_in_progress_seconds`` ever get one, so the others skip the busy check's
    statement. Whoever writes a mark sets the key."""
    key = _marks_key(client_no)
    found = db.kept.get(key)
    if found is None:
        row = db.one("SELECT 1 FROM invoicing_marks WHERE client_no = ? LIMIT 1", (client_no,))
        found = db.kept[key] = row is not None
    return found


def _instant(moment: datetime) -> str:
    """A virtual instant as stored in ``invoicing_marks.until`` (UTC: text order is time order;
    the same text as ``CallContext.stamp``)."""
    return moment.isoformat(sep=" ")


def _due(
    ctx: CallContext,
    request: _Request,
    today: str,
    states: Mapping[int, MpiState],
    pending: Collection[int],
    blocked: Callable[[], AriaFault],
) -> list[tuple[int, list[MpiState]]]:
    """Per billing group, the instances to bill now; the fitting error when there are none."""
    tenant = ctx.tenant
    account = request.account
    if request.account_level and pending:
        raise blocked()
    due: list[tuple[int, list[MpiState]]] = []
    was_blocked = False
    next_due: str | None = None
    for group in request.groups:
        found = []
        for mpi in account.mpis:
            if mpi.billing_group_no != group.billing_group_no:
                continue
            if request.mpi_filter is not None and mpi.mpi_no != request.mpi_filter:
                continue
            if mpi.mpi_no in pending:
                was_blocked = True
                continue
            state = states[mpi.mpi_no]
            interval = tenant.plans[mpi.plan_no].billing_interval_months
            # invoice_mode 1 bills the coming cycle in advance: one interval ahead of today
            limit = today if request.invoice_mode == 0 else add_months(today, interval)
            if state.next_bill_date > limit:
                next_due = min(next_due or state.next_bill_date, state.next_bill_date)
                continue
            found.append(state)
        if found:
            due.append((group.billing_group_no, found))
    if not due:
        if was_blocked:
            raise blocked()
        if next_due is not None:
            raise NoDataFound(
                f"no data found: the next billing date {next_due} is after the virtual date {today}"
            )
        raise NoDataFound("no data found: nothing to bill")
    return due


def _build(
    ctx: CallContext,
    request: _Request,
    today: str,
    due: list[tuple[int, list[MpiState]]],
    orders: list[tuple[int, dict]],
) -> list[Draft]:
    """The invoices' lines: one draft per billing group (one in all at account level)."""
    tenant = ctx.tenant
    account = request.account
    order_group = account.billing_groups[0].billing_group_no
    drafts: list[Draft] = []
    for group_no, states in due:
        if request.account_level and drafts:
            draft = drafts[0]
        else:
            draft = Draft(account, order_group if request.account_level else group_no)
            drafts.append(draft)
        for state in states:
            interval = tenant.plans[state.mpi.plan_no].billing_interval_months
            bill_mpi(
                draft,
                tenant,
                state,
                periods=_periods(state.next_bill_date, today, interval, request),
                alt_bill_day=request.alt_bill_day,
            )
    if orders:
        target = next((d for d in drafts if d.billing_group_no == order_group), None)
        if target is not None:
            add_waiting_orders(target, orders)
    return drafts


def _periods(next_date: str, today: str, interval: int, request: _Request) -> int:
    # combine_invoices 1 (long cycle) bills every period that has come due in one invoice;
    # 2 (short cycle) and advance invoices bill one period per call
    if request.combine == 2 or request.invoice_mode == 1:
        return 1
    return periods_between(next_date, today, interval, through_end=True)

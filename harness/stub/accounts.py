"""Accounts as they stand now: the fixture's, those calls created, and plan instances as calls
changed them.

A fixture account's definition is immutable; what calls add lives in the store:
``created_accounts`` (accounts of create_acct_complete_m, only the last four digits of a card,
no contact data) and ``plan_terms`` (a plan instance's plan, units, billing group and status
once a call assigned or changed it). ``live_account`` folds both into one ``Account``, so every
method bills, shows and changes the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from harness.stub.billing import add_months
from harness.stub.exceptions import AccountNotFound, InvalidInput, MissingParameter
from harness.stub.models import (
    Account,
    BillingGroup,
    MasterPlanInstance,
    PaymentMethod,
    Plan,
    Tenant,
)
from harness.stub.store import Transaction, dumps

__all__ = [
    "ACTIVE",
    "CANCELLED",
    "Cycle",
    "current_cycle",
    "find_account",
    "find_instance",
    "find_plan",
    "instance_by_client_id",
    "live_account",
    "pick",
    "plan_date",
    "save_account",
    "set_terms",
    "terms_key",
]

T = TypeVar("T")

# plan instance status codes (Aria's plan_instance_status_cd: 1 active, 0 cancelled)
ACTIVE, CANCELLED = 1, 0


def live_account(db: Transaction, tenant: Tenant, acct_no: int) -> Account | None:
    """The account with this number as it stands now, or None."""
    # kept, folded: every call looks its account up, and only set_terms changes one (it
    # forgets the client's accounts). An account a call creates is written once, before
    # anything could have kept it: an unknown number is never kept.
    key = terms_key(tenant.client_no)
    by_account = db.kept.get(key)
    if by_account is None:  # (setdefault would build an empty dict on every call)
        by_account = db.kept[key] = {}
    account = by_account.get(acct_no)
    if account is None:
        account = _load_account(db, tenant, acct_no)
        if account is not None:
            by_account[acct_no] = account
    return account


def _load_account(db: Transaction, tenant: Tenant, acct_no: int) -> Account | None:
    base = tenant.accounts.get(acct_no)
    if base is None:
        row = db.one(
            "SELECT body FROM created_accounts WHERE client_no = ? AND acct_no = ?",
            (tenant.client_no, acct_no),
        )
        if row is None:
            return None
        base = _from_body(acct_no, json.loads(row[0]))
    terms = db.all(
        "SELECT * FROM plan_terms WHERE client_no = ? AND acct_no = ? ORDER BY mpi_no",
        (tenant.client_no, acct_no),
    )
    if not terms:
        return base
    mpis = {mpi.mpi_no: mpi for mpi in base.mpis}
    for row in terms:
        if row["status"] == CANCELLED:
            mpis.pop(row["mpi_no"], None)
            continue
        mpis[row["mpi_no"]] = MasterPlanInstance(
            mpi_no=row["mpi_no"],
            client_mpi_id=row["client_mpi_id"],
            plan_no=row["plan_no"],
            billing_group_no=row["billing_group_no"],
            units=Decimal(row["units"]),
            next_bill_date=None,
            bill_in_days=0,
        )
    return replace(base, mpis=tuple(mpis.values()))


_LOOKUPS = (("acct_no", "AriaNo"), ("client_acct_id", "ClientId"), ("userid", "Userid"))


def find_account(
    db: Transaction,
    tenant: Tenant,
    params: Mapping[str, Any],
    *,
    no_field: str = "acct_no",
    id_field: str | None = "client_acct_id",
    userid_field: str | None = None,
    aria6: bool = False,
) -> Account:
    """The account the call names; 1009 with the documented message when it names none.

    acct_no wins when several identifiers are given, as Aria reads the Aria-assigned number
    first. gen_invoice_m.txt documents "Account not found: AriaNo / ClientId / Userid"; the Aria6
    methods answer "account does not exist" (real traffic of gen_invoice).
    """
    number = params.get(no_field)
    if type(number) is int:
        # the Aria-assigned number, as nearly every call names its account: looked up at once
        account = live_account(db, tenant, number)
        if account is None:
            raise AccountNotFound(None if aria6 else f"Account not found: {_LOOKUPS[0][1]}")
        return account
    for field, (column, label) in zip((no_field, id_field, userid_field), _LOOKUPS, strict=True):
        if field is None or params.get(field) is None:
            continue
        acct_no = _acct_no(db, tenant, column, params[field])
        account = live_account(db, tenant, acct_no) if acct_no is not None else None
        if account is None:
            raise AccountNotFound(None if aria6 else f"Account not found: {label}")
        return account
    raise AccountNotFound()


def _acct_no(db: Transaction, tenant: Tenant, column: str, value: Any) -> int | None:
    if column == "acct_no":
        return value if isinstance(value, int) else None
    tenant_map = tenant.accounts_by_userid
    if column == "client_acct_id":
        tenant_map = tenant.accounts_by_client_id
    found = tenant_map.get(value)
    if found is not None:
        return found.acct_no
    row = db.one(
        f"SELECT acct_no FROM created_accounts WHERE client_no = ? AND {column} = ?",  # noqa: S608 - a column of _LOOKUPS
        (tenant.client_no, value),
    )
    return None if row is None else int(row[0])


def pick(
    params: Mapping[str, Any],
    no_field: str,
    id_field: str,
    candidates: Iterable[T],
    number: Callable[[T], int],
    ident: Callable[[T], str],
    what: str,
) -> T:
    """The candidate the call names by number (no_field), else by client id (id_field).

    Neither given: 1010 naming no_field; no such candidate: 1016 saying what was expected.
    """
    key: Callable[[T], Any]
    if params.get(no_field) is not None:
        wanted, key, label = params[no_field], number, f"{no_field} {params[no_field]}"
    elif params.get(id_field) is not None:
        wanted, key, label = params[id_field], ident, f"{id_field} {params[id_field]!r}"
    else:
        raise MissingParameter(no_field)
    found = next((item for item in candidates if key(item) == wanted), None)
    if found is None:
        raise InvalidInput(f"{label} is not {what}")
    return found


def find_instance(
    account: Account, params: Mapping[str, Any], no_field: str, id_field: str
) -> MasterPlanInstance:
    """The account's active plan instance the call names (by number, else by client id)."""
    return pick(
        params,
        no_field,
        id_field,
        account.mpis,
        lambda mpi: mpi.mpi_no,
        lambda mpi: mpi.client_mpi_id,
        f"an active plan instance of account {account.acct_no}",
    )


def find_plan(tenant: Tenant, params: Mapping[str, Any], no_field: str, id_field: str) -> Plan:
    """The catalogue plan the call names (by plan number, else by client plan id)."""
    return pick(
        params,
        no_field,
        id_field,
        tenant.plans.values(),
        lambda plan: plan.plan_no,
        lambda plan: plan.client_plan_id,
        "a plan of this client",
    )


def instance_by_client_id(db: Transaction, tenant: Tenant, ident: str) -> int | None:
    """The number of the plan instance with this client id, in any account of the tenant.

    An instance a call assigned or renamed is found by its id as set; a fixture's by its own.
    """
    row = db.one(
        "SELECT mpi_no FROM plan_terms WHERE client_no = ? AND client_mpi_id = ? "
        "ORDER BY mpi_no LIMIT 1",
        (tenant.client_no, ident),
    )
    if row is not None:
        return int(row[0])
    return next(
        (
            mpi.mpi_no
            for account in tenant.accounts.values()
            for mpi in account.mpis
            if mpi.client_mpi_id == ident
        ),
        None,
    )


def save_account(db: Transaction, tenant: Tenant, account: Account) -> None:
    """Store an account a call created (its definition and billing state; plan instances go to
    plan_instances and plan_terms)."""
    body = {
        "client_acct_id": account.client_acct_id,
        "userid": account.userid,
        "currency_cd": account.currency_cd,
        "billing_groups": [
            [g.billing_group_no, g.client_billing_group_id, g.name, g.payment_method_seq]
            for g in account.billing_groups
        ],
        "payment_methods": [
            [m.seq, m.kind, m.last_four, m.approves] for m in account.payment_methods
        ],
    }
    db.execute(
        "INSERT INTO created_accounts (client_no, acct_no, client_acct_id, userid, body) "
        "VALUES (?, ?, ?, ?, ?)",
        (tenant.client_no, account.acct_no, account.client_acct_id, account.userid, dumps(body)),
    )
    db.execute(
        "INSERT INTO accounts (client_no, acct_no) VALUES (?, ?)",
        (tenant.client_no, account.acct_no),
    )


def _from_body(acct_no: int, body: Mapping[str, Any]) -> Account:
    return Account(
        acct_no=acct_no,
        client_acct_id=body["client_acct_id"],
        userid=body["userid"],
        currency_cd=body["currency_cd"],
        billing_groups=tuple(BillingGroup(*group) for group in body["billing_groups"]),
        mpis=(),
        payment_methods=tuple(PaymentMethod(*method) for method in body["payment_methods"]),
    )


def set_terms(
    db: Transaction,
    tenant: Tenant,
    acct_no: int,
    mpi: MasterPlanInstance,
    *,
    status: int = ACTIVE,
    assigned: str | None = None,
) -> None:
    """Record a plan instance's terms as a call set them (assigned: its plan date, if new)."""
    db.forget(terms_key(tenant.client_no))
    db.execute(
        "INSERT INTO plan_terms (client_no, mpi_no, acct_no, plan_no, client_mpi_id, "
        "billing_group_no, units, status, plan_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (client_no, mpi_no) DO UPDATE SET plan_no = excluded.plan_no, "
        "client_mpi_id = excluded.client_mpi_id, billing_group_no = excluded.billing_group_no, "
        "units = excluded.units, status = excluded.status",
        (
            tenant.client_no,
            mpi.mpi_no,
            acct_no,
            mpi.plan_no,
            mpi.client_mpi_id,
            mpi.billing_group_no,
            str(mpi.units),
            status,
            assigned,
        ),
    )


def terms_key(client_no: int) -> tuple[str, int]:
    """The key under which a client's accounts as they stand now (their plan_terms folded in)
    are kept by account number (``db.kept``)."""
    return ("plan_terms", client_no)


def plan_date(db: Transaction, tenant: Tenant, mpi_no: int) -> str | None:
    """The day a call assigned this plan instance (None for a fixture's instance)."""
    row = db.one(
        "SELECT plan_date FROM plan_terms WHERE client_no = ? AND mpi_no = ?",
        (tenant.client_no, mpi_no),
    )
    return None if row is None else row[0]


@dataclass(frozen=True)
class Cycle:
    """A plan instance's billing period: [start, end) and whether it has been invoiced."""

    start: str
    end: str
    billed: bool
    next_bill_date: str

    def in_progress(self, today: str) -> bool:
        """True while an invoiced period runs: a change today is mid-cycle."""
        return self.billed and self.start <= today < self.end

    def remaining(self, today: str) -> Decimal:
        """The share of the period left from today (inclusive) to its end, by days."""
        left = (date.fromisoformat(self.end) - date.fromisoformat(today)).days
        whole = (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days
        return Decimal(left) / Decimal(whole)


def current_cycle(db: Transaction, tenant: Tenant, mpi: MasterPlanInstance) -> Cycle:
    """The period the instance's last invoice covers, ending at its next billing date.

    Invoices bill in advance (harness.stub.invoicing.bill_mpi): the invoice on a billing date
    covers one interval from it, so the period running now started one interval before the
    next billing date.
    """
    row = db.one(
        "SELECT next_bill_date, invoice_count FROM plan_instances "
        "WHERE client_no = ? AND mpi_no = ?",
        (tenant.client_no, mpi.mpi_no),
    )
    if row is None:
        raise LookupError(f"plan instance {mpi.mpi_no} has no billing state")  # a stub bug: 1001
    interval = tenant.plans[mpi.plan_no].billing_interval_months
    next_date, count = row[0], row[1]
    return Cycle(add_months(next_date, -interval), next_date, count > 0, next_date)

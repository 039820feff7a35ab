"""What a method handler gets: the caller's tenant, the store, the virtual clock, and the
account lookups every method shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.stub.exceptions import AccountNotFound
from harness.stub.models import Account, Tenant
from harness.stub.store import Store, Transaction

__all__ = ["CallContext", "resolve_account"]


@dataclass(frozen=True)
class CallContext:
    """One authenticated call."""

    tenant: Tenant
    store: Store

    def offset_hours(self, db: Transaction) -> int:
        """The client's virtual-time offset: the fixture's plus every advance since."""
        key = ("clock", self.tenant.client_no)
        offset = db.memo.get(key)
        if offset is None:
            # read once per transaction: a call asks for the time several times
            row = db.one(
                "SELECT offset_hours FROM clocks WHERE client_no = ?", (self.tenant.client_no,)
            )
            offset = db.memo[key] = self.tenant.offset_hours + (int(row[0]) if row else 0)
        return offset

    def now(self, db: Transaction) -> tuple[datetime, datetime, int]:
        """(system time, the client's virtual time, offset hours), system time in real UTC.

        One reading per transaction: every timestamp a call writes is the same instant.
        """
        key = ("now", self.tenant.client_no)
        found = db.memo.get(key)
        if found is None:
            offset = self.offset_hours(db)
            system = datetime.now(UTC).replace(microsecond=0)
            found = db.memo[key] = (system, system + timedelta(hours=offset), offset)
        return found

    def today(self, db: Transaction) -> str:
        """The client's virtual date, ISO formatted."""
        return self.now(db)[1].date().isoformat()


def resolve_account(
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
    if params.get(no_field) is not None:
        account = tenant.accounts.get(params[no_field])
        if account is None:
            raise AccountNotFound(None if aria6 else "Account not found: AriaNo")
        return account
    if id_field is not None and params.get(id_field) is not None:
        account = tenant.accounts_by_client_id.get(params[id_field])
        if account is None:
            raise AccountNotFound(None if aria6 else "Account not found: ClientId")
        return account
    if userid_field is not None and params.get(userid_field) is not None:
        account = tenant.accounts_by_userid.get(params[userid_field])
        if account is None:
            raise AccountNotFound(None if aria6 else "Account not found: Userid")
        return account
    raise AccountNotFound()

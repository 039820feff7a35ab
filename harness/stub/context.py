"""What a method handler gets: the caller's tenant, the store, the virtual clock, and the
account lookup every method shares."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.stub.accounts import find_account
from harness.stub.models import Account, Tenant
from harness.stub.store import Store, Transaction

__all__ = ["CallContext", "clock_key"]


@functools.lru_cache(maxsize=64)
def _instant(epoch_second: int, offset: int) -> tuple[datetime, datetime, int]:
    """(system time, virtual time, offset) at a whole second: the calls within one second
    share one reading instead of building and shifting a datetime each."""
    system = datetime.fromtimestamp(epoch_second, UTC)
    return system, system + timedelta(hours=offset), offset


@functools.lru_cache(maxsize=64)
def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


@functools.lru_cache(maxsize=64)
def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def clock_key(client_no: int) -> tuple[str, int]:
    """The key under which a client's clock advance is kept (``Transaction.kept``)."""
    return ("clock", client_no)


class CallContext:
    """One authenticated call (read-only: handlers read ``tenant`` and ``store``)."""

    # a plain class with slots: every call builds one, and a frozen dataclass's __init__
    # costs twice as much (object.__setattr__ per field)
    __slots__ = ("store", "tenant")

    def __init__(self, tenant: Tenant, store: Store) -> None:
        self.tenant = tenant
        self.store = store

    def offset_hours(self, db: Transaction) -> int:
        """The client's virtual-time offset: the fixture's plus every advance since."""
        key = clock_key(self.tenant.client_no)
        advanced = db.kept.get(key)
        if advanced is None:
            # kept: a call asks for the time several times, and only the clock's advance
            # changes it (which forgets the key)
            row = db.one(
                "SELECT offset_hours FROM clocks WHERE client_no = ?", (self.tenant.client_no,)
            )
            advanced = db.kept[key] = int(row[0]) if row else 0
        return self.tenant.offset_hours + advanced

    def now(self, db: Transaction) -> tuple[datetime, datetime, int]:
        """(system time, the client's virtual time, offset hours), system time in real UTC.

        One reading per transaction: every timestamp a call writes is the same instant.
        """
        key = ("now", self.tenant.client_no)
        found = db.memo.get(key)
        if found is None:
            found = db.memo[key] = _instant(int(time.time()), self.offset_hours(db))
        return found

    def stamp(self, db: Transaction) -> str:
        """The client's virtual time as the store keeps it (``2026-01-31 12:00:00+00:00``).

        Formatted once per transaction, like ``now``: every row a call writes has the same one.
        """
        key = ("stamp", self.tenant.client_no)
        found = db.memo.get(key)
        if found is None:
            found = db.memo[key] = _stamp(self.now(db)[1])
        return found

    def today(self, db: Transaction) -> str:
        """The client's virtual date, ISO formatted."""
        return _day(self.now(db)[1])

    def account(self, params: Mapping[str, Any], **lookup: Any) -> Account:
        """The account the call names, as it stands now (``accounts.find_account``)."""
        with self.store.read() as db:
            return find_account(db, self.tenant, params, **lookup)

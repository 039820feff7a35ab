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


class _Reading:
    """The clock read at one whole second for one offset, in the forms calls ask for."""

    __slots__ = ("day", "now", "stamp")

    def __init__(self, epoch_second: int, offset: int) -> None:
        system = datetime.fromtimestamp(epoch_second, UTC)
        virtual = system + timedelta(hours=offset)
        self.now = (system, virtual, offset)
        self.stamp = virtual.isoformat(sep=" ")
        self.day = virtual.date().isoformat()


@functools.lru_cache(maxsize=64)
def _reading(epoch_second: int, offset: int) -> _Reading:
    """The calls within one second share one reading, formatted once, instead of building,
    shifting and formatting a datetime each."""
    return _Reading(epoch_second, offset)


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

    def _read(self, db: Transaction) -> _Reading:
        # one reading per transaction: every timestamp a call writes is the same instant
        # (memo: keyed by client, cleared by the clock's advance)
        client_no = self.tenant.client_no
        found = db.memo.get(client_no)
        if found is None:
            found = db.memo[client_no] = _reading(int(time.time()), self.offset_hours(db))
        return found

    def now(self, db: Transaction) -> tuple[datetime, datetime, int]:
        """(system time, the client's virtual time, offset hours), system time in real UTC.

        One reading per transaction: every timestamp a call writes is the same instant.
        """
        return self._read(db).now

    def stamp(self, db: Transaction) -> str:
        """The client's virtual time as the store keeps it (``2026-01-31 12:00:00+00:00``)."""
        return self._read(db).stamp

    def today(self, db: Transaction) -> str:
        """The client's virtual date, ISO formatted."""
        return self._read(db).day

    def account(self, params: Mapping[str, Any], **lookup: Any) -> Account:
        """The account the call names, as it stands now (``accounts.find_account``)."""
        with self.store.read() as db:
            return find_account(db, self.tenant, params, **lookup)

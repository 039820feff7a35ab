"""The earliest date an account's queued plan changes fall due, kept across an in-memory
store's transactions: every writer of the queue forgets it, so no due change is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from harness.stub.queued_changes import DELETED, _first_due, _insert, reschedule, set_status
from harness.stub.store import Store

CLIENT, ACCT = 7, 1000001


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


def _ctx(today: str) -> Any:
    return SimpleNamespace(tenant=SimpleNamespace(client_no=CLIENT), today=lambda db: today)


def _due(store: Store) -> str | None:
    with store.transaction() as db:
        return _first_due(db, CLIENT, ACCT)


def test_a_new_queued_change_is_seen_after_an_empty_queue_was_kept(store: Store) -> None:
    assert _due(store) is None  # kept: nothing queued
    with store.transaction() as db:
        _insert(db, _ctx("2026-12-01"), ACCT, 20001, "units", "2026-12-30", {})
    assert _due(store) == "2026-12-30"


def test_a_rescheduled_change_falls_due_on_its_new_date(store: Store) -> None:
    with store.transaction() as db:
        queued = _insert(db, _ctx("2026-12-01"), ACCT, 20001, "units", "2026-12-30", {})
    assert _due(store) == "2026-12-30"
    with store.transaction() as db:
        reschedule(db, _ctx("2026-12-01"), queued, "2026-12-02")
    assert _due(store) == "2026-12-02"


def test_a_deleted_change_no_longer_falls_due(store: Store) -> None:
    with store.transaction() as db:
        queued = _insert(db, _ctx("2026-12-01"), ACCT, 20001, "units", "2026-12-30", {})
    assert _due(store) == "2026-12-30"
    with store.transaction() as db:
        set_status(db, _ctx("2026-12-01"), queued, DELETED)
    assert _due(store) is None


def test_the_kept_date_spares_the_probe(store: Store) -> None:
    _due(store)
    statements: list[str] = []
    with store.transaction() as db:
        db._conn.set_trace_callback(statements.append)
        assert _first_due(db, CLIENT, ACCT) is None
        db._conn.set_trace_callback(None)
    assert not any("queued_changes" in sql for sql in statements)

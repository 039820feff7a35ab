"""The store gives its memory back on reset, its change count never goes back, and the numbers
it hands out follow the database through rollbacks and wipes, and what it keeps across
transactions is dropped when one rolls back or its row is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest

from harness.stub.service import StubService
from harness.stub.store import SEQUENCE_START, Store, Transaction
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO

ORDER = {
    "client_no": CLIENT_NO,
    "auth_key": AUTH_KEY,
    "account_no": 1000001,
    "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
}


def _pages(service: StubService) -> int:
    with service._store.read() as db:
        return int(db.one("PRAGMA page_count")[0])


def test_reset_returns_an_in_memory_stub_to_its_fresh_size() -> None:
    service = StubService()
    try:
        fresh = _pages(service)
        for _ in range(500):
            assert service.call("create_order_m", ORDER)["error_code"] == 0
        grown = _pages(service)
        service.reset()
        # deleted rows would leave their pages allocated; a new database holds only the seed
        assert grown > fresh
        assert _pages(service) == fresh
        assert service.call("create_order_m", ORDER)["error_code"] == 0
    finally:
        service.close()


def test_change_count_keeps_growing_across_a_reset() -> None:
    service = StubService()
    try:
        assert service.call("create_order_m", ORDER)["error_code"] == 0
        before = service.change_count()
        service.reset()
        assert service.change_count() > before
    finally:
        service.close()


def test_reset_keeps_a_file_database_and_empties_it(tmp_path) -> None:
    path = tmp_path / "stub.db"
    service = StubService(db=path)
    try:
        answer = service.call("create_order_m", ORDER)
        service.reset()
        orders = service.dump_state()["tables"]["orders"]
        assert answer["error_code"] == 0 and orders == []
    finally:
        service.close()
    assert path.exists()


def _sequence(store: Store, name: str) -> int:
    with store.read() as db:
        return int(db.one("SELECT value FROM sequences WHERE name = ?", (name,))[0])


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


def _fail_inside(store: Store, work: Callable[[Transaction], object]) -> None:
    """Run work in a transaction that then fails, as a call raising after its writes does."""
    with pytest.raises(RuntimeError), store.transaction() as db:
        work(db)
        raise RuntimeError("the call fails after its writes")


def test_numbers_follow_the_database_after_a_rolled_back_transaction(store: Store) -> None:
    with store.transaction() as db:
        first = db.next_id("order_no")
    _fail_inside(store, lambda db: db.next_id("order_no"))
    with store.transaction() as db:
        again = db.next_id("order_no")
    # the rolled-back number is handed out again, and the table agrees with what was given
    assert again == first + 1
    assert _sequence(store, "order_no") == again


def test_numbers_restart_from_a_sequence_moved_or_wiped_under_them(store: Store) -> None:
    with store.transaction() as db:
        db.next_id("invoice_no")
        db.start_sequences({"invoice_no": 700})
        moved = db.next_id("invoice_no")
        store.wipe(db)
        wiped = db.next_id("invoice_no")
    assert (moved, wiped) == (701, SEQUENCE_START["invoice_no"] + 1)
    assert _sequence(store, "invoice_no") == wiped


NAMES = ("order_no", "invoice_no", "transaction_id")


def test_numbers_taken_together_are_written_in_one_statement_before_commit(store: Store) -> None:
    with store.transaction() as db:
        for name in NAMES:
            db.next_id(name)  # read and kept
    ran: list[str] = []
    store._conn.set_trace_callback(ran.append)
    try:
        with store.transaction() as db:
            taken = {name: db.next_id(name) for name in NAMES}
    finally:
        store._conn.set_trace_callback(None)
    assert len([sql for sql in ran if "sequences" in sql]) == 1
    assert {name: _sequence(store, name) for name in NAMES} == taken


def test_a_start_set_after_numbers_were_taken_wins(store: Store) -> None:
    with store.transaction() as db:
        db.next_id("invoice_no")
        db.next_id("invoice_no")  # taken from the kept value, not written yet
        db.start_sequences({"invoice_no": 700})
    assert _sequence(store, "invoice_no") == 700
    with store.transaction() as db:
        assert db.next_id("invoice_no") == 701


def test_a_wipe_after_numbers_were_taken_leaves_the_sequence_wiped(store: Store) -> None:
    with store.transaction() as db:
        for name in NAMES:
            db.next_id(name)
    with store.transaction() as db:
        for name in NAMES:
            db.next_id(name)  # taken, not written yet
        store.wipe(db)
    with store.read() as db:
        assert db.all("SELECT * FROM sequences") == []
    with store.transaction() as db:
        assert db.next_id("invoice_no") == SEQUENCE_START["invoice_no"] + 1


def _write_and_keep(db: Transaction) -> None:
    db.set_meta("written", "2")
    db.kept["written"] = 2


def test_values_kept_across_transactions_are_dropped_when_one_rolls_back(store: Store) -> None:
    with store.transaction() as db:
        db.kept["read"] = 1
    with store.transaction() as db:
        assert db.kept["read"] == 1
    _fail_inside(store, _write_and_keep)
    with store.transaction() as db:
        assert db.kept == {}


def test_a_rollback_that_changed_no_row_keeps_what_was_read(store: Store) -> None:
    with store.transaction() as db:
        db.kept["read"] = 1
    # a call that answers an error before writing (1002 nothing due) rolls back no change
    _fail_inside(store, lambda db: db.kept.update(also_read=2))
    with store.transaction() as db:
        assert db.kept == {"read": 1, "also_read": 2}


def test_a_rollback_after_a_write_that_failed_midway_forgets_what_was_kept(store: Store) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('taken', 'x')")
        db.kept["read"] = 1

    def insert_two_then_clash(db: Transaction) -> None:
        # the first row goes in, the second clashes: the statement's change is undone, and
        # the earlier one is rolled back with the transaction
        db.set_meta("first", "1")
        db.execute("INSERT INTO meta (key, value) VALUES ('taken', 'y')")

    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        insert_two_then_clash(db)
    with store.transaction() as db:
        assert db.kept == {}


def test_an_advanced_clock_is_read_again_by_the_next_call() -> None:
    service = StubService()
    creds = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    try:
        before = service.call("get_virtual_datetime_m", creds)
        service.call("advance_virtual_datetime_m", {**creds, "offset_hours": 48})
        after = service.call("get_virtual_datetime_m", creds)
        assert after["current_offset_hours"] == before["current_offset_hours"] + 48
    finally:
        service.close()


def _traced(store: Store, work: Callable[[], object]) -> list[str]:
    ran: list[str] = []
    store._conn.set_trace_callback(ran.append)
    try:
        work()
    finally:
        store._conn.set_trace_callback(None)
    return ran


def test_an_in_memory_transaction_that_only_reads_runs_no_begin_or_end(store: Store) -> None:
    def read_only() -> None:
        with store.transaction() as db:
            db.get_meta("anything")

    assert _traced(store, read_only) == ["SELECT value FROM meta WHERE key = 'anything'"]
    assert _traced(store, lambda: _fail_inside(store, lambda db: db.get_meta("x"))) == [
        "SELECT value FROM meta WHERE key = 'x'"
    ]


@pytest.mark.parametrize(
    "write",
    [
        lambda db: db.set_meta("written", "1"),
        lambda db: db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [("written", "1"), ("also", "2")]
        ),
        lambda db: db.next_id("order_no"),  # a sequence not read yet: written at once
        lambda db: db.start_sequences({"order_no": 5}),
    ],
    ids=["execute", "executemany", "next_id", "start_sequences"],
)
def test_a_write_after_reads_is_rolled_back_with_its_transaction(store: Store, write) -> None:
    def read_then_write(db: Transaction) -> None:
        db.get_meta("before")
        write(db)

    _fail_inside(store, read_then_write)
    with store.read() as db:
        assert db.all("SELECT * FROM meta") == [] and db.all("SELECT * FROM sequences") == []


def test_numbers_taken_alone_are_written_at_commit(store: Store) -> None:
    with store.transaction() as db:
        db.next_id("order_no")
    with store.transaction() as db:
        taken = db.next_id("order_no")  # the transaction's only write, at its end
    assert _sequence(store, "order_no") == taken


def test_a_file_transaction_begins_at_once(tmp_path) -> None:
    store = Store(tmp_path / "stub.db")
    try:

        def read_only() -> None:
            with store.transaction() as db:
                db.get_meta("anything")

        ran = _traced(store, read_only)
        assert ran[0] == "BEGIN IMMEDIATE" and ran[-1] == "COMMIT"
    finally:
        store.close()

"""The stub's state in SQLite (standard library): in memory by default, or a file that survives
restarts.

One connection serves every thread; a lock makes each transaction exclusive, so a call's changes
commit or roll back together and concurrent calls never interleave inside one. A row in
``invoicing_marks`` keeps a billing group "in progress" after its invoice, for a set time.
Accounts a call creates live in ``created_accounts``; a plan instance's terms (plan, units,
billing group, status) in ``plan_terms`` once a call changes or creates it (until then the
fixture's terms hold).

``Transaction.kept`` holds values read once and reused: for an in-memory store across
transactions (nothing else can write it), for a file for one transaction. Whoever writes such a
row drops its key (``forget``); a rollback, wipe or renew drops them all. Kept today: sequence
values (``next_id``), a client's clock advance (``context.clock_key``), an account as it stands
(``accounts.terms_key``) and tax carryover (``invoicing.carryover_key``), whether a client holds
invoicing marks (``methods/invoices.py``), whether an account may hold a pending invoice
(``invoicing.pending_key``) or waiting orders (``invoicing.waiting_key``), its plan instances'
billing dates and invoice counts (``invoicing.states_key``), and the earliest date its queued
plan changes fall due (``queued_changes.due_key``).

A rollback drops them only when its transaction changed a row or took a sequence number: one
that did neither (an error answered before any write, such as gen_invoice_m's 1002) leaves what
its reads kept true. So a writer that sets a kept value does so after its write, never before.
Numbers taken from kept sequence values are written together just before COMMIT.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from harness.errors import StoreError
from harness.stub.compact import compact_json

__all__ = ["SEQUENCE_START", "Store", "StoreError", "TABLES", "Transaction"]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clocks (
    client_no INTEGER PRIMARY KEY, offset_hours INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    invoice_count INTEGER NOT NULL DEFAULT 0, tax_carryover TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (client_no, acct_no));
CREATE TABLE IF NOT EXISTS plan_instances (
    client_no INTEGER NOT NULL, mpi_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    next_bill_date TEXT NOT NULL, invoice_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_no, mpi_no));
CREATE TABLE IF NOT EXISTS created_accounts (
    client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL, client_acct_id TEXT, userid TEXT,
    body TEXT NOT NULL, PRIMARY KEY (client_no, acct_no));
CREATE TABLE IF NOT EXISTS plan_terms (
    client_no INTEGER NOT NULL, mpi_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    plan_no INTEGER NOT NULL, client_mpi_id TEXT NOT NULL, billing_group_no INTEGER NOT NULL,
    units TEXT NOT NULL, status INTEGER NOT NULL, plan_date TEXT,
    PRIMARY KEY (client_no, mpi_no));
CREATE INDEX IF NOT EXISTS plan_terms_by_acct ON plan_terms (client_no, acct_no);
CREATE TABLE IF NOT EXISTS invoicing_marks (
    client_no INTEGER NOT NULL, billing_group_no INTEGER NOT NULL, token TEXT NOT NULL,
    until TEXT, PRIMARY KEY (client_no, billing_group_no));
CREATE TABLE IF NOT EXISTS invoices (
    invoice_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    billing_group_no INTEGER, kind TEXT NOT NULL, status TEXT NOT NULL,
    orig_invoice_no INTEGER, from_date TEXT, to_date TEXT, created TEXT NOT NULL,
    charges TEXT NOT NULL, tax TEXT NOT NULL, credit TEXT NOT NULL, total TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invoices_by_acct ON invoices (client_no, acct_no, status);
CREATE TABLE IF NOT EXISTS orders (
    order_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    status TEXT NOT NULL, invoice_no INTEGER, client_order_id TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_by_acct ON orders (client_no, acct_no, status);
CREATE TABLE IF NOT EXISTS payments (
    transaction_id INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    invoice_no INTEGER, amount TEXT NOT NULL, status TEXT NOT NULL, last_four TEXT,
    proc_payment_id TEXT, created TEXT NOT NULL);
"""

TABLES: tuple[str, ...] = (
    "meta",
    "sequences",
    "clocks",
    "accounts",
    "plan_instances",
    "created_accounts",
    "plan_terms",
    "invoicing_marks",
    "invoices",
    "orders",
    "payments",
)

# First numbers handed out, so ids of different kinds never look alike; a fixture's
# ``id_sequences`` moves them (as a sandbox's numbers differ from the stub's).
SEQUENCE_START = {
    "invoice_no": 900000,
    "order_no": 5000000,
    "transaction_id": 80000000,
    "acct_no": 3000000,
    "mpi_no": 4000000,
    "billing_group_no": 6000000,
}

# --- credits: credit memos, line credits (memo applications, refund reversals), write-offs and
# dispute holds, refunds (harness/stub/ledger.py); a block of its own ---
_CREDITS_SCHEMA = """
CREATE TABLE IF NOT EXISTS credit_memos (
    cm_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    orig_invoice_no INTEGER, created TEXT NOT NULL, total TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS line_credits (
    credit_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    invoice_no INTEGER NOT NULL, invoice_line_no INTEGER NOT NULL, source TEXT NOT NULL,
    ref_no INTEGER NOT NULL, ref_line_no INTEGER, amount TEXT NOT NULL, created TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS line_credits_by_invoice ON line_credits (client_no, invoice_no);
CREATE TABLE IF NOT EXISTS writeoffs (
    rec_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    invoice_no INTEGER NOT NULL, amount TEXT NOT NULL, dispute_ind INTEGER NOT NULL,
    status TEXT NOT NULL, created TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
    transaction_id INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    payment_transaction_id INTEGER, amount TEXT NOT NULL, created TEXT NOT NULL,
    body TEXT NOT NULL);
"""
_CREDITS_TABLES = ("credit_memos", "line_credits", "writeoffs", "refunds")
_CREDITS_SEQUENCES = {"cm_no": 300000, "writeoff_no": 60000}
_SCHEMA += _CREDITS_SCHEMA
TABLES += _CREDITS_TABLES
SEQUENCE_START.update(_CREDITS_SEQUENCES)
# --- end credits ---

# --- queued plan changes (harness/stub/queued_changes.py) and the fulfillment of plan unit
# instances' services (harness/stub/unit_instances.py); a block of its own ---
_PLAN_QUEUE_SCHEMA = """
CREATE TABLE IF NOT EXISTS queued_changes (
    queue_id INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    mpi_no INTEGER NOT NULL, queue_type INTEGER, status INTEGER NOT NULL,
    effective_date TEXT NOT NULL, queued_on TEXT NOT NULL, edited_on TEXT, deleted_on TEXT,
    executed_on TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS queued_changes_due ON queued_changes (
    client_no, acct_no, status, effective_date);
CREATE TABLE IF NOT EXISTS unit_fulfillments (
    client_no INTEGER NOT NULL, plan_unit_inst_no INTEGER NOT NULL, service_no INTEGER NOT NULL,
    mpi_no INTEGER NOT NULL, fulfillment_date TEXT NOT NULL,
    PRIMARY KEY (client_no, plan_unit_inst_no, service_no));
CREATE TABLE IF NOT EXISTS unit_instance_ids (
    client_no INTEGER NOT NULL, plan_unit_inst_no INTEGER NOT NULL, client_unit_id TEXT NOT NULL,
    PRIMARY KEY (client_no, plan_unit_inst_no));
"""
_SCHEMA += _PLAN_QUEUE_SCHEMA
TABLES += ("queued_changes", "unit_fulfillments", "unit_instance_ids")
SEQUENCE_START["queue_id"] = 700000
# --- end queued plan changes ---


class Store:
    """The SQLite database behind one StubService."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else ":memory:"
        self._lock = threading.RLock()
        # changes counted by connections closed since (see renew), so the count never goes back
        self._retired_changes = 0
        # Values read from the database and kept across transactions (Transaction.kept), so a
        # call skips statements whose answer it already knows. Only for an in-memory database,
        # which no other connection can write; emptied when a transaction that changed a row
        # rolls back or the rows go. A file database keeps them for one transaction.
        self._kept: dict[Any, Any] | None = {} if self.path == ":memory:" else None
        self._conn = self._open()
        # a read keeps no state of its own between enter and exit, so one serves every read
        # (every call makes one to find its account)
        self._reader = _Exclusive(self, write=False)

    def _open(self) -> sqlite3.Connection:
        conn = None
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            db = Transaction(conn, {})
            # no invoice is in progress at start-up (and a file from before the ``until``
            # column gets the table afresh)
            db.execute("DROP TABLE IF EXISTS invoicing_marks")
            db.executescript_in_tx(_SCHEMA)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"cannot use {self.path!r} as the stub database: {exc}") from None
        return conn

    def renew(self, seed: Callable[[Transaction], None]) -> None:
        """Start again on an in-memory database filled by ``seed``, giving the old one's memory
        back; no other transaction runs in between.

        SQLite keeps the pages of deleted rows for reuse, so deleting everything frees nothing;
        closing the connection does, and the C allocator is then asked to return it to the
        system. A file database is wiped by ``wipe`` instead.
        """
        with self._lock:
            if self.path != ":memory:":
                raise StoreError("renew is for in-memory databases; wipe a file database")
            self._retired_changes += self._conn.total_changes + 1
            self._conn.close()
            self._conn = self._open()
            self._forget_kept()
            _return_freed_memory()
            with self.transaction() as db:
                seed(db)

    def transaction(self) -> _Exclusive:
        """One exclusive transaction: committed on success, rolled back on any exception."""
        return _Exclusive(self, write=True)

    def read(self) -> _Exclusive:
        """A consistent read (no other transaction runs meanwhile)."""
        return self._reader

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, in primary-key order, as plain JSON-able dicts."""
        with self.read() as db:
            return {
                table: [dict(row) for row in db.all(f"SELECT * FROM {table} ORDER BY 1, 2")]
                for table in TABLES
            }

    def change_count(self) -> int:
        """Rows inserted, updated or deleted on this database since it was opened.

        It only grows (a rolled-back write still counts), so an unchanged count proves that
        nothing was written, and a changed one only that something may have been.
        """
        with self._lock:
            return self._retired_changes + self._conn.total_changes

    def wipe(self, db: Transaction) -> None:
        """Delete every row (inside the caller's transaction)."""
        self._forget_kept()
        db.drop_taken()
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")

    def _forget_kept(self) -> None:
        if self._kept is not None:
            self._kept.clear()

    def close(self) -> None:
        """Close the connection; a file database keeps its state for the next open."""
        with self._lock:
            self._conn.close()


def _return_freed_memory() -> None:
    """Ask glibc to hand freed heap pages back to the system (elsewhere there is nothing to do).

    Cheap (well under a millisecond), so a reset per test stays cheap too.
    """
    import ctypes

    try:
        # the process's own symbols include the C library's on Linux
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return  # not glibc (macOS, musl, Windows): freed memory is reused by the process
    trim(0)


class _Exclusive:
    """``Store.transaction`` and ``Store.read`` as a plain context manager.

    Every call enters one or two of these; a generator-based context manager costs several
    times more per use.
    """

    __slots__ = ("_changes", "_store", "_tx", "_write")

    def __init__(self, store: Store, *, write: bool) -> None:
        self._store = store
        self._write = write
        self._changes = 0
        self._tx: Transaction | None = None  # a write's transaction, to settle at exit

    def __enter__(self) -> Transaction:
        store = self._store
        store._lock.acquire()
        kept = store._kept
        if not self._write:
            return Transaction(store._conn, {} if kept is None else kept)
        self._changes = store._conn.total_changes
        if kept is not None:
            # In memory, BEGIN waits for the transaction's first write (Transaction.owes_begin):
            # no other connection can reach the database and the lock serializes this one's
            # users, so the reads before it see what they would inside it, and a call that
            # writes nothing (an error answered before its writes, such as gen_invoice_m's 1002
            # nothing due) runs no BEGIN and no ROLLBACK. A file may be written by another
            # process: its transaction begins at once.
            tx = self._tx = Transaction(store._conn, kept, write=True, owes_begin=True)
            return tx
        try:
            store._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            store._lock.release()
            raise
        tx = self._tx = Transaction(store._conn, {}, write=True)
        return tx

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        store = self._store
        tx = self._tx
        try:
            if tx is None:  # a read
                return
            if kind is not None:
                # what the transaction wrote is taken back, and with it what was kept of it.
                # A transaction that changed no row and took no number (a call answering an
                # error before its writes, such as gen_invoice_m's 1002 "nothing due") leaves
                # the database as it was, so what its reads kept still holds: the next call
                # need not read it all again.
                if tx._taken or store._conn.total_changes != self._changes:
                    store._forget_kept()
                if not tx.owes_begin:
                    store._conn.execute("ROLLBACK")
                return
            try:
                if tx._taken:
                    tx.write_taken()
            except BaseException:
                store._forget_kept()
                if not tx.owes_begin:
                    store._conn.execute("ROLLBACK")
                raise
            if not tx.owes_begin:
                store._conn.execute("COMMIT")
        finally:
            self._tx = None
            store._lock.release()


class Transaction:
    """The statements a transaction runs; a thin layer over the connection."""

    __slots__ = ("_conn", "_taken", "_write", "kept", "memo", "owes_begin")

    def __init__(
        self,
        conn: sqlite3.Connection,
        kept: dict[Any, Any],
        *,
        write: bool = False,
        owes_begin: bool = False,
    ) -> None:
        self._conn = conn
        # True until the first write of an in-memory store's transaction issues its BEGIN
        # (see _Exclusive): every statement that is not a SELECT comes through execute,
        # executemany, next_id or write_taken, which begin first
        self.owes_begin = owes_begin
        # rows that change rarely, kept across transactions of an in-memory store (see Store):
        # whoever writes one of them drops its key (``forget``)
        self.kept = kept
        # values read once per transaction (the client's clock); whoever writes them clears it
        self.memo: dict[Any, Any] = {}
        # in a write transaction, sequence numbers taken from a kept value and not written
        # yet: written together before COMMIT (write_taken), so a call taking an order, an
        # invoice and a payment number runs one statement for them, not three
        self._write = write
        self._taken: dict[str, int] | None = None

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Run one statement."""
        if self.owes_begin and not sql.startswith("SELECT"):
            self._begin()
        return self._conn.execute(sql, args)

    def _begin(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        self.owes_begin = False

    def executescript_in_tx(self, script: str) -> None:
        """Run several statements without the implicit COMMIT of executescript."""
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run one statement for each row of arguments."""
        if self.owes_begin:
            self._begin()
        self._conn.executemany(sql, rows)

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """The first row of a query (a SELECT), or None."""
        return self._conn.execute(sql, args).fetchone()

    def all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Every row of a query (a SELECT)."""
        return self._conn.execute(sql, args).fetchall()

    def next_id(self, name: str) -> int:
        """The next number of a sequence (unique: allocated inside the transaction)."""
        conn = self._conn
        key = ("sequence", name)
        known = self.kept.get(key)
        if known is not None:
            value = known + 1
            if self._write:  # written before COMMIT (write_taken)
                if self._taken is None:
                    self._taken = {name: value}
                else:
                    self._taken[name] = value
            else:
                conn.execute("UPDATE sequences SET value = ? WHERE name = ?", (value, name))
        else:
            if self.owes_begin:
                self._begin()
            # UPDATE then SELECT: sqlite3's UPDATE ... RETURNING costs about three times as much
            if conn.execute(
                "UPDATE sequences SET value = value + 1 WHERE name = ?", (name,)
            ).rowcount:
                row = conn.execute("SELECT value FROM sequences WHERE name = ?", (name,))
                value = int(row.fetchone()[0])
            else:
                value = SEQUENCE_START.get(name, 0) + 1
                conn.execute("INSERT INTO sequences (name, value) VALUES (?, ?)", (name, value))
        self.kept[key] = value
        return value

    def write_taken(self) -> None:
        """Write the sequence numbers taken since each sequence's last write (before COMMIT)."""
        taken = self._taken
        if not taken:
            return
        if self.owes_begin:
            self._begin()
        if len(taken) == 1:
            ((name, value),) = taken.items()
            self._conn.execute("UPDATE sequences SET value = ? WHERE name = ?", (value, name))
        else:
            # every row is there (a kept value was read or written first): one upsert sets them
            args = tuple(part for pair in taken.items() for part in pair)
            self._conn.execute(_set_sequences(len(taken)), args)
        taken.clear()

    def drop_taken(self, name: str | None = None) -> None:
        """Forget numbers taken and not written (of one sequence, or all): their rows are
        being set or deleted."""
        if self._taken:
            if name is None:
                self._taken.clear()
            else:
                self._taken.pop(name, None)

    def start_sequences(self, starts: dict[str, int]) -> None:
        """Make each named sequence hand out numbers after the given start."""
        for name, value in starts.items():
            self.forget(("sequence", name))
            self.drop_taken(name)
            self.execute(
                "INSERT OR REPLACE INTO sequences (name, value) VALUES (?, ?)", (name, value)
            )

    def forget(self, key: Any) -> None:
        """Drop a kept value (its row was just written)."""
        self.kept.pop(key, None)

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table."""
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


@functools.cache
def _set_sequences(count: int) -> str:
    """One statement setting ``count`` sequences (name, value pairs) to the values given."""
    rows = ", ".join(["(?, ?)"] * count)
    return (
        f"INSERT INTO sequences (name, value) VALUES {rows} "  # noqa: S608 - placeholders only
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
    )


def dumps(value: Any) -> str:
    """Compact JSON for a body column."""
    return compact_json(value).decode("ascii")

"""The stub's state in SQLite (standard library): in memory by default, or a file that survives
restarts.

One connection serves every thread; a lock makes each transaction exclusive, so a call's changes
commit or roll back together and concurrent calls never interleave inside one. Long work (an
invoice's computation) happens between transactions, guarded by a row in ``invoicing_marks``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from harness.errors import HarnessError

__all__ = ["Store", "StoreError", "TABLES", "dumps", "loads"]


class StoreError(HarnessError):
    """The stub's database file cannot be opened or is not a stub database."""


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
CREATE TABLE IF NOT EXISTS invoicing_marks (
    client_no INTEGER NOT NULL, billing_group_no INTEGER NOT NULL, token TEXT NOT NULL,
    PRIMARY KEY (client_no, billing_group_no));
CREATE TABLE IF NOT EXISTS invoices (
    invoice_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    billing_group_no INTEGER, kind TEXT NOT NULL, status TEXT NOT NULL,
    orig_invoice_no INTEGER, from_date TEXT, to_date TEXT, created TEXT NOT NULL,
    charges TEXT NOT NULL, tax TEXT NOT NULL, credit TEXT NOT NULL, total TEXT NOT NULL,
    body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS invoices_by_acct ON invoices (client_no, acct_no, status);
CREATE TABLE IF NOT EXISTS orders (
    order_no INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    status TEXT NOT NULL, invoice_no INTEGER, client_order_id TEXT, body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS orders_by_acct ON orders (client_no, acct_no, status);
CREATE TABLE IF NOT EXISTS payments (
    transaction_id INTEGER PRIMARY KEY, client_no INTEGER NOT NULL, acct_no INTEGER NOT NULL,
    invoice_no INTEGER, amount TEXT NOT NULL, status TEXT NOT NULL, last_four TEXT,
    proc_payment_id TEXT, created TEXT NOT NULL);
"""

TABLES = (
    "meta",
    "sequences",
    "clocks",
    "accounts",
    "plan_instances",
    "invoicing_marks",
    "invoices",
    "orders",
    "payments",
)

# First numbers handed out, so ids of different kinds never look alike.
_SEQUENCE_START = {"invoice_no": 900000, "order_no": 5000000, "transaction_id": 80000000}


class Store:
    """The SQLite database behind one StubService."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else ":memory:"
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            with self.transaction() as db:
                db.executescript_in_tx(_SCHEMA)
                # a mark outlives only a crashed process: no call is in progress at start-up
                db.execute("DELETE FROM invoicing_marks")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot use {self.path!r} as the stub database: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """One exclusive transaction: committed on success, rolled back on any exception."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Tx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[_Tx]:
        """A consistent read (no other transaction runs meanwhile)."""
        with self._lock:
            yield _Tx(self._conn)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, in primary-key order, as plain JSON-able dicts."""
        with self.read() as db:
            tables = {
                table: [dict(row) for row in db.all(f"SELECT * FROM {table} ORDER BY 1, 2")]
                for table in TABLES
            }
        for table in ("invoices", "orders"):
            for row in tables[table]:
                row["body"] = body_text(row["body"])
        return tables

    def wipe(self, db: _Tx) -> None:
        """Delete every row (inside the caller's transaction)."""
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        """Close the connection; a file database keeps its state for the next open."""
        with self._lock:
            self._conn.close()


class _Tx:
    """The statements a transaction runs; a thin layer over the connection."""

    __slots__ = ("_conn", "memo")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # values read once per transaction (the client's clock); whoever writes them clears it
        self.memo: dict[Any, Any] = {}

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Run one statement."""
        return self._conn.execute(sql, args)

    def executescript_in_tx(self, script: str) -> None:
        """Run several statements without the implicit COMMIT of executescript."""
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        return self._conn.execute(sql, args).fetchone()

    def all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        return self._conn.execute(sql, args).fetchall()

    def next_id(self, name: str) -> int:
        """The next number of a sequence (unique: allocated inside the transaction)."""
        # UPDATE then SELECT: sqlite3's UPDATE ... RETURNING costs about three times as much
        conn = self._conn
        if conn.execute("UPDATE sequences SET value = value + 1 WHERE name = ?", (name,)).rowcount:
            return int(
                conn.execute("SELECT value FROM sequences WHERE name = ?", (name,)).fetchone()[0]
            )
        value = _SEQUENCE_START.get(name, 0) + 1
        self._conn.execute("INSERT INTO sequences (name, value) VALUES (?, ?)", (name, value))
        return value

    def get_meta(self, key: str) -> str | None:
        """A value of the meta table."""
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


# One encoder for every body: json.dumps with separators builds a new one per call, and bodies
# are plain trees of our own making (no cycles to check for).
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode

# Bodies are stored deflated against a preset dictionary of the keys they repeat: an invoice's
# JSON shrinks about seven times, and an in-memory store holds every invoice and order it has
# made. A stored body starts with its format byte, so a body written with this dictionary stays
# readable forever: a new dictionary gets a new format byte, never a change to this one. Bodies
# written before compression (TEXT) are read as they are.
_FORMAT_DEFLATE_1 = b"\x01"
# A 2 KiB window and the smallest hash table: zlib's default state is about 256 KiB, and
# allocating it for every body costs more than compressing (the dictionary fits the window).
_WBITS_1 = 11
_ZDICT_1 = (
    b'"carry_in":"0","carry_out":"0","mpis":{},"orders":[],"credit":"0",'
    b'"tax_details":[{"tax_detail_line":1,"seq_num":2,"taxed_seq_num":1,"debit":0.0,'
    b'"tax_authority_level":1,"tax_rate":0.0,"orig_was_tax_inclusive":0,'
    b'"tax_srv_tax_type_id":"ST","tax_srv_tax_type_desc":"","tax_srv_cat_text":"Sales",'
    b'"tax_srv_juris_nm":"Stub jurisdiction","tax_srv_tax_sum_text":"",'
    b'"unrounded_tax_amt":0.0,"carryover_from_prev_amt":0.0,'
    b'"before_round_adjusted_tax_amt":0.0,"carryover_from_current_amt":0.0}],'
    b'{"lines":[{"line_no":1,"line_type":2,"service_no":400,"client_service_id":"tax-sales",'
    b'"service_name":"","description":"","units":1.0,"rate":0.0,"amount":0.0,"taxable":false,'
    b'"client_sku":"","item_no":1,"rate_schedule_no":1,"client_rate_schedule_id":"",'
    b'"schedule_name":"","coupon_cd":"","comments":"","plan_no":1,"client_plan_id":"",'
    b'"plan_name":"","plan_units":1.0,"plan_instance_no":1,"client_plan_instance_id":"",'
    b'"start":"2026-01-01","end":"2026-01-01","order_no":1'
)


def dumps(value: Any) -> bytes:
    """A body column's value: compact JSON, deflated."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, _WBITS_1, 1, zdict=_ZDICT_1)
    return _FORMAT_DEFLATE_1 + deflate.compress(_encode(value).encode()) + deflate.flush()


def body_text(stored: bytes | str) -> str:
    """A stored body as its JSON text."""
    if isinstance(stored, str):
        return stored
    if stored[:1] != _FORMAT_DEFLATE_1:
        raise StoreError(f"a stored body has an unknown format byte {stored[:1]!r}")
    return zlib.decompressobj(_WBITS_1, zdict=_ZDICT_1).decompress(stored[1:]).decode()


def loads(stored: bytes | str) -> Any:
    """A stored body, parsed."""
    return json.loads(body_text(stored))

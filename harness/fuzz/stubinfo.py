"""Identifiers that exist in a stub's state, so some generated calls can succeed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["known_values_from_state", "prime_stub", "stub_known_values", "stub_ledger"]

_LEDGER_COLUMNS = ("invoice_no", "acct_no", "kind", "status", "orig_invoice_no", "total")

# Input field -> the state columns whose values it may take.
_SOURCES: dict[str, tuple[str, ...]] = {
    "acct_no": ("acct_no",),
    "account_no": ("acct_no",),
    "client_acct_id": ("client_acct_id",),
    "master_plan_instance_no": ("master_plan_instance_no", "mpi_no"),
    "invoice_no": ("invoice_no",),
    "orig_invoice_no": ("invoice_no",),
    "order_line_items_list.client_sku": ("client_sku",),
}


def known_values_from_state(state: Any) -> dict[str, list[Any]]:
    """Collect identifier values from a JSON snapshot of a stub's tables."""
    found: dict[str, set[Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, int | str) and not isinstance(value, bool):
                    found.setdefault(key, set()).add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(state)
    known: dict[str, list[Any]] = {}
    for field, columns in _SOURCES.items():
        values = sorted({v for c in columns for v in found.get(c, ())}, key=str)
        if values:
            known[field] = values
    return known


def stub_known_values(stub: Any) -> dict[str, list[Any]]:
    """Identifier values present in an in-process stub's state and its default fixture."""
    from harness.stub.fixtures import read_fixture

    # The catalogue (client_sku) and client-defined ids live in the fixture, not the tables.
    found = known_values_from_state([read_fixture(None), stub.service.dump_state()])
    found.pop("auth_key", None)
    return found


def stub_ledger(stub: Any) -> Callable[[], list[dict[str, Any]]]:
    """A reader of the stub's invoices (number, kind, what it replaces, total)."""

    def read() -> list[dict[str, Any]]:
        rows = stub.service.dump_state().get("tables", {}).get("invoices", [])
        return [{key: row.get(key) for key in _LEDGER_COLUMNS} for row in rows]

    return read


def prime_stub(stub: Any) -> dict[str, list[dict[str, Any]]]:
    """Give the stub invoices to refer to and return one known-good call per method.

    The examples phase sends these first, so every method has a call that can succeed:
    the first master plan instance gets an invoice (for rebills and lookups), the last a
    pending one (for manage_pending_invoice_m); the second and third are left due for
    gen_invoice_m and gen_invoice.
    """
    client_no, auth_key = stub.service.default_credentials
    creds = {"client_no": client_no, "auth_key": auth_key}
    rows = stub.service.dump_state().get("tables", {}).get("plan_instances", [])
    examples: dict[str, list[dict[str, Any]]] = {
        "get_virtual_datetime_m": [dict(creds)],
        "advance_virtual_datetime_m": [{**creds, "offset_hours": 1}],
    }
    if len(rows) < 4:
        return examples
    first, second, third, last = rows[0], rows[1], rows[2], rows[-1]
    billed = stub.call(
        "gen_invoice_m", **creds, acct_no=first["acct_no"], master_plan_instance_no=first["mpi_no"]
    )
    pending = stub.call(
        "gen_invoice_m",
        **creds,
        acct_no=last["acct_no"],
        master_plan_instance_no=last["mpi_no"],
        force_pending="true",
    )
    examples["gen_invoice_m"] = [
        {**creds, "acct_no": second["acct_no"], "master_plan_instance_no": second["mpi_no"]}
    ]
    examples["gen_invoice"] = [{**creds, "acct_no": third["acct_no"]}]
    skus = stub_known_values(stub).get("order_line_items_list.client_sku", [])
    if skus:
        examples["create_order_m"] = [
            {
                **creds,
                "account_no": first["acct_no"],
                "order_line_items_list": [{"client_sku": skus[0], "units": 1}],
            }
        ]
    if billed.get("error_code") == 0:
        invoice = {**creds, "acct_no": first["acct_no"], "invoice_no": billed["invoice_no"]}
        examples["get_invoice_details_m"] = [invoice]
        examples["gen_rb_m"] = [
            {
                **creds,
                "acct_no": first["acct_no"],
                "orig_invoice_no": billed["invoice_no"],
                "reason_cd": 1,
                "rb_line_items": [{"line_no": 1, "rb_units": 1}],
            }
        ]
    if pending.get("error_code") == 0:
        examples["manage_pending_invoice_m"] = [
            {
                **creds,
                "acct_no": last["acct_no"],
                "invoice_no": pending["invoice_no"],
                "action_directive": 1,
            }
        ]
    return examples

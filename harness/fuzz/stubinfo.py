"""Identifiers that exist in a stub's state, so some generated calls can succeed."""

from __future__ import annotations

from typing import Any

__all__ = ["stub_known_values", "known_values_from_state"]

# Input field -> the state columns whose values it may take.
_SOURCES: dict[str, tuple[str, ...]] = {
    "acct_no": ("acct_no",),
    "account_no": ("acct_no",),
    "client_acct_id": ("client_acct_id",),
    "master_plan_instance_no": ("master_plan_instance_no", "plan_instance_no"),
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
    """Identifier values present in an in-process stub's current state."""
    return known_values_from_state(stub.service.dump_state())

"""Invariants that JSON Schema cannot state: totals that must add up.

A contract lists them under ``x-aria-invariants``, each as

    {"name": ..., "at": "/out_invoices_list/*", "total": "invoice_charges_after_tax",
     "terms": ["+invoice_charges_before_tax", "+invoice_tax_charges"], "source": ...}

``at`` is a JSON pointer in which ``*`` stands for every item of an array ("" is the root).
An invariant is checked only on a successful response and only where every value it names
is a number: a null total is the contract's business, not the invariant's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from harness.contracts.violations import Violation, describe_value

__all__ = ["check_invariants", "TOLERANCE"]

# Aria rounds currency amounts to cents; allow half a cent for float noise.
TOLERANCE = 0.005


def check_invariants(
    method: str, invariants: Sequence[Mapping[str, Any]], response: Mapping[str, Any]
) -> list[Violation]:
    """Violations of a contract's invariants by one response."""
    if response.get("error_code") != 0:
        return []
    found: list[Violation] = []
    for invariant in invariants:
        for pointer, node in _walk(response, invariant.get("at", "")):
            violation = _check_sum(method, invariant, pointer, node)
            if violation is not None:
                found.append(violation)
    return found


def _check_sum(
    method: str, invariant: Mapping[str, Any], pointer: str, node: Any
) -> Violation | None:
    if not isinstance(node, Mapping):
        return None
    total = node.get(invariant["total"])
    if not _is_number(total):
        return None
    expected = 0.0
    for term in invariant["terms"]:
        sign, name = (-1.0, term[1:]) if term.startswith("-") else (1.0, term.lstrip("+"))
        value = node.get(name)
        if not _is_number(value):
            return None
        expected += sign * value
    if abs(expected - total) <= TOLERANCE:
        return None
    formula = " ".join(invariant["terms"]).lstrip("+")
    return Violation(
        method=method,
        pointer=f"{pointer}/{invariant['total']}",
        expected=f"{round(expected, 6)} ({formula})",
        actual=describe_value(total),
        message=f"{invariant['total']} must equal {formula}",
        rule=f"invariant:{invariant['name']}",
    )


def _walk(node: Any, pointer: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    parts = [p for p in pointer.split("/") if p] if pointer else []
    if not parts:
        yield prefix, node
        return
    head, rest = parts[0], "/".join(parts[1:])
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _walk(item, rest, f"{prefix}/{index}")
    elif isinstance(node, Mapping) and head in node:
        yield from _walk(node[head], rest, f"{prefix}/{head}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

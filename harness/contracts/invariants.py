"""Invariants that JSON Schema cannot state: totals that must add up.

A contract lists them under ``x-aria-invariants``, each as

    {"name": ..., "at": "/out_invoices_list/*", "total": "invoice_charges_after_tax",
     "terms": ["+invoice_charges_before_tax", "+invoice_tax_charges"], "source": ...}

``at`` is a JSON pointer in which ``*`` stands for every item of an array ("" is the root).
An invariant is checked only on a successful response and only where every value it names
is a number: a null total is the contract's business, not the invariant's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.contracts.violations import Violation, describe_value, to_pointer

__all__ = ["Invariant", "TOLERANCE", "check_invariants", "compile_invariants"]

# Aria rounds currency amounts to cents; allow half a cent for float noise.
TOLERANCE = 0.005


@dataclass(frozen=True)
class Invariant:
    """A compiled sum invariant: ``total == sum(sign * term)`` at every node under ``at``."""

    name: str
    at: tuple[str, ...]
    total: str
    terms: tuple[tuple[float, str], ...]

    @property
    def formula(self) -> str:
        text = "".join(f" {'-' if sign < 0 else '+'} {name}" for sign, name in self.terms)
        return text.removeprefix(" + ").strip()


def compile_invariants(declared: Sequence[Mapping[str, Any]]) -> tuple[Invariant, ...]:
    """Parse a contract's ``x-aria-invariants`` once."""
    compiled = []
    for entry in declared:
        terms = tuple(
            (-1.0, term[1:]) if term.startswith("-") else (1.0, term.lstrip("+"))
            for term in entry["terms"]
        )
        at = tuple(part for part in str(entry.get("at", "")).split("/") if part)
        compiled.append(Invariant(str(entry["name"]), at, str(entry["total"]), terms))
    return tuple(compiled)


def check_invariants(
    method: str, invariants: Sequence[Invariant], response: Mapping[str, Any]
) -> list[Violation]:
    """Violations of a contract's invariants by one response."""
    if response.get("error_code") != 0:
        return []
    found: list[Violation] = []
    for invariant in invariants:
        # Nodes carry their path as a tuple; a pointer string is built only for a violation.
        nodes: list[tuple[tuple[str | int, ...], Any]] = [((), response)]
        for part in invariant.at:
            nodes = _step(nodes, part)
        for path, node in nodes:
            violation = _check_sum(method, invariant, path, node)
            if violation is not None:
                found.append(violation)
    return found


def _step(
    nodes: list[tuple[tuple[str | int, ...], Any]], part: str
) -> list[tuple[tuple[str | int, ...], Any]]:
    following: list[tuple[tuple[str | int, ...], Any]] = []
    for path, node in nodes:
        if part == "*":
            if isinstance(node, list):
                following.extend(((*path, i), item) for i, item in enumerate(node))
        elif isinstance(node, dict) and part in node:
            following.append(((*path, part), node[part]))
    return following


def _check_sum(
    method: str, invariant: Invariant, path: tuple[str | int, ...], node: Any
) -> Violation | None:
    if not isinstance(node, dict):
        return None
    total = node.get(invariant.total)
    if not _is_number(total):
        return None
    expected = 0.0
    for sign, name in invariant.terms:
        value = node.get(name)
        if not _is_number(value):
            return None
        expected += sign * value
    if abs(expected - total) <= TOLERANCE:
        return None
    return Violation(
        method=method,
        pointer=to_pointer((*path, invariant.total)),
        expected=f"{round(expected, 6)} ({invariant.formula})",
        actual=describe_value(total),
        message=f"{invariant.total} must equal {invariant.formula}",
        rule=f"invariant:{invariant.name}",
    )


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)

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
from typing import Any, TypeGuard

from harness.contracts.violations import Violation, describe_value, to_pointer

__all__ = [
    "Invariant",
    "TOLERANCE",
    "check_invariants",
    "compile_invariants",
    "invariants_hold",
    "walk_plan",
]

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


# A walk plan: the sums to check at an object and the steps to the objects below it. A step is
# a member name (None: the node itself) and whether to go on into every item of the array found
# there, so "/a/*/b/*" is two steps. Invariants that share a path prefix share its walk.
_Sum = tuple[str, tuple[tuple[float, str], ...]]
_Plan = tuple[tuple[_Sum, ...], tuple[tuple[str | None, bool, "_Plan"], ...]]


def walk_plan(invariants: Sequence[Invariant]) -> _Plan:
    """One walk over a response that visits every node any of the invariants names."""
    tree: dict[str, Any] = {"sums": [], "steps": {}}
    for invariant in invariants:
        node, parts = tree, list(invariant.at)
        while parts:
            name = None if parts[0] == "*" else parts.pop(0)
            every = bool(parts) and parts[0] == "*"
            if every:
                parts.pop(0)
            node = node["steps"].setdefault((name, every), {"sums": [], "steps": {}})
        node["sums"].append((invariant.total, invariant.terms))

    def freeze(node: dict[str, Any]) -> _Plan:
        steps = node["steps"].items()
        return tuple(node["sums"]), tuple(
            (name, every, freeze(child)) for (name, every), child in steps
        )

    return freeze(tree)


def check_invariants(
    method: str,
    invariants: Sequence[Invariant],
    response: Mapping[str, Any],
    plan: _Plan | None = None,
) -> list[Violation]:
    """Violations of a contract's invariants by one response (``plan`` from ``walk_plan``)."""
    if invariants_hold(plan or walk_plan(invariants), response):
        return []
    found: list[Violation] = []
    for invariant in invariants:
        for path, node in _nodes_with_paths(invariant.at, response):
            if not _holds(invariant, node):
                found.append(_violation(method, invariant, path, node))
    return found


def invariants_hold(plan: _Plan, response: Mapping[str, Any]) -> bool:
    """True when no invariant is broken (the hot path: one walk, no pointers, no messages)."""
    return response.get("error_code") != 0 or _all_hold(plan, response)


def _all_hold(plan: _Plan, value: Any) -> bool:
    """``_holds`` for every invariant at every node of the plan, in one walk."""
    if type(value) is not dict:
        return True
    sums, steps = plan
    get = value.get
    for total_name, terms in sums:
        total = get(total_name)
        if type(total) is not float and type(total) is not int:
            continue
        expected = 0.0  # summed as _expected sums, so both paths agree to the last bit
        for sign, name in terms:
            term = get(name)
            if type(term) is not float and type(term) is not int:
                break
            expected += sign * term
        else:
            if abs(expected - total) > TOLERANCE:
                return False
    for key, every, child in steps:
        inner = value if key is None else get(key)
        if every:
            if type(inner) is list:
                for item in inner:
                    if not _all_hold(child, item):
                        return False
        elif inner is not None and not _all_hold(child, inner):
            return False
    return True


def _nodes_with_paths(at: tuple[str, ...], response: Any) -> list[tuple[tuple[Any, ...], Any]]:
    nodes: list[tuple[tuple[Any, ...], Any]] = [((), response)]
    for part in at:
        following: list[tuple[tuple[Any, ...], Any]] = []
        for path, node in nodes:
            if part == "*" and type(node) is list:
                following.extend(((*path, i), item) for i, item in enumerate(node))
            elif type(node) is dict and part in node:
                following.append(((*path, part), node[part]))
        nodes = following
    return nodes


def _holds(invariant: Invariant, node: Any) -> bool:
    """True unless every named value is a number and the sum is off by more than a cent."""
    if type(node) is not dict:
        return True
    total = node.get(invariant.total)
    if not _is_number(total):
        return True
    return (expected := _expected(invariant, node)) is None or abs(expected - total) <= TOLERANCE


def _expected(invariant: Invariant, node: dict[str, Any]) -> float | None:
    expected = 0.0
    for sign, name in invariant.terms:
        value = node.get(name)
        if not _is_number(value):
            return None
        expected += sign * value
    return expected


def _violation(
    method: str, invariant: Invariant, path: tuple[Any, ...], node: dict[str, Any]
) -> Violation:
    expected = _expected(invariant, node) or 0.0
    return Violation(
        method=method,
        pointer=to_pointer((*path, invariant.total)),
        expected=f"{round(expected, 6)} ({invariant.formula})",
        actual=describe_value(node.get(invariant.total)),
        message=f"{invariant.total} must equal {invariant.formula}",
        rule=f"invariant:{invariant.name}",
    )


def _is_number(value: Any) -> TypeGuard[int | float]:
    return type(value) in (int, float)

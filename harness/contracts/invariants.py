"""Invariants that JSON Schema cannot state: totals that must add up.

A contract lists them under ``x-aria-invariants``, each as

    {"name": ..., "at": "/out_invoices_list/*", "total": "invoice_charges_after_tax",
     "terms": ["+invoice_charges_before_tax", "+invoice_tax_charges"], "source": ...}

``at`` is a JSON pointer in which ``*`` stands for every item of an array ("" is the root).
An invariant is checked only on a successful response and only where every value it names
is a number: a null total is the contract's business, not the invariant's.

Every response the harness sees pays for the check, so a contract's invariants are compiled
once into one plain function (``compile_check``) that walks the response and answers yes or
no; only when it says no does ``check_invariants`` check each invariant again to say where.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from harness.contracts.violations import Violation, describe_value, to_pointer

__all__ = [
    "Invariant",
    "TOLERANCE",
    "check_invariants",
    "check_source",
    "compile_check",
    "compile_invariants",
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
    def term_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.terms)

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


Check = Callable[[Any], bool]


def check_invariants(
    method: str,
    invariants: tuple[Invariant, ...],
    response: Mapping[str, Any],
    *,
    holds: Check | None = None,
) -> list[Violation]:
    """Violations of a contract's invariants by one response (``holds``: their compiled check)."""
    if type(response) is not dict or (holds or compile_check(invariants))(response):
        return []
    found: list[Violation] = []
    for invariant in invariants:
        for path, node in _nodes_with_paths(invariant.at, response):
            if not _holds(invariant, node):
                found.append(_violation(method, invariant, path, node))
    return found


# The hot check is compiled once per contract into one plain function: an interpreted walk over
# (total, terms) tuples costs twice as much, and a conforming response pays for it on every call.
@functools.cache
def compile_check(invariants: tuple[Invariant, ...]) -> Check:
    """One function telling whether a response (a dict) breaks none of the invariants."""
    namespace: dict[str, Any] = {"NUMBER": (float, int)}  # a name: a literal rebuilds the tuple
    source = check_source(invariants)
    exec(compile(source, "<contract invariants>", "exec"), namespace)  # noqa: S102 - our own names
    return namespace["holds"]


def check_source(invariants: tuple[Invariant, ...]) -> str:
    """The Python source ``compile_check`` compiles: one walk, no pointers, no messages."""
    tree = _Node()
    for invariant in invariants:
        node = tree
        for part in invariant.at:
            node = node.children.setdefault(part, _Node())
        node.sums.append(invariant)
    lines = ["def holds(v0):"]
    if invariants:  # checked on a success only, and an error answer may leave the rest out
        lines += ['    if v0.get("error_code") != 0:', "        return True"]
        _render(tree, "v0", lines, "    ", itertools.count(1), root=True)
    lines.append("    return True")
    return "\n".join(lines) + "\n"


@dataclass
class _Node:
    """Invariants sharing a path prefix share its walk: the sums at a node, the steps below it."""

    sums: list[Invariant] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


def _render(
    node: _Node,
    var: str,
    lines: list[str],
    pad: str,
    numbers: Iterator[int],
    *,
    root: bool = False,
) -> None:
    """Source checking the sums at ``var`` and walking on (the root is known to be a dict)."""
    members = {name: child for name, child in node.children.items() if name != "*"}
    if node.sums or members:
        inner = pad if root else pad + "    "
        if not root:
            lines.append(f"{pad}if type({var}) is dict:")
        names = dict.fromkeys(
            [*(name for sum_ in node.sums for name in (sum_.total, *sum_.term_names)), *members]
        )
        local = {name: f"v{next(numbers)}" for name in names}
        # Subscripts read faster than get(); a member left out takes the slower read that allows it.
        lines.append(f"{inner}try:")
        lines.extend(f"{inner}    {local[name]} = {var}[{name!r}]" for name in names)
        lines.append(f"{inner}except KeyError:")
        lines.extend(f"{inner}    {local[name]} = {var}.get({name!r})" for name in names)
        for sum_ in node.sums:
            numeric = " and ".join(
                f"type({local[name]}) in NUMBER" for name in (sum_.total, *sum_.term_names)
            )
            # summed from 0.0 in the declared order, as _expected does, to the same last bit
            expected = "0.0" + "".join(
                f" {'-' if sign < 0 else '+'} {local[name]}" for sign, name in sum_.terms
            )
            difference = f"abs({expected} - {local[sum_.total]})"
            lines.append(f"{inner}if {numeric} and {difference} > {TOLERANCE!r}:")
            lines.append(f"{inner}    return False")
        for name, child in members.items():
            _render(child, local[name], lines, inner, numbers)
    if "*" in node.children and not root:  # a response is an object: no items at its root
        item = f"v{next(numbers)}"
        lines.append(f"{pad}if type({var}) is list:")
        lines.append(f"{pad}    for {item} in {var}:")
        _render(node.children["*"], item, lines, pad + "        ", numbers)


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

"""Compare a live answer with the recorded one: shape, behaviour and contract drift.

Shape: the JSON types seen at every place of each response, arrays merged over their items
(a list of invoice lines mixes plan lines and tax lines, whose null fields differ, and their
order and count may change between runs), then compared: a field added or removed, a type
changed, a field that turned nullable or stopped being null. Integers and decimals are one
type ("number"): Aria writes ``0`` and ``2.5`` in the same field.

Behaviour: every ``error_code`` / ``error_msg`` (also nested ones such as
``invoicing_error_code``), compared after normalisation. When the top-level error_code
changed, only that is reported: a success and an error are not comparable shapes.

Contract: violations of the method's contract by the live answer that the recorded answer did
not already have (those are a contract to fix, not a change of Aria).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.contracts.violations import describe_value, to_pointer
from harness.drift.rules import DEFAULT_RULES, Rules
from harness.jsontypes import json_type as schema_json_type

__all__ = ["Difference", "compare_responses", "shape_of"]

_BEHAVIOUR_KEY = re.compile(r"(?:.*_)?error_(?:code|msg|cd)")


@dataclass(frozen=True)
class Difference:
    """One difference between the recorded and the live answer."""

    kind: str  # field_added, field_removed, type_changed, nullability_changed,
    # error_code_changed, error_message_changed, contract
    category: str  # shape, behaviour, contract
    pointer: str
    expected: str
    actual: str
    message: str

    def __str__(self) -> str:
        # no "name: value" shape, which secret scanners read as a field holding a value
        return f"{self.kind} at {self.pointer or '/'} - {self.message}"


@dataclass
class Node:
    """The merged shape of every value seen at one place of a response."""

    types: dict[str, str] = field(default_factory=dict)  # json type -> first pointer seen
    props: dict[str, Node] = field(default_factory=dict)
    key_at: dict[str, str] = field(default_factory=dict)  # key -> first pointer seen
    items: Node | None = None

    def add(self, value: Any, parts: tuple[str | int, ...]) -> None:
        """Merge one value seen at ``parts`` into this node."""
        kind = json_type(value)
        # pointers only for what is seen first: building one per value dominated the cost
        if kind not in self.types:
            self.types[kind] = to_pointer(parts)
        if kind == "object":
            for key, child in value.items():
                key = str(key)
                if key not in self.key_at:
                    self.key_at[key] = to_pointer((*parts, key))
                node = self.props.get(key)
                if node is None:
                    node = self.props[key] = Node()
                node.add(child, (*parts, key))
        elif kind == "array":
            for index, item in enumerate(value):
                if self.items is None:
                    self.items = Node()
                self.items.add(item, (*parts, index))


def json_type(value: Any) -> str:
    """The JSON type of a value, integers and decimals both "number"."""
    name = schema_json_type(value)
    return "number" if name == "integer" else name


def shape_of(value: Any) -> Node:
    """The merged shape of a JSON value."""
    node = Node()
    node.add(value, ())
    return node


def compare_shapes(recorded: Node, live: Node, *, nullability: bool = True) -> list[Difference]:
    """Every shape difference between two merged shapes."""
    findings: list[Difference] = []
    _compare(recorded, live, findings, pointer="", nullability=nullability)
    return findings


def _compare(
    recorded: Node, live: Node, out: list[Difference], *, pointer: str, nullability: bool
) -> None:
    rec_types = set(recorded.types) - {"null"}
    live_types = set(live.types) - {"null"}
    if rec_types and live_types and rec_types != live_types:
        new = sorted(live_types - rec_types) or sorted(live_types)
        out.append(
            Difference(
                "type_changed",
                "shape",
                live.types[new[0]],
                " or ".join(sorted(rec_types)),
                " or ".join(sorted(live_types)),
                f"type changed from {' or '.join(sorted(rec_types))} "
                f"to {' or '.join(sorted(live_types))}",
            )
        )
    elif nullability:
        _compare_nullness(recorded, live, out, rec_types=rec_types, live_types=live_types)
    if "object" in recorded.types and "object" in live.types:
        for key in recorded.props:
            if key not in live.props:
                out.append(
                    Difference(
                        "field_removed",
                        "shape",
                        recorded.key_at[key],
                        "present",
                        "absent",
                        f"field {key!r} is no longer in the answer",
                    )
                )
        for key, child in live.props.items():
            if key not in recorded.props:
                out.append(
                    Difference(
                        "field_added",
                        "shape",
                        live.key_at[key],
                        "absent",
                        "present",
                        f"field {key!r} is new in the answer",
                    )
                )
            else:
                _compare(
                    recorded.props[key],
                    child,
                    out,
                    pointer=live.key_at[key],
                    nullability=nullability,
                )
    if recorded.items is not None and live.items is not None:
        _compare(recorded.items, live.items, out, pointer=pointer, nullability=nullability)


def _compare_nullness(
    recorded: Node, live: Node, out: list[Difference], *, rec_types: set[str], live_types: set[str]
) -> None:
    rec_null, live_null = "null" in recorded.types, "null" in live.types
    if live_null and not rec_null and rec_types:
        # never null in the recording, null now
        out.append(
            Difference(
                "nullability_changed",
                "shape",
                live.types["null"],
                " or ".join(sorted(rec_types)),
                "null",
                "field was never null in the recording and is null now",
            )
        )
    elif rec_null and not rec_types and live_types and not live_null:
        # always null in the recording, never null now
        kinds = " or ".join(sorted(live_types))
        out.append(
            Difference(
                "nullability_changed",
                "shape",
                live.types[sorted(live_types)[0]],
                "null",
                kinds,
                f"field was always null in the recording and is {kinds} now",
            )
        )


def behaviour_values(value: Any, parts: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Every error_code / error_msg style value of a response, by JSON pointer."""
    found: dict[str, Any] = {}
    if isinstance(value, Mapping):
        for key, child in value.items():
            if _BEHAVIOUR_KEY.fullmatch(str(key)) and not isinstance(child, Mapping | list):
                found[to_pointer((*parts, str(key)))] = child
            else:
                found.update(behaviour_values(child, (*parts, str(key))))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.update(behaviour_values(child, (*parts, index)))
    return found


def compare_behaviour(
    recorded: Any, live: Any, *, rules: Rules, nullability: bool = True
) -> list[Difference]:
    """Error codes and messages that changed, messages compared after normalisation.

    Without ``nullability`` (a forced dry run) a nested code that is null now is not a
    change: what the dry run did not attempt (invoicing, collection) has no outcome.
    """
    findings: list[Difference] = []
    rec, now = behaviour_values(recorded), behaviour_values(live)
    for pointer, old in rec.items():
        if pointer not in now:
            continue  # a missing field is shape drift, reported there
        new = now[pointer]
        if new is None and not nullability:
            continue
        is_message = pointer.endswith("_msg") or pointer.endswith("/error_msg")
        if is_message:
            same = rules.normalise_text(str(old)) == rules.normalise_text(str(new))
        else:
            same = str(old) == str(new)  # "0" and 0 are the same code to Aria's clients
        if not same:
            kind = "error_message_changed" if is_message else "error_code_changed"
            findings.append(
                Difference(
                    kind,
                    "behaviour",
                    pointer,
                    describe_value(old),
                    describe_value(new),
                    f"{pointer.rsplit('/', 1)[-1]} changed from {describe_value(old)} "
                    f"to {describe_value(new)}",
                )
            )
    return findings


def compare_contract(method: str, recorded: Any, live: Any) -> list[Difference]:
    """Contract violations of the live answer that the recorded answer did not have."""
    from harness.contracts import validate
    from harness.spec import registry

    if method not in registry():
        return []
    before = {(v.pointer, v.rule) for v in validate(method, recorded)}
    return [
        Difference(
            "contract", "contract", v.pointer, v.expected, v.actual, f"{v.message} [{v.rule}]"
        )
        for v in validate(method, live)
        if (v.pointer, v.rule) not in before
    ]


def compare_responses(
    method: str,
    recorded: Any,
    live: Any,
    *,
    rules: Rules = DEFAULT_RULES,
    nullability: bool = True,
) -> list[Difference]:
    """Every drift between a recorded and a live answer of one method (empty: no drift)."""
    rec_code = recorded.get("error_code") if isinstance(recorded, Mapping) else None
    live_code = live.get("error_code") if isinstance(live, Mapping) else None
    if str(rec_code) != str(live_code):
        # a different outcome: its fields are null where the other's are set, so only the
        # change of outcome itself is meaningful
        return [
            Difference(
                "error_code_changed",
                "behaviour",
                "/error_code",
                describe_value(rec_code),
                describe_value(live_code),
                f"error_code changed from {describe_value(rec_code)} to "
                f"{describe_value(live_code)}"
                + (
                    f" ({live.get('error_msg')})"
                    if isinstance(live, Mapping) and live.get("error_msg")
                    else ""
                ),
            )
        ]
    findings = compare_behaviour(recorded, live, rules=rules, nullability=nullability)
    findings += compare_shapes(shape_of(recorded), shape_of(live), nullability=nullability)
    findings += compare_contract(method, recorded, live)
    return findings

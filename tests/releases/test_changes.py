"""Synthetic release pairs: each change kind, on inputs and outputs, and its classification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from harness.releases import Change, ChangeKind, diff_models
from harness.swagger import read_description
from tests.swagger.builders import swagger

ITEM = {"type": "array", "items": {"$ref": "#/definitions/Item"}}
ITEM_DEFS = {
    "Item": {
        "type": "object",
        "properties": {"sku": {"type": "string"}, "units": {"type": "number"}},
    }
}


def changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_defs: Mapping[str, Any] | None = None,
    new_defs: Mapping[str, Any] | None = None,
) -> list[Change]:
    """The diff of two one-method releases given as ``{"in"|"out"|"required": ...}``."""
    before = read_description(swagger({"m_m": old}, definitions=old_defs))
    after = read_description(swagger({"m_m": new}, definitions=new_defs))
    return diff_models(before, after)


def one(found: list[Change]) -> tuple[ChangeKind, str | None, str | None, bool]:
    assert len(found) == 1, [c.describe() for c in found]
    change = found[0]
    return change.kind, change.side, change.path, change.breaking


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741 - a schema, read as "integer"
N = {"type": "number"}

CASES = [
    # (id, old, new, expected kind, side, path, breaking)
    ("output-removed", {"out": {"a": S}}, {"out": {}}, "field-removed", "output", "a", True),
    ("output-added", {"out": {}}, {"out": {"a": S}}, "field-added", "output", "a", False),
    ("input-optional-added", {"in": {}}, {"in": {"a": S}}, "field-added", "input", "a", False),
    (
        "input-required-added",
        {"in": {}},
        {"in": {"a": S}, "required": ["a"]},
        "field-added",
        "input",
        "a",
        True,
    ),
    ("input-removed", {"in": {"a": S}}, {"in": {}}, "field-removed", "input", "a", True),
    ("output-retyped", {"out": {"a": I}}, {"out": {"a": S}}, "type-changed", "output", "a", True),
    ("output-narrowed", {"out": {"a": N}}, {"out": {"a": I}}, "type-changed", "output", "a", False),
    ("input-retyped", {"in": {"a": S}}, {"in": {"a": I}}, "type-changed", "input", "a", True),
    ("input-widened", {"in": {"a": I}}, {"in": {"a": N}}, "type-changed", "input", "a", False),
    (
        "input-made-required",
        {"in": {"a": S}},
        {"in": {"a": S}, "required": ["a"]},
        "became-required",
        "input",
        "a",
        True,
    ),
    (
        "input-made-optional",
        {"in": {"a": S}, "required": ["a"]},
        {"in": {"a": S}},
        "became-optional",
        "input",
        "a",
        False,
    ),
    (
        "input-max-length-shorter",
        {"in": {"a": {**S, "maxLength": 50}}},
        {"in": {"a": {**S, "maxLength": 30}}},
        "max-length-changed",
        "input",
        "a",
        True,
    ),
    (
        "input-max-length-longer",
        {"in": {"a": {**S, "maxLength": 30}}},
        {"in": {"a": {**S, "maxLength": 50}}},
        "max-length-changed",
        "input",
        "a",
        False,
    ),
    (
        "output-max-length-longer",
        {"out": {"a": {**S, "maxLength": 30}}},
        {"out": {"a": {**S, "maxLength": 50}}},
        "max-length-changed",
        "output",
        "a",
        True,
    ),
    (
        "input-enum-value-removed",
        {"in": {"a": {**S, "enum": ["x", "y"]}}},
        {"in": {"a": {**S, "enum": ["x"]}}},
        "enum-changed",
        "input",
        "a",
        True,
    ),
    (
        "input-enum-value-added",
        {"in": {"a": {**S, "enum": ["x"]}}},
        {"in": {"a": {**S, "enum": ["x", "y"]}}},
        "enum-changed",
        "input",
        "a",
        False,
    ),
    (
        "input-enum-dropped",
        {"in": {"a": {**S, "enum": ["x"]}}},
        {"in": {"a": S}},
        "enum-changed",
        "input",
        "a",
        False,
    ),
    (
        "output-enum-value-added",
        {"out": {"a": {**S, "enum": ["x"]}}},
        {"out": {"a": {**S, "enum": ["x", "y"]}}},
        "enum-changed",
        "output",
        "a",
        True,
    ),
    (
        "output-enum-value-removed",
        {"out": {"a": {**S, "enum": ["x", "y"]}}},
        {"out": {"a": {**S, "enum": ["x"]}}},
        "enum-changed",
        "output",
        "a",
        False,
    ),
    (
        "output-renamed-with-2-suffix",
        {"out": {"billing_group_no": I}},
        {"out": {"billing_group_no_2": I}},
        "field-renamed",
        "output",
        "billing_group_no_2",
        True,
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "kind", "side", "path", "breaking"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_change_kind_is_found_and_classified(
    old: dict[str, Any], new: dict[str, Any], kind: str, side: str, path: str, breaking: bool
) -> None:
    assert one(changes(old, new)) == (ChangeKind(kind), side, path, breaking)


def test_an_unchanged_method_has_no_change() -> None:
    same = {"in": {"a": S}, "required": ["a"], "out": {"b": {**S, "maxLength": 9}}}
    assert changes(same, same) == []


def test_methods_added_and_removed() -> None:
    before = read_description(swagger({"old_m": {}, "kept_m": {}}))
    after = read_description(swagger({"kept_m": {}, "new_m": {}}))
    found = [(c.method, c.kind, c.breaking) for c in diff_models(before, after)]
    assert found == [
        ("new_m", ChangeKind.METHOD_ADDED, False),
        ("old_m", ChangeKind.METHOD_REMOVED, True),
    ]


def test_changes_inside_array_items_carry_the_nested_path() -> None:
    new_defs = {
        "Item": {
            "type": "object",
            "properties": {"sku": {"type": "integer"}, "price": {"type": "number"}},
        }
    }
    found = changes(
        {"out": {"lines": ITEM}}, {"out": {"lines": ITEM}}, old_defs=ITEM_DEFS, new_defs=new_defs
    )
    described = {(c.kind, c.path, c.breaking) for c in found}
    assert described == {
        (ChangeKind.TYPE_CHANGED, "lines[].sku", True),
        (ChangeKind.FIELD_REMOVED, "lines[].units", True),
        (ChangeKind.FIELD_ADDED, "lines[].price", False),
    }


def test_an_added_array_is_one_change_not_one_per_item_field() -> None:
    found = changes({"out": {}}, {"out": {"lines": ITEM}}, new_defs=ITEM_DEFS)
    assert one(found) == (ChangeKind.FIELD_ADDED, "output", "lines", False)
    assert found[0].new == "array with 2 nested fields"

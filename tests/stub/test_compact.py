"""compact_json writes the same bytes as the standard library's compact json.dumps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.stub.compact import compact_json

VALUES: list[Any] = [
    {"error_code": 0, "error_msg": "OK", "amount": 39.9, "lines": [{"a": None, "b": 1e16}]},
    {"name": "Café Ünïcode", "emoji": "\U0001f600"},  # escaped as \uXXXX, as PHP writes it
    {"big": 2**70, "small": -(2**63)},  # beyond 64 bits: orjson refuses, json does not
    [0.1, -0.0, 0.0001, 123456789.123, 1e21],
]


@pytest.mark.parametrize("value", VALUES, ids=["envelope", "non-ascii", "big-int", "floats"])
def test_compact_json_matches_json_dumps(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":")).encode("ascii")
    assert compact_json(value) == expected


def test_what_json_cannot_hold_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        compact_json({"amount": object()})


def test_tiny_floats_are_the_same_numbers_in_another_notation() -> None:
    value = {"carryover_from_current_amt": 1e-06, "unrounded_tax_amt": 1.5e-07}
    written = compact_json(value)
    assert written == b'{"carryover_from_current_amt":1e-6,"unrounded_tax_amt":1.5e-7}'
    assert json.loads(written) == value

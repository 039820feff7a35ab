"""A contract violation: which method, where in the response, what was expected, what came."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.jsontypes import json_type

__all__ = ["Violation", "describe_value", "json_type", "to_pointer"]

_MAX_ACTUAL = 80


@dataclass(frozen=True)
class Violation:
    """One way a response breaks its method's contract."""

    method: str
    pointer: str
    expected: str
    actual: str
    message: str
    rule: str

    def __str__(self) -> str:
        return (
            f"{self.method} {self.pointer or '/'}: {self.message} "
            f"(expected {self.expected}; actual {self.actual}) [{self.rule}]"
        )


def describe_value(value: Any) -> str:
    """A short JSON rendering of a value for a violation message."""
    try:
        text = json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_ACTUAL else text[: _MAX_ACTUAL - 3] + "..."


def to_pointer(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

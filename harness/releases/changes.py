"""What can change between two releases of a method, and whether it breaks a client."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Change", "ChangeKind", "is_breaking"]


class ChangeKind(StrEnum):
    """The kinds of change the diff reports."""

    METHOD_ADDED = "method-added"
    METHOD_REMOVED = "method-removed"
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    FIELD_RENAMED = "field-renamed"
    TYPE_CHANGED = "type-changed"
    BECAME_REQUIRED = "became-required"
    BECAME_OPTIONAL = "became-optional"
    MAX_LENGTH_CHANGED = "max-length-changed"
    ENUM_CHANGED = "enum-changed"


# A type change that accepts every value the old type did (oasdiff's "generalized").
_WIDENINGS = frozenset({("integer", "number")})


@dataclass(frozen=True)
class Change:
    """One change to one method, on its input or output side, at a field path."""

    method: str
    kind: ChangeKind
    breaking: bool
    side: str | None = None  # "input" | "output"; None for a whole method
    path: str | None = None  # the field's path in the new release (a rename: its new path)
    old: Any = None
    new: Any = None
    # Why a rename was recognised, or anything else a reader needs to judge the change.
    note: str = ""
    # A rename whose one side carries release 19's _2 artifact.
    artifact: bool = False

    def describe(self) -> str:
        """One line saying what changed, without the method name."""
        kind, old, new = self.kind, self.old, self.new
        where = f"{self.side} {self.path}"
        if kind is ChangeKind.METHOD_ADDED:
            text = "method added"
        elif kind is ChangeKind.METHOD_REMOVED:
            text = "method removed"
        elif kind is ChangeKind.FIELD_ADDED:
            text = f"{where} added ({new})"
        elif kind is ChangeKind.FIELD_REMOVED:
            text = f"{where} removed ({old})"
        elif kind is ChangeKind.FIELD_RENAMED:
            text = f"{self.side} {old} renamed to {new}"
        elif kind is ChangeKind.TYPE_CHANGED:
            text = f"{where} type {old} -> {new}"
        elif kind is ChangeKind.BECAME_REQUIRED:
            text = f"{where} became required"
        elif kind is ChangeKind.BECAME_OPTIONAL:
            text = f"{where} became optional"
        elif kind is ChangeKind.MAX_LENGTH_CHANGED:
            text = f"{where} max length {_show(old)} -> {_show(new)}"
        else:
            text = f"{where} enum {_show(old)} -> {_show(new)}"
        return f"{text}: {self.note}" if self.note else text

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "method": self.method,
            "kind": self.kind.value,
            "breaking": self.breaking,
            "side": self.side,
            "path": self.path,
            "old": list(self.old) if isinstance(self.old, tuple) else self.old,
            "new": list(self.new) if isinstance(self.new, tuple) else self.new,
            "note": self.note,
            "artifact": self.artifact,
            "message": self.describe(),
        }


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def is_breaking(kind: ChangeKind, side: str | None, old: Any = None, new: Any = None) -> bool:
    """Whether a change can break a client that worked with the old release.

    Follows oasdiff's classification for clients: what a client sends must still be
    accepted (inputs may only loosen), what it reads must still be there and still fit
    (outputs may only tighten). ``old``/``new`` are the changed values (types, max lengths,
    enums); for an added input, ``new`` is True when the field is required.
    """
    inbound = side == "input"
    if kind is ChangeKind.METHOD_ADDED:
        return False
    if kind in (ChangeKind.METHOD_REMOVED, ChangeKind.FIELD_RENAMED):
        return True
    if kind is ChangeKind.FIELD_ADDED:
        return inbound and bool(new)
    if kind is ChangeKind.FIELD_REMOVED:
        # An output the client reads is gone; an input it sends is silently ignored.
        return True
    if kind is ChangeKind.TYPE_CHANGED:
        widened = (old, new) in _WIDENINGS
        narrowed = (new, old) in _WIDENINGS
        return not widened if inbound else not narrowed
    if kind is ChangeKind.BECAME_REQUIRED:
        return inbound
    if kind is ChangeKind.BECAME_OPTIONAL:
        return not inbound
    if kind is ChangeKind.MAX_LENGTH_CHANGED:
        if inbound:  # a value that fitted before may be too long now
            return new is not None and (old is None or new < old)
        # a client sized for the old maximum may receive a longer value now
        return old is not None and (new is None or new > old)
    if kind is ChangeKind.ENUM_CHANGED:
        if inbound:  # a value the client sends may be refused now
            if new is None:
                return False
            return old is None or bool(set(old) - set(new))
        # the client may receive a value it does not know
        if old is None:
            return False
        return new is None or bool(set(new) - set(old))
    raise ValueError(f"unknown change kind {kind!r}")

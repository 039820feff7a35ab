"""Compare two releases method by method, field by field, nested array items included."""

from __future__ import annotations

from collections.abc import Mapping

from harness.releases.changes import Change, ChangeKind, is_breaking
from harness.releases.renames import pair_renames
from harness.swagger.model import ApiModel, Field, Method, child_path

__all__ = ["diff_methods", "diff_models", "field_summary"]

SIDES = ("input", "output")


def diff_models(old: ApiModel, new: ApiModel) -> list[Change]:
    """Every change from ``old`` to ``new``, methods in name order."""
    changes: list[Change] = []
    for name in sorted(set(old.methods) | set(new.methods)):
        if name not in new.methods:
            kind = ChangeKind.METHOD_REMOVED
            changes.append(Change(name, kind, is_breaking(kind, None)))
        elif name not in old.methods:
            kind = ChangeKind.METHOD_ADDED
            changes.append(Change(name, kind, is_breaking(kind, None)))
        else:
            changes.extend(diff_methods(old.methods[name], new.methods[name]))
    return changes


def diff_methods(old: Method, new: Method) -> list[Change]:
    """The field changes between two releases of one method, inputs then outputs."""
    changes: list[Change] = []
    for side in SIDES:
        _diff_children(new.name, side, old.fields(side), new.fields(side), None, None, changes)
    return changes


def field_summary(field: Field) -> str:
    """A short description of a field: its type, required, nested count."""
    text = field.type
    if field.is_array and field.item_type:
        text = f"array of {field.item_type}"
    nested = sum(1 for _ in field.walk("")) - 1
    if nested:
        text += f" with {nested} nested field{'s' if nested != 1 else ''}"
    if field.required:
        text += ", required"
    return text


def _diff_children(
    method: str,
    side: str,
    old: Mapping[str, Field],
    new: Mapping[str, Field],
    old_parent: tuple[str, Field] | None,
    new_parent: tuple[str, Field] | None,
    out: list[Change],
) -> None:
    def old_path(name: str) -> str:
        return child_path(*old_parent, name) if old_parent else name

    def new_path(name: str) -> str:
        return child_path(*new_parent, name) if new_parent else name

    for name in old:
        if name in new:
            _diff_field(method, side, old[name], new[name], old_path(name), new_path(name), out)
    removed = {name: field for name, field in old.items() if name not in new}
    added = {name: field for name, field in new.items() if name not in old}
    for rename in pair_renames(removed, added):
        before, after = removed.pop(rename.old), added.pop(rename.new)
        kind = ChangeKind.FIELD_RENAMED
        out.append(
            Change(
                method,
                kind,
                is_breaking(kind, side),
                side,
                new_path(rename.new),
                old_path(rename.old),
                new_path(rename.new),
                rename.reason,
                rename.artifact,
            )
        )
        _diff_field(method, side, before, after, old_path(rename.old), new_path(rename.new), out)
    for name, field in removed.items():
        kind = ChangeKind.FIELD_REMOVED
        out.append(
            Change(
                method, kind, is_breaking(kind, side), side, old_path(name), field_summary(field)
            )
        )
    for name, field in added.items():
        kind = ChangeKind.FIELD_ADDED
        out.append(
            Change(
                method,
                kind,
                is_breaking(kind, side, None, field.required),
                side,
                new_path(name),
                None,
                field_summary(field),
            )
        )


def _diff_field(
    method: str, side: str, old: Field, new: Field, old_path: str, path: str, out: list[Change]
) -> None:
    def emit(kind: ChangeKind, before: object, after: object) -> None:
        out.append(
            Change(method, kind, is_breaking(kind, side, before, after), side, path, before, after)
        )

    old_type, new_type = _type_of(old), _type_of(new)
    if old_type != new_type:
        emit(ChangeKind.TYPE_CHANGED, old_type, new_type)
    if old.required != new.required:
        emit(
            ChangeKind.BECAME_REQUIRED if new.required else ChangeKind.BECAME_OPTIONAL,
            old.required,
            new.required,
        )
    if old.max_length != new.max_length:
        emit(ChangeKind.MAX_LENGTH_CHANGED, old.max_length, new.max_length)
    if _enum_set(old) != _enum_set(new):
        emit(ChangeKind.ENUM_CHANGED, old.enum, new.enum)
    if old.type == new.type and (old.children or new.children):
        _diff_children(method, side, old.children, new.children, (old_path, old), (path, new), out)


def _type_of(field: Field) -> str:
    return f"array of {field.item_type}" if field.is_array and field.item_type else field.type


def _enum_set(field: Field) -> frozenset[object] | None:
    return None if field.enum is None else frozenset(field.enum)

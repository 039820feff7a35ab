"""Where the bundled description and a release disagree: which is newer, and what to change.

The bundled ``openapi/aria.yaml`` records per method where its facts come from
(``x-aria-source``): an aria-docs page, or a Swagger release. Aria's documentation pages are
newer than the Swagger releases the description was built against (its ``info.version``,
``A7-19+docs``): for a documented method the docs win over those releases; a later release
is newer than both. Release 19's ``_2`` suffix is an artifact whichever side carries it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.releases.changes import Change, ChangeKind
from harness.swagger.model import ApiModel, Field, Method

__all__ = ["BUNDLED_FILE", "Disagreement", "disagreements"]

BUNDLED_FILE = "openapi/aria.yaml"
# A release number: "19", or "A7-19+docs" (the 7 of "A7" names the API, not a release).
_RELEASE = re.compile(r"(?<![A-Za-z])(\d+)")
_SWAGGER_SOURCE = re.compile(r"all_A7_(\d+)_swagger")


@dataclass(frozen=True)
class Disagreement:
    """One change between the bundled description and a release, judged."""

    change: Change
    newer: str  # "bundled" | "release" | "unknown"
    why: str
    proposal: str | None  # what to change in openapi/aria.yaml, when the release is newer

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "change": self.change.as_dict(),
            "newer": self.newer,
            "why": self.why,
            "proposal": self.proposal,
        }


def disagreements(
    bundled: ApiModel, release: ApiModel, changes: Sequence[Change]
) -> list[Disagreement]:
    """Judge each change (bundled -> release) to a method the bundled description describes."""
    built_on = _release_number(bundled.version)
    release_no = _release_number(release.version)
    judged: list[Disagreement] = []
    for change in changes:
        if change.method not in bundled.methods:
            continue
        method = bundled.methods[change.method]
        newer, why = _newer(change, method, built_on, release_no)
        proposal = None
        if newer == "release":
            proposal = _proposal(change, method, release.methods.get(change.method))
        judged.append(Disagreement(change, newer, why, proposal))
    return judged


def _release_number(version: str) -> int | None:
    match = _RELEASE.search(version or "")
    return int(match.group(1)) if match else None


def _newer(
    change: Change, method: Method, built_on: int | None, release_no: int | None
) -> tuple[str, str]:
    if change.artifact:
        if str(change.old).endswith("_2"):
            return (
                "release",
                "aria.yaml copies release 19's _2 artifact; the release spells it plainly",
            )
        return (
            "bundled",
            "the release carries release 19's _2 artifact; aria.yaml spells it plainly",
        )
    source = method.source
    swagger = _SWAGGER_SOURCE.search(source)
    if source.startswith("aria-docs/"):
        if release_no is not None and built_on is not None and release_no > built_on:
            return "release", (
                f"release {release_no} is later than release {built_on}, the newest the docs "
                f"page {source} is known to postdate: check the page"
            )
        return (
            "bundled",
            f"the docs page {source} is newer than Aria's Swagger release {release_no}",
        )
    if swagger is not None:
        basis = int(swagger.group(1))
        if release_no is None:
            return (
                "unknown",
                f"aria.yaml follows Swagger release {basis}; the other side names no release",
            )
        if release_no > basis:
            return (
                "release",
                f"release {release_no} is newer than release {basis}, which aria.yaml follows",
            )
        if release_no == basis:
            return "bundled", f"aria.yaml follows release {basis} and refines it here"
        return "bundled", f"aria.yaml follows release {basis}, newer than release {release_no}"
    return "unknown", "aria.yaml records no source for this method"


def _proposal(change: Change, method: Method, released: Method | None) -> str | None:
    if change.side is None or change.path is None:
        return None
    old_path = str(change.old) if change.kind is ChangeKind.FIELD_RENAMED else change.path
    owner, name = _owner(method, change.side, old_path)
    where = f"{BUNDLED_FILE} components.schemas.{owner}"
    kind, new = change.kind, change.new
    output = change.side == "output"
    if kind is ChangeKind.FIELD_ADDED:
        field = released.flat(change.side).get(change.path) if released else None
        if field is None:
            return f"{where}.properties: add {name} ({new})"
        return f"{where}.properties: add {name}: {json.dumps(_schema_of(field, output))}"
    if kind is ChangeKind.FIELD_REMOVED:
        return f"{where}.properties: remove {name}"
    if kind is ChangeKind.FIELD_RENAMED:
        return f"{where}.properties: rename {name} to {str(new).rsplit('.', 1)[-1]}"
    if kind is ChangeKind.TYPE_CHANGED:
        return f"{where}.properties.{name}: type {json.dumps([new, 'null'] if output else new)}"
    if kind is ChangeKind.BECAME_REQUIRED:
        return f"{where}.required: add {name}"
    if kind is ChangeKind.BECAME_OPTIONAL:
        return f"{where}.required: remove {name}"
    if kind is ChangeKind.MAX_LENGTH_CHANGED:
        field = method.flat(change.side).get(change.path)
        # OpenAPI's maxLength is for strings; the description keeps other lengths apart.
        key = "maxLength" if field is None or field.type == "string" else "x-aria-max-length"
        return f"{where}.properties.{name}: {key} {new if new is not None else '(remove)'}"
    if kind is ChangeKind.ENUM_CHANGED:
        return f"{where}.properties.{name}: enum {json.dumps(list(new)) if new else '(remove)'}"
    return None


def _schema_of(field: Field, output: bool) -> dict[str, Any]:
    """The property to add, in the bundled description's style (outputs nullable)."""
    schema: dict[str, Any] = {"type": [field.type, "null"] if output else field.type}
    if field.is_array:
        schema["items"] = (
            {"$ref": f"#/components/schemas/{field.item_schema}"}
            if field.item_schema
            else {"type": field.item_type or "string"}
        )
    if field.max_length is not None:
        schema["maxLength" if field.type == "string" else "x-aria-max-length"] = field.max_length
    if field.enum is not None:
        schema["enum"] = list(field.enum)
    return schema


def _owner(method: Method, side: str, path: str) -> tuple[str, str]:
    """The component schema that holds the field at ``path``, and the field's own name."""
    parts = path.replace("[]", "").split(".")
    schema = (method.request_schema if side == "input" else method.response_schema) or "?"
    fields: Mapping[str, Field] = method.fields(side)
    for part in parts[:-1]:
        parent = fields.get(part)
        if parent is None:
            return f"{schema} (under {part})", parts[-1]
        schema = parent.item_schema or f"{schema}.{part}"
        fields = parent.children
    return schema, parts[-1]

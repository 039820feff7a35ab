"""Answers checked against the description: fields it lacks, types it gets wrong.

A contract says what an answer must hold; this check says where real answers hold more than
``openapi/aria.yaml`` describes, or values of another type, so the description can catch up.
Each gap names the method, the component schema the field belongs to and where it was seen;
``proposal_yaml`` turns the gaps into a fragment a reviewer can paste under the description's
``components: schemas:``. ``aria-harness validate --cassettes`` runs it over recordings;
drift runs it over tonight's answers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.jsontypes import json_type
from harness.recording.sensitive import is_sensitive

__all__ = ["DescriptionGaps", "Gap", "description_gaps", "proposal_yaml"]

_REF = "#/components/schemas/"
UNDOCUMENTED = "undocumented_field"
WRONG_TYPE = "type_mismatch"


@dataclass(frozen=True)
class Gap:
    """One place where an answer and the description disagree."""

    kind: str  # undocumented_field or type_mismatch
    method: str
    location: tuple[str, ...]  # path of the schema's properties inside components.schemas
    name: str
    pointer: str  # where in the answer it was seen
    seen: str  # JSON type of the value
    documented: tuple[str, ...] = ()

    def __str__(self) -> str:
        # no "name: value" shape, which secret scanners read as a field holding a value
        if self.kind == UNDOCUMENTED:
            return (
                f"{self.method} at {self.pointer} - field {self.name!r} ({self.seen}) is not "
                f"in the description ({'.'.join(self.location[:-1])})"
            )
        return (
            f"{self.method} at {self.pointer} - the description says "
            f"{' or '.join(self.documented)}, the answer has {self.seen}"
        )


def _fits(seen: str, documented: Iterable[str]) -> bool:
    allowed = set(documented)
    return seen in allowed or (seen == "integer" and "number" in allowed)


def _types(prop: Mapping[str, Any]) -> tuple[str, ...]:
    kind = prop.get("type")
    if kind is None:
        return ("object",) if "$ref" in prop else ()
    return (kind,) if isinstance(kind, str) else tuple(kind)


def description_gaps(method: str, answer: Any) -> list[Gap]:
    """Every gap between one answer of a method and the description (empty: none)."""
    from harness.spec import registry

    specs = registry()
    if method not in specs or not isinstance(answer, Mapping):
        return []
    name = specs[method].response_schema
    gaps: list[Gap] = []
    _walk(method, answer, specs.schema(name), (name,), "", gaps)
    return gaps


def _resolve(prop: Mapping[str, Any]) -> tuple[Mapping[str, Any], tuple[str, ...]] | None:
    ref = prop.get("$ref")
    if ref is None or not ref.startswith(_REF):
        return None
    name = ref[len(_REF) :]
    return _schemas()[name], (name,)


@functools.cache
def _schemas() -> Mapping[str, Any]:
    from harness.spec import registry

    return registry().document["components"]["schemas"]


def _walk(
    method: str,
    value: Mapping[str, Any],
    schema: Mapping[str, Any],
    location: tuple[str, ...],
    pointer: str,
    gaps: list[Gap],
) -> None:
    props = schema.get("properties", {})
    for key, child in value.items():
        # decoded JSON: dict and list checked directly (cheaper than the ABCs)
        key = str(key)
        where = f"{pointer}/{key}"
        seen = json_type(child)
        prop = props.get(key)
        if prop is None:
            gaps.append(Gap(UNDOCUMENTED, method, (*location, "properties"), key, where, seen))
            continue
        documented = _types(prop)
        if child is not None and documented and not _fits(seen, documented):
            gaps.append(
                Gap(WRONG_TYPE, method, (*location, "properties"), key, where, seen, documented)
            )
            continue
        nested = _nested(prop, key, location)
        if nested is None:
            continue
        inner, inner_location = nested
        if isinstance(child, dict):
            _walk(method, child, inner, inner_location, where, gaps)
        elif isinstance(child, list):
            for index, item in enumerate(child):
                if isinstance(item, dict):
                    _walk(method, item, inner, inner_location, f"{where}/{index}", gaps)


def _nested(
    prop: Mapping[str, Any], key: str, location: tuple[str, ...]
) -> tuple[Mapping[str, Any], tuple[str, ...]] | None:
    for holder, path in ((prop, (key,)), (prop.get("items") or {}, (key, "items"))):
        found = _resolve(holder)
        if found is not None:
            return found
        if "properties" in holder:
            return holder, (*location, "properties", *path)
    return None


@dataclass
class _Entry:
    gap: Gap
    count: int = 0
    seen: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)


class DescriptionGaps:
    """Gaps gathered over many answers, one entry per field (memory: distinct gaps only)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, tuple[str, ...], str], _Entry] = {}

    def add(self, gaps: Iterable[Gap]) -> None:
        """Count the gaps of one answer."""
        for gap in gaps:
            entry = self._entries.setdefault((gap.kind, gap.location, gap.name), _Entry(gap))
            entry.count += 1
            entry.seen.add(gap.seen)
            entry.methods.add(gap.method)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def rows(self) -> list[dict[str, Any]]:
        """One row per gap, sorted by method and pointer, for reports."""
        rows = [
            {
                "kind": e.gap.kind,
                "methods": sorted(e.methods),
                "schema": e.gap.location[0],
                "field": e.gap.name,
                "pointer": e.gap.pointer,
                "documented": list(e.gap.documented),
                "seen": sorted(e.seen),
                "count": e.count,
                "message": str(e.gap),
            }
            for e in self._entries.values()
        ]
        return sorted(rows, key=lambda r: (r["methods"], r["pointer"], r["field"]))

    def proposal(self) -> dict[str, Any]:
        """The proposed change as a ``components.schemas`` mapping."""
        root: dict[str, Any] = {}
        for entry in self._entries.values():
            gap = entry.gap
            node = root
            for part in gap.location:
                node = node.setdefault(part, {})
            seen = _merge_types(entry.seen)
            if is_sensitive(gap.name):
                # left to a comment: a sensitive field's name beside a type would read, to
                # the secret scanner, as that field holding a value
                continue
            if gap.kind == UNDOCUMENTED:
                node[gap.name] = {
                    # output fields are nullable: Aria sends them as null on an error
                    "type": [*seen, "null"] if "null" not in seen else seen,
                    "description": "Seen in answers of "
                    f"{', '.join(sorted(entry.methods))}; not yet described.",
                }
            else:
                node[gap.name] = {"type": sorted(set(gap.documented) | set(seen))}
        return {"components": {"schemas": root}} if root else {}

    def sensitive_names(self) -> list[str]:
        """Names of sensitive fields among the gaps (proposed in a comment, not as YAML)."""
        return sorted({e.gap.name for e in self._entries.values() if is_sensitive(e.gap.name)})


def _merge_types(seen: Iterable[str]) -> list[str]:
    kinds = set(seen)
    if {"integer", "number"} <= kinds:
        kinds.discard("integer")
    return sorted(kinds)


def proposal_yaml(gaps: DescriptionGaps) -> str:
    """The proposed change to openapi/aria.yaml as YAML text ("" when there is none)."""
    import yaml

    proposal = gaps.proposal()
    text = (
        yaml.safe_dump(proposal, sort_keys=True, default_flow_style=None, width=100)
        if proposal
        else ""
    )
    sensitive = gaps.sensitive_names()
    if sensitive:
        text += f"# also missing, sensitive, to describe by hand: {', '.join(sensitive)}\n"
    return text


@dataclass(frozen=True)
class AnswerCheck:
    """One recorded answer checked against its contract and the description."""

    interaction: str
    method: str
    known: bool  # the method is in the description
    violations: tuple[Any, ...] = ()  # harness.contracts.Violation
    gaps: tuple[Gap, ...] = ()


def check_cassettes(root: str | Any) -> Iterable[AnswerCheck]:
    """Check every recorded Aria answer under a folder, one cassette at a time."""
    from harness.contracts import validate
    from harness.drift.cassettes import iter_cassettes
    from harness.spec import registry

    for _, interactions in iter_cassettes(root):
        for interaction in interactions:
            answer = interaction.response.json()
            if not isinstance(answer, Mapping) or "error_code" not in answer:
                continue  # not an Aria answer (an outage page, a gateway's JSON)
            method = interaction.method
            if method not in registry():
                yield AnswerCheck(interaction.id, method, known=False)
                continue
            yield AnswerCheck(
                interaction.id,
                method,
                known=True,
                violations=tuple(validate(method, answer)),
                gaps=tuple(description_gaps(method, answer)),
            )

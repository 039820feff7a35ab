"""The normalised model of an Aria API description: methods, their inputs and outputs.

Both readers (Aria's Swagger 2.0 files and OpenAPI 3.x, the bundled description included)
produce this model, with every Aria quirk already normalised (see ``quirks.py``), so the
release diff and the Swagger converter never see a quirk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiModel", "Field", "Method", "SCALAR_TYPES", "child_path"]

SCALAR_TYPES = ("string", "integer", "number", "boolean")


@dataclass(frozen=True)
class Field:
    """One input or output field; an array's item fields (or an object's) are its children."""

    name: str
    type: str  # "string" | "integer" | "number" | "boolean" | "array" | "object" | "any"
    required: bool = False
    max_length: int | None = None
    enum: tuple[Any, ...] | None = None
    description: str = ""
    # For an array of scalars, the items' type; for an array of objects, None (see children).
    item_type: str | None = None
    # The component schema holding the children (an array's item schema), for a converter.
    item_schema: str | None = None
    children: Mapping[str, Field] = field(default_factory=dict)

    @property
    def is_array(self) -> bool:
        """True for an array field."""
        return self.type == "array"

    def walk(self, path: str) -> Iterator[tuple[str, Field]]:
        """This field and every nested field, as ``(path, field)`` pairs, parents first."""
        yield path, self
        for name, child in self.children.items():
            yield from child.walk(child_path(path, self, name))


def child_path(parent_path: str, parent: Field, name: str) -> str:
    """The path of a nested field: ``list[].name`` under an array, ``obj.name`` under an object."""
    return f"{parent_path}[].{name}" if parent.is_array else f"{parent_path}.{name}"


@dataclass(frozen=True)
class Method:
    """One Aria method: the ``rest_call`` name, its inputs and outputs (envelope excluded)."""

    name: str
    inputs: Mapping[str, Field]
    outputs: Mapping[str, Field]
    summary: str = ""
    description: str = ""
    request_schema: str | None = None
    response_schema: str | None = None
    # Where the method's facts come from (a docs page or a Swagger path), when the file says.
    source: str = ""

    def fields(self, side: str) -> Mapping[str, Field]:
        """The top-level fields of one side: ``"input"`` or ``"output"``."""
        if side == "input":
            return self.inputs
        if side == "output":
            return self.outputs
        raise ValueError(f"unknown side {side!r}; expected 'input' or 'output'")

    def flat(self, side: str) -> dict[str, Field]:
        """Every field of one side, nested ones included, by path."""
        flat: dict[str, Field] = {}
        for name, top in self.fields(side).items():
            flat.update(top.walk(name))
        return flat


@dataclass(frozen=True)
class ApiModel:
    """A whole description: its methods by name, and where and which release it is."""

    methods: Mapping[str, Method]
    version: str = ""
    title: str = ""
    # "swagger2" or "openapi3"
    format: str = ""
    # A path, a URL or "bundled": what the user named.
    location: str = ""

    def __contains__(self, name: object) -> bool:
        return name in self.methods

    def __getitem__(self, name: str) -> Method:
        return self.methods[name]

    def __len__(self) -> int:
        return len(self.methods)

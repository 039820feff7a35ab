"""Judge a generated request as Aria would read it: which inputs are really invalid.

Schemathesis knows which cases it generated as negative, but not how Aria reads a body: PHP
turns ``"12"`` into 12 for an integer input, a form body carries every value as a string, and
a JSON number sent for a string input arrives as its text. Before demanding that a case be
rejected, the check re-reads the body leniently (the way Aria's PHP most plausibly does) and
demands rejection only for what stays invalid after that reading.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from harness.facts import aria_bool
from harness.spec import MethodSpec, registry

__all__ = ["Invalid", "invalid_inputs", "expected_codes"]

_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_DOC_URI = "urn:aria-harness:fuzz:openapi"


@dataclass(frozen=True)
class Invalid:
    """One input that stays invalid after Aria's lenient reading."""

    field: str
    keyword: str
    message: str


def invalid_inputs(spec: MethodSpec, body: Any) -> list[Invalid]:
    """The inputs of a request body that Aria must reject; empty when the body is acceptable."""
    if not isinstance(body, Mapping):
        return [Invalid("", "type", "the body is not an object")]
    request = registry().schema(spec.request_schema)
    coerced = _coerce_object(request, body)
    validator = _validator(spec.request_schema)
    if validator.is_valid(coerced):
        return []
    found: list[Invalid] = []
    for error in validator.iter_errors(coerced):
        path = [str(part) for part in error.instance_path]
        keyword = error.kind.name
        if keyword == "required":
            field = str(error.kind.as_dict().get("property", ""))
        elif keyword == "anyOf" and not path:
            field = "|".join(alt[0] for alt in spec.alternatives) or "anyOf"
            keyword = "required"
        else:
            field = path[0] if path else ""
        found.append(Invalid(field, keyword, error.message))
    return found


def expected_codes(spec: MethodSpec, invalid: list[Invalid]) -> frozenset[int] | None:
    """The codes the docs name for these invalid inputs, or None when they name none.

    Only an out-of-enum value of an input that a documented code names alone counts
    (gen_invoice_m: invoice_mode -> 1059, combine_invoices -> 1068); for anything else the docs
    leave the code open and any non-zero code is a correct rejection.
    """
    codes: set[int] = set()
    for item in invalid:
        if item.keyword != "enum":
            return None
        named = [code for code, entry in spec.error_codes.items() if entry.inputs == (item.field,)]
        if len(named) != 1:
            return None
        codes.add(named[0])
    return frozenset(codes) or None


def _coerce_object(schema: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    result: dict[str, Any] = {}
    for key, value in body.items():
        if value is None:  # a JSON null reads as an absent input (form encoding drops it too)
            continue
        if value == "" and key not in required:
            # An empty optional parameter is "not given" to Aria's PHP; what it means for a
            # required one (missing, or an empty value) is left to the method.
            continue
        prop = properties.get(key)
        result[key] = _coerce(prop, value) if prop is not None else value
    return result


def _coerce(prop: Mapping[str, Any], value: Any) -> Any:
    if "$ref" in prop:
        prop = _resolve(prop["$ref"])
    kind = prop.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "integer" in kinds:
        if isinstance(value, str) and _INTEGER.match(value):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if "number" in kinds and isinstance(value, str) and _NUMBER.match(value):
        return float(value)
    if "string" in kinds:
        if isinstance(value, bool):
            return aria_bool(value)
        if isinstance(value, int | float):
            return str(value)
    if "array" in kinds and isinstance(value, Mapping) and not value:
        # PHP decodes {} and [] to the same empty array, and a form body carries neither.
        return []
    if "array" in kinds and isinstance(value, list):
        items = prop.get("items", {})
        if "$ref" in items:
            items = _resolve(items["$ref"])
        return [
            _coerce_object(items, item) if isinstance(item, Mapping) else _coerce(items, item)
            for item in value
        ]
    return value


def _resolve(ref: str) -> Mapping[str, Any]:
    return registry().schema(ref.rsplit("/", 1)[-1])


@functools.cache
def _validator(schema_name: str) -> Any:
    document = registry().document
    resources = jsonschema_rs.Registry(
        [(_DOC_URI, dict(document))], draft=jsonschema_rs.Draft202012
    )
    return jsonschema_rs.validator_for(
        {"$ref": f"{_DOC_URI}#/components/schemas/{schema_name}"}, registry=resources
    )

"""Read Aria's Swagger 2.0 files (``all_A7_swagger.json``) into the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.swagger._fields import SchemaReader, build_method, read_model
from harness.swagger.model import ApiModel, Method

__all__ = ["read_swagger2"]

_PREFIX = "#/definitions/"


def read_swagger2(document: Mapping[str, Any], *, location: str = "") -> ApiModel:
    """The model of a Swagger 2.0 document, Aria's quirks normalised."""
    reader = SchemaReader(document.get("definitions") or {}, _PREFIX)
    return read_model(document, reader, _method, fmt="swagger2", location=location)


def _method(reader: SchemaReader, path: str, operation: Mapping[str, Any]) -> Method:
    parameters = operation.get("parameters") or ()
    body = next((p for p in parameters if p.get("in") == "body"), None) or {}
    responses = operation.get("responses") or {}
    answer = responses.get("default") or responses.get("200") or {}
    return build_method(
        reader,
        operation,
        path=path,
        request=body.get("schema") or {},
        response=answer.get("schema") or {},
        name_hint=str(operation.get("summary", "")),
        source=path,
    )

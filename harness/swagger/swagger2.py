"""Read Aria's Swagger 2.0 files (``all_A7_swagger.json``) into the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.swagger import quirks
from harness.swagger._fields import SchemaReader, read_model
from harness.swagger.model import ApiModel, Method

__all__ = ["read_swagger2"]

_PREFIX = "#/definitions/"


def read_swagger2(document: Mapping[str, Any], *, location: str = "") -> ApiModel:
    """The model of a Swagger 2.0 document, Aria's quirks normalised."""
    reader = SchemaReader(document.get("definitions") or {}, _PREFIX)
    return read_model(document, reader, _method, fmt="swagger2", location=location)


def _method(reader: SchemaReader, path: str, operation: Mapping[str, Any]) -> Method:
    body = next(
        (p for p in operation.get("parameters") or () if p.get("in") == "body"),
        None,
    )
    request_name, request = None, {}
    if body is not None and "$ref" in (body.get("schema") or {}):
        request_name, request = reader.resolve(body["schema"]["$ref"])
    elif body is not None:
        request = body.get("schema") or {}
    responses = operation.get("responses") or {}
    answer = responses.get("default") or responses.get("200") or {}
    response_name, response = None, answer.get("schema") or {}
    if "$ref" in response:
        response_name, response = reader.resolve(response["$ref"])
    name = quirks.method_name(request, summary=str(operation.get("summary", "")), path=path)
    return Method(
        name=name,
        inputs=reader.object_fields(request, skip=quirks.ENVELOPE_INPUTS),
        outputs=reader.object_fields(response, skip=quirks.ENVELOPE_OUTPUTS),
        summary=quirks.clean_text(operation.get("summary")),
        description=quirks.clean_text(operation.get("description")),
        request_schema=request_name,
        response_schema=response_name,
        source=path,
    )

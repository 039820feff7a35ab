"""Read Aria's Swagger 2.0 files (``all_A7_swagger.json``) into the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import DescriptionError
from harness.swagger import quirks
from harness.swagger._fields import SchemaReader
from harness.swagger.model import ApiModel, Method

__all__ = ["read_swagger2"]

_PREFIX = "#/definitions/"


def read_swagger2(document: Mapping[str, Any], *, location: str = "") -> ApiModel:
    """The model of a Swagger 2.0 document, Aria's quirks normalised."""
    definitions = document.get("definitions") or {}
    if not isinstance(definitions, Mapping):
        raise DescriptionError("'definitions' is not an object")

    def resolve(ref: str) -> tuple[str, Mapping[str, Any]]:
        name = ref[len(_PREFIX) :] if ref.startswith(_PREFIX) else ""
        if name not in definitions:
            raise DescriptionError(f"unresolvable $ref {ref!r}")
        return name, definitions[name]

    reader = SchemaReader(resolve)
    methods: dict[str, Method] = {}
    for path, item in (document.get("paths") or {}).items():
        operation = item.get("post") if isinstance(item, Mapping) else None
        if not isinstance(operation, Mapping):
            continue
        method = _method(reader, resolve, str(path), operation)
        methods[method.name] = method
    info = document.get("info") or {}
    return ApiModel(
        methods=methods,
        version=str(info.get("version", "")),
        title=str(info.get("title", "")),
        format="swagger2",
        location=location,
    )


def _method(reader: SchemaReader, resolve: Any, path: str, operation: Mapping[str, Any]) -> Method:
    body = next(
        (p for p in operation.get("parameters") or () if p.get("in") == "body"),
        None,
    )
    request_name, request = None, {}
    if body is not None and "$ref" in (body.get("schema") or {}):
        request_name, request = resolve(body["schema"]["$ref"])
    elif body is not None:
        request = body.get("schema") or {}
    responses = operation.get("responses") or {}
    answer = responses.get("default") or responses.get("200") or {}
    response_name, response = None, answer.get("schema") or {}
    if "$ref" in response:
        response_name, response = resolve(response["$ref"])
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

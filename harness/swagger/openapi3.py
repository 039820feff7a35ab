"""Read OpenAPI 3.x descriptions (the bundled ``openapi/aria.yaml`` among them) into the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.swagger._fields import SchemaReader, build_method, read_model
from harness.swagger.model import ApiModel, Method

__all__ = ["read_openapi3"]

_PREFIX = "#/components/schemas/"
_MEDIA_TYPES = ("application/json", "application/x-www-form-urlencoded")


def read_openapi3(document: Mapping[str, Any], *, location: str = "") -> ApiModel:
    """The model of an OpenAPI 3.x document with Aria's one-path-per-method convention."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    return read_model(
        document, SchemaReader(schemas, _PREFIX), _method, fmt="openapi3", location=location
    )


def _body_schema(content: Mapping[str, Any]) -> Mapping[str, Any]:
    for media_type in _MEDIA_TYPES:
        if media_type in content:
            return content[media_type].get("schema") or {}
    for entry in content.values():
        return entry.get("schema") or {}
    return {}


def _method(reader: SchemaReader, path: str, operation: Mapping[str, Any]) -> Method:
    responses = operation.get("responses") or {}
    answer = responses.get("200") or responses.get("default") or {}
    return build_method(
        reader,
        operation,
        path=path,
        request=_body_schema((operation.get("requestBody") or {}).get("content") or {}),
        response=_body_schema(answer.get("content") or {}),
        name_hint=str(operation.get("operationId", "")),
        explicit_name=str(operation.get("x-aria-method", "")),
        source=str(operation.get("x-aria-source") or path),
    )

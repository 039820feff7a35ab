"""Small Aria-style descriptions made in tests, with the quirks of Aria's published files."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any


def camel(method: str) -> str:
    """Aria's operation name for a method: gen_invoice_m -> GenInvoiceM."""
    return "".join(part.capitalize() for part in method.split("_"))


def swagger(
    methods: Mapping[str, Mapping[str, Any]],
    *,
    version: str = "1",
    definitions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A Swagger 2.0 document as Aria publishes it.

    Each method maps to ``{"in": {name: schema}, "required": [...], "out": {name: schema}}``.
    """
    paths: dict[str, Any] = {}
    defs: dict[str, Any] = copy.deepcopy(dict(definitions or {}))
    for name, sides in methods.items():
        op = camel(name)
        defs[f"{op}Request"] = {
            "type": "object",
            "description": "",
            "properties": {
                "rest_call": {"type": "string", "enum": [name], "default": name},
                "output_format": {"type": "string", "enum": ["json"], "default": "json"},
                "client_no": {"type": "integer", "format": "int64", "description": "\n"},
                "auth_key": {"type": "string"},
                **copy.deepcopy(dict(sides.get("in", {}))),
            },
            "required": ["rest_call", "output_format", "client_no", *sides.get("required", [])],
        }
        defs[f"{op}Response"] = {
            "type": "object",
            "description": "",
            "properties": {
                "error_code": {"type": "integer", "format": "int64"},
                "error_msg": {"type": "string"},
                **copy.deepcopy(dict(sides.get("out", {}))),
            },
        }
        paths[f"#{op}"] = {
            "post": {
                "summary": name,
                "description": "",
                "operationId": op,
                "parameters": [
                    {
                        "name": "body",
                        "in": "body",
                        "required": "true",
                        "schema": {"$ref": f"#/definitions/{op}Request"},
                    }
                ],
                "tags": [op],
                "responses": {"default": {"schema": {"$ref": f"#/definitions/{op}Response"}}},
            }
        }
    return {
        "swagger": "2.0",
        "info": {"title": "NGAPI Core API", "version": version},
        "basePath": "/api/ws/api_ws_class_dispatcher.php",
        "paths": paths,
        "definitions": defs,
    }


def to_openapi3(document: Mapping[str, Any]) -> dict[str, Any]:
    """The same description in OpenAPI 3.1, in the bundled description's style."""
    text = json.dumps(document).replace("#/definitions/", "#/components/schemas/")
    converted = json.loads(text)
    paths = {}
    for path, item in converted["paths"].items():
        op = item["post"]
        body = op["parameters"][0]["schema"]
        answer = op["responses"]["default"]["schema"]
        paths[f"/api/ws/api_ws_class_dispatcher.php{path}"] = {
            "post": {
                "operationId": op["summary"],
                "x-aria-method": op["summary"],
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"content": {"application/json": {"schema": answer}}}},
            }
        }
    schemas = converted["definitions"]
    for name, schema in schemas.items():
        if name.endswith("Response"):
            for prop in schema["properties"].values():
                if prop.get("type") and not isinstance(prop["type"], list):
                    prop["type"] = [prop["type"], "null"]
    return {
        "openapi": "3.1.0",
        "info": converted["info"],
        "paths": paths,
        "components": {"schemas": schemas},
    }

"""Convert Aria's Swagger (read by ``harness.swagger``) into the description's generated layer.

    python -m harness.swagger.convert ../shared/aria-swagger/all_A7_19_swagger.json

writes ``openapi/generated/aria-a7-19.json``: every method as an operation on a fragment of the
dispatcher path, in the same form as the hand-built ``openapi/aria.yaml``, which overrides it
per method. Each normalisation is listed in ``NORMALISATIONS`` (and in ``openapi/README.md``);
``tests/swagger/test_convert.py`` has a test per entry and re-runs the conversion to prove the
checked-in file is current. The layer is JSON: it is read only when a method outside the
hand-built layer is first asked for, and JSON parses many times faster than YAML.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.spec.registry import GENERATED_FILE
from harness.spec.resources import GENERATED_CONTRACTS
from harness.swagger import ApiModel, Field, Method, load_description, plain_name

__all__ = [
    "GENERATED_CONTRACTS",
    "GENERATED_FILE",
    "NORMALISATIONS",
    "SCHEMA_PREFIX",
    "SOURCE_NAME",
    "contract",
    "contracts",
    "convert",
    "main",
    "render",
]

SOURCE_NAME = "aria-swagger/all_A7_19_swagger.json"
# Generated component names live apart from the hand-built ones (both layers have an
# InvoiceLineItem, with different fields), so a merged document never mixes them.
SCHEMA_PREFIX = "A7."
DISPATCHER = "/api/ws/api_ws_class_dispatcher.php"
_REF = "#/components/schemas/"
_MEDIA_TYPES = ("application/json", "application/x-www-form-urlencoded")

# What the generated layer does to Aria's Swagger beyond what the reader already normalises
# (harness.swagger.quirks): id -> what it does.
NORMALISATIONS: Mapping[str, str] = {
    "fragment-paths": "Each method is the path /api/ws/api_ws_class_dispatcher.php#<rest_call>, "
    "its operationId the rest_call name (Swagger: #GetInvoiceDetailsM, CamelCase).",
    "envelope": "rest_call (a one-value enum), client_no and auth_key are required on every "
    "method (Swagger marks them required on some only); output_format is an optional 'json'; "
    "every response has error_code and error_msg, required.",
    "nullable-outputs": 'Every output field, nested ones included, is typed [T, "null"]: Aria '
    "answers an error with its outputs null.",
    "suffix-2": "Release 19's _2 artifact is dropped (billing_group_no_2 -> billing_group_no); "
    "the published name is kept as x-aria-swagger-name. Numbered series (qualifier_1.._4) stay.",
    "max-length": "maxLength on strings; on other types the documented length is "
    "x-aria-max-length (JSON Schema's maxLength applies to strings only).",
    "int64-format": "Integers are plain 'integer' (format int64 is dropped).",
    "default-response": "The Swagger 'default' response is the '200' response (every Aria "
    "answer is HTTP 200).",
    "both-encodings": "Each request body is offered as JSON and as a form, one schema for both.",
    "item-schemas": "Array item schemas are components named A7.<Swagger name>; one used in "
    "both requests and responses gets a second, nullable copy A7.<name>.out for responses.",
    "no-codes": "x-aria-error-codes is empty (the Swagger states no codes; the generic ones "
    "apply) and x-aria-invoicing says no invoice: the hand-built layer says more per method.",
    "dry-run": "A method with a do_write input has it as its dry-run field.",
}

_ENVELOPE_IN: Mapping[str, dict[str, Any]] = {
    "client_no": {
        "type": "integer",
        "description": "Aria-assigned unique identifier indicating the Aria client providing "
        "service to this account.",
    },
    "auth_key": {
        "type": "string",
        "description": "Aria-assigned unique key for authenticating the validity of the "
        "requestor. This key is passed with each method call.",
    },
}
_ENVELOPE_OUT: Mapping[str, dict[str, Any]] = {
    "error_code": {
        "type": "integer",
        "description": "Aria-assigned error identifier. 0 indicates no error.",
    },
    "error_msg": {
        "type": "string",
        "description": 'Description of any error that occurred. "OK" if there was no error.',
    },
}


class _Converter:
    """One conversion: the operations and the component schemas they share."""

    def __init__(self, model: ApiModel, source: str) -> None:
        self.model = model
        self.source = source
        self.schemas: dict[str, Any] = {}
        # (Swagger item schema, side) -> component name
        self._items: dict[tuple[str, str], str] = {}
        self._shared = _shared_items(model)

    def document(self) -> dict[str, Any]:
        paths = {}
        for name in sorted(self.model.methods):
            method = self.model.methods[name]
            paths[f"{DISPATCHER}#{name}"] = {"post": self._operation(method)}
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Aria core API A7, generated from Aria's Swagger (aria-harness)",
                "version": f"A7-{self.model.version}",
                "description": f"Generated by harness.swagger.convert from {self.source}; do not "
                "edit. openapi/aria.yaml overrides it per method.",
            },
            "x-aria-generated-from": self.source,
            "paths": paths,
            "components": {"schemas": dict(sorted(self.schemas.items()))},
        }

    def _operation(self, method: Method) -> dict[str, Any]:
        request = f"{SCHEMA_PREFIX}{method.request_schema or _camel(method.name) + 'Request'}"
        response = f"{SCHEMA_PREFIX}{method.response_schema or _camel(method.name) + 'Response'}"
        self.schemas[request] = self._request(method)
        self.schemas[response] = self._response(method)
        body = {"$ref": _REF + request}
        return {
            "operationId": method.name,
            "summary": method.summary or method.name,
            "description": method.description,
            "x-aria-method": method.name,
            "x-aria-source": f"{self.source}{method.source}",
            "x-aria-layer": "generated",
            "x-aria-error-codes": [],
            "x-aria-invoicing": {
                "generates": False,
                "when": None,
                "dry_run_field": "do_write" if "do_write" in method.inputs else None,
            },
            "requestBody": {
                "required": True,
                "content": {media: {"schema": body} for media in _MEDIA_TYPES},
            },
            "responses": {
                "200": {
                    "description": "Every answer, errors included, is HTTP 200 with error_code "
                    "(0 = success) and error_msg; on an error the output fields are null.",
                    "content": {
                        "application/json": {"schema": {"$ref": _REF + response}},
                    },
                }
            },
        }

    def _request(self, method: Method) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "rest_call": {
                "type": "string",
                "enum": [method.name],
                "default": method.name,
                "description": "Name of the Aria method; the dispatcher routes on it.",
            },
            "output_format": {
                "type": "string",
                "enum": ["json"],
                "description": "Response format; only json is described here.",
            },
            **{key: dict(value) for key, value in _ENVELOPE_IN.items()},
        }
        fields = self._fields(method.inputs, side="input")
        properties.update(fields)
        required = ["rest_call", "client_no", "auth_key"]
        required += [_plain(f.name, method.inputs) for f in method.inputs.values() if f.required]
        return {"type": "object", "required": required, "properties": properties}

    def _response(self, method: Method) -> dict[str, Any]:
        properties = {key: dict(value) for key, value in _ENVELOPE_OUT.items()}
        properties.update(self._fields(method.outputs, side="output"))
        return {"type": "object", "required": ["error_code", "error_msg"], "properties": properties}

    def _fields(self, fields: Mapping[str, Field], *, side: str) -> dict[str, Any]:
        converted = {}
        for name, field in fields.items():
            schema = self._field(field, side=side)
            plain = _plain(name, fields)
            if plain != name:
                schema["x-aria-swagger-name"] = name
            converted[plain] = schema
        return converted

    def _field(self, field: Field, *, side: str) -> dict[str, Any]:
        nullable = side == "output"
        kind = field.type if field.type != "any" else None
        schema: dict[str, Any] = {}
        if kind is not None:
            schema["type"] = [kind, "null"] if nullable else kind
        if field.description:
            schema["description"] = field.description
        if field.max_length is not None:
            schema["maxLength" if kind == "string" else "x-aria-max-length"] = field.max_length
        if field.enum:
            schema["enum"] = [*field.enum, None] if nullable else list(field.enum)
        if field.is_array:
            if field.children or field.item_schema:
                schema["items"] = {"$ref": _REF + self._item(field, side=side)}
            elif field.item_type:
                schema["items"] = {"type": field.item_type}
        return schema

    def _item(self, field: Field, *, side: str) -> str:
        source = field.item_schema or f"{_camel(field.name)}Item"
        key = (source, side)
        if key in self._items:
            return self._items[key]
        name = f"{SCHEMA_PREFIX}{source}"
        if side == "output" and source in self._shared:
            name += ".out"
        self._items[key] = name
        self.schemas[name] = {}  # claimed before its children, for a schema that contains itself
        children = field.children
        schema: dict[str, Any] = {"type": "object", "properties": self._fields(children, side=side)}
        required = [_plain(c.name, children) for c in children.values() if c.required]
        if required and side == "input":
            schema["required"] = required
        self.schemas[name] = schema
        return name


def _plain(name: str, siblings: Mapping[str, Field]) -> str:
    return plain_name(name, siblings)


def _shared_items(model: ApiModel) -> frozenset[str]:
    """Item schemas that appear in some request and some response."""
    sides: dict[str, set[str]] = {}
    for method in model.methods.values():
        for side in ("input", "output"):
            for field in method.flat(side).values():
                if field.item_schema:
                    sides.setdefault(field.item_schema, set()).add(side)
    return frozenset(name for name, seen in sides.items() if len(seen) == 2)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def contract(name: str, response_schema: str, outputs: Sequence[str]) -> dict[str, Any]:
    """The generated contract of one method: envelope, types, every output null on an error."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:aria-harness:contract:{name}",
        "title": f"{name} response contract (generated)",
        "description": "Generated by harness.swagger.convert: Aria's envelope, the types of the "
        "described response, the method's allowed codes, every output present on success "
        "(null where it has no value) and null on an error. "
        "A hand-written contracts/<method>.json replaces it.",
        "$ref": f"urn:aria-harness:openapi{_REF}{response_schema}",
        "required": ["error_code", "error_msg"],
        "properties": {"error_code": {"$ref": f"urn:aria-harness:error-codes:{name}"}},
        "if": {"properties": {"error_code": {"const": 0}}},
        # Aria answers every output field, null where it has no value (openapi/README.md).
        "then": {"properties": {"error_msg": {"const": "OK"}}, "required": list(outputs)},
        "else": {
            # properties named here are exempt from additionalProperties: every other is null
            "properties": {"error_code": True, "error_msg": {"not": {"const": "OK"}}},
            "additionalProperties": {"type": "null"},
        },
    }


def contracts(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The generated contract of every method of a generated document, by method name."""
    found = {}
    schemas = document["components"]["schemas"]
    for item in document["paths"].values():
        operation = item["post"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        response = ref[len(_REF) :]
        outputs = [key for key in schemas[response]["properties"] if key not in _ENVELOPE_OUT]
        found[operation["x-aria-method"]] = contract(operation["x-aria-method"], response, outputs)
    return found


def convert(model: ApiModel, *, source: str = SOURCE_NAME) -> dict[str, Any]:
    """The generated layer's OpenAPI 3.1 document for every method of ``model``."""
    converter = _Converter(model, source)
    return converter.document()


def render(document: Mapping[str, Any]) -> str:
    """The document as the checked-in file spells it (stable, diff-friendly JSON)."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Convert a Swagger file into the generated layer: ``SWAGGER [OUT]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2):
        print("usage: python -m harness.swagger.convert SWAGGER.json [OUT.json]", file=sys.stderr)  # noqa: T201
        return 2
    from harness.errors import HarnessError
    from harness.spec.resources import data_dir

    try:
        model = load_description(args[0])
        default = Path(str(data_dir("openapi"))).resolve() / GENERATED_FILE
        out = Path(args[1]) if len(args) == 2 else default
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    document = convert(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(document), encoding="utf-8")
    folder = Path(str(data_dir("contracts"))).resolve() / GENERATED_CONTRACTS
    folder.mkdir(parents=True, exist_ok=True)
    written = contracts(document)
    for stale in folder.glob("*.json"):
        if stale.stem not in written:
            stale.unlink()
    for name, schema in written.items():
        (folder / f"{name}.json").write_text(render(schema), encoding="utf-8")
    print(f"{out}: {len(model)} methods; {folder}: {len(written)} contracts")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

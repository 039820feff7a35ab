"""Both readers yield one model: Aria's Swagger 2.0 files, OpenAPI 3.x, the bundled description."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.spec import registry
from harness.swagger import load_description, read_description
from tests.swagger.builders import swagger, to_openapi3

SYNTHETIC = swagger(
    {
        "gen_thing_m": {
            "in": {
                "acct_no": {"type": "integer", "format": "int64"},
                "mode": {"type": "string", "enum": ["a", "b"], "maxLength": 1},
                "lines": {"type": "array", "items": {"$ref": "#/definitions/Line"}},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["acct_no"],
            "out": {
                "out_lines": {"type": "array", "items": {"$ref": "#/definitions/OutLine"}},
                "total": {"type": "number"},
            },
        }
    },
    definitions={
        "Line": {
            "type": "object",
            "properties": {
                "sku": {"type": "string", "maxLength": 100},
                "units": {"type": "number"},
            },
            "required": ["units"],
        },
        "OutLine": {
            "type": "object",
            "properties": {
                "line_no": {"type": "integer", "format": "int64"},
                "taxes": {"type": "array", "items": {"$ref": "#/definitions/Tax"}},
            },
        },
        "Tax": {"type": "object", "properties": {"amount": {"type": "number"}}},
    },
)


def test_swagger_fields_carry_types_required_lengths_enums_and_nested_items() -> None:
    method = read_description(SYNTHETIC)["gen_thing_m"]
    inputs = method.flat("input")
    assert inputs["acct_no"].type == "integer" and inputs["acct_no"].required
    assert (inputs["mode"].enum, inputs["mode"].max_length) == (("a", "b"), 1)
    assert inputs["lines"].item_schema == "Line"
    assert inputs["lines[].units"].required and not inputs["lines[].sku"].required
    assert inputs["lines[].sku"].max_length == 100
    assert (inputs["tags"].type, inputs["tags"].item_type, inputs["tags"].children) == (
        "array",
        "string",
        {},
    )
    assert list(method.flat("output")) == [
        "out_lines",
        "out_lines[].line_no",
        "out_lines[].taxes",
        "out_lines[].taxes[].amount",
        "total",
    ]


def test_openapi3_reader_yields_the_same_model_as_the_swagger_reader() -> None:
    from_swagger = read_description(SYNTHETIC)["gen_thing_m"]
    from_openapi = read_description(to_openapi3(SYNTHETIC))["gen_thing_m"]
    for side in ("input", "output"):
        assert from_openapi.flat(side) == from_swagger.flat(side)
    assert from_openapi.request_schema == from_swagger.request_schema == "GenThingMRequest"


def test_a_schema_that_contains_itself_stops_at_the_second_visit() -> None:
    doc = swagger(
        {"tree_m": {"out": {"nodes": {"type": "array", "items": {"$ref": "#/definitions/N"}}}}},
        definitions={
            "N": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kids": {"type": "array", "items": {"$ref": "#/definitions/N"}},
                },
            }
        },
    )
    flat = read_description(doc)["tree_m"].flat("output")
    assert list(flat) == ["nodes", "nodes[].id", "nodes[].kids"]


def test_release_19_is_read_whole(aria_swagger: Path) -> None:
    model = load_description(str(aria_swagger / "all_A7_19_swagger.json"))
    assert (model.format, model.version, len(model)) == ("swagger2", "19", 249)
    method = model["gen_invoice_m"]
    assert method.inputs["client_acct_id"].max_length == 50
    outputs = method.flat("output")
    assert outputs["out_invoices_list"].item_schema == "OutInvoicesList"
    assert outputs["out_invoices_list[].invoice_items[].plan_no"].type == "integer"
    rebill = model["gen_rb_m"].flat("input")
    assert rebill["rb_line_items[].line_no"].required


def test_bundled_description_reads_the_registrys_fields() -> None:
    model = load_description("bundled")
    assert model.format == "openapi3"
    assert set(model.methods) == set(registry().names)
    for name in registry().names:
        spec, method = registry()[name], model[name]
        assert tuple(method.inputs) == tuple(
            name for name in spec.input_fields if name not in {"client_no", "auth_key"}
        )
        assert tuple(method.outputs) == tuple(
            name for name in spec.output_fields if name not in {"error_code", "error_msg"}
        )
        assert method.source.startswith(("aria-docs/", "aria-swagger/"))


@pytest.mark.parametrize(
    "text",
    ['{"swagger": "1.2"}', "[1, 2]", "paths: {}\n", "{ not json: [ nor yaml"],
    ids=["old-swagger", "a-list", "no-version", "unparseable"],
)
def test_a_file_that_is_no_description_is_refused_in_one_line(tmp_path: Path, text: str) -> None:
    from harness.errors import DescriptionError

    path = tmp_path / "d.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DescriptionError) as raised:
        load_description(str(path))
    assert "\n" not in str(raised.value) and str(path) in str(raised.value)


@pytest.mark.parametrize(
    "document",
    [
        {"swagger": "2.0", "paths": [], "definitions": {}},
        {"swagger": "2.0", "paths": {"#A": {"post": {"parameters": "body"}}}},
        {
            "swagger": "2.0",
            "paths": {
                "#A": {
                    "post": {"responses": {"default": {"schema": {"$ref": "#/definitions/Nope"}}}}
                }
            },
        },
        {
            "swagger": "2.0",
            "definitions": {"R": {"properties": ["a"]}},
            "paths": {
                "#A": {"post": {"responses": {"default": {"schema": {"$ref": "#/definitions/R"}}}}}
            },
        },
        {"openapi": "3.1.0", "components": [], "paths": {}},
        {
            "openapi": "3.0.3",
            "paths": {
                "/x#a": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {"properties": {"a": {"type": "array", "items": 3}}}
                                }
                            }
                        }
                    }
                }
            },
        },
    ],
    ids=[
        "paths-list",
        "parameters-string",
        "dangling-ref",
        "properties-list",
        "components-list",
        "items-number",
    ],
)
def test_a_malformed_description_is_a_description_error(document: dict[str, object]) -> None:
    from harness.errors import DescriptionError

    with pytest.raises(DescriptionError):
        read_description(document, location="odd.json")

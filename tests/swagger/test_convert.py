"""The converter: Aria's Swagger into the description's generated layer, one test per rule."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.spec import data_dir
from harness.swagger import ApiModel, plain_name, read_description
from harness.swagger.convert import (
    GENERATED_CONTRACTS,
    GENERATED_FILE,
    NORMALISATIONS,
    SCHEMA_PREFIX,
    contracts,
    convert,
    render,
)
from tests.swagger.builders import swagger

TESTED: dict[str, Callable[..., None]] = {}


def rule(rule_id: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(test: Callable[..., None]) -> Callable[..., None]:
        TESTED[rule_id] = test
        return test

    return register


def _convert(methods: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return convert(read_description(swagger(methods, **kwargs)), source="test.json")


def _schema(document: dict[str, Any], method: str, side: str) -> dict[str, Any]:
    operation = document["paths"][f"/api/ws/api_ws_class_dispatcher.php#{method}"]["post"]
    if side == "input":
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    else:
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


@functools.cache
def _release_19(folder: str) -> ApiModel:
    from harness.swagger import load_description

    return load_description(str(Path(folder, "all_A7_19_swagger.json")))


# --- the checked-in layer is what the converter makes of release 19 ---------------------------


def test_the_checked_in_generated_layer_is_current(aria_swagger: Path) -> None:
    document = convert(_release_19(str(aria_swagger)))
    checked_in = (data_dir("openapi") / GENERATED_FILE).read_text(encoding="utf-8")
    assert render(document) == checked_in, "run: python -m harness.swagger.convert <swagger 19>"


def test_the_checked_in_generated_contracts_are_current(aria_swagger: Path) -> None:
    expected = contracts(convert(_release_19(str(aria_swagger))))
    folder = data_dir("contracts") / GENERATED_CONTRACTS
    on_disk = {entry.name for entry in folder.iterdir() if entry.name.endswith(".json")}
    assert on_disk == {f"{name}.json" for name in expected}
    for name, schema in expected.items():
        assert (folder / f"{name}.json").read_text(encoding="utf-8") == render(schema), name


# --- every Swagger 19 method round-trips --------------------------------------------------------


def test_every_swagger_19_method_round_trips_into_the_generated_layer(aria_swagger: Path) -> None:
    source = _release_19(str(aria_swagger))
    text = (data_dir("openapi") / GENERATED_FILE).read_text(encoding="utf-8")
    back = read_description(json.loads(text))
    assert set(back.methods) == set(source.methods)
    assert len(back) == 249
    compared = 0
    for name, method in source.methods.items():
        for side in ("input", "output"):
            original = _plain_paths(method.flat(side))
            converted = back[name].flat(side)
            assert set(converted) == set(original), f"{name} {side}"
            for path, field in original.items():
                got = converted[path]
                where = f"{name} {side} {path}"
                assert got.type == field.type, where
                assert got.max_length == field.max_length, where
                assert got.enum == field.enum, where
                assert set(got.children) == {plain_name(c, field.children) for c in field.children}
                if side == "input":
                    assert got.required == field.required, where
                compared += 1
    assert compared > 9000  # every field of release 19, nested ones included


def _plain_paths(flat: dict[str, Any]) -> dict[str, Any]:
    """Paths with the _2 artifact dropped at every level, as the generated layer spells them."""
    renamed: dict[str, Any] = {}
    for path, field in flat.items():
        renamed[_plain_path(path, flat)] = field
    return renamed


def _plain_path(path: str, flat: dict[str, Any]) -> str:
    parts = path.split("[].")
    out = []
    for depth, part in enumerate(parts):
        prefix = "[].".join(parts[:depth])
        siblings = {
            p.split("[].")[depth] for p in flat if p.count("[].") >= depth and p.startswith(prefix)
        }
        out.append(plain_name(part, siblings))
    return "[].".join(out)


# --- one test per normalisation -----------------------------------------------------------------


@rule("fragment-paths")
def test_each_method_is_a_fragment_of_the_dispatcher_named_by_its_rest_call() -> None:
    document = _convert({"get_acct_m": {"in": {"acct_no": {"type": "integer"}}}})
    (path,) = document["paths"]
    assert path == "/api/ws/api_ws_class_dispatcher.php#get_acct_m"
    operation = document["paths"][path]["post"]
    assert operation["operationId"] == operation["x-aria-method"] == "get_acct_m"
    assert operation["x-aria-source"] == "test.json#GetAcctM"


@rule("envelope")
def test_the_envelope_is_required_on_every_method() -> None:
    document = _convert({"m_m": {"in": {"a": {"type": "string"}}, "required": ["a"]}})
    request = _schema(document, "m_m", "input")
    assert request["required"] == ["rest_call", "client_no", "auth_key", "a"]
    assert request["properties"]["rest_call"]["enum"] == ["m_m"]
    assert request["properties"]["output_format"]["enum"] == ["json"]
    response = _schema(document, "m_m", "output")
    assert response["required"] == ["error_code", "error_msg"]
    assert response["properties"]["error_code"]["type"] == "integer"


@rule("nullable-outputs")
def test_outputs_nested_ones_included_are_nullable_and_inputs_are_not() -> None:
    lines = {"type": "array", "items": {"$ref": "#/definitions/Line"}}
    definitions = {"Line": {"type": "object", "properties": {"units": {"type": "number"}}}}
    document = _convert(
        {"m_m": {"in": {"a": {"type": "integer"}}, "out": {"b": {"type": "string"}, "ls": lines}}},
        definitions=definitions,
    )
    assert _schema(document, "m_m", "input")["properties"]["a"]["type"] == "integer"
    out = _schema(document, "m_m", "output")["properties"]
    assert out["b"]["type"] == ["string", "null"]
    assert out["ls"]["type"] == ["array", "null"]
    line = document["components"]["schemas"]["A7.Line"]
    assert line["properties"]["units"]["type"] == ["number", "null"]


@rule("suffix-2")
def test_the_suffix_2_artifact_is_dropped_and_its_published_name_kept() -> None:
    document = _convert(
        {
            "m_m": {
                "out": {
                    "billing_group_no_2": {"type": "integer"},
                    "qualifier_1": {"type": "string"},
                    "qualifier_2": {"type": "string"},
                }
            }
        }
    )
    out = _schema(document, "m_m", "output")["properties"]
    assert out["billing_group_no"]["x-aria-swagger-name"] == "billing_group_no_2"
    assert "billing_group_no_2" not in out
    assert "qualifier_2" in out and "x-aria-swagger-name" not in out["qualifier_2"]


@rule("max-length")
def test_max_lengths_are_maxlength_on_strings_and_an_extension_elsewhere() -> None:
    inputs = {"s": {"type": "string", "maxLength": 50}, "n": {"type": "integer", "maxLength": 22}}
    properties = _schema(_convert({"m_m": {"in": inputs}}), "m_m", "input")["properties"]
    assert properties["s"]["maxLength"] == 50
    assert properties["n"]["x-aria-max-length"] == 22 and "maxLength" not in properties["n"]


@rule("int64-format")
def test_integers_lose_their_int64_format() -> None:
    inputs = {"n": {"type": "integer", "format": "int64"}}
    properties = _schema(_convert({"m_m": {"in": inputs}}), "m_m", "input")["properties"]
    assert properties["n"] == {"type": "integer"}


@rule("default-response")
def test_the_default_response_becomes_the_200_response() -> None:
    operation = _convert({"m_m": {"out": {"b": {"type": "string"}}}})["paths"]
    (item,) = operation.values()
    assert list(item["post"]["responses"]) == ["200"]


@rule("both-encodings")
def test_each_request_is_offered_as_json_and_as_a_form() -> None:
    (item,) = _convert({"m_m": {}})["paths"].values()
    content = item["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    assert content["application/json"] == content["application/x-www-form-urlencoded"]


@rule("item-schemas")
def test_an_item_schema_on_both_sides_gets_a_nullable_copy_for_responses() -> None:
    lines = {"type": "array", "items": {"$ref": "#/definitions/Line"}}
    definitions = {
        "Line": {"type": "object", "properties": {"units": {"type": "number"}}, "required": []}
    }
    methods = {"m_m": {"in": {"lines": lines}, "out": {"lines": lines}}}
    document = _convert(methods, definitions=definitions)
    schemas = document["components"]["schemas"]
    assert schemas[f"{SCHEMA_PREFIX}Line"]["properties"]["units"]["type"] == "number"
    assert schemas[f"{SCHEMA_PREFIX}Line.out"]["properties"]["units"]["type"] == ["number", "null"]
    out = _schema(document, "m_m", "output")["properties"]["lines"]
    assert out["items"]["$ref"].endswith("/A7.Line.out")


@rule("no-codes")
def test_a_generated_method_has_no_codes_of_its_own_and_no_invoice() -> None:
    (item,) = _convert({"m_m": {}})["paths"].values()
    assert item["post"]["x-aria-error-codes"] == []
    assert item["post"]["x-aria-invoicing"]["generates"] is False
    assert item["post"]["x-aria-layer"] == "generated"


@rule("dry-run")
def test_a_do_write_input_is_the_dry_run_field() -> None:
    document = _convert({"w_m": {"in": {"do_write": {"type": "string"}}}, "r_m": {}})
    invoicing = {
        item["post"]["x-aria-method"]: item["post"]["x-aria-invoicing"]["dry_run_field"]
        for item in document["paths"].values()
    }
    assert invoicing == {"w_m": "do_write", "r_m": None}


def test_every_normalisation_has_its_test_and_is_listed_in_the_readme() -> None:
    assert set(TESTED) == set(NORMALISATIONS)
    readme = (data_dir("openapi") / "README.md").read_text(encoding="utf-8")
    for rule_id in NORMALISATIONS:
        assert f"`{rule_id}`" in readme, rule_id


def test_a_generated_contract_requires_every_output_on_success_and_nulls_on_error() -> None:
    document = _convert({"m_m": {"out": {"b": {"type": "string"}}}})
    contract = contracts(document)["m_m"]
    assert contract["then"]["required"] == ["b"]
    assert contract["else"]["additionalProperties"] == {"type": "null"}
    assert contract["$ref"].endswith("#/components/schemas/A7.MMResponse")

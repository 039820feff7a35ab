"""The registry's two layers: generated from Swagger, hand-built over it, read lazily."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import UnknownMethodError
from harness.spec import Registry, load_document, registry
from harness.spec.registry import GENERATED, HAND_BUILT, OPENAPI_FILE, REFINED


def _op(name: str, request: str, response: str, **extra: Any) -> dict[str, Any]:
    body = {"schema": {"$ref": f"#/components/schemas/{request}"}}
    answer = {"schema": {"$ref": f"#/components/schemas/{response}"}}
    return {
        "post": {
            "x-aria-method": name,
            "requestBody": {"content": {"application/json": body}},
            "responses": {"200": {"content": {"application/json": answer}}},
            **extra,
        }
    }


def _layers() -> tuple[dict[str, Any], dict[str, Any]]:
    obj = {"type": "object"}
    generated = {
        "paths": {
            "#a_m": _op("a_m", "A7.AReq", "A7.ARes"),
            "#b_m": _op("b_m", "A7.BReq", "A7.BRes", **{"x-aria-source": "swagger"}),
            "#c_m": _op("c_m", "A7.CReq", "A7.CRes"),
        },
        "components": {
            "schemas": {
                "A7.AReq": {**obj, "properties": {"x": {}, "y": {}}},
                "A7.ARes": obj,
                "A7.BReq": {**obj, "properties": {"do_write": {}}},
                "A7.BRes": obj,
                "A7.CReq": obj,
                "A7.CRes": obj,
            }
        },
    }
    hand = {
        "paths": {"#a_m": _op("a_m", "AReq", "ARes")},
        "components": {"schemas": {"AReq": {**obj, "properties": {"x": {}}}, "ARes": obj}},
        "x-aria-refinements": {
            "b_m": {
                "x-aria-source": "docs",
                "x-aria-invoicing": {"generates": True, "when": "x", "dry_run_field": "do_write"},
            }
        },
    }
    return hand, generated


def test_the_hand_built_layer_overrides_a_generated_method_whole() -> None:
    hand, generated = _layers()
    spec = Registry(hand, generated=generated)["a_m"]
    assert spec.layer == HAND_BUILT
    assert spec.input_fields == ("x",)


def test_a_refinement_adds_docs_facts_to_a_generated_operation() -> None:
    hand, generated = _layers()
    spec = Registry(hand, generated=generated)["b_m"]
    assert spec.layer == REFINED
    assert spec.source == "docs"
    assert spec.request_schema == "A7.BReq"
    assert spec.invoicing.generates and spec.invoicing.dry_run_field == "do_write"
    assert not spec.may_generate_invoice({"do_write": "false"})


def test_a_method_only_swagger_describes_is_served_from_the_generated_layer() -> None:
    hand, generated = _layers()
    reg = Registry(hand, generated=generated)
    assert reg["c_m"].layer == GENERATED
    assert reg.names == ("a_m",)
    assert reg.all_names == ("a_m", "b_m", "c_m")
    assert "AReq" in reg.document["components"]["schemas"]
    assert "A7.CReq" in reg.document["components"]["schemas"]


def test_the_generated_layer_is_read_only_when_a_method_outside_the_hand_layer_is_asked() -> None:
    hand, generated = _layers()
    reads: list[int] = []

    def load() -> dict[str, Any]:
        reads.append(1)
        return generated

    reg = Registry(hand, generated=load)
    assert "a_m" in reg and reg["a_m"].input_fields == ("x",) and reg.names == ("a_m",)
    assert reads == []
    assert reg["c_m"].layer == GENERATED
    assert reg.all_names and reg.document
    assert reads == [1]


def test_an_unknown_method_names_what_is_known() -> None:
    hand, generated = _layers()
    with pytest.raises(UnknownMethodError, match="c_m"):
        Registry(hand, generated=generated)["nope_m"]


def test_the_bundled_registry_serves_every_swagger_method_and_the_core_ones_by_hand() -> None:
    reg = registry()
    assert len(reg.all_names) == 250  # Swagger 19's 249 and Aria6's gen_invoice
    assert {reg[name].layer for name in reg.names} == {HAND_BUILT}
    assert reg["get_acct_details_all_m"].layer == GENERATED
    assert reg["get_acct_details_all_m"].request_schema == "A7.GetAcctDetailsAllMRequest"


@pytest.mark.parametrize("method", registry().all_names)
def test_every_method_has_a_contract_on_its_own_response_schema(method: str) -> None:
    spec = registry()[method]
    contract = load_document("contracts", f"{method}.json")
    assert contract["$ref"].endswith(f"#/components/schemas/{spec.response_schema}")


def test_the_hand_built_file_needs_no_generated_layer() -> None:
    reg = Registry(load_document("openapi", OPENAPI_FILE))
    assert reg.names == registry().names


def test_a_document_for_some_methods_holds_them_and_what_they_reach_only() -> None:
    hand, generated = _layers()
    reads: list[int] = []

    def load() -> dict[str, Any]:
        reads.append(1)
        return generated

    reg = Registry(hand, generated=load)
    core = reg.document_for(["a_m"])
    assert list(core["paths"]) == ["#a_m"]
    assert set(core["components"]["schemas"]) == {"AReq", "ARes"}
    assert reads == []
    more = reg.document_for(["a_m", "c_m"])
    assert list(more["paths"]) == ["#a_m", "#c_m"]
    assert set(more["components"]["schemas"]) == {"AReq", "ARes", "A7.CReq", "A7.CRes"}
    with pytest.raises(UnknownMethodError):
        reg.document_for(["nope_m"])

"""The bundled OpenAPI description: valid OpenAPI 3.1, every reference resolves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate as validate_openapi

from harness.spec import DISPATCHER_PATH, registry

METHODS = [
    "gen_invoice_m",
    "gen_invoice",
    "gen_rb_m",
    "create_order_m",
    "manage_pending_invoice_m",
    "get_invoice_details_m",
    "get_virtual_datetime_m",
    "advance_virtual_datetime_m",
]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are expected, got {ref}"
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_description_is_valid_openapi_3_1() -> None:
    document = registry().document
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)


def test_registry_describes_every_invoice_method() -> None:
    assert list(registry().names) == METHODS
    assert list(registry().all_names[: len(METHODS)]) == METHODS


@pytest.mark.parametrize("method", METHODS)
def test_every_reference_of_an_operation_resolves(method: str) -> None:
    document = registry().document
    spec = registry()[method]
    seen: set[str] = set()
    pending = list(_refs(document["paths"][spec.path]))
    assert pending, "an operation must reference its request and response schemas"
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        target = _resolve(document, ref)
        assert isinstance(target, dict), ref
        pending.extend(_refs(target))
    assert f"#/components/schemas/{spec.request_schema}" in seen
    assert f"#/components/schemas/{spec.response_schema}" in seen


@pytest.mark.parametrize("method", METHODS)
def test_operation_is_a_fragment_of_the_one_dispatcher(method: str) -> None:
    spec = registry()[method]
    operation = registry().document["paths"][spec.path]["post"]
    assert spec.path == f"{DISPATCHER_PATH}#{method}"
    assert operation["operationId"] == method
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    assert content["application/json"] == content["application/x-www-form-urlencoded"]
    request = registry().schema(spec.request_schema)
    assert request["properties"]["rest_call"]["enum"] == [method]
    assert {"rest_call", "client_no", "auth_key"} <= set(request["required"])


@pytest.mark.parametrize("method", METHODS)
def test_output_fields_may_be_null_as_in_real_error_answers(method: str) -> None:
    response = registry().schema(registry()[method].response_schema)
    for name, field in response["properties"].items():
        if name in {"error_code", "error_msg"}:
            assert field["type"] in ("integer", "string")
        else:
            types = field["type"] if isinstance(field["type"], list) else [field["type"]]
            assert "null" in types, f"{method}.{name} must allow null"


def test_invoicing_facts_follow_the_invoice_page() -> None:
    generating = {spec.name for spec in registry().invoicing_methods()}
    assert generating == {
        "gen_invoice_m",
        "gen_invoice",
        "gen_rb_m",
        "create_order_m",
        "manage_pending_invoice_m",
        *registry().other_invoicing_methods,
    }
    dry_run = {spec.name: spec.invoicing.dry_run_field for spec in registry()}
    assert dry_run["create_order_m"] == dry_run["gen_rb_m"] == "do_write"
    assert dry_run["gen_invoice_m"] is None
    for spec in registry().invoicing_methods():
        assert spec.invoicing.when, f"{spec.name} must say when it generates an invoice"


def test_dry_run_is_read_from_the_dry_run_field() -> None:
    order = registry()["create_order_m"]
    assert order.may_generate_invoice({"do_write": "true", "bill_immediately": 1})
    assert not order.may_generate_invoice({"do_write": "false"})
    assert not order.may_generate_invoice({"do_write": False})
    assert registry()["gen_invoice_m"].may_generate_invoice({"do_write": "false"})
    assert not registry()["get_invoice_details_m"].may_generate_invoice({})


def test_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known methods: .*gen_invoice_m"):
        registry()["gen_invoices_m"]

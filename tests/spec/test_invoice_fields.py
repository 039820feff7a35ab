"""Where each invoice-generating method's answer names the invoices it generated."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import SpecError
from harness.spec import Registry, load_document, registry
from harness.spec.registry import OPENAPI_FILE


def test_every_invoice_generating_method_says_where_its_answer_names_invoices() -> None:
    document = load_document("openapi", OPENAPI_FILE)
    declared = {
        name: entry["x-aria-invoicing"]
        for name, entry in (document.get("x-aria-refinements") or {}).items()
        if "x-aria-invoicing" in entry
    }
    for item in document["paths"].values():
        for operation in item.values():
            if "x-aria-invoicing" in operation:
                declared[operation["x-aria-method"]] = operation["x-aria-invoicing"]
    missing = [
        n for n, inv in declared.items() if inv.get("generates") and "invoice_fields" not in inv
    ]
    assert missing == []
    assert len([n for n, inv in declared.items() if inv.get("generates")]) == len(
        registry().invoicing_methods()
    )


def test_a_method_whose_answer_names_an_invoice_field_declares_it_or_says_why_not() -> None:
    # an output called like an invoice number that the count does not read must be a choice
    # the description states (an empty list with its reason), not an omission
    for spec in registry().invoicing_methods():
        if spec.invoicing.invoice_fields:
            continue
        assert "invoice_no" not in spec.output_fields or spec.name == "settle_dispute_hold_m"


def _document(invoice_fields: list[str]) -> dict[str, Any]:
    obj = {"type": "object"}
    answer = {"schema": {"$ref": "#/components/schemas/ARes"}}
    body = {"schema": {"$ref": "#/components/schemas/AReq"}}
    operation = {
        "x-aria-method": "a_m",
        "x-aria-invoicing": {"generates": True, "when": "x", "invoice_fields": invoice_fields},
        "requestBody": {"content": {"application/json": body}},
        "responses": {"200": {"content": {"application/json": answer}}},
    }
    return {
        "paths": {"#a_m": {"post": operation}},
        "components": {
            "schemas": {
                "AReq": obj,
                "ARes": {
                    **obj,
                    "properties": {
                        "invoice_no": {},
                        "items": {"items": {"$ref": "#/components/schemas/Item"}},
                    },
                },
                "Item": {**obj, "properties": {"invoice_no": {}}},
            }
        },
    }


def test_declared_fields_that_exist_in_the_answer_load() -> None:
    spec = Registry(_document(["invoice_no", "items[].invoice_no"]), generated={"paths": {}})["a_m"]
    assert spec.invoicing.invoice_fields == ("invoice_no", "items[].invoice_no")


@pytest.mark.parametrize("field", ["invoice_num", "items[].invoice_num", "lines[].invoice_no"])
def test_a_declared_field_missing_from_the_answer_fails_the_load(field: str) -> None:
    with pytest.raises(SpecError, match="invoice_fields"):
        Registry(_document([field]), generated={"paths": {}})["a_m"]

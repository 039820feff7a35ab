"""A renamed field is one rename, not a removal and an addition."""

from __future__ import annotations

from harness.releases import ChangeKind
from tests.releases.test_changes import ITEM, changes

INVOICE_DEFS = {
    "Invoice": {
        "type": "object",
        "properties": {
            "invoice_no": {"type": "integer"},
            "billing_group_no": {"type": "integer"},
            "invoice_total_amount": {"type": "number"},
        },
    }
}
INVOICES = {"type": "array", "items": {"$ref": "#/definitions/Invoice"}}


def test_a_renamed_array_with_the_same_items_is_a_rename_and_its_items_are_compared() -> None:
    grown = {
        "Invoice": {
            "type": "object",
            "properties": {
                **INVOICE_DEFS["Invoice"]["properties"],
                "invoice_credit_amount": {"type": "number"},
            },
        }
    }
    found = changes(
        {"out": {"out_invoices": INVOICES}},
        {"out": {"out_invoices_list": INVOICES}},
        old_defs=INVOICE_DEFS,
        new_defs=grown,
    )
    assert [(c.kind, c.old, c.new) for c in found] == [
        (ChangeKind.FIELD_RENAMED, "out_invoices", "out_invoices_list"),
        (ChangeKind.FIELD_ADDED, None, "number"),
    ]
    assert found[0].breaking and "same item fields" in found[0].note
    assert found[1].path == "out_invoices_list[].invoice_credit_amount"


def test_the_2_suffix_is_a_rename_and_a_retype_beside_it_is_reported_too() -> None:
    found = changes(
        {"out": {"invoicing_error_code": {"type": "string"}}},
        {"out": {"invoicing_error_code_2": {"type": "integer"}}},
    )
    assert [(c.kind, c.path) for c in found] == [
        (ChangeKind.FIELD_RENAMED, "invoicing_error_code_2"),
        (ChangeKind.TYPE_CHANGED, "invoicing_error_code_2"),
    ]
    assert found[0].artifact and "_2" in found[0].note


def test_the_2_suffix_on_a_shortened_name_is_a_rename() -> None:
    found = changes(
        {"out": {"applied_total_reversal_amount": {"type": "string"}}},
        {"out": {"applied_total_reversal_amt_2": {"type": "number"}}},
    )
    assert (found[0].kind, found[0].old, found[0].new) == (
        ChangeKind.FIELD_RENAMED,
        "applied_total_reversal_amount",
        "applied_total_reversal_amt_2",
    )


def test_the_plain_spelling_of_a_2_field_is_a_rename_the_other_way() -> None:
    found = changes(
        {"out": {"is_pending_ind_2": {"type": "integer"}}},
        {"out": {"is_pending_ind": {"type": "integer"}}},
    )
    assert [(c.kind, c.old, c.new, c.artifact) for c in found] == [
        (ChangeKind.FIELD_RENAMED, "is_pending_ind_2", "is_pending_ind", True)
    ]


def test_the_same_words_reordered_is_a_rename() -> None:
    found = changes(
        {"in": {"client_custom_rate_service_id": {"type": "string"}}},
        {"in": {"custom_rate_client_service_id": {"type": "string"}}},
    )
    assert [(c.kind, c.side, c.breaking) for c in found] == [
        (ChangeKind.FIELD_RENAMED, "input", True)
    ]


def test_unrelated_fields_stay_a_removal_and_an_addition() -> None:
    found = changes(
        {"out": {"total_credit": {"type": "number"}}},
        {"out": {"plan_instance_queue": ITEM}},
        new_defs={"Item": {"type": "object", "properties": {"x": {"type": "string"}}}},
    )
    assert sorted(c.kind for c in found) == [ChangeKind.FIELD_ADDED, ChangeKind.FIELD_REMOVED]


def test_a_2_field_beside_a_numbered_series_is_no_rename() -> None:
    found = changes(
        {"out": {"qualifier_1": {"type": "string"}}},
        {"out": {"qualifier_1": {"type": "string"}, "qualifier_2": {"type": "string"}}},
    )
    assert [(c.kind, c.path) for c in found] == [(ChangeKind.FIELD_ADDED, "qualifier_2")]

from __future__ import annotations

import copy
from typing import Any

import pytest

from harness.drift import Rules, compare_responses
from tests.samples import GEN_INVOICE_M_SUCCESS

METHOD = "gen_invoice_m"


def kinds(findings: list[Any]) -> list[tuple[str, str]]:
    return [(f.kind, f.pointer) for f in findings]


def live_copy() -> dict[str, Any]:
    return copy.deepcopy(GEN_INVOICE_M_SUCCESS)


def test_identical_answers_do_not_drift() -> None:
    assert compare_responses(METHOD, GEN_INVOICE_M_SUCCESS, live_copy()) == []


def test_new_ids_dates_and_amounts_do_not_drift() -> None:
    live = live_copy()
    live["invoice_no"] = 912345
    line = live["out_invoices_list"][0]
    line["invoice_no"] = 912345
    items = line["invoice_items"]
    assert items, "the sample must carry invoice lines for this test to change them"
    for detail in items:
        detail["start_date_range"] = "2027-03-01"
        detail["line_amount"] = 3.0
    assert live != GEN_INVOICE_M_SUCCESS
    assert compare_responses(METHOD, GEN_INVOICE_M_SUCCESS, live) == []


def test_integer_and_decimal_are_one_type() -> None:
    assert compare_responses("x", {"error_code": 0, "amt": 0}, {"error_code": 0, "amt": 2.5}) == []


@pytest.mark.parametrize(
    ("change", "kind", "pointer"),
    [
        (lambda r: r.pop("out_client_acct_id"), "field_removed", "/out_client_acct_id"),
        (lambda r: r.update(new_field="x"), "field_added", "/new_field"),
        (lambda r: r.update(invoice_no="900001"), "type_changed", "/invoice_no"),
        (lambda r: r.update(out_acct_no=None), "nullability_changed", "/out_acct_no"),
        (
            lambda r: r["out_invoices_list"][0].pop("invoice_no"),
            "field_removed",
            "/out_invoices_list/0/invoice_no",
        ),
        (
            lambda r: r["out_invoices_list"][0].update(surprise=1),
            "field_added",
            "/out_invoices_list/0/surprise",
        ),
    ],
    ids=["removed", "added", "retyped", "turned-null", "removed-in-array", "added-in-array"],
)
def test_shape_drift_names_kind_and_pointer(change: Any, kind: str, pointer: str) -> None:
    live = live_copy()
    change(live)
    found = compare_responses(METHOD, GEN_INVOICE_M_SUCCESS, live)
    assert (kind, pointer) in kinds(found)
    assert {f.category for f in found if f.kind == kind} == {"shape"}


def test_a_field_always_null_before_and_set_now_is_nullability_drift() -> None:
    found = compare_responses(
        "x", {"error_code": 0, "note": None}, {"error_code": 0, "note": "now set"}
    )
    assert kinds(found) == [("nullability_changed", "/note")]


def test_array_items_are_merged_so_order_and_count_do_not_matter() -> None:
    # a plan line and a tax line differ in which fields are null; their order may change
    plan = {"line_type": 1, "plan_no": 10, "tax_rate": None}
    tax = {"line_type": 3, "plan_no": None, "tax_rate": 0.05}
    recorded = {"error_code": 0, "lines": [plan, tax]}
    live = {"error_code": 0, "lines": [tax, plan, tax]}
    assert compare_responses("x", recorded, live) == []


def test_the_pointer_of_an_added_array_field_is_the_first_item_that_has_it() -> None:
    recorded = {"error_code": 0, "lines": [{"a": 1}]}
    live = {"error_code": 0, "lines": [{"a": 1}, {"a": 2, "b": 3}]}
    assert kinds(compare_responses("x", recorded, live)) == [("field_added", "/lines/1/b")]


def test_an_empty_array_on_one_side_is_not_drift() -> None:
    recorded = {"error_code": 0, "lines": [{"a": 1}]}
    assert compare_responses("x", recorded, {"error_code": 0, "lines": []}) == []


def test_a_changed_error_code_is_reported_alone() -> None:
    recorded = {"error_code": 0, "error_msg": "OK", "invoice_no": 1}
    live = {"error_code": 1009, "error_msg": "account does not exist", "invoice_no": None}
    found = compare_responses("x", recorded, live)
    assert kinds(found) == [("error_code_changed", "/error_code")]
    assert found[0].expected == "0" and found[0].actual == "1009"
    assert found[0].category == "behaviour"


def test_a_changed_error_message_is_behaviour_drift() -> None:
    recorded = {"error_code": 1009, "error_msg": "account does not exist"}
    live = {"error_code": 1009, "error_msg": "no such account"}
    assert kinds(compare_responses("x", recorded, live)) == [
        ("error_message_changed", "/error_msg")
    ]


def test_ids_and_dates_inside_messages_are_normalised_by_the_rules() -> None:
    recorded = {"error_code": 1009, "error_msg": "account 1000001 does not exist on 2026-01-01"}
    live = {"error_code": 1009, "error_msg": "account 1000417 does not exist on 2026-02-03"}
    assert compare_responses("x", recorded, live) == []
    # without the rules the same pair is drift, so the rules are what make it pass
    assert kinds(compare_responses("x", recorded, live, rules=Rules())) == [
        ("error_message_changed", "/error_msg")
    ]


def test_nested_error_codes_are_behaviour() -> None:
    recorded = {"error_code": 0, "out": [{"invoicing_error_code": 0}]}
    live = {"error_code": 0, "out": [{"invoicing_error_code": 1016}]}
    assert kinds(compare_responses("x", recorded, live)) == [
        ("error_code_changed", "/out/0/invoicing_error_code")
    ]


def test_contract_drift_reports_only_new_violations() -> None:
    live = live_copy()
    live["error_code"] = 0
    live["out_invoices_list"][0]["invoicing_error_code"] = "zero"  # a string where a number goes
    found = compare_responses(METHOD, GEN_INVOICE_M_SUCCESS, live)
    contract = [f for f in found if f.kind == "contract"]
    assert contract and all(f.category == "contract" for f in contract)
    assert any(f.pointer == "/out_invoices_list/0/invoicing_error_code" for f in contract)
    # the same violation already in the recording is not drift
    assert compare_responses(METHOD, live, copy.deepcopy(live)) == []


def test_nullability_can_be_ignored_for_forced_dry_runs() -> None:
    recorded = {"error_code": 0, "invoice_no": 5}
    live = {"error_code": 0, "invoice_no": None}
    assert compare_responses("x", recorded, live, nullability=False) == []
    assert kinds(compare_responses("x", recorded, live)) == [("nullability_changed", "/invoice_no")]

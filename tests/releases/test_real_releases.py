"""Aria's releases 18 and 19: what changed, each sample checked by hand in the raw files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harness.releases import Change, ChangeKind, diff_models
from harness.swagger import load_description


@cache
def _raw(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _diff(folder: Path) -> tuple[Change, ...]:
    old = load_description(str(folder / "all_A7_18_swagger.json"))
    new = load_description(str(folder / "all_A7_19_swagger.json"))
    return tuple(diff_models(old, new))


@pytest.fixture
def raw18(aria_swagger: Path) -> dict[str, Any]:
    return _raw(aria_swagger / "all_A7_18_swagger.json")["definitions"]


@pytest.fixture
def raw19(aria_swagger: Path) -> dict[str, Any]:
    return _raw(aria_swagger / "all_A7_19_swagger.json")["definitions"]


@pytest.fixture
def changes(aria_swagger: Path) -> tuple[Change, ...]:
    return _diff(aria_swagger)


def _find(changes: tuple[Change, ...], method: str, path: str) -> list[tuple[ChangeKind, bool]]:
    return [(c.kind, c.breaking) for c in changes if c.method == method and c.path == path]


def test_three_methods_added_and_one_removed(changes: tuple[Change, ...]) -> None:
    added = [c.method for c in changes if c.kind is ChangeKind.METHOD_ADDED]
    removed = [c.method for c in changes if c.kind is ChangeKind.METHOD_REMOVED]
    assert added == ["delete_acct_data_m", "get_unapplied_payments_m", "move_payment_m"]
    assert removed == ["get_queued_acct_plans_m"]


def test_create_order_m_invoicing_error_code_gets_the_2_suffix_and_a_new_type(
    changes: tuple[Change, ...], raw18: dict[str, Any], raw19: dict[str, Any]
) -> None:
    # By hand: 18 has invoicing_error_code (string); 19 only invoicing_error_code_2 (integer).
    before = raw18["CreateOrderMResponse"]["properties"]
    after = raw19["CreateOrderMResponse"]["properties"]
    assert before["invoicing_error_code"]["type"] == "string"
    assert "invoicing_error_code" not in after
    assert after["invoicing_error_code_2"]["type"] == "integer"
    assert _find(changes, "create_order_m", "invoicing_error_code_2") == [
        (ChangeKind.FIELD_RENAMED, True),
        (ChangeKind.TYPE_CHANGED, True),
    ]


def test_get_invoice_details_m_billing_group_no_gets_the_2_suffix(
    changes: tuple[Change, ...], raw18: dict[str, Any], raw19: dict[str, Any]
) -> None:
    assert "billing_group_no" in raw18["GetInvoiceDetailsMResponse"]["properties"]
    assert "billing_group_no_2" in raw19["GetInvoiceDetailsMResponse"]["properties"]
    renamed = [
        c
        for c in changes
        if c.method == "get_invoice_details_m" and c.kind is ChangeKind.FIELD_RENAMED
    ]
    assert {(c.old, c.new) for c in renamed} == {
        ("acct_locale_no", "acct_locale_no_2"),
        ("billing_group_no", "billing_group_no_2"),
        ("is_pending_ind", "is_pending_ind_2"),
    }
    assert all(c.artifact for c in renamed)


def test_a_renamed_array_of_contacts_keeps_its_items(
    changes: tuple[Change, ...], raw18: dict[str, Any], raw19: dict[str, Any]
) -> None:
    # By hand: billing_contact_details (18) and billing_contact_details_2 (19) have item
    # schemas of different names and the same two integer fields.
    def items(raw: dict[str, Any], name: str) -> dict[str, Any]:
        prop = raw["UpdateAcctPlanMultiMResponse"]["properties"][name]
        return raw[prop["items"]["$ref"].rsplit("/", 1)[1]]["properties"]

    assert items(raw18, "billing_contact_details") == items(raw19, "billing_contact_details_2")
    assert _find(changes, "update_acct_plan_multi_m", "billing_contact_details_2") == [
        (ChangeKind.FIELD_RENAMED, True)
    ]
    assert not [c for c in changes if c.path and c.path.startswith("billing_contact_details_2[]")]


def test_a_nested_output_is_retyped(
    changes: tuple[Change, ...], raw18: dict[str, Any], raw19: dict[str, Any]
) -> None:
    def item_type(raw: dict[str, Any]) -> str:
        ref = raw["GetClientPlansAllMResponse"]["properties"]["all_client_plan_dtls"]["items"]
        return raw[ref["$ref"].rsplit("/", 1)[1]]["properties"]["nso_group_item_scope"]["type"]

    assert (item_type(raw18), item_type(raw19)) == ("integer", "string")
    assert _find(
        changes, "get_client_plans_all_m", "all_client_plan_dtls[].nso_group_item_scope"
    ) == [(ChangeKind.TYPE_CHANGED, True)]


def test_inputs_made_required_and_optional(
    changes: tuple[Change, ...], raw18: dict[str, Any], raw19: dict[str, Any]
) -> None:
    assert "credit_application_details" not in raw18["ApplyCmMRequest"]["required"]
    assert "credit_application_details" in raw19["ApplyCmMRequest"]["required"]
    assert "acct_no" in raw18["AssignCollectionsAcctGroupMRequest"]["required"]
    assert "acct_no" not in raw19["AssignCollectionsAcctGroupMRequest"]["required"]
    assert _find(changes, "apply_cm_m", "credit_application_details") == [
        (ChangeKind.BECAME_REQUIRED, True)
    ]
    assert _find(changes, "assign_collections_acct_group_m", "acct_no") == [
        (ChangeKind.BECAME_OPTIONAL, False)
    ]


def test_fields_that_come_and_go(changes: tuple[Change, ...], raw19: dict[str, Any]) -> None:
    assert "cc_auth_details" in raw19["AssignAcctPlanMResponse"]["properties"]
    assert _find(changes, "assign_acct_plan_m", "cc_auth_details") == [
        (ChangeKind.FIELD_ADDED, False)
    ]
    assert _find(
        changes, "update_acct_complete_m", "update_acct_custom_rates[].custom_rate_plan_instance_no"
    ) == [(ChangeKind.FIELD_REMOVED, True)]


def test_the_2_artifact_is_never_left_as_an_addition(changes: tuple[Change, ...]) -> None:
    leftover = [
        c.describe()
        for c in changes
        if c.kind is ChangeKind.FIELD_ADDED and str(c.path).rsplit(".", 1)[-1].endswith("_2")
    ]
    assert leftover == []
    suffixed = [c for c in changes if c.kind is ChangeKind.FIELD_RENAMED and c.artifact]
    assert (len(suffixed), len({c.method for c in suffixed})) == (74, 38)

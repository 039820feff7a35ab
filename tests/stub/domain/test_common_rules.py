"""Rules every method follows: credentials, required inputs, unknown methods, the envelope."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from harness.spec import registry
from harness.stub.routes import ROUTES
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

# A minimal valid call per method (credentials added by the fixtures).
MINIMAL = {
    "gen_invoice_m": {"acct_no": 1000001},
    "gen_invoice": {"acct_no": 1000001},
    "gen_rb_m": {
        "acct_no": 1000001,
        "orig_invoice_no": 1,
        "reason_cd": 1,
        "rb_line_items": [{"line_no": 1}],
    },
    "create_order_m": {
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
    },
    "manage_pending_invoice_m": {"invoice_no": 1},
    "get_invoice_details_m": {"invoice_no": 1},
    "get_virtual_datetime_m": {},
    "advance_virtual_datetime_m": {"offset_hours": 1},
    # credit memos, disputes, write-offs, refunds, balances
    "create_cm_m": {
        "acct_no": 1000001,
        "credit_ref_type": 1,
        "cm_comments": "c",
        "cm_line_items": [{"cm_line_amount": 1}],
    },
    "apply_cm_m": {
        "credit_application_details": [
            {
                "cm_no": 1,
                "cm_line_no": 1,
                "apply_to_invoice_no": 1,
                "apply_to_invoice_line_no": 1,
                "gross_line_application_amt": 1,
            }
        ]
    },
    "unapply_cm_m": {
        "cm_unapply_details": [{"cm_no": 1, "cm_line_no": 1, "invoice_no": 1, "invoice_line_no": 1}]
    },
    "get_cm_details_m": {"cm_no": 1},
    "calc_credit_reference_line_m": {
        "acct_no": 1000001,
        "credit_ref_type": 3,
        "credit_reference_start_date": "2000-01-01",
    },
    "create_writeoff_or_dispute_m": {"invoice_no": 1, "reason_code": 1, "comments": "c"},
    "settle_dispute_hold_m": {"acct_no": 1000001, "dispute_no": 1, "settlement_action": 1},
    "get_acct_writeoff_or_disputes_m": {"acct_no": 1000001},
    "issue_refund_to_acct_m": {
        "payment_transaction_id": 1,
        "reason_code": 1,
        "total_refund_amount": 1,
    },
    "get_refund_details_m": {"acct_no": 1000001},
    "get_acct_balance_m": {"acct_no": 1000001},
    "create_acct_complete_m": {
        "acct": [{"dunning_group": [{}], "master_plans_detail": [{"plan_no": 10002}]}]
    },
    "get_acct_details_all_m": {"acct_no": 1000001},
    "get_acct_plans_all_m": {"acct_no": 1000001},
    "get_invoice_history_m": {"acct_no": 1000001},
    "assign_acct_plan_m": {"acct_no": 1000001, "new_plan_no": 10002},
    "cancel_acct_plan_m": {"acct_no": 1000001, "plan_instance_no": 20001},
    "replace_acct_plan_m": {"acct_no": 1000001, "plan_instance_no": 20001, "new_plan_no": 10002},
    "update_acct_plan_m": {"acct_no": 1000001, "plan_instance_no": 20001, "plan_units": 2},
    "modify_acct_plan_unit_instances_m": {
        "acct_no": 1000001,
        "plan_inst_no": 20001,
        "new_plan_units": 1,
    },
    "update_acct_complete_m": {"acct_no": 1000001, "alt_bill_day": 15},
    "update_acct_plan_multi_m": {
        "acct_no": 1000001,
        "plan_updates": [
            {"plan_directive": 3, "existing_plan_instance_no": 20001, "plan_units": 2}
        ],
        "acct_billing_groups": [{}],
    },
    "create_order_with_plan_m": {
        "acct_no": 1000001,
        "supp_plan_no": 10002,
        "order_line_items": [{"client_sku": "WIDGET", "units": 1}],
    },
    "update_order_m": {"order_no": 1},
    "get_acct_plan_queued_changes_m": {"acct_no": 1000001},
    "edit_acct_plan_queued_changes_m": {
        "acct_no": 1000001,
        "edit_queued_changes": [{"queue_edit_directive": 0}],
    },
    "get_acct_plan_unit_instance_all_m": {"acct_no": 1000001},
    "update_acct_plan_unit_instance_m": {"acct_no": 1000001, "plan_unit_inst_no": 20001001},
}
METHODS = sorted(MINIMAL)


def test_every_described_method_has_a_route():
    # every hand-built method is simulated, and so are some of the generated layer's
    assert set(registry().names) <= set(ROUTES) <= set(registry().all_names)
    assert set(ROUTES) == set(MINIMAL)


@pytest.mark.parametrize("method", METHODS)
def test_wrong_auth_key_is_1004(err, method):
    answer = err(1004, method, auth_key="not-the-key", **MINIMAL[method])
    assert answer["error_msg"] == "authentication error"


@pytest.mark.parametrize("method", METHODS)
def test_unknown_client_no_is_1004(err, method):
    err(1004, method, client_no=1234567, **MINIMAL[method])


@pytest.mark.parametrize("method", METHODS)
def test_missing_credentials_are_1010(service, method):
    for missing in ("client_no", "auth_key"):
        params = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY, **MINIMAL[method]}
        del params[missing]
        answer = check_answer(method, service.call(method, params))
        assert answer["error_code"] == 1010
        assert answer["error_msg"] == f"Missing required parameter: {missing}"


@pytest.mark.parametrize(
    ("method", "field"),
    [
        ("gen_invoice", "acct_no"),
        ("gen_rb_m", "orig_invoice_no"),
        ("gen_rb_m", "reason_cd"),
        ("gen_rb_m", "rb_line_items"),
        ("create_order_m", "account_no"),
        ("create_order_m", "order_line_items_list"),
        ("get_invoice_details_m", "invoice_no"),
        ("advance_virtual_datetime_m", "offset_hours"),
        # --- credits ---
        ("create_cm_m", "cm_comments"),
        ("create_cm_m", "cm_line_items"),
        ("apply_cm_m", "credit_application_details"),
        ("unapply_cm_m", "cm_unapply_details"),
        ("calc_credit_reference_line_m", "credit_reference_start_date"),
        ("create_writeoff_or_dispute_m", "invoice_no"),
        ("settle_dispute_hold_m", "dispute_no"),
        ("issue_refund_to_acct_m", "payment_transaction_id"),
        ("get_refund_details_m", "acct_no"),
        # --- end credits ---
    ],
    ids=lambda value: value,
)
def test_missing_required_input_is_1010_naming_it(err, method, field):
    params = dict(MINIMAL[method])
    del params[field]
    answer = err(1010, method, **params)
    assert answer["error_msg"] == f"Missing required parameter: {field}"


def test_missing_required_alternative_names_the_first(err):
    params = {k: v for k, v in MINIMAL["gen_invoice_m"].items() if k != "acct_no"}
    answer = err(1010, "gen_invoice_m", **params)
    assert answer["error_msg"] == "Missing required parameter: acct_no"


def test_empty_form_value_counts_as_missing(err):
    err(1010, "gen_invoice", acct_no="")


def test_missing_item_field_is_1010(err):
    answer = err(
        1010, "create_order_m", account_no=1000001, order_line_items_list=[{"client_sku": "WIDGET"}]
    )
    assert answer["error_msg"] == "Missing required parameter: units"


@pytest.mark.parametrize("method", ["no_such_method", "", "gen_invoice_m ", 42, None])
def test_unknown_method_is_minus_one(service, method):
    answer = service.call(method, {"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert answer["error_code"] == -1
    assert list(answer) == ["error_code", "error_msg"]


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("gen_invoice_m", {"acct_no": 999}, "Account not found: AriaNo"),
        ("gen_invoice_m", {"client_acct_id": "NOPE"}, "Account not found: ClientId"),
        ("gen_invoice_m", {"userid": "nobody"}, "Account not found: Userid"),
        ("gen_rb_m", {**MINIMAL["gen_rb_m"], "acct_no": 999}, "Account not found: AriaNo"),
        ("gen_invoice", {"acct_no": 999}, "account does not exist"),
        (
            "create_order_m",
            {**MINIMAL["create_order_m"], "account_no": 999},
            "account does not exist",
        ),
        (
            "get_invoice_details_m",
            {"invoice_no": 1, "client_acct_id": "NOPE"},
            "Account not found: ClientId",
        ),
        ("manage_pending_invoice_m", {"invoice_no": 1, "acct_no": 5}, "Account not found: AriaNo"),
    ],
    ids=[
        "mpi-acct_no",
        "mpi-client_acct_id",
        "mpi-userid",
        "rb",
        "aria6",
        "order",
        "details",
        "pending",
    ],
)
def test_unknown_account_is_1009_with_documented_message(err, method, params, message):
    assert err(1009, method, **params)["error_msg"] == message


@pytest.mark.parametrize(
    "other", [{"client_acct_id": "GLOBEX-1"}, {"userid": "globex"}, {"client_acct_id": "NOPE"}]
)
def test_acct_no_wins_over_the_other_identifiers(ok, err, other):
    assert ok("gen_invoice_m", acct_no=1000001, **other)["out_acct_no"] == 1000001
    # an unknown number is not found, whatever the others name
    assert err(1009, "gen_invoice_m", acct_no=999, **other)["error_msg"] == (
        "Account not found: AriaNo"
    )


def test_account_of_another_tenant_is_not_found():
    from harness.stub.service import StubService

    fixture = {
        "tenants": [
            {"client_no": 1, "auth_key": "k1", "accounts": []},
            {
                "client_no": 2,
                "auth_key": "k2",
                "accounts": [
                    {
                        "acct_no": 77,
                        "client_acct_id": "X",
                        "billing_groups": [{"billing_group_no": 1, "client_billing_group_id": "B"}],
                    }
                ],
            },
        ]
    }
    stub = StubService(fixtures=fixture)
    answer = check_answer(
        "gen_invoice_m",
        stub.call("gen_invoice_m", {"client_no": 1, "auth_key": "k1", "acct_no": 77}),
    )
    assert answer["error_code"] == 1009


@pytest.mark.parametrize(
    ("method", "params", "fragment"),
    [
        ("gen_invoice_m", {"acct_no": "abc"}, "acct_no must be an integer"),
        ("gen_invoice_m", {"acct_no": 1000001, "client_receipt_id": "x" * 51}, "longer than 50"),
        (
            "gen_invoice_m",
            {"acct_no": 1000001, "force_pending": "maybe"},
            "force_pending must be one of",
        ),
        ("gen_invoice_m", {"acct_no": 2**70}, "out of range"),
        ("gen_rb_m", {**MINIMAL["gen_rb_m"], "rb_line_items": "nope"}, "array of objects"),
        ("gen_rb_m", {**MINIMAL["gen_rb_m"], "rb_line_items": [1, 2]}, "must be an object"),
        (
            "create_order_m",
            {
                "account_no": 1000001,
                "order_line_items_list": [{"client_sku": "WIDGET", "units": "lots"}],
            },
            "units must be a number",
        ),
        (
            "create_order_m",
            {
                "account_no": 1000001,
                "order_line_items_list": [{"client_sku": "WIDGET", "units": "nan"}],
            },
            "finite",
        ),
        ("get_invoice_details_m", {"invoice_no": True}, "not a boolean"),
        ("get_virtual_datetime_m", {"client_no": [1]}, "client_no must be an integer"),
    ],
    ids=["type", "maxLength", "enum", "int64", "array", "item", "number", "nan", "bool", "list"],
)
def test_bad_values_are_1016_with_a_clear_message(err, method, params, fragment):
    answer = err(1016, method, **params)
    assert fragment in answer["error_msg"]


def test_numeric_strings_are_accepted_for_numbers(ok):
    answer = ok("gen_invoice_m", client_no=str(CLIENT_NO), acct_no="1000001", invoice_mode="0")
    assert answer["out_acct_no"] == 1000001


def test_unknown_fields_are_ignored(ok):
    ok("get_virtual_datetime_m", no_such_field="x", rest_call="get_virtual_datetime_m")


def test_params_that_are_not_a_mapping_get_1016(service):
    answer = check_answer("gen_invoice_m", service.call("gen_invoice_m", ["not", "a", "mapping"]))  # type: ignore[arg-type]
    assert answer["error_code"] == 1016


def test_params_in_any_mapping_are_read(service):
    params = MappingProxyType({"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert service.call("get_virtual_datetime_m", params)["error_code"] == 0


def test_error_envelope_order_is_code_fields_message(err):
    answer = err(1009, "gen_invoice_m", acct_no=999)
    fields = [
        f for f in registry()["gen_invoice_m"].output_fields if f not in ("error_code", "error_msg")
    ]
    assert list(answer) == ["error_code", *fields, "error_msg"]


@pytest.mark.parametrize(
    "answer",
    [
        {"current_offset_hours": 5, "virtual_date": "2026-01-01"},
        {"virtual_date": "2026-01-01", "current_offset_hours": 5, "internal_note": "x"},
        {
            "current_offset_hours": 5,
            "virtual_date": "2026-01-01",
            "error_code": 7,
            "error_msg": "x",
        },
    ],
    ids=["output fields only", "with a field the method does not answer", "with envelope keys"],
)
def test_a_success_envelope_holds_the_output_fields_in_order_and_nothing_else(
    service, monkeypatch, answer
):
    monkeypatch.setitem(ROUTES, "get_virtual_datetime_m", lambda ctx, params: dict(answer))
    got = service.call("get_virtual_datetime_m", {"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert list(got) == list(registry()["get_virtual_datetime_m"].output_fields)
    assert (got["error_code"], got["error_msg"]) == (0, "OK")
    assert (got["current_offset_hours"], got["virtual_date"]) == (5, "2026-01-01")
    assert got["virtual_time"] is None and "internal_note" not in got


def test_an_internal_bug_answers_1001_and_never_raises(service, monkeypatch):
    def broken(ctx, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(ROUTES, "get_virtual_datetime_m", broken)
    answer = service.call("get_virtual_datetime_m", {"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert answer["error_code"] == 1001
    assert answer["error_msg"] == "unexpected error"
    assert "boom" not in str(answer)


def test_gen_invoice_m_finds_the_account_by_userid(ok):
    answer = ok("gen_invoice_m", userid="acme", billing_group_no=70001)
    assert answer["out_acct_no"] == 1000001

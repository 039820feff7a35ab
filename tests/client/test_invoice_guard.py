"""The invoice guard on every method of Aria's "APIs That Generate Invoices" page.

Against a live target (anything but the embedded stub) the guard refuses a call when the
method's documented condition can hold for its inputs, before a byte is sent, and lets it
through when the inputs rule the condition out or ask for a dry run.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness import InvoiceGuardError
from harness.spec import registry

ACCT = {"acct_no": 1}
# method -> (inputs under which it may generate an invoice, inputs under which it cannot;
# None where only the account's state decides and there is no dry-run field)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "apply_cm_m": ({**ACCT, "credit_application_details": [{"cm_no": 1}]}, {"do_write": "false"}),
    "assign_acct_plan_m": ({**ACCT, "new_plan_no": 5}, {**ACCT, "do_write": "false"}),
    "calc_credit_reference_line_m": ({**ACCT, "plan_instance_no": 2}, None),
    "cancel_acct_plan_m": ({**ACCT, "plan_instance_no": 2}, {"do_write": "false"}),
    "create_cm_m": ({**ACCT, "orig_invoice_no": 9}, {**ACCT, "cm_reason_cd": 1}),
    "create_order_m": (
        {"account_no": 1, "bill_immediately": 1, "order_line_items_list": []},
        {"account_no": 1, "bill_immediately": 0, "order_line_items_list": []},
    ),
    "create_order_with_plan_m": ({**ACCT, "bill_immediately": 1}, {"do_write": "false"}),
    "create_writeoff_or_dispute_m": (
        {**ACCT, "invoice_no": 9, "do_dispute": 0},
        {**ACCT, "invoice_no": 9, "do_dispute": 1},
    ),
    "edit_acct_plan_queued_changes_m": (
        {**ACCT, "edit_queued_changes": [{"queue_id": 1, "queue_edit_directive": 1}]},
        {**ACCT, "edit_queued_changes": [{"queue_id": 1, "queue_edit_directive": 0}]},
    ),
    "issue_refund_to_acct_m": (
        {**ACCT, "payment_transaction_id": 4, "invoice_trans_to_reverse": [{"invoice_no": 9}]},
        {**ACCT, "payment_transaction_id": 4, "total_refund_amount": 5},
    ),
    "modify_acct_plan_unit_instances_m": (
        {**ACCT, "plan_inst_no": 2, "new_plan_units": 3},
        {**ACCT, "plan_inst_no": 2, "remove_plan_units": [{"plan_unit_inst_no": 7}]},
    ),
    "replace_acct_plan_m": ({**ACCT, "new_plan_no": 6}, {"do_write": "false"}),
    "settle_dispute_hold_m": ({**ACCT, "dispute_no": 3}, None),
    "unapply_cm_m": ({**ACCT, "cm_unapply_details": [{"cm_no": 1}]}, {"do_write": "false"}),
    "update_acct_complete_m": ({**ACCT, "alt_bill_day": 15}, {**ACCT, "first_name": "Ada"}),
    "update_acct_plan_m": (
        {**ACCT, "plan_instance_no": 2, "plan_units": 5},
        {**ACCT, "plan_instance_no": 2, "plan_instance_description": "renamed"},
    ),
    "update_acct_plan_multi_m": (
        {**ACCT, "plan_updates": [{"plan_directive": 1, "new_plan_no": 5}]},
        {**ACCT, "comments": "no plan operation"},
    ),
    "update_acct_plan_unit_instance_m": (
        {**ACCT, "plan_unit_instance_services": [{"service_no": 1, "fulfillment_directive": 1}]},
        {**ACCT, "plan_unit_inst_fields": [{"field_name": "colour", "field_value": "red"}]},
    ),
    "update_order_m": (
        {"account_no": 1, "order_no": 8, "bill_immediately": 1},
        {"account_no": 1, "order_no": 8, "bill_immediately": 0},
    ),
}


def test_every_method_of_the_invoice_page_but_the_four_always_generating_has_a_case() -> None:
    always = {"gen_invoice_m", "gen_invoice", "gen_rb_m", "manage_pending_invoice_m"}
    generating = {spec.name for spec in registry().invoicing_methods()}
    assert set(CASES) == generating - always
    assert len(CASES) == 19


@pytest.mark.parametrize("method", sorted(CASES))
def test_the_guard_refuses_a_live_call_whose_condition_can_hold(method, fake_client, fake_aria):
    may_invoice, _ = CASES[method]
    with pytest.raises(InvoiceGuardError, match=method) as refused:
        fake_client.call(method, **may_invoice)
    assert registry()[method].invoicing.when in str(refused.value)
    assert fake_aria.app.received == []


@pytest.mark.parametrize("method", sorted(name for name, case in CASES.items() if case[1]))
def test_the_guard_lets_a_live_call_through_when_it_cannot_invoice(method, fake_client, fake_aria):
    _, cannot = CASES[method]
    assert cannot is not None
    assert registry()[method].invoice_condition(cannot) is None
    answer = fake_client.call(method, **cannot)
    assert answer["error_code"] == -1  # the fake knows none of these methods
    assert [sent["rest_call"] for sent in fake_aria.app.received] == [method]


@pytest.mark.parametrize(
    "method",
    sorted(name for name in CASES if registry()[name].invoicing.dry_run_field == "do_write"),
)
def test_every_dry_run_field_lets_the_call_through(method):
    may_invoice, _ = CASES[method]
    spec = registry()[method]
    assert spec.may_generate_invoice(may_invoice)
    assert not spec.may_generate_invoice({**may_invoice, "do_write": "false"})


@pytest.mark.parametrize("unset", [{}, {"bill_immediately": ""}, {"bill_immediately": None}])
def test_an_unset_bill_immediately_is_refused_as_aria_falls_back_to_auto_bill_orders(
    unset, fake_client, fake_aria
):
    # aria.yaml: unset, AUTO BILL ORDERS decides, and its default "bills immediately"
    with pytest.raises(InvoiceGuardError, match="create_order_m"):
        fake_client.call("create_order_m", account_no=1, order_line_items_list=[], **unset)
    assert fake_aria.app.received == []


@pytest.mark.parametrize(
    "spelling",
    ["2", "01", "1.0", "+1", "1e0", "0x1", "on", "-1", "１", ["1"], 2, 1.0],
    ids=repr,
)
@pytest.mark.parametrize("encoding", ["json", "form"])
def test_an_undocumented_bill_immediately_spelling_is_refused(
    spelling, encoding, fake_client, fake_aria
):
    fake_client.encoding = encoding
    with pytest.raises(InvoiceGuardError):
        fake_client.call(
            "create_order_m", account_no=1, bill_immediately=spelling, order_line_items_list=[]
        )
    assert fake_aria.app.received == []


@pytest.mark.parametrize(
    "spelling", ["FALSE", " FALSE", "False", "false ", "0", "0 ", 0, 0.0, "no", ""], ids=repr
)
def test_only_the_documented_false_makes_gen_rb_m_a_dry_run(spelling, fake_client, fake_aria):
    with pytest.raises(InvoiceGuardError, match="gen_rb_m"):
        fake_client.call("gen_rb_m", invoice_no=9, do_write=spelling)
    assert fake_aria.app.received == []
    assert registry()["gen_rb_m"].invoice_condition({"do_write": "false"}) is None


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_rest_call_among_the_parameters_is_an_error_and_nothing_is_sent(
    encoding, fake_client, fake_aria
):
    fake_client.encoding = encoding
    with pytest.raises(ValueError, match="rest_call"):
        fake_client.call("get_virtual_datetime_m", rest_call="gen_invoice_m")
    assert fake_aria.app.received == []


@pytest.mark.parametrize("encoding", ["json", "form"])
@pytest.mark.parametrize(
    "params",
    [
        {"rest.call": "gen_invoice_m"},
        {"rest call": "gen_invoice_m"},
        {" rest_call": "gen_invoice_m"},
        {"rest[call": "gen_invoice_m"},
        {"rest_call\x00x": "gen_invoice_m"},
        {"rest_call[0]": "gen_invoice_m"},
        {"x": [{"rest.call": "gen_invoice_m"}]},
    ],
    ids=repr,
)
def test_a_parameter_php_reads_as_rest_call_is_an_error_and_nothing_is_sent(
    params, encoding, fake_client, fake_aria
):
    fake_client.encoding = encoding
    with pytest.raises(ValueError, match="PHP reads it as rest_call"):
        fake_client.call("get_virtual_datetime_m", **params)
    assert fake_aria.app.received == []


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("update_acct_plan_m", {"custom_rates": [{"custom_rate_service_no": 1, "plan_units": 5}]}),
        ("update_acct_complete_m", {"acct_coupons": [{"coupon_cd": "A", "alt_bill_day": 5}]}),
        ("create_cm_m", {"cm_line_items": [{"line_no": 1, "orig_invoice_no": 9}]}),
        ("gen_rb_m", {"invoice_no": 9, "do_write": "false", "do.write": "true"}),
    ],
)
def test_a_form_call_is_judged_as_aria_reads_the_wire(method, params, fake_client, fake_aria):
    fake_client.encoding = "form"
    with pytest.raises(InvoiceGuardError, match=method):
        fake_client.call(method, acct_no=1, **params)
    assert fake_aria.app.received == []


# Inputs Swagger 19 describes as billing now, whatever the directive says
BILLS_NOW = {
    "assign nso_bill_immediately": (
        "assign_acct_plan_m",
        {
            **ACCT,
            "assignment_directive": 1,
            "nso_bill_immediately": 1,
            "nso_item_list": [{"client_sku": "A"}],
        },
    ),
    "assign invoicing_option": (
        "assign_acct_plan_m",
        {**ACCT, "assignment_directive": 3, "invoicing_option": 1, "proration_invoice_timing": 0},
    ),
    "multi nso_bill_immediately": (
        "update_acct_plan_multi_m",
        {
            **ACCT,
            "assignment_directive": 1,
            "plan_updates": [
                {
                    "plan_directive": 1,
                    "nso_bill_immediately": 1,
                    "nso_item_array": [{"client_sku": "A"}],
                }
            ],
        },
    ),
    "complete master plan": (
        "update_acct_complete_m",
        {**ACCT, "master_plan_no": 5, "master_plan_assign_directive": 2, "invoicing_option": 1},
    ),
    "complete master_plan_units": ("update_acct_complete_m", {**ACCT, "master_plan_units": 5}),
    "complete status_cd": ("update_acct_complete_m", {**ACCT, "status_cd": 1}),
    "plan alt_rate_schedule_no": ("update_acct_plan_m", {**ACCT, "alt_rate_schedule_no": 2}),
    "plan custom_rates": (
        "update_acct_plan_m",
        {**ACCT, "custom_rates": [{"custom_rate_service_no": 1, "custom_rate_per_unit": 2}]},
    ),
    "plan units nan": ("update_acct_plan_m", {**ACCT, "plan_units": "nan"}),
    "cancel invoice_unbilled_usage": (
        "cancel_acct_plan_m",
        {**ACCT, "assignment_directive": 1, "invoice_unbilled_usage": "true"},
    ),
    "queued invoice_unbilled_usage": (
        "edit_acct_plan_queued_changes_m",
        {**ACCT, "edit_queued_changes": [{"queue_edit_directive": 2, "invoice_unbilled_usage": 1}]},
    ),
}


@pytest.mark.parametrize("case", sorted(BILLS_NOW))
def test_an_input_that_bills_now_is_refused_whatever_the_directive(case, fake_client, fake_aria):
    method, params = BILLS_NOW[case]
    with pytest.raises(InvoiceGuardError, match=method):
        fake_client.call(method, **params)
    assert fake_aria.app.received == []

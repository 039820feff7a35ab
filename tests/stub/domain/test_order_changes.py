"""create_order_with_plan_m and update_order_m: one test per invoice trigger.

apis-that-generate-invoices.txt: create_order_with_plan_m "generates an invoice when the combined
order and plan assignment produces billable charges in the same transaction"; update_order_m
"when an order update increases the order total and bill_immediately is set to true". Each
invoice appears when and only when its condition holds, with its lines and totals; every call
is checked against the method's invoicing rule (harness/spec/invoicing.py) and its contract;
dry runs write nothing; the guard refuses what can invoice against a live target.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.policy import Action, Target, decide
from harness.stub.fixtures import read_fixture
from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer, check_invoicing
from tests.stub.domain.test_plans import (
    ACME,
    GOLD_MPI,
    MAIN_BG,
    SILVER,
    SILVER_MPI,
    TAX,
    history,
    instance,
    mid_cycle,
    money,
    share_left,
)

SANDBOX = Target("https://sandbox.example")
SILVER_FEE, WIDGET, GADGET = Decimal("19.99"), Decimal("19.95"), Decimal("99.00")
TWO_WIDGETS = [{"client_sku": "WIDGET", "units": 2}]
WITH_PLAN = {
    "acct_no": ACME,
    "parent_plan_instance_no": GOLD_MPI,
    "supp_plan_no": SILVER,
    "order_line_items": TWO_WIDGETS,
}


@pytest.fixture
def order_call(ok):
    """A call that must succeed, invoice only where its rule allows, and add up."""

    def _call(method, /, **params):
        answer = ok(method, **params)
        check_invoicing(method, params, answer)
        lines = answer.get("cart_inv_line_items") or answer["cart_invoice_line_items"]
        # a coupon's line shows its credit as a negative amount; the charges leave it out
        charged = sum(line["line_amount"] for line in lines if not line["service_is_tax_ind"])
        assert answer["total_charges_before_tax"] == pytest.approx(charged + answer["total_credit"])
        return answer

    return _call


def amounts(answer, key="cart_inv_line_items"):
    return [(line["service_no"], line["line_amount"]) for line in answer[key]]


def invoice_lines(ok, invoice_no):
    details = ok("get_invoice_details_m", acct_no=ACME, invoice_no=invoice_no)
    return details["invoice_line_details"]


# create_order_with_plan_m


def test_order_with_a_mid_cycle_plan_is_one_invoice_of_both(ok, order_call):
    mid_cycle(ok)
    share = share_left(ok, GOLD_MPI)
    answer = order_call("create_order_with_plan_m", bill_immediately=1, **WITH_PLAN)
    assert answer["invoice_no"] in history(ok)
    silver = money(SILVER_FEE * share)
    assert amounts(answer)[:2] == [(40001, float(2 * WIDGET)), (30011, silver)]
    assert answer["total_tax_charges"] == pytest.approx(
        money((2 * WIDGET + Decimal(str(silver))) * TAX), abs=0.01
    )
    assert answer["transaction_id"] and answer["proc_status_code"] == "1"
    lines = invoice_lines(ok, answer["invoice_no"])
    assert [line["order_no"] for line in lines][:2] == [answer["order_no"], None]
    new = answer["cart_inv_line_items"][1]["plan_instance_no"]
    assert instance(ok, new)["next_bill_date"] == instance(ok, GOLD_MPI)["next_bill_date"]


def test_the_order_rides_on_the_plans_proration_invoice_without_bill_immediately(ok, order_call):
    mid_cycle(ok)
    answer = order_call("create_order_with_plan_m", bill_immediately=0, **WITH_PLAN)
    assert answer["invoice_no"] in history(ok)
    assert [line["order_no"] for line in invoice_lines(ok, answer["invoice_no"])][0] == (
        answer["order_no"]
    )
    # billed now, so the next invoice does not bill the order again
    ok("advance_virtual_datetime_m", offset_hours=24 * 40)
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    items = invoice["out_invoices_list"][0]["invoice_items"]
    assert 8 not in [item["line_type"] for item in items]


def test_without_a_running_cycle_bill_immediately_invoices_the_order_alone(ok, order_call):
    params = {**WITH_PLAN, "parent_plan_instance_no": SILVER_MPI}  # EAST_BG, never invoiced
    answer = order_call("create_order_with_plan_m", bill_immediately=1, **params)
    assert answer["invoice_no"] in history(ok)
    assert amounts(answer)[:1] == [(40001, float(2 * WIDGET))]
    assert [line["service_is_tax_ind"] for line in answer["cart_inv_line_items"]] == [0, 1]
    today = ok("get_virtual_datetime_m")["virtual_date"]
    rows = ok("get_acct_plans_all_m", acct_no=ACME)["all_acct_plans_m"]
    (new,) = [row for row in rows if row["plan_instance_no"] not in (GOLD_MPI, SILVER_MPI)]
    assert new["next_bill_date"] == today


def test_nothing_billable_now_makes_no_invoice_and_the_order_waits(ok, order_call):
    params = {**WITH_PLAN, "parent_plan_instance_no": SILVER_MPI}
    answer = order_call("create_order_with_plan_m", **params)  # bill_immediately unset
    assert answer["invoice_no"] is None and history(ok) == [] and answer["order_no"]
    assert answer["total_charges_before_tax"] == float(2 * WIDGET)
    # a waiting order is billed, as create_order_m's, by the account's first group's invoice
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    items = invoice["out_invoices_list"][0]["invoice_items"]
    assert [item["order_no"] for item in items if item["line_type"] == 8] == [answer["order_no"]]


def test_create_order_with_plan_dry_run_writes_nothing(ok, order_call, service):
    mid_cycle(ok)
    before, count = service.dump_state(), service.change_count()
    dry = order_call("create_order_with_plan_m", bill_immediately=1, do_write="false", **WITH_PLAN)
    assert service.dump_state() == before and service.change_count() == count
    assert dry["invoice_no"] is None and dry["order_no"] is None
    real = order_call("create_order_with_plan_m", bill_immediately=1, **WITH_PLAN)
    assert real["invoice_no"] is not None
    assert amounts(dry) == amounts(real)
    assert dry["total_charges_after_tax"] == real["total_charges_after_tax"]


@pytest.mark.parametrize(
    ("change", "code", "named"),
    [
        ({"order_line_items": None}, 1010, "order_line_items"),
        ({"supp_plan_no": None}, 1010, "supp_plan_no"),
        ({"parent_plan_instance_no": 1}, 1016, "parent_plan_instance_no 1"),
        ({"multiple_coupons": [{"coupon_codes": "SAVE5"}]}, 1016, "multiple_coupons"),
        ({"supp_plan_instance_no": 20001}, 1016, "supp_plan_instance_no"),
        ({"order_line_items": [{"client_sku": "NOPE", "units": 1}]}, 1016, "NOPE"),
        ({"supp_plan_units": 0}, 1016, "supp_plan_units"),
    ],
)
def test_create_order_with_plan_refuses_by_name_and_writes_nothing(
    err, service, change, code, named
):
    params = {k: v for k, v in {**WITH_PLAN, **change}.items() if v is not None}
    count = service.change_count()
    answer = err(code, "create_order_with_plan_m", **params)
    assert named in answer["error_msg"]
    assert service.change_count() == count


# update_order_m


def waiting_order(ok, **params):
    """An order of ACME waiting for its next invoice (a GADGET, with a coupon by default)."""
    params.setdefault("coupon_cd", "SAVE5")
    items = [{"client_sku": "GADGET", "units": 1}]
    answer = ok(
        "create_order_m", account_no=ACME, bill_immediately=0, order_line_items_list=items,
        **params,
    )  # fmt: skip
    assert answer["invoice_no"] is None
    return answer


def test_bill_immediately_bills_a_waiting_order_now(ok, order_call):
    created = waiting_order(ok)
    answer = order_call("update_order_m", order_no=created["order_no"], bill_immediately=1)
    assert answer["invoice_no"] in history(ok)
    key = "cart_invoice_line_items"
    assert amounts(answer, key)[:2] == [(40002, float(GADGET)), (None, -5.0)]
    for total in ("total_charges_before_tax", "total_tax_charges", "total_credit"):
        assert answer[total] == created[total]
    assert answer["transaction_id"] and answer["proc_status_code"] == "1"
    lines = invoice_lines(ok, answer["invoice_no"])
    assert lines[0]["order_no"] == created["order_no"]
    # billed once: the next regular invoice leaves it out
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    items = invoice["out_invoices_list"][0]["invoice_items"]
    assert 8 not in [item["line_type"] for item in items]


@pytest.mark.parametrize("bill", [{"bill_immediately": 0}, {}])
def test_without_bill_immediately_the_order_keeps_waiting(ok, order_call, bill):
    created = waiting_order(ok)
    answer = order_call("update_order_m", order_no=created["order_no"], **bill)
    assert answer["invoice_no"] is None and history(ok) == []
    assert answer["total_charges_after_tax"] == created["total_charges_after_tax"]
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    items = invoice["out_invoices_list"][0]["invoice_items"]
    assert [item["order_no"] for item in items if item["line_type"] == 8] == [created["order_no"]]


def test_an_order_already_billed_is_not_billed_again(ok, err, order_call):
    created = ok(
        "create_order_m", account_no=ACME, bill_immediately=1, order_line_items_list=TWO_WIDGETS
    )
    billed = history(ok)
    answer = err(1016, "update_order_m", order_no=created["order_no"], bill_immediately=1)
    assert f"already billed on invoice_no {created['invoice_no']}" in answer["error_msg"]
    fulfilled = order_call(
        "update_order_m", order_no=created["order_no"], fulfilled_date="2026-12-24"
    )
    assert fulfilled["invoice_no"] is None
    assert history(ok) == billed


def test_a_cancelled_order_is_refused():
    raw = read_fixture(None)
    raw["tenants"][0]["client_parameters"]["pending_invoices"] = True
    stub = StubService(fixtures=raw)

    def call(method, **params):
        return check_answer(method, stub.call(method, {"client_no": CLIENT_NO,
                                                      "auth_key": AUTH_KEY, **params}))  # fmt: skip

    created = call(
        "create_order_m", account_no=ACME, bill_immediately=0, order_line_items_list=TWO_WIDGETS
    )
    pending = call("gen_invoice_m", acct_no=ACME, billing_group_no=MAIN_BG)
    invoice_no = pending["out_invoices_list"][0]["invoice_no"]
    discarded = call(
        "manage_pending_invoice_m", acct_no=ACME, invoice_no=invoice_no, action_directive=2,
        cancel_orders_on_discard="true",
    )  # fmt: skip
    assert discarded["error_code"] == 0
    answer = call("update_order_m", order_no=created["order_no"], bill_immediately=1)
    assert answer["error_code"] == 1016
    assert answer["error_msg"].endswith(f"order_no {created['order_no']} is cancelled")
    stub.close()


def test_an_order_of_another_account_or_none_is_no_data_found(ok, err):
    created = waiting_order(ok)
    other = err(1002, "update_order_m", account_no=1000002, order_no=created["order_no"])
    assert other["error_msg"] == f"no data found: order_no {created['order_no']}"
    err(1002, "update_order_m", order_no=1, bill_immediately=1)
    err(1009, "update_order_m", account_no=42, order_no=created["order_no"])


def test_a_fulfilled_date_that_is_no_date_is_refused(ok, err):
    created = waiting_order(ok)
    answer = err(1016, "update_order_m", order_no=created["order_no"], fulfilled_date="soon")
    assert "fulfilled_date" in answer["error_msg"]


def test_update_order_dry_run_writes_nothing(ok, order_call, service):
    created = waiting_order(ok)
    before, count = service.dump_state(), service.change_count()
    dry = order_call(
        "update_order_m", order_no=created["order_no"], bill_immediately=1,
        fulfilled_date="2026-12-24", do_write="false",
    )  # fmt: skip
    assert service.dump_state() == before and service.change_count() == count
    real = order_call("update_order_m", order_no=created["order_no"], bill_immediately=1)
    assert dry["invoice_no"] is None and real["invoice_no"] is not None
    key = "cart_invoice_line_items"
    assert amounts(dry, key) == amounts(real, key)
    assert dry["total_charges_after_tax"] == real["total_charges_after_tax"]


# The guard: refused against a live target when the condition can hold, sent when it cannot;
# what it lets through never invoices on the stub.

GUARD_CASES = [
    ("create_order_with_plan_m", {"bill_immediately": 1, **WITH_PLAN}, Action.REFUSE),
    ("create_order_with_plan_m", {"bill_immediately": 0, **WITH_PLAN}, Action.REFUSE),
    ("create_order_with_plan_m", {**WITH_PLAN, "do_write": "false"}, Action.SEND),
    ("update_order_m", {"bill_immediately": 1}, Action.REFUSE),
    ("update_order_m", {"bill_immediately": 0}, Action.SEND),
    ("update_order_m", {"fulfilled_date": "2026-12-24"}, Action.SEND),
    ("update_order_m", {"bill_immediately": 1, "do_write": "false"}, Action.SEND),
]


@pytest.mark.parametrize(("method", "params", "action"), GUARD_CASES)
def test_the_guard_refuses_what_can_invoice_and_the_stub_agrees(
    ok, order_call, method, params, action
):
    mid_cycle(ok)
    if method == "update_order_m":
        params = {**params, "order_no": waiting_order(ok)["order_no"]}
    assert decide(method, params, SANDBOX).action is action
    answer = order_call(method, **params)
    assert (answer["invoice_no"] is not None) == (action is Action.REFUSE)

"""create_order_m: catalogue items, rate schedules, coupons, billing timing, dry run, gateway."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from harness.stub.exceptions import InvalidInput
from harness.stub.fixtures import build_world, read_fixture
from harness.stub.methods.orders import order_lines
from harness.stub.models import Account, RateSchedule, Tenant
from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

ACME, INITECH, UMBRELLA = 1000001, 1000003, 1000004


def order(ok, account=ACME, **params):
    params.setdefault("order_line_items_list", [{"client_sku": "WIDGET", "units": 2}])
    return ok("create_order_m", account_no=account, **params)


def test_bill_immediately_invoices_and_collects(ok, service):
    answer = order(ok, bill_immediately=1)
    assert answer["order_no"] and answer["invoice_no"] and answer["transaction_id"]
    assert answer["proc_status_code"] == "1" and answer["proc_auth_code"]
    (line, tax) = answer["invoice_line_items_list"]
    assert line["line_amount"] == pytest.approx(39.90) and line["rate_per_unit"] == 19.95
    assert tax["service_is_tax_ind"] == 1
    assert answer["total_charges_after_tax"] == pytest.approx(
        answer["total_charges_before_tax"] + answer["total_tax_charges"]
    )
    details = ok("get_invoice_details_m", invoice_no=answer["invoice_no"])
    assert details["invoice_line_details"][0]["line_type"] == 8
    assert details["invoice_line_details"][0]["order_no"] == answer["order_no"]


def test_bill_immediately_zero_waits_for_the_next_invoice(ok):
    answer = order(ok, bill_immediately=0)
    assert answer["invoice_no"] is None and answer["order_no"]
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=70001)
    line_types = [line["line_type"] for line in invoice["out_invoices_list"][0]["invoice_items"]]
    assert 8 in line_types


def _invoice_on_the_next_bill_date(ok) -> dict[str, Any]:
    """ACME's gold instance invoiced on its next billing date (the clock moved there)."""
    due = next(
        row["next_bill_date"]
        for row in ok("get_acct_plans_all_m", acct_no=ACME)["all_acct_plans_m"]
        if row["plan_instance_no"] == 20001
    )
    today = ok("get_virtual_datetime_m")["virtual_date"]
    days = (date.fromisoformat(due) - date.fromisoformat(today)).days
    ok("advance_virtual_datetime_m", offset_hours=24 * days)
    invoice = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    (entry,) = invoice["out_invoices_list"]
    return entry


def test_an_order_placed_after_an_invoice_found_none_waiting_reaches_the_next_one(ok):
    # the first invoice reads the account's waiting orders (none) before the order is placed
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)["invoice_no"]
    placed = order(ok, bill_immediately=0)["order_no"]
    entry = _invoice_on_the_next_bill_date(ok)
    assert entry["invoice_no"] != first
    assert placed in {line["order_no"] for line in entry["invoice_items"]}


def test_an_order_billed_at_once_is_stored_billed_on_its_invoice(ok, service):
    answer = order(ok, bill_immediately=1, client_order_id="ORD-1")
    (row,) = [
        r for r in service.dump_state()["tables"]["orders"] if r["order_no"] == answer["order_no"]
    ]
    assert (row["status"], row["invoice_no"], row["client_order_id"]) == (
        "billed",
        answer["invoice_no"],
        "ORD-1",
    )
    assert [line["line_type"] for line in json.loads(row["body"])["lines"]] == [8]


def test_an_order_billed_at_once_is_not_billed_again_by_the_next_invoice(ok):
    billed = order(ok, bill_immediately=1)["order_no"]
    (entry,) = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)["out_invoices_list"]
    assert billed not in {line.get("order_no") for line in entry["invoice_items"]}
    assert 8 not in {line["line_type"] for line in entry["invoice_items"]}


def test_null_bill_immediately_follows_auto_bill_orders(ok):
    assert order(ok)["invoice_no"] is not None
    raw = read_fixture(None)
    raw["tenants"][0]["client_parameters"]["auto_bill_orders"] = False
    stub = StubService(fixtures=raw)
    answer = check_answer(
        "create_order_m",
        stub.call(
            "create_order_m",
            {
                "client_no": CLIENT_NO,
                "auth_key": AUTH_KEY,
                "account_no": ACME,
                "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
            },
        ),
    )
    assert answer["error_code"] == 0 and answer["invoice_no"] is None


def test_dry_run_returns_lines_and_totals_and_stores_nothing(ok, service):
    before = service.state_digest()
    answer = order(ok, do_write="false", bill_immediately=1)
    assert answer["order_no"] is None and answer["invoice_no"] is None
    assert answer["invoice_line_items_list"][0]["line_amount"] == pytest.approx(39.90)
    assert answer["total_charges_before_tax"] == pytest.approx(39.90)
    assert service.state_digest() == before


def test_the_default_rate_schedule_of_the_accounts_currency_is_chosen(ok):
    usd = order(ok, order_line_items_list=[{"client_sku": "GADGET", "units": 1}])
    assert usd["invoice_line_items_list"][0]["rate_per_unit"] == 99.0  # gadget-usd, not promo
    euro = order(ok, UMBRELLA)
    assert euro["invoice_line_items_list"][0]["rate_per_unit"] == 18.50  # widget-eur


def _world_with_widget_schedules(*schedules: RateSchedule) -> tuple[Tenant, Account]:
    """The default world's first tenant, its WIDGET priced by these schedules; and ACME."""
    tenant = next(iter(build_world(read_fixture(None)).tenants.values()))
    widget = replace(tenant.items["WIDGET"], schedules=schedules)
    tenant = replace(tenant, items={**tenant.items, "WIDGET": widget})
    return tenant, tenant.accounts[ACME]


def _schedule(no: int, currency: str, *, default: bool = False) -> RateSchedule:
    return RateSchedule(no, f"rs-{no}", f"Schedule {no}", currency, Decimal(no), default)


def test_without_a_default_the_first_schedule_of_the_accounts_currency_is_chosen():
    tenant, acme = _world_with_widget_schedules(
        _schedule(1, "eur", default=True), _schedule(2, "usd"), _schedule(3, "usd")
    )
    (line,) = order_lines(tenant, acme, [{"client_sku": "WIDGET", "units": 1}], "2026-01-01")
    assert line["rate_schedule_no"] == 2 and line["rate"] == 2.0


def test_the_default_schedule_wins_over_an_earlier_one_of_the_currency():
    tenant, acme = _world_with_widget_schedules(
        _schedule(2, "usd"), _schedule(3, "usd", default=True)
    )
    (line,) = order_lines(tenant, acme, [{"client_sku": "WIDGET", "units": 1}], "2026-01-01")
    assert line["rate_schedule_no"] == 3


def test_an_item_without_a_schedule_in_the_accounts_currency_is_refused():
    tenant, acme = _world_with_widget_schedules(_schedule(1, "eur", default=True))
    with pytest.raises(InvalidInput, match=r"no rate schedule in the account's currency \(usd\)"):
        order_lines(tenant, acme, [{"client_sku": "WIDGET", "units": 1}], "2026-01-01")


def test_amount_and_unit_discount(ok):
    answer = order(
        ok,
        order_line_items_list=[
            {"client_sku": "WIDGET", "units": 2, "unit_discount_amount": 1.5},
            {"client_sku": "EBOOK", "units": 3, "amount": 20},
        ],
    )
    first, second = answer["invoice_line_items_list"][:2]
    assert first["line_amount"] == pytest.approx(39.90 - 3.00)
    assert second["line_amount"] == 20
    # EBOOK is not taxable: only the widget line is taxed
    assert answer["total_tax_charges"] == pytest.approx(round(36.90 * 0.0825, 2))


def test_coupon_is_a_credit(ok):
    answer = order(ok, coupon_cd="SAVE5")
    assert answer["total_credit"] == 5.0


def test_coupon_adds_a_coupon_credit_line(ok):
    answer = order(ok, coupon_cd="SAVE5", bill_immediately=1)
    # create_order_m's line shape has no line type: the coupon line is the negative one
    (coupon,) = [line for line in answer["invoice_line_items_list"] if line["line_amount"] < 0]
    assert coupon["line_amount"] == -5.0
    assert coupon["description"] == "Coupon Credit: SAVE5"
    details = ok("get_invoice_details_m", invoice_no=answer["invoice_no"])
    stored = [line for line in details["invoice_line_details"] if line["line_type"] == 4]
    assert [(line["amount"], line["credit_coupon_code"]) for line in stored] == [(-5.0, "SAVE5")]
    # the line shows the credit; it is not counted a second time
    assert answer["total_charges_before_tax"] == pytest.approx(39.90)
    assert answer["total_credit"] == 5.0


def test_a_waiting_orders_coupon_line_reaches_the_next_invoice(ok):
    order(ok, coupon_cd="SAVE5", bill_immediately=0)
    invoice = ok("gen_invoice_m", acct_no=ACME, billing_group_no=70001)["out_invoices_list"][0]
    coupon = [line for line in invoice["invoice_items"] if line["line_type"] == 4]
    assert [(line["line_amount"], line["credit_coupon_code"]) for line in coupon] == [
        (-5.0, "SAVE5")
    ]
    assert invoice["invoice_credit_amount"] == 5.0
    assert invoice["invoice_total_amount"] == pytest.approx(
        invoice["invoice_charges_after_tax"] - 5.0
    )


def test_rebilling_a_couponed_order_offsets_its_credit_too(ok, service):
    answer = order(ok, coupon_cd="SAVE5", bill_immediately=1)
    ok(
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=answer["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1, "rb_units": 1}],
    )
    rows = service.dump_state()["tables"]["invoices"]
    original = next(row for row in rows if row["invoice_no"] == answer["invoice_no"])
    memo = next(row for row in rows if row["kind"] == "credit_memo")
    assert Decimal(original["total"]) + Decimal(memo["total"]) == 0


def _line(**fields: Any) -> dict[str, Any]:
    return {"order_line_items_list": [{"client_sku": "WIDGET", "units": 1, **fields}]}


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"coupon_cd": "NOPE"}, "coupon_cd 'NOPE' is not a coupon of this client"),
        ({"order_line_items_list": [{"client_sku": "NOPE", "units": 1}]}, "not in the catalogue"),
        ({"order_line_items_list": [{"units": 1}]}, "client_sku is required"),
        (_line(units=0), "units must be positive"),
        (_line(unit_discount_amount=50), "unit_discount_amount must leave a line amount"),
        ({"bill_immediately": 7}, "bill_immediately must be 0 or 1"),
    ],
    ids=[
        "coupon",
        "sku",
        "no-sku",
        "zero-units",
        "discount",
        "bill-flag",
    ],
)
def test_invalid_orders_are_1016(err, params, reason):
    params.setdefault("order_line_items_list", [{"client_sku": "WIDGET", "units": 1}])
    answer = err(1016, "create_order_m", account_no=ACME, **params)
    assert reason in answer["error_msg"]


def test_configured_decline_number_declines_and_fills_processor_fields(ok):
    answer = order(ok, INITECH, bill_immediately=1)
    assert answer["error_code"] == 0
    assert answer["proc_status_code"] == "2" and answer["proc_auth_code"] is None
    assert answer["proc_payment_id"]


@pytest.mark.parametrize(
    "card", ["4111111111111111", "4012888888881881", "5555555555554444", "378282246310005"]
)
def test_published_test_cards_approve_and_only_last_four_are_stored(ok, service, card):
    answer = order(
        ok,
        bill_immediately=1,
        alt_pay_method=1,
        cc_number=card,
        cvv="123",
        cc_expire_mm=12,
        cc_expire_yyyy=2030,
    )
    assert answer["proc_status_code"] == "1" and answer["proc_cvv_response"] == "M"
    dump = json.dumps(service.dump_state())
    assert card not in dump and card[:12] not in dump
    assert '"cvv"' not in dump and '"123"' not in dump
    assert service.dump_state()["tables"]["payments"][-1]["last_four"] == card[-4:]


def test_alternate_decline_card_declines(ok):
    answer = order(ok, bill_immediately=1, alt_pay_method=1, cc_number="4000000000000002")
    assert answer["proc_status_code"] == "2"


def test_invalid_card_number_declines(ok):
    assert (
        order(ok, bill_immediately=1, alt_pay_method=1, cc_number="1234567890123456")[
            "proc_status_code"
        ]
        == "2"
    )


@pytest.mark.parametrize("do_write", ["true", "false"])
def test_an_unknown_account_is_1009_before_the_other_inputs_are_checked(err, service, do_write):
    before = service.state_digest()
    answer = err(
        1009,
        "create_order_m",
        account_no=999,
        coupon_cd="NO-SUCH-COUPON",
        bill_immediately=7,
        do_write=do_write,
        order_line_items_list=[{"client_sku": "NO-SUCH-SKU", "units": 1}],
    )
    assert answer["error_msg"] == "account does not exist"
    assert service.state_digest() == before

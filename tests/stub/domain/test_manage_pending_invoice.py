"""manage_pending_invoice_m: approve (with or without collection), discard, regenerate."""

from __future__ import annotations

import pytest

from harness.stub.service import StubService
from tests.stub.domain.conftest import check_answer

ACME, INITECH = 1000001, 1000003


@pytest.fixture
def pending(ok):
    return ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, force_pending="true")[
        "invoice_no"
    ]


def test_approve_is_the_default_and_collects_per_client_setting(ok, pending):
    answer = ok("manage_pending_invoice_m", invoice_no=pending)
    assert answer["acct_no"] == ACME and answer["billing_group_no"] == 70001
    assert answer["collection_error_code"] == 0
    assert answer["proc_status_code"] == "1" and answer["proc_payment_id"]
    assert ok("get_invoice_details_m", invoice_no=pending)["is_pending_ind"] == 0


def test_alt_collect_on_approve_false_skips_collection(ok, pending, service):
    answer = ok(
        "manage_pending_invoice_m",
        invoice_no=pending,
        action_directive=1,
        alt_collect_on_approve="false",
    )
    assert answer["proc_status_code"] is None
    assert service.dump_state()["tables"]["payments"] == []


def test_declined_card_fills_processor_fields(ok):
    invoice = ok("gen_invoice_m", acct_no=INITECH, force_pending="true")["invoice_no"]
    answer = ok("manage_pending_invoice_m", invoice_no=invoice)
    assert answer["proc_status_code"] == "2"
    assert "Declined" in answer["proc_status_text"]
    assert answer["collection_error_code"] == 4011
    assert answer["collection_error_msg"] == answer["proc_status_text"]


def test_approve_by_master_plan_instance(ok, pending):
    ok(
        "manage_pending_invoice_m",
        client_master_plan_instance_id="ACME-GOLD-1",
        alt_collect_on_approve="0",
    )
    assert ok("get_invoice_details_m", invoice_no=pending)["is_pending_ind"] == 0


def test_discard_frees_the_period_for_a_new_invoice(ok, err, pending):
    ok("manage_pending_invoice_m", invoice_no=pending, action_directive=2)
    err(1002, "get_invoice_details_m", invoice_no=pending)
    again = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    assert again["invoice_no"] != pending


def test_a_discarded_invoices_orders_wait_for_the_next_one(ok):
    placed = ok(
        "create_order_m",
        account_no=ACME,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 1}],
        bill_immediately=0,
    )["order_no"]
    pending = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, force_pending="true")
    (held,) = pending["out_invoices_list"]
    assert placed in {line["order_no"] for line in held["invoice_items"]}
    # another group's invoice reads the account's waiting orders: none, the pending one holds it
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20002)
    ok("manage_pending_invoice_m", invoice_no=held["invoice_no"], action_directive=2)
    again = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    (entry,) = again["out_invoices_list"]
    assert placed in {line["order_no"] for line in entry["invoice_items"]}


def test_regenerate_replaces_the_pending_invoice(ok, err, pending):
    answer = ok("manage_pending_invoice_m", invoice_no=pending, action_directive=3)
    new = answer["new_invoice_no"]
    assert new and new != pending
    assert ok("get_invoice_details_m", invoice_no=new)["is_pending_ind"] == 1
    err(1002, "manage_pending_invoice_m", invoice_no=pending)


def test_regenerate_after_the_plan_was_cancelled_bills_what_the_account_still_has(ok, pending):
    ok("cancel_acct_plan_m", acct_no=ACME, plan_instance_no=20001)
    answer = ok("manage_pending_invoice_m", invoice_no=pending, action_directive=3)
    details = ok("get_invoice_details_m", invoice_no=answer["new_invoice_no"])
    assert details["is_pending_ind"] == 1
    assert details["invoice_line_details"] == []  # the main group held only that plan


def test_collect_on_approve_client_setting_off():
    fixture = {
        "tenants": [
            {
                "client_no": 9,
                "auth_key": "k",
                "client_parameters": {"collect_on_approve": False, "pending_invoices": True},
                "plans": [
                    {
                        "plan_no": 1,
                        "client_plan_id": "p",
                        "name": "P",
                        "services": [
                            {"service_no": 1, "client_service_id": "s", "name": "S", "rate": 5}
                        ],
                    }
                ],
                "accounts": [
                    {
                        "acct_no": 1,
                        "client_acct_id": "A",
                        "billing_groups": [{"billing_group_no": 2, "client_billing_group_id": "G"}],
                        "master_plan_instances": [
                            {
                                "master_plan_instance_no": 3,
                                "client_master_plan_instance_id": "M",
                                "plan_no": 1,
                            }
                        ],
                        "payment_methods": [{"seq": 1, "cc_number": "4111111111111111"}],
                    }
                ],
            }
        ]
    }
    stub = StubService(fixtures=fixture)
    creds = {"client_no": 9, "auth_key": "k"}
    invoice = check_answer("gen_invoice_m", stub.call("gen_invoice_m", {**creds, "acct_no": 1}))[
        "invoice_no"
    ]
    plain = check_answer(
        "manage_pending_invoice_m",
        stub.call("manage_pending_invoice_m", {**creds, "invoice_no": invoice}),
    )
    assert plain["error_code"] == 0 and plain["proc_status_code"] is None


@pytest.mark.parametrize(
    ("params", "code"),
    [({"invoice_no": 12345}, 1002), ({}, 1010), ({"invoice_no": 1, "action_directive": 9}, 1016)],
    ids=["unknown-invoice", "nothing-named", "bad-directive"],
)
def test_errors(err, params, code):
    err(code, "manage_pending_invoice_m", **params)


def test_invoice_of_another_account_is_not_found(err, pending):
    err(1002, "manage_pending_invoice_m", invoice_no=pending, acct_no=1000002)


def test_discard_gives_the_tax_carryover_back_to_the_next_invoice(ok, pending, service):
    def carryover() -> str:
        rows = service.dump_state()["tables"]["accounts"]
        return next(row["tax_carryover"] for row in rows if row["acct_no"] == ACME)

    ok("manage_pending_invoice_m", invoice_no=pending, action_directive=2)
    restored = carryover()
    again = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    details = again["out_invoices_list"][0]["tax_details"]
    # the new invoice starts from the carryover the discard restored, not the discarded one's
    assert details[0]["carryover_from_prev_amt"] == float(restored)

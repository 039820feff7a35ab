"""create_acct_complete_m, get_acct_details_all_m, get_acct_plans_all_m, get_invoice_history_m."""

from __future__ import annotations

import json

import pytest

from harness.stub.fixtures import read_fixture
from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

CREDS = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
CARD = "4111111111111111"


def new_account(ok, client_acct_id="NEW-1", plan_no=10002, units=2, **params):
    acct = {
        "client_acct_id": client_acct_id,
        "userid": client_acct_id.lower(),
        "dunning_group": [{}],
        "payment_method": [{"pay_method_type": 1, "cc_num": CARD}],
        "billing_group": [{"client_billing_group_id": f"{client_acct_id}-BG"}],
        "master_plans_detail": [{"plan_no": plan_no, "plan_instance_units": units}],
    }
    return ok("create_acct_complete_m", acct=[acct], **params)["out_acct"][0]


def test_create_acct_complete_m_creates_account_group_card_and_plan_instance(ok):
    out = new_account(ok)
    assert out["acct_no"] and out["client_acct_id"] == "NEW-1"
    (assigned,) = out["master_plans_assigned"]
    details = ok("get_acct_details_all_m", client_acct_id="NEW-1")
    assert details["acct_no"] == out["acct_no"] and details["userid"] == "new-1"
    (group,) = details["billing_groups_info"]
    assert group["client_def_billing_group_id"] == "NEW-1-BG"
    (card,) = details["payment_methods_info"]
    assert card["suffix"] == "1111" and card["pay_method_type"] == 1
    (plan,) = details["master_plans_info"]
    assert plan["master_plan_instance_no"] == assigned["plan_instance_no"]
    assert plan["master_plan_units"] == 2 and plan["billing_group_no"] == group["billing_group_no"]
    today = ok("get_virtual_datetime_m")["virtual_date"]
    assert plan["next_bill_date"] == today and plan["plan_date"] == today


def test_a_created_account_keeps_only_the_cards_last_four(ok, service):
    new_account(ok)
    assert CARD not in json.dumps(service.dump_state())


def test_create_acct_complete_m_dry_run_writes_nothing(ok, service):
    before = service.change_count()
    out = new_account(ok, do_write="false")
    assert out["acct_no"] is None and out["master_plans_assigned"][0]["plan_instance_no"] is None
    assert service.change_count() == before


def test_a_used_client_acct_id_is_refused(ok, err):
    new_account(ok)
    answer = err(1016, "create_acct_complete_m", acct=[{
        "client_acct_id": "NEW-1", "dunning_group": [{}],
        "master_plans_detail": [{"plan_no": 10002}],
    }])  # fmt: skip
    assert "already used" in answer["error_msg"]


def test_an_unknown_plan_is_refused(err):
    acct = {"dunning_group": [{}], "master_plans_detail": [{"plan_no": 99}]}
    answer = err(1016, "create_acct_complete_m", acct=[acct])
    assert answer["error_msg"] == "invalid input: plan_no 99 is not a plan of this client"


def test_a_created_account_is_billed_by_gen_invoice_m_and_shows_in_its_history(ok):
    out = new_account(ok)
    invoice = ok("gen_invoice_m", acct_no=out["acct_no"])["out_invoices_list"][0]
    (entry,) = ok("get_invoice_history_m", acct_no=out["acct_no"])["invoice_hist"]
    assert entry["invoice_no"] == invoice["invoice_no"]
    assert entry["amount"] == invoice["invoice_total_amount"]
    assert entry["outclient_acct_id"] == "NEW-1" and entry["invoice_type_cd"] == "I"
    # silver: 2 units of 19.99 plus a 1.50 untaxed surcharge
    assert invoice["invoice_charges_before_tax"] == pytest.approx(41.48)


def test_get_acct_plans_all_m_lists_a_fixture_accounts_instances(ok):
    answer = ok("get_acct_plans_all_m", acct_no=1000001)
    assert answer["record_count"] == 2
    assert [row["plan_instance_no"] for row in answer["all_acct_plans_m"]] == [20001, 20002]
    assert answer["all_acct_plans_m"][0]["client_plan_id"] == "gold"


def test_get_acct_details_all_m_include_flags_leave_sections_out(ok):
    answer = ok(
        "get_acct_details_all_m",
        acct_no=1000001,
        include_master_plans=0,
        include_billing_groups=0,
        include_payment_methods=0,
    )
    assert answer["master_plans_info"] is None and answer["billing_groups_info"] is None
    assert answer["payment_methods_info"] is None and answer["master_plan_count"] == 2


def test_acct_balance_is_invoiced_less_paid(ok):
    ok("gen_invoice_m", acct_no=1000003)  # Initech's card declines: nothing is paid
    invoice = ok("get_invoice_history_m", acct_no=1000003)["invoice_hist"][0]
    balance = ok("get_acct_details_all_m", acct_no=1000003)["acct_balance"]
    assert balance == pytest.approx(invoice["amount"])


def test_unknown_account_is_1009(err):
    err(1009, "get_acct_details_all_m", acct_no=42)
    err(1009, "get_invoice_history_m", client_acct_id="nobody")


def test_a_created_instances_pending_invoice_is_found_by_its_client_id():
    raw = read_fixture(None)
    raw["tenants"][0]["client_parameters"]["pending_invoices"] = True
    stub = StubService(fixtures=raw)
    try:

        def ok(method, **params):
            answer = check_answer(method, stub.call(method, {**CREDS, **params}))
            assert answer["error_code"] == 0, answer
            return answer

        out = new_account(ok)
        (invoice,) = ok("gen_invoice_m", acct_no=out["acct_no"])["out_invoices_list"]
        ident = out["master_plans_assigned"][0]["client_plan_instance_id"]
        ok("manage_pending_invoice_m", client_master_plan_instance_id=ident)
        (entry,) = ok("get_invoice_history_m", acct_no=out["acct_no"])["invoice_hist"]
        assert entry["invoice_no"] == invoice["invoice_no"]  # approved: posted, in the history
    finally:
        stub.close()

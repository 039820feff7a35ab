"""gen_invoice_m: scopes, documented codes, pending and future-date rules, lines and totals."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest

from harness.stub.service import StubService
from tests.stub.domain.conftest import check_answer

ACME = 1000001
GLOBEX = 1000002  # billing date 10 days ahead
COMBINE_MSG = (
    "Combine invoices must be either 1-Long Cycle or 2-Short Cycle or 3-Consider Client Param."
)


def test_by_master_plan_instance_bills_that_instance_only(ok):
    answer = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    (entry,) = answer["out_invoices_list"]
    assert answer["invoice_no"] == entry["invoice_no"]
    assert answer["out_billing_group_no"] == 70001
    assert {
        line["plan_instance_no"] for line in entry["invoice_items"] if line["line_type"] != 2
    } == {20001}


def test_by_client_ids(ok):
    answer = ok(
        "gen_invoice_m",
        client_acct_id="ACME-1",
        client_master_plan_instance_id="ACME-SILVER-1",
    )
    assert answer["out_client_billing_group_id"] == "ACME-BG-2"


def test_by_billing_group(ok):
    answer = ok("gen_invoice_m", acct_no=ACME, client_billing_group_id="ACME-BG-2")
    assert [e["billing_group_no"] for e in answer["out_invoices_list"]] == [70002]


def test_whole_account_gives_one_entry_per_billing_group(ok):
    answer = ok("gen_invoice_m", acct_no=ACME)
    entries = answer["out_invoices_list"]
    assert sorted(e["billing_group_no"] for e in entries) == [70001, 70002]
    assert len({e["invoice_no"] for e in entries}) == 2
    # several invoices: the single-invoice fields are null (GenInvoiceMResponse.invoice_no)
    assert answer["invoice_no"] is None and answer["out_billing_group_no"] is None


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"master_plan_instance_no": 20003}, 14046, "Invalid master_plan_instance_id"),
        ({"master_plan_instance_no": 1}, 14046, "Invalid master_plan_instance_id"),
        (
            {"client_master_plan_instance_id": "GLOBEX-GOLD-1"},
            14047,
            "Invalid client_master_plan_instance_id",
        ),
        ({"billing_group_no": 70003}, 26010, "Invalid billing group number"),
        ({"client_billing_group_id": "nope"}, 26012, "Invalid client-defined billing group ID."),
        ({"billing_group_no": "x"}, 26010, "Invalid billing group number"),
        (
            {"master_plan_instance_no": 20001, "billing_group_no": 70002},
            26010,
            "Invalid billing group number",
        ),
        ({"invoice_mode": 2}, 1059, "Invalid input: invoice_mode should be either 0 or 1"),
        ({"invoice_mode": "advance"}, 1059, "Invalid input: invoice_mode should be either 0 or 1"),
        (
            {"combine_invoices": 4},
            1068,
            COMBINE_MSG,
        ),
        (
            {"combine_invoices": 0},
            1068,
            COMBINE_MSG,
        ),
    ],
    ids=[
        "mpi-other-account",
        "mpi-unknown",
        "client-mpi",
        "bg",
        "client-bg",
        "bg-type",
        "bg-mismatch",
        "mode",
        "mode-type",
        "combine",
        "combine-0",
    ],
)
def test_documented_codes(err, params, code, message):
    answer = err(code, "gen_invoice_m", acct_no=ACME, **params)
    assert answer["error_msg"] == message


@pytest.mark.parametrize("mode", [0, 1, "0", "1"])
def test_invoice_mode_zero_and_one_are_accepted(ok, mode):
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, invoice_mode=mode)


@pytest.mark.parametrize("combine", [1, 2, 3])
def test_combine_invoices_one_to_three_are_accepted(ok, combine):
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, combine_invoices=combine)


def test_future_billing_date_generates_nothing(err, service):
    before = service.state_digest()
    answer = err(1002, "gen_invoice_m", acct_no=GLOBEX)
    assert "after the virtual date" in answer["error_msg"]
    assert service.state_digest() == before


def test_future_date_is_judged_on_virtual_time(ok, err):
    err(1002, "gen_invoice_m", acct_no=GLOBEX)
    ok("advance_virtual_datetime_m", offset_hours=24 * 10)
    answer = ok("gen_invoice_m", acct_no=GLOBEX)
    assert answer["out_invoices_list"][0]["invoice_no"] > 0


def test_invoice_moves_the_next_billing_date_one_period(ok, err):
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    line = first["out_invoices_list"][0]["invoice_items"][0]
    err(1002, "gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    ok("advance_virtual_datetime_m", offset_hours=24 * 31)
    second = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    next_line = second["out_invoices_list"][0]["invoice_items"][0]
    assert next_line["start_date_range"] > line["end_date_range"]


def test_advance_invoice_mode_bills_the_coming_cycle_once(ok, err):
    answer = ok("gen_invoice_m", acct_no=GLOBEX, invoice_mode=1)
    assert answer["out_invoices_list"]
    err(1002, "gen_invoice_m", acct_no=GLOBEX, invoice_mode=1)


def test_long_cycle_combines_missed_periods_short_cycle_bills_one(service):
    def fee_lines(combine):
        service.reset()
        check_answer(
            "advance_virtual_datetime_m",
            service.call(
                "advance_virtual_datetime_m",
                {
                    "client_no": 7000001,
                    "auth_key": "stub-demo-auth-key-7000001",
                    "offset_hours": 24 * 65,
                },
            ),
        )
        answer = check_answer(
            "gen_invoice_m",
            service.call(
                "gen_invoice_m",
                {
                    "client_no": 7000001,
                    "auth_key": "stub-demo-auth-key-7000001",
                    "acct_no": ACME,
                    "master_plan_instance_no": 20001,
                    "combine_invoices": combine,
                },
            ),
        )
        return [
            line
            for line in answer["out_invoices_list"][0]["invoice_items"]
            if line["line_type"] == 1
        ]

    assert len(fee_lines(1)) == 3
    assert len(fee_lines(2)) == 1


def test_force_pending_creates_a_pending_invoice_that_blocks_the_next(ok, err, call):
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, force_pending="true")
    invoice_no = first["invoice_no"]
    assert ok("get_invoice_details_m", invoice_no=invoice_no)["is_pending_ind"] == 1
    ok("advance_virtual_datetime_m", offset_hours=24 * 40)
    blocked = err(3108, "gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    assert "another invoice in progress" in blocked["error_msg"]
    ok("manage_pending_invoice_m", invoice_no=invoice_no, alt_collect_on_approve="false")
    assert ok("get_invoice_details_m", invoice_no=invoice_no)["is_pending_ind"] == 0
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)


def test_pending_on_one_instance_does_not_block_another(ok):
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, force_pending="true")
    ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20002)


def _tenant(**client_parameters):
    return {
        "tenants": [
            {
                "client_no": 9,
                "auth_key": "k",
                "client_parameters": client_parameters,
                "plans": [
                    {
                        "plan_no": 1,
                        "client_plan_id": "p",
                        "name": "P",
                        "services": [
                            {
                                "service_no": 11,
                                "client_service_id": "fee",
                                "name": "Fee",
                                "rate": 10.01,
                            },
                            {
                                "service_no": 12,
                                "client_service_id": "use",
                                "name": "Use",
                                "rate": 0.333,
                                "units": 3,
                                "line_type": 6,
                            },
                        ],
                    }
                ],
                "accounts": [
                    {
                        "acct_no": 1,
                        "client_acct_id": "A",
                        "billing_groups": [{"billing_group_no": 5, "client_billing_group_id": "G"}],
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


def _gen(stub, **params):
    return check_answer(
        "gen_invoice_m",
        stub.call("gen_invoice_m", {"client_no": 9, "auth_key": "k", "acct_no": 1, **params}),
    )


def test_client_pending_setting_makes_invoices_pending_and_force_false_cannot_undo_it():
    stub = StubService(fixtures=_tenant(pending_invoices=True))
    answer = _gen(stub, force_pending="false")
    details = stub.call(
        "get_invoice_details_m",
        {"client_no": 9, "auth_key": "k", "invoice_no": answer["invoice_no"]},
    )
    assert details["is_pending_ind"] == 1


def test_lines_tax_and_totals_add_up():
    stub = StubService(fixtures=_tenant(tax_rate=0.0825))
    entry = _gen(stub)["out_invoices_list"][0]
    items = entry["invoice_items"]
    assert [line["line_type"] for line in items] == [1, 6, 2]
    charges = [line for line in items if line["line_type"] != 2]
    assert entry["invoice_charges_before_tax"] == pytest.approx(
        sum(x["line_amount"] for x in charges)
    )
    assert entry["invoice_charges_before_tax"] == pytest.approx(10.01 + 1.00)
    tax_line = items[-1]
    assert tax_line["line_amount"] == entry["invoice_tax_charges"]
    assert entry["invoice_charges_after_tax"] == pytest.approx(
        entry["invoice_charges_before_tax"] + entry["invoice_tax_charges"]
    )
    assert entry["invoice_total_amount"] == pytest.approx(
        entry["invoice_charges_after_tax"] - entry["invoice_credit_amount"]
    )
    assert sum(d["debit"] for d in entry["tax_details"]) == pytest.approx(
        entry["invoice_tax_charges"]
    )
    assert [d["taxed_seq_num"] for d in entry["tax_details"]] == [1, 2]


def test_tax_rounding_carries_over_within_and_across_invoices():
    stub = StubService(fixtures=_tenant(tax_rate=0.0825))
    first = _gen(stub)["out_invoices_list"][0]["tax_details"]
    # 10.01 * 0.0825 = 0.825825 -> 0.83, remainder -0.004175 carried to the next taxed line
    assert first[0]["unrounded_tax_amt"] == pytest.approx(0.825825)
    assert first[0]["carryover_from_prev_amt"] == 0
    assert first[0]["debit"] == 0.83
    assert first[0]["carryover_from_current_amt"] == pytest.approx(-0.004175)
    assert first[1]["carryover_from_prev_amt"] == pytest.approx(-0.004175)
    for detail in first:
        assert detail["before_round_adjusted_tax_amt"] == pytest.approx(
            detail["unrounded_tax_amt"] + detail["carryover_from_prev_amt"]
        )
        assert detail["carryover_from_current_amt"] == pytest.approx(
            detail["before_round_adjusted_tax_amt"] - detail["debit"]
        )
    check_answer(
        "advance_virtual_datetime_m",
        stub.call(
            "advance_virtual_datetime_m", {"client_no": 9, "auth_key": "k", "offset_hours": 24 * 32}
        ),
    )
    second = _gen(stub)["out_invoices_list"][0]["tax_details"]
    assert second[0]["carryover_from_prev_amt"] == pytest.approx(
        first[-1]["carryover_from_current_amt"]
    )


def test_activation_charge_only_on_the_first_invoice(ok):
    first = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    assert 5 in {line["line_type"] for line in first["out_invoices_list"][0]["invoice_items"]}
    ok("advance_virtual_datetime_m", offset_hours=24 * 32)
    second = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    assert 5 not in {line["line_type"] for line in second["out_invoices_list"][0]["invoice_items"]}


@pytest.mark.parametrize("day", [15, 28, 31])
def test_alt_bill_day_sets_the_next_billing_day(ok, day):
    answer = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001, alt_bill_day=day)
    item = answer["out_invoices_list"][0]["invoice_items"][0]
    # The next billing date is that day of the following month (its last day when shorter);
    # the period billed now ends the day before.
    start = date.fromisoformat(item["start_date_range"])
    following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = calendar.monthrange(following.year, following.month)[1]
    expected_end = following.replace(day=min(day, last)) - timedelta(days=1)
    assert item["end_date_range"] == expected_end.isoformat()


def test_alt_bill_day_with_advance_mode_is_invalid(err):
    answer = err(1016, "gen_invoice_m", acct_no=ACME, alt_bill_day=5, invoice_mode=1)
    assert "alt_bill_day cannot be used with invoice_mode 1" in answer["error_msg"]

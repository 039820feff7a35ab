"""Aria6 gen_invoice: account level, one invoice at a time, generic codes only."""

from __future__ import annotations

import pytest

ACME, GLOBEX = 1000001, 1000002


def test_one_invoice_for_every_due_instance_of_the_account(ok):
    answer = ok("gen_invoice", acct_no=ACME)
    details = ok("get_invoice_details_m", invoice_no=answer["invoice_no"])
    instances = {
        line["plan_instance_no"]
        for line in details["invoice_line_details"]
        if line["line_type"] != 2
    }
    assert instances == {20001, 20002}


def test_future_billing_date_generates_nothing(err, ok):
    err(1002, "gen_invoice", acct_no=GLOBEX)
    ok("advance_virtual_datetime_m", offset_hours=240)
    ok("gen_invoice", acct_no=GLOBEX)


def test_pending_invoice_blocks_the_account(ok, err):
    first = ok("gen_invoice", acct_no=ACME, force_pending="true")
    ok("advance_virtual_datetime_m", offset_hours=24 * 40)
    answer = err(1016, "gen_invoice", acct_no=ACME)
    assert "pending invoice" in answer["error_msg"]
    ok("manage_pending_invoice_m", invoice_no=first["invoice_no"])
    ok("gen_invoice", acct_no=ACME)


def test_alt_bill_day_only_on_the_first_invoice(ok, err):
    ok("gen_invoice", acct_no=ACME, alt_bill_day=10)
    ok("advance_virtual_datetime_m", offset_hours=24 * 62)
    answer = err(1016, "gen_invoice", acct_no=ACME, alt_bill_day=12)
    assert "first invoice" in answer["error_msg"]


@pytest.mark.parametrize(("mode", "reason"), [(2, "must be one of 0, 1"), (-1, "is out of range")])
def test_invoice_mode_other_than_0_or_1_is_invalid(err, mode, reason):
    answer = err(1016, "gen_invoice", acct_no=ACME, invoice_mode=mode)
    assert f"invoice_mode {reason}" in answer["error_msg"]


@pytest.mark.parametrize("mode", [0, 1])
def test_invoice_mode_0_and_1(ok, mode):
    ok("gen_invoice", acct_no=ACME, invoice_mode=mode)

"""A consumer's integration tests: against the embedded stub, from a cassette, and the guard."""

from __future__ import annotations

import pytest

from harness import InvoiceGuardError


def test_an_order_dry_run_writes_nothing(aria_stub, aria_client):
    answer = aria_client.call(
        "create_order_m",
        account_no=1000001,
        do_write=False,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 2}],
    )
    assert answer["error_code"] == 0


def test_the_stub_generates_an_invoice(aria_client):
    answer = aria_client.call("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)
    assert answer["error_code"] == 0 and answer["out_invoices_list"]


@pytest.mark.aria_cassette("billing/virtual_clock.yaml")
def test_virtual_clock_replayed_from_a_cassette(aria_client):
    first = aria_client.call("get_virtual_datetime_m")
    aria_client.call("advance_virtual_datetime_m", offset_hours=24)
    later = aria_client.call("get_virtual_datetime_m")
    assert later["current_offset_hours"] == first["current_offset_hours"] + 24


def test_the_guard_refuses_invoicing_against_a_sandbox():
    from harness import AriaClient

    sandbox = AriaClient("https://sandbox.example.invalid", client_no=1, auth_key="unused")
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m"):
        sandbox.call("gen_invoice_m", acct_no=1, master_plan_instance_no=2)

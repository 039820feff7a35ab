"""get_invoice_details_m: lines, tax details and status of stored invoices."""

from __future__ import annotations


def test_details_show_the_generated_lines(ok):
    generated = ok("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)
    entry = generated["out_invoices_list"][0]
    details = ok("get_invoice_details_m", invoice_no=entry["invoice_no"], acct_no=1000001)
    assert [line["amount"] for line in details["invoice_line_details"]] == [
        line["line_amount"] for line in entry["invoice_items"]
    ]
    assert len(details["tax_details"]) == len(entry["tax_details"])
    assert details["billing_group_no"] == 70001
    assert details["client_billing_group_no"] == "ACME-BG-1"
    assert details["invoice_type_cd"] == "I" and details["rb_flag"] == 0
    assert details["from_date"] <= details["to_date"]


def test_unknown_invoice_is_no_data(err):
    err(1002, "get_invoice_details_m", invoice_no=424242)


def test_invoice_of_another_account_is_no_data(ok, err):
    invoice = ok("gen_invoice_m", acct_no=1000001, master_plan_instance_no=20001)["invoice_no"]
    err(1002, "get_invoice_details_m", invoice_no=invoice, acct_no=1000003)


def test_invoice_of_another_tenant_is_invisible(ok):
    from harness.stub.fixtures import read_fixture
    from harness.stub.service import StubService

    raw = read_fixture(None)
    raw["tenants"].append({"client_no": 2, "auth_key": "k2"})
    stub = StubService(fixtures=raw)
    creds = {"client_no": 7000001, "auth_key": "stub-demo-auth-key-7000001"}
    invoice = stub.call("gen_invoice_m", {**creds, "acct_no": 1000001})["out_invoices_list"][0][
        "invoice_no"
    ]
    assert (
        stub.call(
            "get_invoice_details_m", {"client_no": 2, "auth_key": "k2", "invoice_no": invoice}
        )["error_code"]
        == 1002
    )

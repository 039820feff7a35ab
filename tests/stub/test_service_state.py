"""What the stub tells other tools about its state, without them reading its tables."""

from __future__ import annotations

from harness.stub import StubService


def test_identifiers_name_the_fixtures_accounts_instances_and_skus() -> None:
    service = StubService()
    found = service.identifiers()
    assert 1000001 in found["acct_no"]
    assert 20001 in found["master_plan_instance_no"]
    assert "WIDGET" in found["client_sku"]
    assert found["invoice_no"] == []
    service.close()


def test_invoices_and_plan_instances_follow_the_calls() -> None:
    service = StubService()
    client_no, auth_key = service.default_credentials
    assert {"client_no": client_no, "acct_no": 1000001, "mpi_no": 20001} in (
        service.plan_instances()
    )
    answer = service.call(
        "gen_invoice_m",
        {
            "client_no": client_no,
            "auth_key": auth_key,
            "acct_no": 1000001,
            "master_plan_instance_no": 20001,
        },
    )
    assert answer["error_code"] == 0
    (invoice,) = service.invoices()
    assert invoice["invoice_no"] == answer["invoice_no"]
    assert invoice["acct_no"] == 1000001 and invoice["kind"] != "credit_memo"
    assert service.identifiers()["invoice_no"] == [answer["invoice_no"]]
    service.close()

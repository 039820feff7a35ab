"""A file database keeps its state across close and re-open; reset and fixture changes."""

from __future__ import annotations

from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO

CREDS = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}


def test_invoices_survive_a_restart(tmp_path):
    path = tmp_path / "stub.db"
    stub = StubService(db=path)
    invoice = stub.call(
        "gen_invoice_m", {**CREDS, "acct_no": 1000001, "master_plan_instance_no": 20001}
    )["invoice_no"]
    stub.call("advance_virtual_datetime_m", {**CREDS, "offset_hours": 5})
    digest = stub.state_digest()
    stub.close()

    again = StubService(db=str(path))
    assert again.state_digest() == digest
    details = again.call("get_invoice_details_m", {**CREDS, "invoice_no": invoice})
    assert details["error_code"] == 0
    assert again.call("get_virtual_datetime_m", CREDS)["current_offset_hours"] == 5
    # the billing date moved on and stays moved
    assert (
        again.call(
            "gen_invoice_m", {**CREDS, "acct_no": 1000001, "master_plan_instance_no": 20001}
        )["error_code"]
        == 1002
    )
    again.close()


def test_a_different_fixture_starts_afresh(tmp_path):
    path = tmp_path / "stub.db"
    stub = StubService(db=path)
    stub.call("gen_invoice_m", {**CREDS, "acct_no": 1000001})
    stub.close()
    other = StubService(db=path, fixtures={"tenants": [{"client_no": 1, "auth_key": "k"}]})
    assert other.dump_state()["tables"]["invoices"] == []
    other.close()


def test_reset_drops_every_change(service):
    fresh = service.state_digest()
    service.call("gen_invoice_m", {**CREDS, "acct_no": 1000001})
    assert service.state_digest() != fresh
    service.reset()
    assert service.state_digest() == fresh


def test_default_credentials_are_the_demo_tenant(service):
    assert service.default_credentials == (7000001, "stub-demo-auth-key-7000001")


def test_a_database_path_that_cannot_be_used_is_a_clear_error(tmp_path):
    import pytest

    from harness.stub.store import StoreError

    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot use"):
        StubService(db=not_a_db)

"""An account as it stands (its fixture or created definition, its plan terms folded in) is
kept across an in-memory store's transactions: the writer of plan terms forgets it, and a
number not yet created is never kept, so a lookup never answers an account as it was."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from harness.stub.accounts import CANCELLED, live_account, save_account, set_terms
from harness.stub.models import Account, MasterPlanInstance, Tenant
from harness.stub.service import StubService

ACCT = 1000001
CREATED = 3999999


@pytest.fixture
def service() -> Iterator[StubService]:
    opened = StubService()
    yield opened
    opened.close()


def _tenant(service: StubService) -> Tenant:
    return next(iter(service._world.tenants.values()))


def _lookup(service: StubService, acct_no: int) -> Account | None:
    with service._store.read() as db:
        return live_account(db, _tenant(service), acct_no)


def _statements(service: StubService, acct_no: int) -> list[str]:
    ran: list[str] = []
    conn = service._store._conn
    conn.set_trace_callback(ran.append)
    try:
        _lookup(service, acct_no)
    finally:
        conn.set_trace_callback(None)
    return ran


def test_a_kept_account_is_answered_without_a_statement(service: StubService) -> None:
    assert _statements(service, ACCT)  # the first lookup reads its plan terms
    assert _statements(service, ACCT) == []


def test_a_plan_change_is_seen_by_the_next_lookup(service: StubService) -> None:
    before = _lookup(service, ACCT)
    assert before is not None
    mpi = before.mpis[0]
    with service._store.transaction() as db:
        set_terms(db, _tenant(service), ACCT, replace(mpi, units=Decimal("7")))
    after = _lookup(service, ACCT)
    assert after is not None and after.mpis[0].units == Decimal("7")


def test_a_cancelled_instance_leaves_the_kept_account(service: StubService) -> None:
    before = _lookup(service, ACCT)
    assert before is not None
    mpi = before.mpis[0]
    with service._store.transaction() as db:
        set_terms(db, _tenant(service), ACCT, mpi, status=CANCELLED)
    after = _lookup(service, ACCT)
    assert after is not None
    assert mpi.mpi_no not in [kept.mpi_no for kept in after.mpis]


def test_an_account_created_after_a_miss_is_found(service: StubService) -> None:
    tenant = _tenant(service)
    assert _lookup(service, CREATED) is None  # a miss is not kept
    created = replace(tenant.accounts[ACCT], acct_no=CREATED, client_acct_id="NEW-1", mpis=())
    with service._store.transaction() as db:
        save_account(db, tenant, created)
    found = _lookup(service, CREATED)
    assert found is not None and found.client_acct_id == "NEW-1" and found.mpis == ()
    new_mpi = MasterPlanInstance(
        mpi_no=4999999,
        client_mpi_id="NEW-MPI",
        plan_no=tenant.accounts[ACCT].mpis[0].plan_no,
        billing_group_no=created.billing_groups[0].billing_group_no,
        units=Decimal("1"),
        next_bill_date=None,
        bill_in_days=0,
    )
    with service._store.transaction() as db:
        set_terms(db, tenant, CREATED, new_mpi, assigned="2026-01-01")
    again = _lookup(service, CREATED)
    assert again is not None and [mpi.mpi_no for mpi in again.mpis] == [4999999]

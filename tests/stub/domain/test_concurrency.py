"""Concurrent calls: one invoice per billing group, unique numbers, reconciled order totals."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from harness.stub.service import StubService
from tests.stub.domain.conftest import (
    AUTH_KEY,
    CLIENT_NO,
    check_answer,
    fixture_with_invoicing_held,
)

CREDS = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}


def _all_at_once(count, fn):
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait(timeout=10)
        return fn(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count), timeout=60))


def test_fifty_gen_invoice_m_on_one_billing_group_make_exactly_one_invoice(service):
    answers = _all_at_once(
        50,
        lambda _: check_answer(
            "gen_invoice_m",
            service.call("gen_invoice_m", {**CREDS, "acct_no": 1000001, "billing_group_no": 70001}),
        ),
    )
    codes = [a["error_code"] for a in answers]
    assert codes.count(0) == 1
    assert set(codes) <= {0, 3108, 1002}
    invoices = [
        r for r in service.dump_state()["tables"]["invoices"] if r["billing_group_no"] == 70001
    ]
    assert len(invoices) == 1
    assert service.dump_state()["tables"]["invoicing_marks"] == []


def test_mark_in_progress_answers_3108(service):
    # a billing group marked by a call in progress (held here by hand) refuses a second call
    with service._store.transaction() as db:
        db.execute(
            "INSERT INTO invoicing_marks VALUES (?, ?, ?, NULL)", (CLIENT_NO, 70001, "other-call")
        )
    answer = check_answer(
        "gen_invoice_m",
        service.call("gen_invoice_m", {**CREDS, "acct_no": 1000001, "billing_group_no": 70001}),
    )
    assert answer["error_code"] == 3108
    other = check_answer(
        "gen_invoice_m",
        service.call("gen_invoice_m", {**CREDS, "acct_no": 1000001, "billing_group_no": 70002}),
    )
    assert other["error_code"] == 0


def test_invoice_numbers_unique_across_concurrent_accounts_and_methods(service):
    def work(index):
        if index % 3 == 0:
            return service.call("gen_invoice_m", {**CREDS, "acct_no": 1000001 + index % 5})
        return service.call(
            "create_order_m",
            {
                **CREDS,
                "account_no": 1000001 + index % 4,
                "order_line_items_list": [{"client_sku": "WIDGET", "units": 1 + index % 3}],
                "bill_immediately": 1,
            },
        )

    _all_at_once(30, work)
    numbers = [r["invoice_no"] for r in service.dump_state()["tables"]["invoices"]]
    assert len(numbers) == len(set(numbers)) > 0


def test_concurrent_orders_across_accounts_reconcile(service):
    accounts = [1000001, 1000002, 1000003]  # the usd accounts: GADGET and EBOOK price in usd

    def place(index):
        account = accounts[index % 3]
        return account, check_answer(
            "create_order_m",
            service.call(
                "create_order_m",
                {
                    **CREDS,
                    "account_no": account,
                    "bill_immediately": 1,
                    "order_line_items_list": [
                        {"client_sku": "GADGET", "units": 1 + index % 2},
                        {"client_sku": "EBOOK", "units": 1},
                    ],
                },
            ),
        )

    results = _all_at_once(40, place)
    assert all(answer["error_code"] == 0 for _, answer in results)
    assert len({answer["order_no"] for _, answer in results}) == 40
    assert len({answer["invoice_no"] for _, answer in results}) == 40
    assert len({answer["transaction_id"] for _, answer in results}) == 40
    tables = service.dump_state()["tables"]
    stored = {row["invoice_no"]: row for row in tables["invoices"]}
    for account in accounts:
        answered = sum(
            Decimal(str(a["total_charges_after_tax"])) - Decimal(str(a["total_credit"]))
            for acct, a in results
            if acct == account
        )
        in_store = sum(
            Decimal(row["total"]) for row in stored.values() if row["acct_no"] == account
        )
        paid = sum(Decimal(p["amount"]) for p in tables["payments"] if p["acct_no"] == account)
        assert answered == in_store == paid


def _gen(service, group):
    params = {**CREDS, "acct_no": 1000001, "billing_group_no": group}
    return check_answer("gen_invoice_m", service.call("gen_invoice_m", params))


def test_invoiced_group_stays_in_progress_until_the_virtual_clock_passes_the_hold():
    service = StubService(fixtures=fixture_with_invoicing_held(3600))
    try:
        assert _gen(service, 70001)["error_code"] == 0
        assert _gen(service, 70001)["error_code"] == 3108  # a retry within the hour
        assert _gen(service, 70002)["error_code"] == 0  # another group proceeds
        advanced = service.call("advance_virtual_datetime_m", {**CREDS, "offset_hours": 1})
        assert advanced["error_code"] == 0
        # an hour later the generation is over: the group is judged on its billing date again
        assert _gen(service, 70001)["error_code"] == 1002
    finally:
        service.close()


def test_without_a_hold_the_mark_ends_with_the_call(service):
    assert _gen(service, 70001)["error_code"] == 0
    assert _gen(service, 70001)["error_code"] == 1002
    assert service.dump_state()["tables"]["invoicing_marks"] == []


def test_reset_ends_an_invoice_in_progress():
    service = StubService(fixtures=fixture_with_invoicing_held(3600))
    try:
        assert _gen(service, 70001)["error_code"] == 0
        service.reset()
        assert _gen(service, 70001)["error_code"] == 0
    finally:
        service.close()

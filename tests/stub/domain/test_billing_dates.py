"""update_acct_complete_m: "Generates an invoice when a billing date change causes an immediate
cycle close and charge." (apis-that-generate-invoices.txt)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from harness.spec import registry
from harness.stub.methods.billing_dates import next_bill_day
from tests.stub.domain.test_plans import (
    ACME,
    EAST_BG,
    GOLD_FEE,
    GOLD_MPI,
    SILVER_MPI,
    history,
    instance,
    mid_cycle,
    money,
)

METHOD = "update_acct_complete_m"


def change(ok, **params):
    answer = ok(METHOD, acct_no=ACME, **params)
    if answer["out_invoice_no"] is not None:
        assert registry()[METHOD].may_generate_invoice({"acct_no": ACME, **params})
    return answer


def test_a_new_bill_day_mid_cycle_closes_the_cycle_with_an_invoice(ok):
    mid_cycle(ok)
    row = instance(ok, GOLD_MPI)
    start, end = (date.fromisoformat(row[k]) for k in ("last_bill_date", "next_bill_date"))
    today = ok("get_virtual_datetime_m")["virtual_date"]
    day = 3 if date.fromisoformat(today).day != 3 else 4
    new_date = date.fromisoformat(next_bill_day(today, day))
    answer = change(ok, client_master_plan_instance_id="ACME-GOLD-1", alt_bill_day=day)
    period = Decimal((end - start).days)
    unused = Decimal((end - date.fromisoformat(today)).days) / period
    to_new = Decimal((new_date - date.fromisoformat(today)).days) / period
    assert answer["master_plan_proration_credit_amount"] == money(GOLD_FEE * unused)
    assert answer["master_plan_proration_amount"] == money(GOLD_FEE * to_new)
    assert answer["master_plan_proration_result_total_amount"] == pytest.approx(
        answer["master_plan_proration_amount"]
        - answer["master_plan_proration_credit_amount"]
        + answer["master_plan_proration_tax_amount"]
    )
    assert answer["out_invoice_no"] in history(ok)
    assert instance(ok, GOLD_MPI)["next_bill_date"] == new_date.isoformat()


def test_a_new_bill_day_before_any_invoice_moves_the_date_without_invoicing(ok):
    answer = change(ok, alt_bill_day=15)
    assert answer["out_invoice_no"] is None and history(ok) == []
    today = ok("get_virtual_datetime_m")["virtual_date"]
    for mpi_no in (GOLD_MPI, SILVER_MPI):
        assert instance(ok, mpi_no)["next_bill_date"] == next_bill_day(today, 15)


def test_an_update_without_a_date_change_never_invoices(ok):
    mid_cycle(ok, group=EAST_BG)
    params = {"acct_no": ACME, "notify_method": 1}
    assert not registry()[METHOD].may_generate_invoice(params)
    answer = ok(METHOD, **params)
    assert answer["out_invoice_no"] is None and len(history(ok)) == 1


def test_other_date_inputs_are_refused_by_name(err):
    answer = err(1016, METHOD, acct_no=ACME, alt_start_date="2030-01-01")
    assert "alt_start_date" in answer["error_msg"]


@pytest.mark.parametrize(
    ("today", "day", "expected"),
    [("2026-01-10", 3, "2026-02-03"), ("2026-01-10", 31, "2026-01-31"),
     ("2026-01-31", 31, "2026-02-28"), ("2026-01-10", 10, "2026-02-10")],
)  # fmt: skip
def test_next_bill_day_is_after_today_and_clamped(today, day, expected):
    assert next_bill_day(today, day) == expected

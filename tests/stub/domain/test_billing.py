"""The billing rules as pure functions: rounding, carryover, dates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.stub.billing import add_months, apply_tax, money, totals


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-11-15", 2, "2027-01-15"),
        ("2026-03-31", 12, "2027-03-31"),
    ],
    ids=["clamp", "leap", "year-end", "annual"],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_money_rounds_half_up():
    assert money(Decimal("0.125")) == Decimal("0.13")
    assert money(Decimal("-0.125")) == Decimal("-0.13")


def _line(no, amount, taxable=True):
    return {"line_no": no, "line_type": 1, "amount": amount, "taxable": taxable}


def test_no_cent_is_lost_across_many_invoices():
    carry = Decimal(0)
    charged = Decimal(0)
    for _ in range(100):
        taxed = apply_tax([_line(1, 10.01)], rate=Decimal("0.0825"), carry_in=carry, tax_name="T")
        carry = taxed.carry_out
        charged += taxed.total
    exact = Decimal("10.01") * Decimal("0.0825") * 100
    assert abs(charged - exact) < Decimal("0.01")


def test_without_per_invoice_rounding_nothing_carries():
    taxed = apply_tax(
        [_line(1, 10.01)],
        rate=Decimal("0.0825"),
        carry_in=Decimal("0.004"),
        tax_name="T",
        per_invoice=False,
    )
    assert taxed.details[0]["carryover_from_prev_amt"] == 0
    assert taxed.carry_out == 0


def test_untaxed_lines_and_zero_rate_add_no_tax_line():
    assert (
        apply_tax(
            [_line(1, 5, taxable=False)], rate=Decimal("0.1"), carry_in=Decimal(0), tax_name="T"
        ).tax_line
        is None
    )
    assert (
        apply_tax([_line(1, 5)], rate=Decimal(0), carry_in=Decimal(0), tax_name="T").tax_line
        is None
    )


def test_totals():
    sums = totals(
        [_line(1, 10.0), _line(2, 2.5), {"line_no": 3, "line_type": 2, "amount": 1.0}],
        tax=Decimal("1.00"),
        credit=Decimal("3"),
    )
    assert (sums.before_tax, sums.after_tax, sums.total) == (
        Decimal("12.50"),
        Decimal("13.50"),
        Decimal("10.50"),
    )


@pytest.mark.parametrize("rate", ["0.0825", "0.08250", "0.082500"])
def test_a_rate_written_with_more_places_carries_its_own_exponent(rate):
    # equal rates written apart give products of different exponents, and the stored carryover
    # is their text: a line's tax is never reused from another spelling of the rate
    for text in ("0.0825", "0.08250", "0.082500"):  # whichever was taxed before
        apply_tax([_line(1, 10.01)], rate=Decimal(text), carry_in=Decimal(0), tax_name="T")
    taxed = apply_tax([_line(1, 10.01)], rate=Decimal(rate), carry_in=Decimal(0), tax_name="T")
    expected = Decimal("10.01") * Decimal(rate)
    assert str(taxed.carry_out) == str(expected - money(expected))

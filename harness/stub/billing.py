"""Billing rules: invoice lines, tax with per-invoice rounding carryover, and totals.

Pure functions over plain values; no store, no HTTP. Amounts are computed in Decimal and
handed out as floats rounded to cents (tax carryover to six places).

Tax rounding "Per invoice" (gen_invoice_m.txt, gen_rb_m.txt): each taxed line's unrounded tax
is adjusted by the remainder carried from before (``carryover_from_prev_amt``), the sum
(``before_round_adjusted_tax_amt``) is rounded to cents (``debit``), and what rounding left over
(``carryover_from_current_amt``) carries to the next taxed line and on to the account's next
invoice, so the cents lost to rounding are never lost across invoices.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "CENT",
    "COUPON_LINE",
    "LINE_TYPES",
    "TAX_LINE",
    "Taxed",
    "Totals",
    "add_months",
    "apply_tax",
    "dec",
    "money",
    "periods_between",
    "totals",
]

CENT = Decimal("0.01")
_CARRY = Decimal("0.000001")
_ZERO = Decimal(0)
# gen_invoice_m.txt line_type values
LINE_TYPES = {
    1: "Recurring charge",
    2: "Tax charge",
    3: "Service credit",
    4: "Coupon Credit",
    5: "Activation Charge",
    6: "Usage Charge",
    7: "Recurring Arrears",
    8: "Order Charge",
    9: "Surcharge",
}
TAX_LINE = 2
COUPON_LINE = 4
TAX_SERVICE_NO = 400
TAX_SERVICE_ID = "tax-sales"


def dec(value: Any) -> Decimal:
    """A Decimal from a float, int, str or Decimal (floats through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if type(value) is float and value:
        return _float_decimal(value)
    return Decimal(str(value))


@functools.lru_cache(maxsize=4096)
def _float_decimal(value: float) -> Decimal:
    # Every invoice converts its line amounts, mostly the same few prices: a cache hit costs a
    # fraction of Decimal(str()). Floats only (1 and 1.0 hash alike but print apart), zero
    # left out (0.0 and -0.0 too); a Decimal is immutable, so sharing one is safe.
    return Decimal(str(value))


def money(value: Decimal) -> Decimal:
    """Rounded to cents, half up, as Aria rounds currency."""
    # rounding passed by position: half the cost of the keyword in CPython's _decimal, and
    # every invoice rounds a handful of amounts
    return value.quantize(CENT, ROUND_HALF_UP)


# slots, not frozen: built on every invoicing call, and a frozen dataclass's __init__ costs
# five times as much; nothing changes one after it is built
@dataclass(slots=True)
class Taxed:
    """The tax of one invoice: its tax line (None when nothing is taxed), details, carry out."""

    tax_line: dict[str, Any] | None
    details: list[dict[str, Any]]
    carry_out: Decimal
    total: Decimal


def apply_tax(
    lines: Sequence[dict[str, Any]],
    *,
    rate: Decimal,
    carry_in: Decimal,
    tax_name: str,
    per_invoice: bool = True,
) -> Taxed:
    """Tax the taxable lines at one rate; the tax line takes the next line number."""
    taxable = [line for line in lines if line.get("taxable") and line["line_type"] != TAX_LINE]
    if not taxable or rate == 0:
        return Taxed(None, [], carry_in, Decimal(0))
    seq = max([line["line_no"] for line in lines]) + 1
    carry = carry_in if per_invoice else Decimal(0)
    details: list[dict[str, Any]] = []
    total = Decimal(0)
    rate_shown = float(rate)
    rate_text = str(rate)  # with the amount, what a line's unrounded tax depends on (_line_tax)
    # a line's carry out is the next line's carry in: shown once converted, not converted twice
    carry_shown = float(carry.quantize(_CARRY))
    for index, line in enumerate(taxable, start=1):
        unrounded, unrounded_shown = _line_tax(line["amount"], rate, rate_text)
        adjusted = unrounded + carry
        debit = money(adjusted)
        carry_out = adjusted - debit
        carry_out_shown = float(carry_out.quantize(_CARRY))
        details.append(
            {
                "tax_detail_line": index,
                "seq_num": seq,
                "taxed_seq_num": line["line_no"],
                "debit": float(debit),
                "tax_authority_level": 1,
                "tax_rate": rate_shown,
                "orig_was_tax_inclusive": 0,
                "tax_srv_tax_type_id": "ST",
                "tax_srv_tax_type_desc": tax_name,
                "tax_srv_cat_text": "Sales",
                "tax_srv_juris_nm": "Stub jurisdiction",
                "tax_srv_tax_sum_text": tax_name,
                "unrounded_tax_amt": unrounded_shown,
                "carryover_from_prev_amt": carry_shown,
                "before_round_adjusted_tax_amt": float(adjusted.quantize(_CARRY)),
                "carryover_from_current_amt": carry_out_shown,
            }
        )
        total += debit
        if per_invoice:
            carry, carry_shown = carry_out, carry_out_shown
        else:
            carry, carry_shown = _ZERO, 0.0
    first = lines[0]
    total_shown = float(total)
    tax_line = {
        "line_no": seq,
        "line_type": TAX_LINE,
        "service_no": TAX_SERVICE_NO,
        "client_service_id": TAX_SERVICE_ID,
        "service_name": tax_name,
        "units": 1.0,
        "rate": total_shown,
        "amount": total_shown,
        "taxable": False,
        "start": first.get("start"),
        "end": first.get("end"),
        "description": tax_name,
    }
    return Taxed(tax_line, details, carry, total)


# (amount, rate as text) -> the line's unrounded tax and its shown value. The same few prices
# are taxed at the client's one rate on every invoice; a Decimal product, a quantize and a float
# conversion per line add up. Floats only, zero left out (as in _float_decimal), and the rate
# as text: 0.0825 and 0.08250 are equal but give products of different exponents, which the
# carryover keeps. Bounded.
_LINE_TAX: dict[tuple[float, str], tuple[Decimal, float]] = {}


def _line_tax(amount: Any, rate: Decimal, rate_text: str) -> tuple[Decimal, float]:
    if type(amount) is not float or not amount:
        unrounded = dec(amount) * rate
        return unrounded, float(unrounded.quantize(_CARRY))
    key = (amount, rate_text)
    known = _LINE_TAX.get(key)
    if known is None:
        if len(_LINE_TAX) >= 4096:
            _LINE_TAX.clear()
        unrounded = _float_decimal(amount) * rate
        known = _LINE_TAX[key] = (unrounded, float(unrounded.quantize(_CARRY)))
    return known


_NOT_CHARGES = (TAX_LINE, COUPON_LINE)


@dataclass(slots=True)  # not frozen: see Taxed
class Totals:
    """An invoice's totals; after_tax = before_tax + tax, total = after_tax - credit."""

    before_tax: Decimal
    tax: Decimal
    credit: Decimal

    @property
    def after_tax(self) -> Decimal:
        return self.before_tax + self.tax

    @property
    def total(self) -> Decimal:
        return self.after_tax - self.credit


def totals(lines: Iterable[dict[str, Any]], *, tax: Decimal, credit: Decimal) -> Totals:
    """Totals of an invoice's charge lines plus its tax, net of credit.

    Tax and coupon lines are not charges: the tax comes in as ``tax``, a coupon's line shows
    the ``credit`` already counted.
    """
    before = sum(
        [dec(line["amount"]) for line in lines if line["line_type"] not in _NOT_CHARGES],
        CENT * 0,
    )
    return Totals(before_tax=money(before), tax=money(tax), credit=money(credit))


def add_months(iso_date: str, months: int) -> str:
    """An ISO date moved by whole months, the day clamped to the month's end."""
    # every invoicing call moves a date or two: int() of three slices beats a generator
    year, month, day = iso_date.split("-")
    index = int(year) * 12 + int(month) - 1 + months
    year_out, month_index = divmod(index, 12)
    last = _MONTH_DAYS[month_index] if month_index != 1 or not _leap(year_out) else 29
    return f"{year_out:04d}-{month_index + 1:02d}-{min(int(day), last):02d}"


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def periods_between(start: str, end: str, interval_months: int, *, through_end: bool) -> int:
    """Billing periods of ``interval_months`` from ``start`` up to ``end`` (at least one).

    ``through_end``: a period starting on ``end`` itself counts (what is due today is billed).
    At most 120, so a clock moved decades ahead bills a bounded invoice.
    """
    periods, current = 0, start
    while (current <= end if through_end else current < end) and periods < 120:
        periods += 1
        current = add_months(current, interval_months)
    return max(periods, 1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)

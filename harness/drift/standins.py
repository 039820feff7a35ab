"""Usable inputs for scrubbed fields: what drift sends where a recording holds a placeholder.

A cassette never holds a card, a CVV or a bank account (the recorder replaced them), but a
replayed call needs a value Aria accepts: ``cvv=ARIA_REDACTED`` is answered "1016 cvv is
longer than 6 characters". One declared table gives a stand-in per sensitive field: published
test values (a test card, a future expiry, a test IBAN, fictitious contact data). A sandbox
wired to a particular test gateway overrides them in ``DriftConfig.stand_ins`` or the
environment (``ARIA_DRIFT_STANDIN_CC_NUMBER=...``). A field with no stand-in is never sent
with its placeholder: the call is SKIPPED and the reason names the variable to set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from harness.recording.sensitive import CREDENTIAL_FIELDS, SENSITIVE_FIELDS, is_placeholder

__all__ = ["DEFAULT_STAND_INS", "ENV_PREFIX", "StandIns", "is_scrubbed"]

ENV_PREFIX = "ARIA_DRIFT_STANDIN_"


def _expiry_year() -> str:
    # a card that expires within the run would be declined: always a few years ahead
    return str(datetime.now(UTC).year + 3)


# field -> value, or a function of nothing for values that must move with the calendar.
# Card and bank values are the gateways' and banks' published test data (4111 1111 1111 1111
# is Visa's test card, also in harness.recording.cards.TEST_CARD_NUMBERS; DE89 3704 0044 0532
# 0130 00 the IBAN standard's example; 110000000 / 000123456789 a test routing / account
# number); contact values are fictitious (example.com is reserved for examples, 555-01xx for
# fiction). Track data and mandates have no published test value: set one if you need it.
DEFAULT_STAND_INS: Mapping[str, str | Callable[[], str]] = MappingProxyType(
    {
        "cc_number": "4111111111111111",
        "cvv": "123",
        "existing_pay_method_cvv": "123",
        "cc_expire_mm": "12",
        "cc_expire_yyyy": _expiry_year,
        "iban": "DE89370400440532013000",
        "bank_swift_cd": "COBADEFFXXX",
        "bank_acct_num": "000123456789",
        "bank_routing_num": "110000000",
        "bill_first_name": "Drift",
        "bill_middle_initial": "T",
        "bill_last_name": "Check",
        "bill_company_name": "Example Ltd",
        "bill_address1": "1 Example Street",
        "bill_address2": "",
        "bill_address3": "",
        "bill_city": "Springfield",
        "bill_locality": "Springfield",
        "bill_state_prov": "CA",
        "bill_zip": "94105",
        "bill_country": "US",
        "bill_email": "drift-check@example.com",
        "bill_phone": "5555550100",
        "bill_phone_extension": "1",
        "bill_cell_phone": "5555550101",
        "bill_work_phone": "5555550102",
        "bill_work_phone_extension": "2",
    }
)


def is_scrubbed(value: object) -> bool:
    """True for a placeholder the recorder wrote in place of a sensitive value."""
    # an empty value is "a placeholder" to the scanner (it hides nothing) but is sent as is
    return isinstance(value, str) and value != "" and is_placeholder(value)


class StandIns:
    """The stand-in for each scrubbed field: defaults, then config, then the environment."""

    def __init__(
        self,
        overrides: Mapping[str, str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        table: dict[str, str | Callable[[], str]] = dict(DEFAULT_STAND_INS)
        table.update({k.lower(): str(v) for k, v in (overrides or {}).items()})
        env = os.environ if environ is None else environ
        for name, value in env.items():
            if name.upper().startswith(ENV_PREFIX):
                table[name[len(ENV_PREFIX) :].lower()] = value
        self._table = table

    def value(self, field: str) -> str | None:
        """The stand-in for a field, or None when none is declared."""
        key = field.strip().lower()
        if key in CREDENTIAL_FIELDS:
            return None  # credentials come from the target, never from a table
        found = self._table.get(key)
        return found() if callable(found) else found

    @staticmethod
    def missing_reason(field: str) -> str:
        """Why a call with this scrubbed field is not sent, naming the fix."""
        sensitive = field.strip().lower() in SENSITIVE_FIELDS
        return (
            f"the recording holds a placeholder for {field}"
            + (" (a sensitive field)" if sensitive else "")
            + f" and no stand-in is declared; set {ENV_PREFIX}{field.upper()} to a test value"
        )

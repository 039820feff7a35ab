"""A simulated test payment gateway: published test card numbers approve, one number declines.

The published numbers are ``harness.facts.TEST_CARD_NUMBERS``, the recorder's list too.

Nothing here keeps a card number: callers get a decision and the last four digits.
"""

from __future__ import annotations

from typing import NamedTuple

from harness.facts import TEST_CARD_NUMBERS, luhn_valid

__all__ = ["ProcessorResult", "card_approves", "charge"]


class ProcessorResult(NamedTuple):
    """What the processor answered; mirrors Aria's proc_* output fields.

    A named tuple, immutable as a frozen dataclass but built at a fraction of its cost: every
    collection (each order billed at once) builds one.
    """

    approved: bool
    status_code: str
    status_text: str
    payment_id: str
    auth_code: str | None
    cvv_response: str | None
    avs_response: str | None
    cavv_response: str | None = None
    merch_comments: str | None = None
    initial_auth_txn_id: str | None = None

    def proc_fields(self) -> dict[str, str | None]:
        """The proc_* output fields of a collection."""
        return {
            "proc_cvv_response": self.cvv_response,
            "proc_avs_response": self.avs_response,
            "proc_cavv_response": self.cavv_response,
            "proc_status_code": self.status_code,
            "proc_status_text": self.status_text,
            "proc_payment_id": self.payment_id,
            "proc_auth_code": self.auth_code,
            "proc_merch_comments": self.merch_comments,
            "proc_initial_auth_txn_id": self.initial_auth_txn_id,
        }


def card_approves(number: str, *, decline_number: str) -> bool:
    """The test gateway's decision for a card number."""
    digits = number.replace(" ", "").replace("-", "")
    if digits == decline_number:
        return False
    # any other Luhn-valid number of a card's length is approved too, as a sandbox gateway does
    return digits in TEST_CARD_NUMBERS or (12 <= len(digits) <= 19 and luhn_valid(digits))


def charge(*, approves: bool, amount: str, has_cvv: bool, reference: int) -> ProcessorResult:
    """Run one collection through the test gateway and return the processor's fields."""
    payment_id = f"stub-{reference:08d}"
    if approves:
        return ProcessorResult(
            approved=True,
            status_code="1",
            status_text=f"Approved: {amount} collected",
            payment_id=payment_id,
            auth_code=f"A{reference % 100000:05d}",
            cvv_response="M" if has_cvv else None,
            avs_response="Y",
            initial_auth_txn_id=payment_id,
        )
    return ProcessorResult(
        approved=False,
        status_code="2",
        status_text="Declined: do not honor",
        payment_id=payment_id,
        auth_code=None,
        cvv_response="N" if has_cvv else None,
        avs_response="N",
    )

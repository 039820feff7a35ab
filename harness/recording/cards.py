"""Card numbers: the Luhn check, issuer prefixes, and the card networks' published test cards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from harness.recording.sensitive import CARD_NUMBER_FIELDS

__all__ = ["TEST_CARD_NUMBERS", "find_real_cards", "is_card_number", "luhn_valid"]

# Published test numbers (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay) as the
# payment gateways' sandboxes document them; a sandbox recording may carry only these.
TEST_CARD_NUMBERS: frozenset[str] = frozenset(
    {
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "4242424242424242",
        "4000056655665556",
        "4000000000000002",
        "4005519200000004",
        "4009348888881881",
        "5555555555554444",
        "5105105105105100",
        "5200828282828210",
        "2223003122003222",
        "2222400010000008",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "6011111111111117",
        "6011000990139424",
        "30569309025904",
        "38520000023237",
        "3530111333300000",
        "3566002020360505",
        "6200000000000005",
    }
)

# Issuer prefixes of the networks (Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37,
# Discover 6011/644-649/65, Diners 300-305/36/38, JCB 3528-3589, UnionPay 62): a Luhn-valid
# run of digits without one of these is far more likely an identifier than a card.
_ISSUER = re.compile(
    r"^(?:4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6(?:011|4[4-9]|5|2)|3(?:0[0-5]|[68])|35)"
)


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a string of digits."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_card_number(text: str) -> bool:
    """True for 13-19 digits (spaces and dashes allowed) with an issuer prefix and Luhn."""
    digits = re.sub(r"[ -]", "", text)
    return 13 <= len(digits) <= 19 and bool(_ISSUER.match(digits)) and luhn_valid(digits)


def find_real_cards(params: Mapping[str, Any]) -> list[str]:
    """The card fields of call parameters that hold a real (not published test) card number."""
    found: list[str] = []

    def walk(value: Any, path: str, in_card_field: bool) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                name = str(key)
                walk(child, f"{path}.{name}" if path else name, name.lower() in CARD_NUMBER_FIELDS)
        elif isinstance(value, list | tuple):
            for index, child in enumerate(value):
                walk(child, f"{path}[{index}]", in_card_field)
        elif in_card_field and value is not None:
            for part in str(value).split("|"):
                digits = re.sub(r"[ -]", "", part)
                if luhn_valid(digits) and 13 <= len(digits) <= 19:
                    if digits not in TEST_CARD_NUMBERS:
                        found.append(path)

    walk(params, "", False)
    return found

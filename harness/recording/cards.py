"""Card numbers: the networks' published test cards and the live-card refusal."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from typing import Any

from harness.facts import TEST_CARD_NUMBERS
from harness.secrets import (
    card_brand,
    find_shapes,
    holds_no_card,
    is_card_name,
    luhn_valid,
)

__all__ = ["TEST_CARD_NUMBERS", "find_real_cards", "is_card_number", "luhn_valid"]


def is_card_number(text: str) -> bool:
    """True for a card number of a known brand (range, length, Luhn), separators allowed."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    stripped = re.sub(_SEPARATORS, "", str(text))
    return stripped == digits and card_brand(digits) is not None


_SEPARATORS = r"[\s\-./\\\u00a0\u2007\u202f]"


def _card_digits(value: Any) -> str | None:
    """The digits of a value written as a card number: separators, floats, pipe parts aside."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value > 0 else None
    text = str(value).strip()
    with contextlib.suppress(ValueError, OverflowError):
        if re.fullmatch(r"\d+(?:\.\d+)?[eE]\+?\d+", text):
            return str(int(float(text)))
    stripped = re.sub(_SEPARATORS, "", text)
    return stripped if stripped.isdigit() else None


def _real(digits: str | None) -> bool:
    return (
        digits is not None
        and 12 <= len(digits) <= 19
        and luhn_valid(digits)
        and digits not in TEST_CARD_NUMBERS
    )


def _holds_real_card(value: Any, *, card_field: bool) -> bool:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in "[{":
            with contextlib.suppress(ValueError):
                return bool(find_real_cards({"": json.loads(stripped)}))
        parts = value.split("|")
    else:
        parts = [value]
    for part in parts:
        if card_field and _real(_card_digits(part)):
            return True
        if isinstance(part, int | float) and not isinstance(part, bool):
            digits = _card_digits(part)
            if digits and card_brand(digits) and _real(digits):
                return True
            continue
        text = str(part)
        if any(kind in {"card number", "track data"} for _, _, kind in find_shapes(text)):
            return True
    return False


def find_real_cards(params: Mapping[str, Any]) -> list[str]:
    """The fields of call parameters holding a real (not published test) card number or track.

    Card-number fields (``cc_number`` in any spelling, bracketed or nested) are checked on
    their digits whatever the separators; every other value on the shapes the scanner knows.
    """
    found: list[str] = []

    def walk(value: Any, path: str, card_field: bool) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                name = str(key)
                child_path = f"{path}.{name}" if path else name
                walk(child, child_path, card_field or is_card_name(name))
        elif isinstance(value, list | tuple):
            for index, child in enumerate(value):
                walk(child, f"{path}[{index}]", card_field)
        elif value is not None:
            name = path.rsplit(".", 1)[-1]
            if not card_field and holds_no_card(name):
                return
            if _holds_real_card(value, card_field=card_field):
                found.append(path)

    walk(params, "", False)
    return found

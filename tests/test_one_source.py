"""Facts written once: a second copy of a list the harness shares fails here.

Error codes have their own check (tests/test_error_codes.py); the layering of who may import
whom is tests/test_layering.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.facts import TEST_CARD_NUMBERS

HARNESS = Path(__file__).resolve().parents[1] / "harness"


def _sources() -> dict[str, str]:
    return {
        str(path.relative_to(HARNESS)): path.read_text(encoding="utf-8")
        for path in sorted(HARNESS.rglob("*.py"))
    }


def test_the_characters_between_a_numbers_digits_are_listed_once() -> None:
    # the figure space and the narrow no-break space only appear in such a list
    listed = [name for name, text in _sources().items() if re.search(r"\\u2007|\\u202f", text)]
    assert listed == ["secrets.py"]


def test_the_published_test_cards_are_listed_once() -> None:
    # one card chosen as an example is a use; two or more together are a second list
    copies = {
        name: found
        for name, text in _sources().items()
        if name != "facts.py" and len(found := {c for c in TEST_CARD_NUMBERS if c in text}) > 1
    }
    assert copies == {}

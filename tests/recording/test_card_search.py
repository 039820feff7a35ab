"""Where the live-card refusal looks: every field, every brand, cards inside longer digit runs
and behind unusual separators; and the ordinary numbers it must leave alone."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from harness.recording.cards import Wire, find_real_cards, find_real_cards_on_wire
from harness.secrets import card_brand, mask_text
from tests.recording.test_secrets import BRANDS, card

# the national networks the table learnt last, at every length they issue
NEW_BRANDS = {
    "napas 16": ("napas", card("9704", 16)),
    "napas 19": ("napas", card("9704", 19)),
    "uzcard": ("uzcard", card("8600", 16)),
    "humo": ("humo", card("9860", 16)),
    "china t-union": ("tunion", card("31", 19)),
    "belcard": ("belcard", card("9112", 16)),
    "gpn 16": ("gpn", card("1946", 16)),
    "gpn 19": ("gpn", card("1946", 19)),
}
ALL_CARDS = BRANDS | {name: number for name, (_, number) in NEW_BRANDS.items()}
ID_FIELDS = ["client_receipt_id", "po_num", "client_order_id", "nso_po_num", "bill_agreement_id"]


@pytest.mark.parametrize("name", sorted(NEW_BRANDS))
def test_the_national_networks_are_cards_of_their_brand(name: str) -> None:
    brand, number = NEW_BRANDS[name]
    assert card_brand(number) == brand
    assert find_real_cards({"order_comments": f"paid with {number} today"}) == ["order_comments"]
    assert number not in mask_text(f"declined card {number} today")


@pytest.mark.parametrize("field", ID_FIELDS)
@pytest.mark.parametrize("brand", sorted(ALL_CARDS))
def test_a_real_card_in_an_identifier_field_is_refused_and_named(brand: str, field: str) -> None:
    number = ALL_CARDS[brand]
    assert find_real_cards({field: number}) == [field]
    assert find_real_cards({"items": [{field: int(number)}]}) == [f"items[0].{field}"]


@pytest.mark.parametrize("field", ID_FIELDS)
def test_a_real_card_in_an_identifier_field_is_found_in_the_raw_body(field: str) -> None:
    number = ALL_CARDS["mastercard"]
    form = urlencode({"rest_call": "create_order_m", field: number}).encode()
    body = json.dumps({"rest_call": "create_order_m", field: number}).encode()
    for raw in (form, body):
        assert find_real_cards_on_wire(Wire("http://127.0.0.1/api", {}, raw)) == ["the body"]


# a card followed by what a person types after it: a CVV, a month, an expiry, a year
FOLLOWED = {
    "spaced, cvv": "card {spaced} 123",
    "spaced, month": "card {spaced} 12",
    "spaced, expiry": "card {spaced} 12/28",
    "spaced, expiry and cvv": "card {spaced} 12/28 123",
    "compact, cvv": "card {number} 123",
    "compact, four-digit cvv": "card {number} 1234",
    "compact, expiry": "card {number} 12/2028",
    "after a quantity": "2 x {number}",
}


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


@pytest.mark.parametrize("shape", sorted(FOLLOWED))
@pytest.mark.parametrize("brand", sorted(ALL_CARDS))
def test_a_card_followed_by_more_digits_is_found_and_masked(brand: str, shape: str) -> None:
    number = ALL_CARDS[brand]
    text = FOLLOWED[shape].format(number=number, spaced=_spaced(number))
    assert find_real_cards({"order_comments": text}) == ["order_comments"]
    masked = mask_text(text)
    assert number not in masked.replace(" ", "")
    assert masked.count("ARIA_CARD_LAST4_") == 1


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SEPARATORS = {
    "hyphen": "\u2010",
    "en dash": "\u2013",
    "em dash": "\u2014",
    "minus": "\u2212",
    "zero-width space": "\u200b",
    "colon": ":",
    "comma": ",",
    "comma and space": ", ",
    "six spaces": "      ",
}


@pytest.mark.parametrize("separator", sorted(SEPARATORS))
@pytest.mark.parametrize("field", ["cc_number", "order_comments"])
def test_a_card_behind_an_unusual_separator_is_refused(separator: str, field: str) -> None:
    written = SEPARATORS[separator].join(ALL_CARDS["visa"][i : i + 4] for i in range(0, 16, 4))
    assert find_real_cards({field: written}) == [field]
    assert find_real_cards({field: f"card {written} ok"}) == [field]


@pytest.mark.parametrize("digits", [ARABIC_INDIC, EXTENDED_ARABIC], ids=["arabic", "persian"])
@pytest.mark.parametrize("field", ["cc_number", "order_comments", "client_receipt_id"])
def test_a_card_in_other_scripts_digits_is_refused(digits: dict[int, int], field: str) -> None:
    written = ALL_CARDS["amex"].translate(digits)
    assert find_real_cards({field: written}) == [field]
    assert find_real_cards({field: _spaced(ALL_CARDS["visa"]).translate(digits)}) == [field]


# what an integration sends every day: none of it is a card
ORDINARY = {
    "amount": {"amount": "1234.56", "order_comments": "total 1,234,567.89 EUR"},
    "amounts listed": {"order_comments": "lines 4,500.00, 1,250.00, 3,000.00 and 2,750.00"},
    "date and time": {"order_comments": "due 2026-11-30 21:18:01, then 2026-12-31 23:59:59"},
    "phone numbers": {"order_comments": "call +1 415 555 0100, or +44 20 7946 0958"},
    "timestamps": {"client_receipt_id": "1732998000123", "updated": 1732998000, "ts": 17329980},
    "nanosecond timestamp": {"event_id": "1732998000123456789"},
    "short ids": {"invoice_no": 12345678, "acct_no": "987654321", "po_num": "7654321"},
    "ids listed": {"order_comments": "invoices 12345678, 23456789, 34567890, 45678901"},
    "twelve-digit id": {"client_receipt_id": "675900001238"},
    # two ids that read together as a Luhn-valid Visa number, listed as JSON and in text
    "ids in a json list": {"plan_nos": [40012345, 40012347]},
    "ids listed with commas": {"order_comments": "plans 40012345,40012347 and 40012345, 40012347"},
    "test card with cvv": {"order_comments": "card 4111 1111 1111 1111 123 12/28"},
    "test card in an id": {"client_order_id": "4242424242424242"},
    # letter-prefixed ids whose digits are no Luhn-valid card range
    "letter-prefixed ids": {
        "order_comments": "refs INV4731500000000008, ORD1234567890123456 and SKU9876543210987"
    },
    "amount with cents": {"order_comments": "total 123456789012.00"},
}


@pytest.mark.parametrize("params", ORDINARY.values(), ids=list(ORDINARY))
def test_ordinary_numbers_are_not_refused(params: dict[str, object]) -> None:
    assert find_real_cards(params) == []
    raw = json.dumps(params).encode()
    assert find_real_cards_on_wire(Wire("http://127.0.0.1/api", {}, raw)) == []


def test_the_scrubber_still_keeps_identifier_values() -> None:
    # recordings match calls by their ids; the refusal keeps real cards out of them
    number = ALL_CARDS["visa"]
    assert mask_text(f"order_no={number}") == f"order_no={number}"


def test_a_card_in_a_second_gzip_member_is_found() -> None:
    import gzip

    raw = gzip.compress(b"rest_call=get_acct_notes_m&x=") + gzip.compress(
        f"&notes={ALL_CARDS['visa']}".encode()
    )
    wire = Wire("http://127.0.0.1/api", {"Content-Encoding": "gzip"}, raw)
    assert find_real_cards_on_wire(wire) == ["the body"]


# round 2, rows 13-14: a card glued to letters in front, or written as a decimal
GLUED = {
    "MC prefix": "MC5373150000000001",
    "amex prefix": "amex377315000000007",
    "letters both sides": "CARD4731500000000007X",
    "ref prefix": "ref4731500000000007",
    "prefix then groups": "CARD4731 5000 0000 0007",
    "point zero": "4731500000000007.0",
    "point zero zero": "4731500000000007.00",
}


@pytest.mark.parametrize("field", ["order_comments", "cc_number"])
@pytest.mark.parametrize("text", GLUED.values(), ids=list(GLUED))
def test_a_card_glued_to_letters_or_written_as_a_decimal_is_found(text: str, field: str) -> None:
    assert find_real_cards({field: text}) == [field]
    raw = urlencode({field: text}).encode()
    assert find_real_cards_on_wire(Wire("http://127.0.0.1/api", {}, raw)) == ["the body"]

"""The one model of what is secret: names, shapes of every card brand, the masker."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote

import pytest

from harness.recording.cards import find_real_cards
from harness.secrets import (
    card_brand,
    fold_name,
    is_placeholder,
    looks_placeholder,
    luhn_valid,
    mask_text,
    sensitive_name,
)


def card(prefix: str, length: int) -> str:
    """A Luhn-valid number of a given prefix and length."""
    body = (prefix + "0" * length)[: length - 4] + "123"
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


BRANDS = {
    "visa": card("4000", 16),
    "mastercard": card("2223", 16),
    "amex": card("37", 15),
    "discover": card("6011", 16),
    "diners": card("36", 14),
    "jcb": card("3530", 16),
    "unionpay": card("62", 19),
    "maestro": card("6759", 16),
    "mir": card("2201", 16),
    "rupay": card("508", 16),
    "uatp": card("1", 15),
    "troy": card("9792", 16),
}
LIVE = BRANDS["visa"]


@pytest.mark.parametrize(("brand", "number"), BRANDS.items(), ids=list(BRANDS))
def test_every_brand_is_known_refused_and_masked(brand, number):
    assert card_brand(number) == brand
    assert find_real_cards({"cc_number": number}) == ["cc_number"]
    assert number not in mask_text(f"declined card {number} today")


@pytest.mark.parametrize(
    "name",
    ["X-Api-Token", "Api-Key", "X-Auth-Token", "x-api-token", "first_name", "email", "address1",
     "phone", "birthdate", "password", "secret_key", "api_key", "token", "session_id", "pin",
     "secret_question_answer", "acct[0][cvv]", "CC-Number", "ccNumber", "cc.number", "BILL_EMAIL",
     "alt_bill_first_name", "Track_Data2"],
)  # fmt: skip
def test_sensitive_names_in_any_spelling(name):
    assert sensitive_name(name) is not None


@pytest.mark.parametrize(
    "name", ["plan_name", "invoice_no", "client_receipt_id", "status", "rest_call", "acct_no"]
)
def test_ordinary_names_are_not_sensitive(name):
    assert sensitive_name(name) is None


def test_names_compare_folded():
    assert fold_name("X-Api_Key") == fold_name("xapikey") == "xapikey"


def _spaced(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


REFUSED = {
    "plain": {"cc_number": LIVE},
    "dots": {"cc_number": _spaced(LIVE, ".")},
    "slashes": {"cc_number": _spaced(LIVE, "/")},
    "tab": {"cc_number": _spaced(LIVE, "\t")},
    "nbsp": {"cc_number": _spaced(LIVE, "\u00a0")},
    "newline": {"cc_number": LIVE + "\n"},
    "float": {"cc_number": float(LIVE)},
    "int": {"cc_number": int(LIVE)},
    "object": {"payment": {"method": {"cc_number": LIVE}}},
    "bracket": {"acct[0][cc_number]": LIVE},
    "cc-number": {"cc-number": LIVE},
    "pipe column": {"cc_number": f"4111111111111111|{LIVE}"},
    "track1": {"track_data1": f"%B{LIVE}^DOE/JOHN^2912101123?"},
    "track2": {"track_data2": f";{LIVE}=29121011234?"},
    "free text": {"comments": f"pay with {LIVE}"},
    "json string": {"data": json.dumps({"pan": LIVE})},
}


@pytest.mark.parametrize("params", REFUSED.values(), ids=list(REFUSED))
def test_live_card_refused_in_every_shape(params):
    found = find_real_cards(params)
    assert len(found) == 1
    assert LIVE not in found[0]


@pytest.mark.parametrize(
    "params",
    [{"cc_number": "4111111111111111"}, {"cc_number": "4111 1111 1111 1111"},
     {"invoice_no": 12345678}, {"order_no": "987654321"}, {"cc_number": "ARIA_CARD_LAST4_1111"}],
    ids=["test card", "test card spaced", "invoice_no", "order_no", "placeholder"],
)  # fmt: skip
def test_test_cards_and_identifiers_are_not_refused(params):
    assert find_real_cards(params) == []


ENCODED = {
    "raw": LIVE,
    "dashes": _spaced(LIVE, "-"),
    "dots": _spaced(LIVE, "."),
    "nbsp": _spaced(LIVE, "\u00a0"),
    "html nbsp": _spaced(LIVE, "&nbsp;"),
    "percent": quote(f"card {LIVE}"),
    "double percent": quote(quote(f"card {LIVE}")),
    "html entities": "".join(f"&#{ord(c)};" for c in LIVE),
    "html hex entities": "".join(f"&#x{ord(c):x};" for c in LIVE),
    "base64": base64.b64encode(f"card {LIVE}".encode()).decode(),
    "urlsafe base64": base64.urlsafe_b64encode(f"card={LIVE}".encode()).decode().rstrip("="),
    "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in LIVE),
    "track2": f";{LIVE}=29121011234?",
    "iban lower dashes": "de46-3982-5979-1907-4833-78",
    "iban spaced": "DE46 3982 5979 1907 4833 78",
    "auth key": "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6",
    "url password": "http://user:hunter2pass@sandbox.example/",
    "email": "jane.o'neil+7@example.com",
    "field": "auth_key=opensesame1",
    "json field": '{"cvv": "123"}',
    "bracket field": "acct[0][cvv]=123",
    "bearer": "Authorization: Bearer abc.def.ghi-jkl",
}


@pytest.mark.parametrize("text", ENCODED.values(), ids=list(ENCODED))
def test_masker_hides_every_shape_and_encoding(text):
    masked = mask_text(f"error: {text} was refused")
    secret_parts = {LIVE, "398259791907483378", "Zx81Kq0aPl2Mv7Rt5Wn3Yb9Hc4Jd6", "hunter2pass"}
    secret_parts |= {"jane.o'neil", "opensesame1", '"123"', "=123", "abc.def.ghi-jkl"}
    assert masked != f"error: {text} was refused"
    flat = html.unescape(masked).replace(" ", "").replace("-", "").lower()
    for part in secret_parts:
        assert part.lower() not in flat


@pytest.mark.parametrize(
    "text",
    ["order 1234 shipped on 2026-01-01 10:00:00", "total 1234.56 EUR", "<redacted>",
     "411111******1111", "see ARIA_CARD_LAST4_1111",
     "commit 3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b"],
)  # fmt: skip
def test_masker_leaves_ordinary_text_alone(text):
    assert mask_text(text) == text


@pytest.mark.parametrize(
    "value",
    ["<redacted>", "[FILTERED]", "${ARIA_AUTH_KEY}", "***", "411111******1111", "ARIA_REDACTED",
     "{{ auth_key }}", "XXXX-XXXX-XXXX-1111", "$ARIA_AUTH_KEY", "REDACTED"],
)  # fmt: skip
def test_placeholders_of_any_common_form(value):
    assert looks_placeholder(value)


def test_published_example_ibans_and_test_cards_are_not_secrets():
    assert mask_text("IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111") == (
        "IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111"
    )


def test_a_real_value_is_no_placeholder():
    assert not looks_placeholder("hunter2") and not looks_placeholder(LIVE)


def test_the_scrubber_keeps_only_its_own_placeholders():
    # a password that reads like a placeholder is still a password
    assert not is_placeholder("<redacted>") and not is_placeholder("filtered-pass")
    assert is_placeholder("ARIA_REDACTED") and is_placeholder("")

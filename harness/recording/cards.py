"""Card numbers: the networks' published test cards and the live-card refusal."""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

from harness.facts import TEST_CARD_NUMBERS
from harness.secrets import (
    ID_CARD_DIGITS,
    ascii_digits,
    card_brand,
    card_digits,
    find_shapes,
    holds_no_card,
    is_card_name,
    luhn_valid,
    mask_text,
    pair_name,
    readings,
)

__all__ = [
    "TEST_CARD_NUMBERS",
    "Wire",
    "find_real_cards",
    "find_real_cards_on_wire",
    "is_card_number",
    "luhn_valid",
]


def is_card_number(text: str) -> bool:
    """True for a card number of a known brand (range, length, Luhn), separators allowed."""
    digits = card_digits(str(text))
    return digits is not None and card_brand(digits) is not None


def _card_digits(value: Any) -> str | None:
    """The digits of a value written as a card number: separators, floats, pipe parts aside."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value > 0 else None
    text = unicodedata.normalize("NFKC", str(value)).strip()  # fullwidth digits are digits
    with contextlib.suppress(ValueError, OverflowError):
        if re.fullmatch(r"\d+(?:\.\d+)?[eE]\+?\d+", text):
            return str(int(float(text)))
    return card_digits(text)


def _real(digits: str | None) -> bool:
    return (
        digits is not None
        and 12 <= len(digits) <= 19
        and luhn_valid(digits)
        and digits not in TEST_CARD_NUMBERS
    )


def _holds_real_card(value: Any, *, card_field: bool, id_field: bool = False) -> bool:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in "[{":
            with contextlib.suppress(ValueError):
                return bool(find_real_cards({"": json.loads(stripped)}))
        parts = value.split("|")
    else:
        parts = [value]
    least = ID_CARD_DIGITS if id_field else 12
    for part in parts:
        if card_field and _real(_card_digits(part)):
            return True
        if isinstance(part, int | float) and not isinstance(part, bool):
            digits = _card_digits(part)
            if digits and len(digits) >= least and card_brand(digits) and _real(digits):
                return True
            continue
        if _real_card_in_text(str(part), least_digits=least):
            return True
    return False


def _real_card_in_text(text: str, *, least_digits: int = 12) -> bool:
    """A real card or track in any reading the masker knows (encoded, fullwidth, base64);
    under an identifier's name too (``client_order_id=...``), from 13 digits."""
    return any(
        kind == "track data"
        or (kind == "card number" and len(ascii_digits(reading[start:end])) >= least_digits)
        for reading in readings(text)
        for start, end, kind in find_shapes(reading, in_ids=True)
    )


def find_real_cards(params: Mapping[str, Any]) -> list[str]:
    """The fields of call parameters holding a real (not published test) card number or track.

    Card-number fields (``cc_number`` in any spelling, bracketed or nested) are checked on
    their digits whatever the separators; every other value on the shapes the scanner knows,
    identifiers (``client_receipt_id``, ``po_num``) too when their value has a card's 13 to 19
    digits: an id that is a live card number would still carry the card to the target.
    """
    found: list[str] = []

    def walk(value: Any, path: str, card_field: bool) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                name = str(key)
                shown = mask_text(name)  # the path reaches the refusal: a key may be an e-mail
                child_path = f"{path}.{shown}" if path else shown
                walk(child, child_path, card_field or is_card_name(name))
        elif isinstance(value, list | tuple):
            pair = pair_name(value)  # [["cc_number", "4..."]]: a field
            for index, child in enumerate(value):
                held = card_field or (index == 1 and pair is not None and is_card_name(pair))
                walk(child, f"{path}[{index}]", held)
        elif value is not None:
            id_field = not card_field and holds_no_card(path.rsplit(".", 1)[-1])
            if _holds_real_card(value, card_field=card_field, id_field=id_field):
                found.append(path)

    walk(params, "", False)
    return found


class Wire(NamedTuple):
    """A request as it would leave: its URL, every header and the body's bytes."""

    url: str
    headers: Mapping[str, Any]
    body: Any


# how much of a compressed body is unpacked to be searched
_MAX_UNPACKED = 8 * 1024 * 1024


def find_real_cards_on_wire(wire: Wire) -> list[str]:
    """Where a raw request carries a real card: the URL (path and query), a header, the body.

    The body is read as it would arrive (gzip or deflate undone, decoded by its charset or
    byte-order mark, UTF-16 without one too), in every reading ``readings`` knows; JSON, form,
    XML, multipart and text bodies alike, since a card is found in text, not by field.
    """
    from urllib.parse import unquote

    found: list[str] = []
    if _real_card_in_text(unquote(wire.url)):
        found.append("the URL")
    for name, value in (wire.headers or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(_real_card_in_text(str(item)) for item in values):
            found.append(f"the {name} header")
    body = _body_text(wire)
    if body and _real_card_in_text(body):
        found.append("the body")
    return found


def _header(headers: Mapping[str, Any], name: str) -> str:
    for key, value in (headers or {}).items():
        if str(key).lower() == name:
            return str(value[0] if isinstance(value, list | tuple) and value else value)
    return ""


def _body_text(wire: Wire) -> str:
    body = wire.body
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    if not isinstance(body, bytes | bytearray | memoryview):
        return json.dumps(body, default=str) if isinstance(body, Mapping | list) else str(body)
    raw = _unpacked(bytes(body), _header(wire.headers, "content-encoding"))
    charset = re.search(r"charset=[\"']?([\w.:-]+)", _header(wire.headers, "content-type"), re.I)
    for encoding in _encodings(raw, charset.group(1) if charset else None):
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return raw.decode(encoding)
    return raw.decode("latin-1")


def _unpacked(raw: bytes, content_encoding: str) -> bytes:
    import zlib

    gzip_magic = raw[:2] == b"\x1f\x8b"
    if not (gzip_magic or "gzip" in content_encoding or "deflate" in content_encoding):
        return raw
    for wbits in (47, -15):  # gzip or zlib (auto), then raw deflate
        with contextlib.suppress(zlib.error):
            inflater = zlib.decompressobj(wbits)
            unpacked = inflater.decompress(raw, _MAX_UNPACKED)
            # every gzip member, as a server inflating the whole stream would read them
            rest = inflater.unused_data
            while rest.strip(b"\0\r\n") and len(unpacked) < _MAX_UNPACKED:
                try:
                    inflater = zlib.decompressobj(wbits)
                    unpacked += inflater.decompress(rest, _MAX_UNPACKED - len(unpacked))
                except zlib.error:
                    return unpacked + rest  # searched as it is
                rest = inflater.unused_data
            return unpacked
    return raw


def _encodings(raw: bytes, charset: str | None) -> list[str]:
    import codecs

    boms = [
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ]
    found = [name for bom, name in boms if raw.startswith(bom)][:1]
    if charset:
        found.append(charset)
    if b"\x00" in raw[:64]:  # UTF-16 or UTF-32 without a byte-order mark
        odd_zeros = raw[1:64:2].count(0) > raw[0:64:2].count(0)
        found += ["utf-16-le", "utf-16-be"] if odd_zeros else ["utf-16-be", "utf-16-le"]
    return [*found, "utf-8"]

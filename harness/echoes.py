"""Hunt the values a request sent in sensitive fields wherever the answer echoes them.

An echo survives many transforms: case, separators inside a number (spaces, dashes, dots,
slashes, tab, NBSP), percent-encoding (once or twice), HTML entities (named, decimal, hex),
JSON escapes, base64, Unicode normalisation, a card number split in two. Rather than listing
every spelling, a string is read back through all of them (its canonical views) and the values
are looked for there. Known spellings are then replaced in place; a string that still carries
an echo after that is replaced whole: what cannot be located is not kept.

Every value is hunted whatever its length; values shorter than six characters (a CVV, an
expiry month, a state) only as whole tokens, and never inside a date or time, where "12" is a
month rather than an echo.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property, lru_cache
from typing import Any

from harness.secrets import (
    DIGIT_SEPARATOR_CHARS,
    PLACEHOLDER,
    base64_bytes,
    is_placeholder,
    looks_base64,
    mask_text,
    pair_name,
    sensitive_name,
    unescaped,
    unicode_text,
)

__all__ = ["Echoes", "echoes_of", "gather_sensitive", "mask_message", "sensitive_values"]

_SHORT = 6
_DIGIT_RUN = re.compile(
    rf"\d(?:(?:[\s{DIGIT_SEPARATOR_CHARS}+]|&nbsp;|&#0*160;|%20|%C2%A0|%2520){{0,3}}\d){{5,}}"
)
# between the digits of an echoed number: what may stand between a card's digits (one list, in
# harness.secrets), or a form-encoded space
_DIGIT_SEPARATORS = re.compile(rf"(?<=\d)[\s{DIGIT_SEPARATOR_CHARS}+]{{1,3}}(?=\d)")
_DATE_OR_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{2}:\d{2}(?::\d{2})?|\d{1,2}/\d{1,2}/\d{4}"
)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_BASE32_RUN = re.compile(r"[A-Z2-7]{16,}={0,6}")
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}){6,}")
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
# tokens for short values: words, with letters and digits glued together split apart
_TOKEN_SPLIT = re.compile(r"[^\w]+|_|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _canonical(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold() if not text.isascii() else text.lower()


def _views(text: str) -> Iterator[tuple[str, bool]]:
    """The text read back through every transform an echo survives, case-folded (and whether
    the view was base64, where only long values are looked for: short ones would match noise)."""
    readings = unescaped(text)
    for reading in readings:
        yield _canonical(reading), False
    for reading in readings:
        for match in _BASE64_RUN.finditer(reading):
            token = match.group()
            # hex and base32 runs are base64 runs too: one search finds all three
            for decode in (_base64, _base32, _hex):
                decoded_run = decode(token)
                if decoded_run is not None:
                    yield _canonical(decoded_run), True


def _base32(token: str) -> str | None:
    """A base32 run read back (padded or not), when it decodes to printable text."""
    if not _BASE32_RUN.fullmatch(token):
        return None
    try:
        raw = base64.b32decode(token + "=" * (-len(token) % 8))
    except (binascii.Error, ValueError):
        return None
    text = raw.decode("utf-8", "ignore")
    return text if len(text) >= 6 and text.isprintable() else None


def _hex(token: str) -> str | None:
    """A run of hex digits read back, when it decodes to printable text (UTF-8 or UTF-16)."""
    if not _HEX_RUN.fullmatch(token):
        return None
    raw = bytes.fromhex(token)
    text = (0 in raw and unicode_text(raw)) or raw.decode("utf-8", "ignore")
    return text if len(text) >= 6 and text.lstrip("\ufeff").isprintable() else None


def _rewritten(value: str) -> set[str]:
    """A value turned around rather than encoded: rot13, reversed, spaced out (lower case, as
    the views are compared; hunted in each view, as no decoding brings them back)."""
    shown = {value.translate(_ROT13), value[::-1], " ".join(value)}
    return {form.lower() for form in shown if form.lower() != value.lower()}


def _encoded(value: str) -> set[str]:
    """A value's hex, base32 and UTF-16 base64 spellings: found by decoding the views, listed
    here to be replaced in place (lower case: the replacement ignores case)."""
    raw = value.encode()
    shown = {raw.hex(), base64.b32encode(raw).decode().rstrip("=")}
    for encoding in ("utf-16-le", "utf-16-be", "utf-16"):
        shown.add(base64.b64encode(value.encode(encoding)).decode().rstrip("="))
    return {form.lower() for form in shown}


# an e-mail address spelled for people: jo [at] example [dot] org, jo(at)example.org
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_AT_MARK = re.compile(r"[\[({<]\s*at\s*[\])}>]|\sat\s", re.IGNORECASE)
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w+'%-])[\w+'%-]+(?:{_DOT}[\w+'%-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE
)
_AT_WORD = re.compile(_AT, re.IGNORECASE)
_DOT_WORD = re.compile(_DOT, re.IGNORECASE)
# a card's four-digit expiry year written in two after a month: 09/31, 9-31, 0931; not in a
# date (2026-12-31), an amount (10.31) or a four-digit code (1031)
_EXPIRY = re.compile(r"(?<![\d/.-])(?:(?:0?[1-9]|1[0-2])\s*[/-]\s*|0[1-9])(\d\d)(?!\d|[/.-]\d)")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _unspelled(text: str) -> str:
    """An e-mail address spelled with [at] and [dot] (or words) written plainly."""
    return _DOT_WORD.sub(".", _AT_WORD.sub("@", text)).casefold()


def _base64(token: str) -> str | None:
    if not looks_base64(token):
        return None
    for shift in range(4):  # an echo may start mid-way through an encoded text
        chunk = token[shift:]
        # whole (unpadded base64 is still whole), then cut to full quads (a run that goes on)
        cut = chunk[: len(chunk) - len(chunk) % 4] if "=" not in chunk else chunk
        for candidate in dict.fromkeys((chunk, cut)):
            raw = base64_bytes(candidate)
            if raw is None:
                continue
            text = (0 in raw and unicode_text(raw)) or raw.decode("utf-8", "ignore")
            if len(text) >= 6 and sum(ch.isprintable() for ch in text) >= len(text) * 0.9:
                return text
    return None


def _text_forms(value: str) -> set[str]:
    """The spellings of a value that can be replaced in place."""
    from urllib.parse import quote, quote_plus

    forms = {value, unicodedata.normalize("NFKC", value), unicodedata.normalize("NFD", value)}
    for text in list(forms):
        forms |= {html.escape(text), html.escape(text, quote=False)}
        forms.add("".join(f"&#{ord(c)};" for c in text))
        forms.add("".join(f"&#x{ord(c):x};" for c in text))
        once = quote(text, safe="")
        forms |= {once, quote_plus(text), quote(text), quote(once, safe=""), quote_plus(once)}
        escaped = json.dumps(text)[1:-1]
        forms |= {escaped, json.dumps(text, ensure_ascii=False)[1:-1], json.dumps(escaped)[1:-1]}
    return {form for form in forms if form}


@lru_cache(maxsize=4096)
def _forms(value: str) -> tuple[str, ...]:
    """A value's spellings, lower case, longest first (computed once per value)."""
    return tuple(sorted({form.lower() for form in _text_forms(value)}, key=len, reverse=True))


def _word_char(text: str, index: int, form: str = "") -> bool:
    """True when the character at ``index`` continues a token like ``form``: a digit next to a
    number, a letter next to a word (``cvc4821`` and ``ZIP94107`` end where the digits start)."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if form.isdigit():
        return char.isdigit()
    if form.isalpha():
        return char.isalpha()
    return char.isalnum()


def _replace_literal(text: str, form: str, placeholder: str, *, whole_token: bool) -> str:
    """Case-insensitive replacement of one spelling (as a whole token when asked)."""
    lower = text.lower()
    if len(lower) != len(text) or form not in lower:
        return text
    out: list[str] = []
    cursor = start = 0
    while (start := lower.find(form, start)) >= 0:
        end = start + len(form)
        if whole_token and (_word_char(text, start - 1, form) or _word_char(text, end, form)):
            start += 1
            continue
        out += [text[cursor:start], placeholder]
        cursor = start = end
    out.append(text[cursor:])
    return "".join(out)


def _spellings(value: str, text: str, placeholder: str, *, whole_token: bool) -> str:
    for form in _forms(value):
        text = _replace_literal(text, form, placeholder, whole_token=whole_token)
    return text


@lru_cache(maxsize=256)
def _cached(values: tuple[str, ...]) -> Echoes:
    return Echoes(values)


def echoes_of(values: Iterable[str]) -> Echoes:
    """The hunter of a set of values (reused while the same values recur)."""
    return _cached(tuple(sorted({str(v) for v in values if v is not None})))


class Echoes:
    """The sensitive values of one request, hunted in any text."""

    def __init__(self, values: Iterable[str]) -> None:
        cleaned = {str(v).strip() for v in values if v is not None and not is_placeholder(v)}
        self.values = tuple(sorted(cleaned, key=lambda v: (-len(v), v)))
        self._exact = frozenset(_canonical(v) for v in self.values)
        long_values = [value for value in self.values if len(value) >= _SHORT]
        self._rewritten = {form for value in long_values for form in _rewritten(value)}
        # the long values and their rewritten forms (as long): one search finds either
        self._long = tuple(dict.fromkeys([*map(_canonical, long_values), *self._rewritten]))
        self._emails = frozenset(v.casefold() for v in self.values if v.count("@") == 1)
        self._years = frozenset(v[2:] for v in self.values if _YEAR.fullmatch(v))
        self._short = frozenset(_canonical(v) for v in self.values if 2 <= len(v) < _SHORT)
        digits: set[str] = set()
        for value in self.values:
            run = "".join(ch for ch in value if ch.isdigit())
            if len(run) >= _SHORT and len(run) >= len(value) - 6:
                digits.add(run)
                if len(run) >= 12:  # a card number split in two
                    digits |= {run[: len(run) // 2], run[len(run) // 2 :]}
        self._digits = tuple(digits)

    def __bool__(self) -> bool:
        return bool(self.values)

    @cached_property
    def _disguised(self) -> tuple[str, ...]:
        """Every disguise of the long values, longest first (built when one is to be hidden)."""
        encoded = {form for v in self.values if len(v) >= _SHORT for form in _encoded(v)}
        return tuple(sorted(encoded | self._rewritten, key=len, reverse=True))

    def present(self, text: str) -> bool:
        """True when any value is echoed in the text, in any transform."""
        for view, from_base64 in _views(text):
            if any(value in view for value in self._long):
                return True
            if from_base64:
                continue
            if (self._years or self._emails) and self._spelled_in(view):
                return True
            if view.strip() in self._exact:
                return True
            if self._digits and any(d in _DIGIT_SEPARATORS.sub("", view) for d in self._digits):
                return True
            if self._short:
                undated = _DATE_OR_TIME.sub(" ", view)
                if not self._short.isdisjoint(_TOKEN_SPLIT.split(undated)):
                    return True
        return False

    def hide(self, text: str, placeholder: str = PLACEHOLDER) -> str:
        """The text with every echo of the values replaced by the placeholder."""
        if not self.values or not text or not self.present(text):
            return text
        if _canonical(text.strip()) in self._exact:
            return placeholder
        hidden = text
        # first: a month replaced alone would leave its year
        hidden = self._replace_spelled(hidden, placeholder)
        hidden = self._replace_numbers(hidden, placeholder)
        for value in self.values:
            if len(value) >= 2:
                hidden = self._replace(value, hidden, placeholder)
        for form in self._disguised:
            hidden = _replace_literal(hidden, form, placeholder, whole_token=False)
        return hidden if not self.present(hidden) else placeholder

    def _spelled_in(self, view: str) -> bool:
        """True when the view holds an e-mail address sent, spelled with [at] and [dot], or
        an expiry year sent, written in two digits after a month."""
        if any(year in view for year in self._years) and any(
            m.group(1) in self._years for m in _EXPIRY.finditer(view)
        ):
            return True
        return bool(self._emails and "at" in view and _AT_MARK.search(view)) and any(
            _unspelled(m.group()) in self._emails for m in _SPELLED_EMAIL.finditer(view)
        )

    def _replace_spelled(self, text: str, placeholder: str) -> str:
        if self._years:
            text = _EXPIRY.sub(
                lambda m: placeholder if m.group(1) in self._years else m.group(), text
            )
        if self._emails and _AT_MARK.search(text):
            text = _SPELLED_EMAIL.sub(
                lambda m: placeholder if _unspelled(m.group()) in self._emails else m.group(),
                text,
            )
        return text

    def _replace(self, value: str, text: str, placeholder: str) -> str:
        if len(value) >= _SHORT:
            return _spellings(value, text, placeholder, whole_token=False)
        # short values: whole tokens, outside dates and times
        out: list[str] = []
        cursor = 0
        for match in _DATE_OR_TIME.finditer(text):
            out.append(
                _spellings(value, text[cursor : match.start()], placeholder, whole_token=True)
            )
            out.append(match.group())
            cursor = match.end()
        out.append(_spellings(value, text[cursor:], placeholder, whole_token=True))
        return "".join(out)

    def _replace_numbers(self, text: str, placeholder: str) -> str:
        """Runs of digits with separators that hold a number sent (a card with dots, NBSP...)."""

        def replace(match: re.Match[str]) -> str:
            digits = "".join(ch for ch in match.group() if ch.isdigit())
            return placeholder if any(d in digits for d in self._digits) else match.group()

        return _DIGIT_RUN.sub(replace, text) if self._digits else text


def _parts(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


def gather_sensitive(value: Any, name: str | None, found: set[str]) -> None:
    """Add to ``found`` the values under sensitive names (``name``: the enclosing one)."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            gather_sensitive(
                child, str(key) if sensitive_name(str(key)) is not None else name, found
            )
    elif (pair := pair_name(value)) is not None:
        gather_sensitive(value[1], pair, found)
    elif isinstance(value, list | tuple):
        for child in value:
            gather_sensitive(child, name, found)
    elif name is not None and value is not None and not is_placeholder(value):
        if isinstance(value, str):
            found.update(_parts(value))
        elif not isinstance(value, bool):
            found.add(str(value))


def sensitive_values(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The values of a call's parameters that sit in sensitive fields (at any depth)."""
    found: set[str] = set()
    gather_sensitive(params, None, found)
    return tuple(sorted(found))


def mask_message(text: str, secrets: Iterable[str] = ()) -> str:
    """A message with secret shapes masked, and echoes of values sent in secret fields."""
    secrets = tuple(secrets)
    if secrets:
        text = echoes_of(secrets).hide(text)
    return mask_text(text)

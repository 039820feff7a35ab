"""The one model of what is secret: names, value shapes, and the masker for free text.

Names are compared after case-folding and stripping separators, so ``cc_number``,
``CC-Number``, ``ccNumber`` and ``cc.number`` are one name; bracketed and dotted keys
(``acct[0][cvv]``) are sensitive when any segment is. Shapes: card numbers of every brand
(issuer ranges and lengths, Luhn), track 1/2 data, IBANs (country length and mod-97),
auth-key-like tokens, e-mail addresses and passwords in URLs. ``find_shapes`` locates them in
text with separators (space, dash, dot, slash, tab, NBSP) and ``mask_text`` replaces them, also
inside percent-, HTML-entity- and base64-encoded tokens. The refusal, the scrubbers, the scanner
and every message, log and report use these functions.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple
from urllib.parse import unquote_plus

from harness.facts import TEST_CARD_NUMBERS, luhn_valid

__all__ = [
    "ARIA_AUTH_KEY_PLACEHOLDER",
    "ARIA_CLIENT_NO_PLACEHOLDER",
    "CARD_PREFIX",
    "DIGIT_SEPARATOR_CHARS",
    "EXAMPLE_IBANS",
    "ID_CARD_DIGITS",
    "PLACEHOLDER",
    "Shape",
    "ascii_digits",
    "base64_bytes",
    "card_brand",
    "card_digits",
    "card_placeholder",
    "find_shapes",
    "find_fields",
    "fold_name",
    "holds_no_card",
    "iban_valid",
    "is_card_name",
    "is_placeholder",
    "looks_base64",
    "looks_placeholder",
    "luhn_valid",
    "mask_text",
    "name_placeholder",
    "pair_name",
    "readings",
    "sensitive_name",
    "shown_url",
    "unescaped",
    "unicode_text",
]

ARIA_AUTH_KEY_PLACEHOLDER = "ARIA_AUTH_KEY"
ARIA_CLIENT_NO_PLACEHOLDER = "ARIA_CLIENT_NO"
PLACEHOLDER = "ARIA_REDACTED"
CARD_PREFIX = "ARIA_CARD_LAST4_"

# ---------------------------------------------------------------------------------- names

_CREDENTIALS = {
    "authkey": ARIA_AUTH_KEY_PLACEHOLDER,
    "clientno": ARIA_CLIENT_NO_PLACEHOLDER,
    "clientnumber": ARIA_CLIENT_NO_PLACEHOLDER,
}
_CARD_NUMBER_NAMES = frozenset(
    {"ccnumber", "ccnum", "ccno", "cardnumber", "cardno", "creditcardnumber", "pan"}
)
_EXACT = frozenset(
    [
        *_CREDENTIALS,
        *_CARD_NUMBER_NAMES,
        # card data (DESIGN.md) and its common spellings
        *"cvv cvv2 cvc cvc2 cid securitycode cardsecuritycode existingpaymethodcvv ccexpiremm "
        "ccexpireyyyy expmonth expyear expirymonth expiryyear expirationdate expirydate expdate "
        "trackdata trackdata1 trackdata2 track1 track2 magstripe cardholdername ccholdername "
        "holdername accountholder accountholdername cardcode cccvv cvn expiry expiration ccexp "
        "cardexpiry".split(),
        # bank data
        *"bankacctnum bankacctno bankroutingnum routingnumber iban bankswiftcd swift bic "
        "bankidcd bankbranchcd mandateid accountnumber acctnum aba sortcode swiftcode "
        "bankaccount bsb".split(),
        # what any careful user expects hidden whatever the API calls it
        *"pin pwd sessionid sessid sid xsession jwt otp auth credential "
        "authorization proxyauthorization cookie setcookie ssn taxid vatno nationalid username "
        "login".split(),
    ]
)
# contact data: these stems alone or after a contact prefix (bill_, alt_, stmt_, ship_ ...)
_CONTACT_STEMS = frozenset(
    "firstname middleinitial lastname fullname companyname address address1 address2 address3 "
    "street city locality stateprov zip zipcode postalcode postcode country email "
    "emailaddress phone phonenumber phoneextension cellphone mobile mobilephone workphone "
    "workphoneextension fax birthdate dateofbirth dob surname givenname streetaddress addr "
    "telephone tel msisdn mail ipaddress".split()
)
# a person's name only after a contact prefix (bill_name, customer_name): "name" alone is a
# plan's, a product's or a field's name; "state" alone is a status ("state": "active"), Aria
# spells an address's state state_prov
_PREFIXED_STEMS = frozenset({"name", "state"})
_CONTACT_PREFIXES = tuple(
    "billing bill alt stmt shipping ship contact customer cust payer cardholder holder user "
    "full x".split()
)
_CONTAINS = tuple(
    "password passwd passphrase apikey token authkey privatekey accesskey clientsecret secret "
    "securityanswer questionanswer".split()
)
_SEGMENT = re.compile(r"[\[\].]+")
# identifiers and amounts: a Luhn-valid number under such a name is not a card
_NON_CARD_SUFFIXES = tuple(
    "no id ids num number seq ref code cd count qty amount total time timestamp date offset "
    "version".split()
)


@lru_cache(maxsize=4096)
def fold_name(name: str) -> str:
    """A name case-folded with every separator stripped: ``X-Api_Key`` -> ``xapikey``;
    full-width letters and Cyrillic or Greek look-alikes (``раssword``) read as Latin."""
    text = unicodedata.normalize("NFKC", str(name))
    if not text.isascii():
        text = _latin_lookalikes(text)
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _latin_lookalikes(text: str) -> str:
    """Each character that is confusable with a Latin letter or digit replaced by it
    (Unicode's confusables table, via confusable_homoglyphs; loaded on the first such name)."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []
    latin: dict[str, str] = {}
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalnum():
                latin.setdefault(entry["character"], glyph["c"])
                break
    return "".join(latin.get(ch, ch) for ch in text)


def pair_name(value: object) -> str | None:
    """The sensitive name of a key/value pair written as a two-item list
    (``["password", "x"]``), else None."""
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str):
        if not isinstance(value[1], list | tuple | dict):
            return sensitive_name(value[0])
    return None


# a setting about a secret, not a secret: password_min_length, token_expiry_seconds, max_tokens
_SETTING_SUFFIXES = tuple(
    "length len seconds minutes hours days ttl count type types limit expiry expires enabled "
    "required policy provider class tokenizer handler factory".split()
)
_SETTING_PREFIXES = ("max", "min", "num")


def _about_a_secret(folded: str) -> bool:
    return folded.endswith(_SETTING_SUFFIXES) or folded.startswith(_SETTING_PREFIXES)


@lru_cache(maxsize=4096)
def _folded_sensitive(folded: str) -> bool:
    if not folded:
        return False
    if folded in _EXACT or folded in _CONTACT_STEMS:
        return True
    if any(part in folded for part in _CONTAINS) and not _about_a_secret(folded):
        return True
    # contact prefixes may stack: alt_bill_first_name, x_bill_email
    for prefix in _CONTACT_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            rest = folded[len(prefix) :]
            if rest in _PREFIXED_STEMS or _folded_sensitive(rest):
                return True
    # a numbered copy of a sensitive field: cc_number_2, track_data3
    stripped = folded.rstrip("0123456789")
    return stripped != folded and _folded_sensitive(stripped)


@lru_cache(maxsize=4096)
def sensitive_name(name: str) -> str | None:
    """The sensitive part of a field, header or bracketed key (``a[0][cvv]`` -> ``cvv``)."""
    text = str(name).strip()
    if _folded_sensitive(fold_name(text)):
        return text
    segments = [part for part in _SEGMENT.split(text) if part]
    for segment in reversed(segments[:-1] if len(segments) > 1 else []):
        if _folded_sensitive(fold_name(segment)):
            return segment
    if len(segments) > 1 and _folded_sensitive(fold_name(segments[-1])):
        return segments[-1]
    return None


def is_card_name(name: str) -> bool:
    """True for a field that holds a card number (``cc_number``, ``cc-number``, ``a[0][pan]``)."""
    found = sensitive_name(name)
    return found is not None and _strip_x(fold_name(found)) in _CARD_NUMBER_NAMES


def _strip_x(folded: str) -> str:
    return folded[1:] if folded.startswith("x") and folded not in _EXACT else folded


def name_placeholder(name: str, value: str) -> str:
    """The placeholder that replaces one value of a sensitive field."""
    found = sensitive_name(name) or name
    folded = _strip_x(fold_name(found))
    if folded in _CREDENTIALS:
        return _CREDENTIALS[folded]
    if folded in _CARD_NUMBER_NAMES:
        return value if is_placeholder(value) else card_placeholder(value)
    return PLACEHOLDER


def holds_no_card(name: str) -> bool:
    """True for identifiers and amounts (``invoice_no``, ``order_id``): never a card number."""
    if sensitive_name(name) is not None:
        return False
    folded = fold_name(name.rsplit("[", 1)[-1])
    return folded.endswith(_NON_CARD_SUFFIXES)


def card_placeholder(value: str) -> str:
    """A card number reduced to its last four digits (none if it is too short to hide)."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return CARD_PREFIX + (digits[-4:] if len(digits) >= 12 else "")


# ---------------------------------------------------------------------------- placeholders

_OUR_PLACEHOLDER = re.compile(
    rf"^(?:{ARIA_AUTH_KEY_PLACEHOLDER}|{ARIA_CLIENT_NO_PLACEHOLDER}|{PLACEHOLDER}"
    rf"|{CARD_PREFIX}\d{{0,4}})$"
)
_MASK_CHARS = set("*xX#•·●_-. ")
_PLACEHOLDER_WORDS = re.compile(
    r"redact|filter|masked|hidden|remov|placeholder|omitted|censor|elided|scrubbed",
    re.IGNORECASE,
)
_WRAPPED = re.compile(
    r"^(?:\$?\{\{[^{}]*\}\}|<[^<>]*>|\[[^\[\]]*\]|\{\{[^{}]*\}\}|\$\{[^{}]*\}|\{[A-Za-z_][^{}]*\}|%\([a-z_]+\)s"
    r"|%[A-Za-z_]+%|\$[A-Z_][A-Z0-9_]*)$"
)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# how docs ask for a value: your-password-here, YOUR_AUTH_KEY, <your key>, changeme
_DOCS_PLACEHOLDER = re.compile(
    r"^(?:your|enter|insert)(?:[\s_-]|$)|[\s_-]here$|^change-?me$",
    re.IGNORECASE,
)
# first six / last four with the middle masked, as PCI DSS allows: 411111******1111
_MASKED_CARD = re.compile(r"^\d{0,6}[ -]?(?:[*xX#•][ -]?){4,}\d{0,4}$")


def is_placeholder(value: object) -> bool:
    """True for values scrubbing writes (and empty values, which hide nothing)."""
    if value is None:
        return True
    text = str(value)
    return text == "" or bool(_OUR_PLACEHOLDER.match(text))


def looks_placeholder(value: object) -> bool:
    """True for values that hide nothing: ours, masks, ``<redacted>``, ``${VAR}``, empty.

    For precision (the scanner, the masker); the scrubber replaces anything but its own.
    """
    if is_placeholder(value):
        return True
    text = str(value).strip().strip("'\"`")
    if text == "" or _OUR_PLACEHOLDER.match(text) or all(ch in _MASK_CHARS for ch in text):
        return True
    if text.lower() in {"null", "none", "nil", "~", "[]", "{}", "n/a", "false", "true"}:
        return True
    return bool(
        _WRAPPED.match(text)
        or _ENV_NAME.match(text)
        or _MASKED_CARD.match(text)
        or _DOCS_PLACEHOLDER.search(text)
        or (_PLACEHOLDER_WORDS.search(text) and len(text) <= 40 and " " not in text)
    )


# ---------------------------------------------------------------------------------- cards

# (brand, lowest prefix, highest prefix, lengths): the networks' published issuer ranges
# (the longest prefixes first, so RuPay's 508 is named before Maestro's 50). The national
# networks from Napas on follow the IIN table of https://en.wikipedia.org/wiki/Payment_card_number
# (Napas 9704: 16 or 19 digits; UzCard 8600: 16; Humo 9860: 16; China T-Union 31: 19; GPN
# 1946: 16, 18 or 19). That table leaves the check digit of Napas, UzCard and Humo unstated;
# as ISO/IEC 7812 numbers they are held to Luhn like every other brand. BelCard's 9112 is not
# in it: every length a card may have (16 to 19) is read as BelCard's, the prefix being rare.
_BRANDS: tuple[tuple[str, str, str, frozenset[int]], ...] = tuple(
    sorted(
        (
            (brand, low, high, frozenset(lengths))
            for brand, low, high, lengths in (
                ("visa", "4", "4", (13, 16, 19)),
                ("mastercard", "51", "55", (16,)),
                ("mastercard", "2221", "2720", (16,)),
                ("amex", "34", "34", (15,)),
                ("amex", "37", "37", (15,)),
                ("discover", "6011", "6011", (16, 17, 18, 19)),
                ("discover", "644", "649", (16, 17, 18, 19)),
                ("discover", "65", "65", (16, 17, 18, 19)),
                ("diners", "300", "305", (14, 15, 16, 17, 18, 19)),
                ("diners", "3095", "3095", (14, 15, 16, 17, 18, 19)),
                ("diners", "36", "36", (14, 15, 16, 17, 18, 19)),
                ("diners", "38", "39", (14, 15, 16, 17, 18, 19)),
                ("jcb", "3528", "3589", (16, 17, 18, 19)),
                ("unionpay", "62", "62", (16, 17, 18, 19)),
                ("unionpay", "81", "81", (16, 17, 18, 19)),
                ("maestro", "50", "50", (12, 13, 14, 15, 16, 17, 18, 19)),
                ("maestro", "56", "58", (12, 13, 14, 15, 16, 17, 18, 19)),
                ("maestro", "6", "6", (12, 13, 14, 15, 16, 17, 18, 19)),
                ("mir", "2200", "2204", (16, 17, 18, 19)),
                ("rupay", "60", "60", (16,)),
                ("rupay", "508", "508", (16,)),
                ("rupay", "353", "353", (16,)),
                ("rupay", "356", "356", (16,)),
                ("rupay", "82", "82", (16,)),
                ("uatp", "1", "1", (15,)),
                ("troy", "9792", "9792", (16,)),
                ("verve", "506099", "506198", (16, 18, 19)),
                ("verve", "650002", "650027", (16, 18, 19)),
                ("napas", "9704", "9704", (16, 19)),
                ("uzcard", "8600", "8600", (16,)),
                ("humo", "9860", "9860", (16,)),
                ("tunion", "31", "31", (19,)),
                ("belcard", "9112", "9112", (16, 17, 18, 19)),
                ("gpn", "1946", "1946", (16, 18, 19)),
            )
        ),
        key=lambda entry: -len(entry[1]),
    )
)


# the same ranges by their first digit: the search tries many stretches of digits per text
_BRANDS_BY_DIGIT = {
    digit: tuple(entry for entry in _BRANDS if entry[1][0] <= digit <= entry[2][0])
    for digit in "0123456789"
}


@lru_cache(maxsize=4096)
def _card_lengths(prefix: str) -> tuple[int, ...]:
    """The lengths a card starting with these six digits may have, shortest first."""
    entries = _BRANDS_BY_DIGIT.get(prefix[:1], ())
    return tuple(
        sorted(
            frozenset().union(
                *(lengths for _, low, high, lengths in entries if low <= prefix[: len(low)] <= high)
            )
        )
    )


def card_brand(digits: str) -> str | None:
    """The brand of a Luhn-valid card number of the right length for its range, else None."""
    if not (12 <= len(digits) <= 19 and digits.isdigit()):
        return None
    for brand, low, high, lengths in _BRANDS_BY_DIGIT.get(digits[0], ()):
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return brand if luhn_valid(digits) else None
    return None


# A card number under an identifier's name counts for the live refusal from this many digits:
# Aria's documentation gives account, invoice and order numbers no length, but they are far
# shorter in practice, and only Maestro issues 12-digit cards.
ID_CARD_DIGITS = 13

# What people and systems write between a card's digits: spaces (no-break, figure and narrow
# ones too), dashes of every width, dots, slashes, underscores, colons, commas, zero-width marks.
DIGIT_SEPARATOR_CHARS = (
    r" \t\-_./\\:,\u00a0\u2007\u202f\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff"
)
_CARD_FIELD_SEPARATORS = re.compile(rf"[\s{DIGIT_SEPARATOR_CHARS}]+")


def ascii_digits(text: str) -> str:
    """The digits of a text as ASCII digits, whatever their script (Arabic-Indic, fullwidth)."""
    if text.isascii() and text.isdigit():
        return text
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())


def card_digits(text: str) -> str | None:
    """The ASCII digits of a text written as one number (separators aside), else None."""
    stripped = _CARD_FIELD_SEPARATORS.sub("", text)
    return ascii_digits(stripped) if stripped.isdigit() else None


# ---------------------------------------------------------------------------------- IBANs

_IBAN_LENGTHS = {
    entry[:2]: int(entry[2:])
    for entry in (
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 "
        "DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 "
        "IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 "
        "MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 "
        "ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
    ).split()
}


# the example IBANs the standard and the banks publish (drift sends one as a stand-in): public
EXAMPLE_IBANS = frozenset(
    "DE89370400440532013000 GB29NWBK60161331926819 GB82WEST12345698765432 "
    "FR1420041010050500013M02606 NL91ABNA0417164300 CH9300762011623852957".split()
)


def iban_valid(candidate: str) -> bool:
    """An IBAN (any case, spaces or dashes) of its country's length with a valid mod-97."""
    text = re.sub(r"[\s-]", "", candidate).upper()
    if _IBAN_LENGTHS.get(text[:2]) != len(text) or not text[2:4].isdigit():
        return False
    if not text.isalnum() or not text.isascii():
        return False
    rotated = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in rotated)) % 97 == 1


# --------------------------------------------------------------------------------- shapes

_NOT_DIGITS = re.compile(r"\D+")
# one separator between two groups of a card's digits: a run of separator characters (of any
# length, taken whole so a long run costs no backtracking), an encoded space, a form's "+"
_SEP_UNIT = rf"[{DIGIT_SEPARATOR_CHARS}]++|&nbsp;|&#160;|&#xa0;|%20|%C2%A0|\+"
# groups of digits joined by at most three separators each: a card, maybe with more after it
# letters may come first: "MC5373...", "ref4731..." glue a brand or a label to the digits,
# and an id's digits become a card only when they are a brand's Luhn-valid range
_CARD_RUN = re.compile(rf"(?<!\d)\d+(?:(?:{_SEP_UNIT}){{1,3}}\d+)*", re.IGNORECASE)
_RUN_TOKEN = re.compile(rf"{_SEP_UNIT}|(\d+)", re.IGNORECASE)
_DECIMAL = re.compile(r"\d+\.\d+")
_TRACK1 = re.compile(r"%?B\d{12,19}\^[^^\n]{2,26}\^\d{4}\d*", re.IGNORECASE)
_TRACK2 = re.compile(r";?(?<!\d)\d{12,19}[=dD]\d{4}\d*\??")
_IBAN_RUN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])"
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-]{20,128}(?![A-Za-z0-9_\-+/])")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_EMAIL = re.compile(r"(?<![\w.+'%-])[\w.+'%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL_PASSWORD = re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)")
_SCHEME_CREDENTIAL = re.compile(r"\b(?:Basic|Bearer|Digest|Token)\s+([A-Za-z0-9._~+/=-]{8,})")


class Shape(NamedTuple):
    """A secret-shaped span in text."""

    start: int
    end: int
    kind: str


def _token_shaped(token: str) -> bool:
    """Mixed case and digits, no word structure: how auth keys and API tokens look."""
    core = token.replace("-", "").replace("_", "")
    if len(core) < 20 or _ENV_NAME.match(token) or core.isdigit():
        return False
    upper = sum(c.isupper() for c in core)
    lower = sum(c.islower() for c in core)
    digits = sum(c.isdigit() for c in core)
    return upper >= 2 and lower >= 2 and digits >= 2


_NAME_BEFORE = re.compile(
    r"(?:([A-Za-z_][\w\-\[\]]{0,60})[\"']?\s*[:=]\s*[\"']?|<([A-Za-z_][\w\-]*)[^<>]*>\s*)$"
)


def _name_before(text: str, start: int) -> str:
    """The field an assignment or XML element just before ``start`` names (``order_no=``)."""
    match = _NAME_BEFORE.search(text[max(0, start - 80) : start])
    return (match.group(1) or match.group(2)) if match else ""


def find_shapes(text: str, *, test_cards: bool = False, in_ids: bool = False) -> list[Shape]:
    """Secret-shaped spans of one text (raw, not decoded); published test cards unless asked.

    A card number written as an identifier's value (``order_no=...``) is not one for the
    scrubber and the scanner; ``in_ids`` (the live-card refusal) finds those of
    ``ID_CARD_DIGITS`` digits or more too: an account or invoice number is shorter.
    """
    found: list[Shape] = []
    if len(_NOT_DIGITS.sub("", text)) < 12:  # no card or track data without 12 digits
        return _other_shapes(text, found)
    for match in _TRACK1.finditer(text):
        found.append(Shape(match.start(), match.end(), "track data"))
    for match in _TRACK2.finditer(text):
        number = re.split(r"[=dD]", match.group().lstrip(";"))[0]
        if card_brand(ascii_digits(number)):
            found.append(Shape(match.start(), match.end(), "track data"))
    for match in _CARD_RUN.finditer(text):
        run = match.group()
        if _DECIMAL.fullmatch(run):
            # one point between two runs of digits: an amount, not a dotted card; but its
            # whole part may be a card written as a number ("4731500000000007.00")
            run = run.split(".", 1)[0]
        if len(_NOT_DIGITS.sub("", run)) < 12:
            continue
        under_id = holds_no_card(_name_before(text, match.start()))
        for start, end, digits in _cards_in_run(run):
            if under_id and not (in_ids and len(digits) >= ID_CARD_DIGITS):
                continue
            if test_cards or digits not in TEST_CARD_NUMBERS:
                found.append(Shape(match.start() + start, match.start() + end, "card number"))
    return _other_shapes(text, found)


def _other_shapes(text: str, found: list[Shape]) -> list[Shape]:
    """IBANs, tokens, credentials and e-mail addresses (shapes that need no digit run)."""
    for match in _IBAN_RUN.finditer(text):
        end = _iban_end(match.group())
        compact = re.sub(r"[\s-]", "", match.group()[:end]).upper()
        if end and compact not in EXAMPLE_IBANS:
            found.append(Shape(match.start(), match.start() + end, "IBAN"))
    for match in _JWT.finditer(text):
        found.append(Shape(match.start(), match.end(), "auth_key-shaped value"))
    for match in _TOKEN.finditer(text):
        if _token_shaped(match.group()) and not looks_placeholder(match.group()):
            found.append(Shape(match.start(), match.end(), "auth_key-shaped value"))
    schemes = ("Basic", "Bearer", "Digest", "Token")
    for match in _SCHEME_CREDENTIAL.finditer(text) if any(w in text for w in schemes) else ():
        if not looks_placeholder(match.group(1)):
            found.append(Shape(match.start(1), match.end(1), "credential"))
    if "@" not in text:
        return found
    for match in _URL_PASSWORD.finditer(text):
        found.append(Shape(match.start(), match.end(), "password in URL"))
    for match in _EMAIL.finditer(text):
        if not looks_placeholder(match.group()):
            found.append(Shape(match.start(), match.end(), "e-mail address"))
    return found


def _iban_end(run: str) -> int:
    """The length of the IBAN a run of letters and digits starts with (0 if none)."""
    length = _IBAN_LENGTHS.get(run[:2].upper())
    if length is None:
        return 0
    seen = 0
    for index, char in enumerate(run):
        seen += char.isalnum()
        if seen == length:
            return index + 1 if iban_valid(run[: index + 1]) else 0
    return 0


def _cards_in_run(run: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, digits)`` of each card in a run of digit groups, left to right.

    A card is a stretch of whole groups of a brand's length, range and check digit, so one
    followed by a CVV or an expiry (``4111 1111 1111 1111 12/28``) or after a quantity is
    found; from each group the longest such stretch is taken (the most hidden). A group is
    never cut: a compact number of 17 to 19 digits is one number, as it would be on a card.
    Each group starts at most eight stretches (lengths 12 to 19), so the cost is linear.
    A comma or a colon also lists numbers (``[40012345,40012346]``, ``12:30``): groups joined
    by one make a card only when none is longer than a card's printed groups (six digits).
    """
    groups: list[tuple[int, int, str]] = []
    listed = [0]  # listed[k]: how many of the first k groups follow a comma or a colon
    end = 0
    lists = "," in run or ":" in run
    for token in _RUN_TOKEN.finditer(run):  # separators first: "&#160;" and "%20" hold digits
        if token.group(1):
            between = run[end : token.start()] if lists and groups else ""
            comma = "," in between or ":" in between
            listed.append(listed[-1] + comma)
            groups.append((token.start(), token.end(), ascii_digits(token.group(1))))
            end = token.end()
    every = "".join(digits for _, _, digits in groups)
    # offsets[k]: where group k's digits start in ``every``; groups first to last - 1 are
    # every[offsets[first] : offsets[last]]; long[k]: how many of the first k exceed six digits
    offsets = list(accumulate((len(digits) for _, _, digits in groups), initial=0))
    long = list(accumulate((len(digits) > 6 for _, _, digits in groups), initial=0))
    group_at = {offset: index for index, offset in enumerate(offsets)}
    first = 0
    while first < len(groups):
        best: tuple[int, str] | None = None
        start = offsets[first]
        for length in _card_lengths(every[start : start + 6]):  # test cards' lengths too
            last = group_at.get(start + length)
            if last is None:
                continue  # it would cut a group
            if listed[last] > listed[first + 1] and long[last] > long[first]:
                continue  # a list of numbers, not a card's groups
            digits = every[start : start + length]
            if digits in TEST_CARD_NUMBERS:  # a sandbox's card, then its CVV or expiry
                best = (last, digits)
                break
            if card_brand(digits):
                best = (last, digits)
        if best is None:
            first += 1
            continue
        last, digits = best
        yield groups[first][0], groups[last - 1][1], digits
        first = last


# --------------------------------------------------------------------------------- masker

_FIELD_NAME = re.compile(
    r"(?<![\w\-\]])[A-Za-z_][\w\-]*(?:\[[^\[\]\s]*\])*[\"']?\]?\s*(?::|=|%3[Dd])\s*[\"']?"
)
_PIPE = re.compile(r"\||%7[Cc]")  # Aria6 pipe columns, raw or percent-encoded
_NAME_PART = re.compile(r"[\w\-\[\]]*")
_FIELD_VALUE = re.compile(
    r"\$?\{\{[^{}\n]*\}\}|\$\{[^{}\n]*\}|<[^<>\n]*>|\[[^\[\]\n]*\]|[^\"'&\s,;}\]\[<|`)]*"
)
# an unquoted value that reads as code (``auth_key=auth_key``, ``key: settings.api_key``)
_CODE_REFERENCE = re.compile(r"[A-Za-z_]+(?:[._][A-Za-z_]+)+|[A-Za-z_]+\(")
# a parameter's type, not its value: ``def call(auth_key: str, client_no: int)``
_TYPE_NAMES = frozenset(
    "str int float bool bytes none optional any object dict list string number integer "
    "boolean secretstr".split()
)
_RUN = re.compile(r"[^\s\"'<>]+")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}|&#?\w+;")
_BASE64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")


def _mask_shapes(text: str) -> str:
    shapes = find_shapes(text)
    if not shapes:
        return text
    out: list[str] = []
    cursor = 0
    for start, end, kind in sorted(shapes):
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(card_placeholder(text[start:end]) if kind == "card number" else PLACEHOLDER)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def find_fields(text: str) -> list[tuple[int, str, str]]:
    """``(offset of the value, name, value)`` of each sensitive ``name=value`` in text.

    Assignments of any notation: ``name=v``, ``name: v``, ``"name": "v"``, ``name%3Dv``,
    bracketed keys (``acct[0][cvv]=v``); values that look like placeholders are left out.
    """
    if "=" not in text and ":" not in text and "%3" not in text:
        return []
    found: list[tuple[int, str, str]] = []
    cursor = 0
    for match in _FIELD_NAME.finditer(text):
        if match.start() < cursor:
            continue
        name = _NAME_PART.match(match.group()).group()  # type: ignore[union-attr]
        if sensitive_name(name.rstrip("]")) is None:
            continue
        value = _FIELD_VALUE.match(text, match.end()).group()  # type: ignore[union-attr]
        quoted = match.group().rstrip()[-1:] in "\"'"
        following = text[match.end() + len(value) : match.end() + len(value) + 1]
        code = (
            not quoted
            and following not in ("'", "@", "+", "%")
            and (
                _CODE_REFERENCE.fullmatch(value)
                or value.lower() in _TYPE_NAMES
                or fold_name(value) == fold_name(name)
                or following in ("(", "[", ".")
            )
        )
        if value and not code and not all(looks_placeholder(p) for p in _PIPE.split(value)):
            found.append((match.end(), name, value))
            cursor = match.end() + len(value)
    return found


def _mask_fields(text: str) -> str:
    out: list[str] = []
    cursor = 0
    for offset, name, value in find_fields(text):
        out += [text[cursor:offset], name_placeholder(name, value)]
        cursor = offset + len(value)
    out.append(text[cursor:])
    return "".join(out)


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\(.)")
_JSON_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _json_unescaped(text: str) -> str:
    """JSON escapes read back (``\\u00e9``, ``\\"``), also inside a larger JSON text."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        return _JSON_SIMPLE.get(match.group(2), match.group(2))

    return _JSON_ESCAPE.sub(unescape, text)


def unescaped(text: str, *, depth: int = 3) -> list[str]:
    """The text, then its reading with percent, HTML and JSON escapes undone, again and again
    (an echo encoded twice or three times), each reading once."""
    readings = [text]
    current = text
    for _ in range(depth):
        step = unquote_plus(current) if "%" in current else current
        step = html.unescape(step) if "&" in step else step
        step = _json_unescaped(step) if "\\" in step else step
        if step == current:
            break
        readings.append(step)
        current = step
    return readings


def _decoded(token: str) -> str | None:
    """A token's readable form when it is percent-, HTML- or base64-encoded, else None."""
    if "%" not in token and "&" not in token:
        return _base64_decoded(token)
    text = unescaped(token)[-1]
    return text if text != token else None


def looks_base64(token: str) -> bool:
    """Encoded text mixes cases (and usually digits); a plain word or a run of one letter not."""
    return len(set(token)) > 4 and not (token.isalpha() and (token.islower() or token.isupper()))


def base64_bytes(token: str) -> bytes | None:
    """The bytes a base64 token encodes (standard or URL-safe, padded or not), else None."""
    padded = token.rstrip("=") + "=" * (-len(token.rstrip("=")) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where the zero bytes of mostly
    ASCII text fall (``a\\0\\0\\0`` little-endian UTF-32, ``\\0a`` big-endian UTF-16)."""
    quads = [sample[i : i + 4] for i in range(0, len(sample) - 3, 4)]
    if not quads:
        return None
    enough = len(quads) * 0.9
    if sum(quad[1:] == b"\x00\x00\x00" for quad in quads) >= enough:
        return "utf-32-le"
    if sum(quad[:3] == b"\x00\x00\x00" for quad in quads) >= enough:
        return "utf-32-be"
    half = len(sample) // 2 * 0.9
    if sample[1::2].count(0) >= half:
        return "utf-16-le"
    if sample[0::2].count(0) >= half:
        return "utf-16-be"
    return None


def unicode_text(raw: bytes) -> str | None:
    """Bytes in UTF-32 or UTF-16, with a byte-order mark or without, as text; None for
    anything else (binary bytes, or text with control characters in it)."""
    if raw.startswith(_UTF32_BOMS):
        encoding: str | None = "utf-32"
    elif raw.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    elif len(raw) < 4 or b"\x00" not in raw[:64]:
        return None
    else:
        encoding = _wide_encoding(raw[:512])
    try:
        text = raw.decode(encoding) if encoding else None
    except UnicodeDecodeError:
        return None
    if text is None:
        return None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return text if controls <= len(text[:4096]) // 50 else None


def _base64_decoded(token: str) -> str | None:
    if not (_BASE64_TOKEN.fullmatch(token) and looks_base64(token)):
        return None
    raw = base64_bytes(token)
    if raw is None:
        return None
    decoded = unicode_text(raw)
    if decoded is None:
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return decoded if decoded.lstrip("\ufeff").isprintable() else None


def shown_url(url: str) -> str:
    """A URL as output shows it: scheme, host, port and path; no userinfo, query or fragment
    (a sandbox URL may carry a password, ``?auth_key=`` or ``#token=``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(url))
        port = parts.port
    except ValueError:
        return mask_text(str(url).split("?", 1)[0].split("#", 1)[0])
    if not parts.scheme and not parts.netloc:
        return mask_text(parts.path)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "") + parts.path.rstrip("/")


def readings(text: str) -> list[str]:
    """Every reading of a text the masker looks through: as written, with percent, HTML and
    JSON escapes undone (repeatedly), NFKC-normalised (fullwidth digits), and each encoded or
    base64 token decoded. The live-card refusal looks at the same readings."""
    found: list[str] = []
    for reading in unescaped(str(text)):
        found.append(reading)
        if not reading.isascii():
            normal = unicodedata.normalize("NFKC", reading)
            if normal != reading:
                found.append(normal)
    for reading in list(found):
        for match in _BASE64_TOKEN.finditer(reading):
            decoded = _base64_decoded(match.group())
            if decoded is not None:
                found.extend(readings(decoded) if len(decoded) < len(reading) else [decoded])
    return found


def mask_text(text: str) -> str:
    """Text with every secret-shaped value and every sensitive ``name=value`` masked."""
    if not text:
        return text
    text = str(text)
    masked = _mask_fields(_mask_shapes(text))
    normal = masked if masked.isascii() else unicodedata.normalize("NFKC", masked)
    if normal != masked and _mask_shapes(normal) != normal:
        masked = _mask_fields(_mask_shapes(normal))

    def encoded(match: re.Match[str]) -> str:
        token = match.group()
        decoded = _decoded(token)
        if decoded is None:
            return token
        cleaned = mask_text(decoded) if len(decoded) < len(token) * 2 else decoded
        return PLACEHOLDER if cleaned != decoded else token

    if "%" in masked or "&" in masked:
        masked = _RUN.sub(lambda m: encoded(m) if _ENCODED.search(m.group()) else m.group(), masked)
    return _BASE64_TOKEN.sub(encoded, masked)

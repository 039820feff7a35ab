"""The one list of sensitive Aria fields and the placeholders that replace their values.

Sources: the sensitive inputs of the Aria documentation (credentials, card data, bank data,
contact PII). A field is matched by its exact name, case-insensitively, wherever it occurs:
top level, nested objects, arrays of objects, form columns and bracketed form keys.
"""

from __future__ import annotations

import re

__all__ = [
    "ARIA_AUTH_KEY_PLACEHOLDER",
    "ARIA_CLIENT_NO_PLACEHOLDER",
    "CARD_NUMBER_FIELDS",
    "CREDENTIAL_FIELDS",
    "PLACEHOLDER",
    "SENSITIVE_FIELDS",
    "SENSITIVE_HEADERS",
    "VOLATILE_FIELDS",
    "card_placeholder",
    "is_placeholder",
    "is_sensitive",
    "placeholder_for",
]

ARIA_AUTH_KEY_PLACEHOLDER = "ARIA_AUTH_KEY"
ARIA_CLIENT_NO_PLACEHOLDER = "ARIA_CLIENT_NO"
PLACEHOLDER = "ARIA_REDACTED"
_CARD_PREFIX = "ARIA_CARD_LAST4_"

CREDENTIAL_FIELDS: dict[str, str] = {
    "auth_key": ARIA_AUTH_KEY_PLACEHOLDER,
    "client_no": ARIA_CLIENT_NO_PLACEHOLDER,
}
CARD_NUMBER_FIELDS = frozenset({"cc_number"})

SENSITIVE_FIELDS: frozenset[str] = frozenset(
    {
        *CREDENTIAL_FIELDS,
        # card data: verification values and track data must never be stored; a card
        # number is kept as its last four digits at most
        "cc_number",
        "cvv",
        "existing_pay_method_cvv",
        "cc_expire_mm",
        "cc_expire_yyyy",
        "track_data1",
        "track_data2",
        # bank data
        "bank_acct_num",
        "bank_routing_num",
        "iban",
        "bank_swift_cd",
        "bank_id_cd",
        "bank_branch_cd",
        "mandate_id",
        # contact PII: names, addresses, email, phones
        "bill_first_name",
        "bill_middle_initial",
        "bill_last_name",
        "bill_company_name",
        "bill_address1",
        "bill_address2",
        "bill_address3",
        "bill_city",
        "bill_locality",
        "bill_state_prov",
        "bill_zip",
        "bill_country",
        "bill_email",
        "bill_phone",
        "bill_phone_extension",
        "bill_cell_phone",
        "bill_work_phone",
        "bill_work_phone_extension",
    }
)

# Fields that change on every call without changing its meaning; left out of matching.
VOLATILE_FIELDS: frozenset[str] = frozenset({"client_receipt_id", "application_date"})

# Header names (lower case) that carry credentials in HTTP generally; header names that
# spell a sensitive field (X-Auth-Key, auth_key) are caught by is_sensitive as well.
SENSITIVE_HEADERS: frozenset[str] = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)

_PLACEHOLDER_RE = re.compile(
    rf"^(?:{ARIA_AUTH_KEY_PLACEHOLDER}|{ARIA_CLIENT_NO_PLACEHOLDER}|{PLACEHOLDER}"
    rf"|{_CARD_PREFIX}\d{{0,4}})$"
)


def is_sensitive(name: str) -> bool:
    """True when a field (or header) name is one of the sensitive fields."""
    key = name.strip().lower().replace("-", "_")
    if key in SENSITIVE_FIELDS:
        return True
    return key.startswith("x_") and key[2:] in SENSITIVE_FIELDS


def card_placeholder(value: str) -> str:
    """A card number reduced to its last four digits (none if it is too short to hide)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return _CARD_PREFIX + (digits[-4:] if len(digits) >= 12 else "")


def placeholder_for(name: str, value: str) -> str:
    """The placeholder that replaces one sensitive value."""
    key = name.strip().lower().replace("-", "_")
    if key.startswith("x_") and key not in SENSITIVE_FIELDS:
        key = key[2:]
    if key in CREDENTIAL_FIELDS:
        return CREDENTIAL_FIELDS[key]
    if key in CARD_NUMBER_FIELDS:
        return value if is_placeholder(value) else card_placeholder(value)
    return PLACEHOLDER


def is_placeholder(value: object) -> bool:
    """True for values scrubbing writes (and empty values, which hide nothing)."""
    if value is None:
        return True
    text = str(value)
    return text == "" or bool(_PLACEHOLDER_RE.match(text))

"""The named list of sensitive Aria fields and the placeholders that replace their values.

Sources: the sensitive inputs of DESIGN.md and the Aria documentation (credentials, card data,
bank data, contact PII) and the names any careful user expects hidden. ``SENSITIVE_FIELDS``
lists them for people and tests; whether a name is sensitive is decided by
``harness.secrets`` (case-folded, separators stripped, contact prefixes, secret-like
words), wherever it occurs: top level, nested objects, arrays, form columns, bracketed keys.
"""

from __future__ import annotations

from harness.secrets import (
    ARIA_AUTH_KEY_PLACEHOLDER,
    ARIA_CLIENT_NO_PLACEHOLDER,
    PLACEHOLDER,
    card_placeholder,
    is_placeholder,
    name_placeholder,
    sensitive_name,
)

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

CREDENTIAL_FIELDS: dict[str, str] = {
    "auth_key": ARIA_AUTH_KEY_PLACEHOLDER,
    "client_no": ARIA_CLIENT_NO_PLACEHOLDER,
}
# the documented name; its other spellings (cc-number, card_number, pan) are in secrets.py
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
        # contact data Aria keeps outside bill_* (accounts, contacts, statements)
        "first_name",
        "middle_initial",
        "last_name",
        "company_name",
        "address1",
        "address2",
        "address3",
        "city",
        "locality",
        "state_prov",
        "zip",
        "postal_code",
        "country",
        "email",
        "phone",
        "cell_phone",
        "work_phone",
        "birthdate",
        # what a careful user expects hidden whatever the API calls it
        "password",
        "secret_key",
        "secret_question_answer",
        "api_key",
        "token",
        "session_id",
        "pin",
    }
)

# Fields that change on every call without changing its meaning; left out of matching.
VOLATILE_FIELDS: frozenset[str] = frozenset({"client_receipt_id", "application_date"})

# Header names (lower case) that carry credentials in HTTP generally; header names that
# spell a sensitive field (X-Auth-Key, auth_key) are caught by is_sensitive as well.
SENSITIVE_HEADERS: frozenset[str] = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)


def is_sensitive(name: str) -> bool:
    """True when a field, header or bracketed key names something secret."""
    return sensitive_name(str(name)) is not None


def placeholder_for(name: str, value: str) -> str:
    """The placeholder that replaces one sensitive value."""
    return name_placeholder(str(name), str(value))

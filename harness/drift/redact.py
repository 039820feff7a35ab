"""Keep secrets out of everything a drift run keeps: results, reports, messages.

Two layers: the credentials used for the run are replaced wherever they appear (a message
quoting a URL of a GET call would otherwise carry the auth_key), and sensitive fields are
replaced by key, as the recorder does for cassettes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from harness.drift.compare import Finding
from harness.drift.replay import AUTH_KEY_PLACEHOLDER, CLIENT_NO_PLACEHOLDER

__all__ = ["REDACTED", "SENSITIVE_KEYS", "Redactor"]

REDACTED = "[REDACTED]"

# The sensitive inputs of DESIGN.md: credentials, card and bank data, contact PII.
SENSITIVE_KEYS = frozenset(
    {
        "auth_key",
        "cc_number",
        "cvv",
        "existing_pay_method_cvv",
        "cc_expire_mm",
        "cc_expire_yyyy",
        "track_data1",
        "track_data2",
        "bank_acct_num",
        "bank_routing_num",
        "iban",
        "bank_swift_cd",
        "bank_id_cd",
        "bank_branch_cd",
        "mandate_id",
    }
)
_PII_PREFIX = "bill_"


class Redactor:
    """Replaces the run's credentials and sensitive fields in anything kept."""

    def __init__(self, *, secrets: Iterable[str | None] = ()) -> None:
        self._auth_keys = [s for s in secrets if s and not str(s).isdigit()]
        self._numbers = [s for s in secrets if s and str(s).isdigit()]

    def text(self, text: str) -> str:
        """A string with every credential value replaced by its placeholder."""
        for secret in self._auth_keys:
            text = text.replace(secret, AUTH_KEY_PLACEHOLDER)
        return text

    def scrub(self, value: Any, *, key: str | None = None) -> Any:
        """A scrubbed deep copy of a JSON value."""
        if key is not None:
            lowered = key.lower()
            if lowered == "auth_key":
                return AUTH_KEY_PLACEHOLDER
            if lowered == "client_no" and value is not None:
                return CLIENT_NO_PLACEHOLDER
            if (lowered in SENSITIVE_KEYS or lowered.startswith(_PII_PREFIX)) and value not in (
                None,
                "",
            ):
                return REDACTED
        if isinstance(value, Mapping):
            return {str(k): self.scrub(v, key=str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def finding(self, finding: Finding) -> Finding:
        """A finding with its texts scrubbed."""
        return dataclasses.replace(
            finding,
            expected=self.text(finding.expected),
            actual=self.text(finding.actual),
            message=self.text(finding.message),
        )

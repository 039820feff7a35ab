"""Keep secrets out of everything a drift run keeps: results, reports, messages.

Two layers, both from the recorder's scrubbers so cassettes and reports agree: sensitive
fields are replaced by their placeholders wherever they occur, and the credentials used for
the run are replaced wherever they are echoed (a message quoting the URL of a GET call would
otherwise carry the auth_key).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from harness.drift.compare import Finding
from harness.recording.scrub import scrub_json
from harness.recording.sensitive import PLACEHOLDER

__all__ = ["Redactor"]

_SHORTEST_SECRET = 4  # shorter values would blank out ordinary text


class Redactor:
    """Replaces the run's credentials and every sensitive field in anything kept."""

    def __init__(self, *, secrets: Iterable[str | None] = ()) -> None:
        self._secrets = tuple(
            sorted(
                {str(s) for s in secrets if s and len(str(s)) >= _SHORTEST_SECRET},
                key=len,
                reverse=True,
            )
        )

    def text(self, text: str) -> str:
        """A string with every credential value replaced."""
        for secret in self._secrets:
            text = text.replace(secret, PLACEHOLDER)
        return text

    def scrub(self, value: Any) -> Any:
        """A scrubbed deep copy of a JSON value (or of a raw body)."""
        if isinstance(value, str):
            return self.text(value)
        return scrub_json(value, secrets=self._secrets)

    def gap(self, row: dict[str, Any]) -> dict[str, Any]:
        """A description gap's report row with its text scrubbed."""
        return {**row, "message": self.text(str(row["message"]))}

    def finding(self, finding: Finding) -> Finding:
        """A finding with its texts scrubbed."""
        return dataclasses.replace(
            finding,
            expected=self.text(finding.expected),
            actual=self.text(finding.actual),
            message=self.text(finding.message),
        )

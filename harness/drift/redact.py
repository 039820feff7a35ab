"""Keep secrets out of everything a drift run keeps: results, reports, messages.

The runner masks each result once, through ``Redactor.interaction``, and the description's
rows through ``Redactor.gap``: the one place a shared masker would be plugged in.

Two layers, both from the recorder's scrubbers so cassettes and reports agree: sensitive
fields are replaced by their placeholders wherever they occur, and the credentials used for
the run are replaced wherever they are echoed (a message quoting the URL of a GET call would
otherwise carry the auth_key).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from harness.drift.compare import Difference

if TYPE_CHECKING:
    from harness.drift.runner import InteractionResult
from harness.recording.scrub import scrub_json, scrub_text
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
        """A string with every credential value (and every secret shape) replaced."""
        for secret in self._secrets:
            text = text.replace(secret, PLACEHOLDER)
        return scrub_text(text)

    def scrub(self, value: Any) -> Any:
        """A scrubbed deep copy of a JSON value (or of a raw body)."""
        if isinstance(value, str):
            return self.text(value)
        return scrub_json(value, secrets=self._secrets)

    def interaction(self, result: InteractionResult) -> InteractionResult:
        """A result with every text and body it keeps masked (the runner's one call)."""
        result.request = None if result.request is None else self.scrub(result.request)
        result.recorded = None if result.recorded is None else self.scrub(result.recorded)
        result.live = None if result.live is None else self.scrub(result.live)
        result.reason = None if result.reason is None else self.text(result.reason)
        result.findings = [self.finding(f) for f in result.findings]
        return result

    def gap(self, row: dict[str, Any]) -> dict[str, Any]:
        """A description gap's report row with its text scrubbed."""
        return {**row, "message": self.text(str(row["message"]))}

    def finding(self, finding: Difference) -> Difference:
        """A finding with its texts scrubbed."""
        return dataclasses.replace(
            finding,
            pointer=self.text(finding.pointer),  # a key may be a secret (an e-mail address)
            expected=self.text(finding.expected),
            actual=self.text(finding.actual),
            message=self.text(finding.message),
        )

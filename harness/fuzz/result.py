"""What a fuzz run found: counts per method, failures with their reproduction, skips."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness.exitcodes import ExitCode

__all__ = ["ExitCode", "FailureRecord", "FuzzResult", "MethodStats", "RUN_CHECK"]

# The run-level check: a method none of whose calls succeeded was not really exercised.
RUN_CHECK = "aria_method_success"


@dataclass
class MethodStats:
    """Cases sent to one method, how many succeeded, and failures per check."""

    cases: int = 0
    successes: int = 0
    failures: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class FailureRecord:
    """One failure, with what is needed to reproduce it (secrets already masked)."""

    method: str
    check: str
    message: str
    seed: int | None
    request: dict[str, Any]
    response: str


@dataclass
class FuzzResult:
    """The outcome of ``run_fuzz``."""

    exit_code: int
    target: str
    seed: int | None
    methods: dict[str, MethodStats] = field(default_factory=dict)
    failures: list[FailureRecord] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests_sent: int = 0
    # Calls made in the stateful phase, and how many of them took values through a link.
    stateful_steps: int = 0
    linked_steps: int = 0
    duration: float = 0.0

    @property
    def cases(self) -> int:
        """Cases sent over the whole run."""
        return sum(stats.cases for stats in self.methods.values())

    @property
    def failed_checks(self) -> set[str]:
        """Names of every check that failed at least once."""
        return {record.check for record in self.failures}

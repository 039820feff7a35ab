"""Bounded retries with exponential backoff and jitter, under one overall deadline.

Sleeping and the clock are injected, so tests run the policy without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Deadline", "RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one interaction is re-sent after a transient failure."""

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ValueError("backoff times cannot be negative")

    def delay(self, retry: int, *, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry).

        "Equal jitter": half the exponential step is fixed, half random, so retries of many
        interactions spread out but never collapse to zero. A server's Retry-After is honoured
        up to ``max_backoff``.
        """
        step = min(self.max_backoff, self.backoff * (2 ** (retry - 1)))
        wait = step / 2 + self.jitter() * step / 2
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_backoff))
        return wait


class Deadline:
    """The overall time budget of a run; ``None`` seconds means no deadline."""

    def __init__(
        self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._end = None if seconds is None else clock() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a deadline."""
        if self._end is None:
            return None
        return max(0.0, self._end - self._clock())

    @property
    def expired(self) -> bool:
        """True once the budget is spent."""
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def cap(self, seconds: float) -> float:
        """``seconds``, shortened to what is left of the budget."""
        remaining = self.remaining()
        return seconds if remaining is None else min(seconds, remaining)

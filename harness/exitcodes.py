"""How every aria-harness command exits, written once for fuzz, drift, diff and the CLI."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """0 nothing found, 1 something found, 2 a usage error, 3 the target could not be reached."""

    CLEAN = 0
    FOUND = 1
    # what "found" means to each command
    FAILURES = 1  # fuzz: a check failed
    DRIFT = 1  # drift: an answer changed
    BREAKING = 1  # diff: a breaking change for the selected methods
    USAGE = 2
    UNAVAILABLE = 3

"""Fuzzing Aria with schemathesis: Aria-aware checks, a sandbox guard, a runner and reports.

``aria_schema`` gives a schemathesis schema of the Aria methods with only the Aria checks
enabled (usable with ``@schema.parametrize()``); ``run_fuzz`` runs a whole campaign and
returns a ``FuzzResult`` with an exit code.

schemathesis and hypothesis come with the ``fuzz`` extra, so that a consumer who does not fuzz
never loads their pytest plugins; importing this package without them says which extra to add.
"""

from __future__ import annotations

from harness.fuzz._extra import FUZZ_EXTRA_MISSING
from harness.fuzz.checks import ARIA_CHECKS
from harness.fuzz.result import RUN_CHECK, ExitCode, FailureRecord, FuzzResult, MethodStats
from harness.fuzz.runner import FuzzConfig, Progress, run_fuzz
from harness.fuzz.schema import aria_schema

__all__ = [
    "ARIA_CHECKS",
    "RUN_CHECK",
    "ExitCode",
    "FUZZ_EXTRA_MISSING",
    "FailureRecord",
    "FuzzConfig",
    "FuzzResult",
    "MethodStats",
    "Progress",
    "aria_schema",
    "run_fuzz",
]

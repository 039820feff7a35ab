"""Nightly drift checks: replay recorded interactions against a target and report changes.

``run_drift(DriftConfig(...))`` replays a folder of vcrpy cassettes statefully (each
cassette in recorded order, recorded ids mapped to the ids the target hands out tonight,
scrubbed fields filled with declared stand-ins), compares each live answer with the recorded
one (shape, behaviour, contract) after the declared normalisation rules, and gives each a
verdict: PASS, DRIFT, UNAVAILABLE or SKIPPED.
"""

from __future__ import annotations

from harness.drift.cassettes import RecordedInteraction, load_cassette, load_cassettes
from harness.drift.compare import Difference, compare_responses
from harness.drift.replay import Target
from harness.drift.retry import Deadline, RetryPolicy
from harness.drift.rules import DEFAULT_RULES, FieldRule, Rules, TextRule
from harness.drift.runner import (
    DriftConfig,
    DriftResult,
    DriftUsageError,
    InteractionResult,
    Verdict,
    run_drift,
)
from harness.drift.standins import DEFAULT_STAND_INS, StandIns

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_STAND_INS",
    "Deadline",
    "DriftConfig",
    "DriftResult",
    "DriftUsageError",
    "FieldRule",
    "Difference",
    "RecordedInteraction",
    "InteractionResult",
    "RetryPolicy",
    "Rules",
    "StandIns",
    "Target",
    "TextRule",
    "Verdict",
    "compare_responses",
    "load_cassette",
    "load_cassettes",
    "run_drift",
]

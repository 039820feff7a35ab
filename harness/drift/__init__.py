"""Nightly drift checks: replay recorded interactions against a target and report changes.

``run_drift(DriftConfig(...))`` replays every interaction of a folder of vcrpy cassettes,
compares each live answer with the recorded one (shape, behaviour, contract) after the
declared normalisation rules, and gives each a verdict: PASS, DRIFT, UNAVAILABLE or SKIPPED.
"""

from __future__ import annotations

from harness.drift.cassettes import Interaction, load_cassette, load_cassettes
from harness.drift.compare import Finding, compare_responses
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

__all__ = [
    "DEFAULT_RULES",
    "Deadline",
    "DriftConfig",
    "DriftResult",
    "DriftUsageError",
    "FieldRule",
    "Finding",
    "Interaction",
    "InteractionResult",
    "RetryPolicy",
    "Rules",
    "Target",
    "TextRule",
    "Verdict",
    "compare_responses",
    "load_cassette",
    "load_cassettes",
    "run_drift",
]

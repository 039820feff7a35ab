"""The JSON report: the whole result, for machines and for later comparison of runs."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from harness.drift.runner import DriftResult, InteractionResult

__all__ = ["render_json", "result_to_dict"]

SCHEMA_VERSION = 1


def result_to_dict(result: DriftResult) -> dict[str, Any]:
    """A JSON-serialisable view of a drift result."""
    return {
        "version": SCHEMA_VERSION,
        "target": result.target,
        "target_kind": result.target_kind,
        "cassettes": result.cassettes,
        "started": result.started,
        "duration_seconds": result.duration,
        "exit_code": result.exit_code,
        "counts": result.counts(),
        "methods": result.by_method(),
        "interactions": [_interaction(r) for r in result.interactions],
        "description": {
            "gaps": result.description_gaps,
            "proposal": result.description_proposal,
        },
    }


def _interaction(result: InteractionResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "cassette": result.cassette,
        "index": result.index,
        "method": result.method,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "attempts": result.attempts,
        "http_status": result.status,
        "dry_run_forced": result.dry_run_forced,
        "same_as": result.same_as,
        "depends_on": result.depends_on,
        "findings": [dataclasses.asdict(f) for f in result.findings],
        "request": result.request,
        "recorded": result.recorded,
        "live": result.live,
    }


def render_json(result: DriftResult) -> str:
    """The JSON report as text."""
    return json.dumps(result_to_dict(result), indent=2, sort_keys=False, default=str) + "\n"

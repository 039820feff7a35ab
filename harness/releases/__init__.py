"""Diff two Aria API releases per method, classify each change, report it.

    run_diff(DiffConfig(old, new, methods)) -> DiffResult (changes, exit code)
    render(result, "markdown")

Each side is read by ``harness.swagger`` (Aria's Swagger 2.0, OpenAPI 3.x or the bundled
description), so Aria's quirks are normalised before anything is compared.
"""

from harness.releases.changes import Change, ChangeKind, is_breaking
from harness.releases.compare import diff_methods, diff_models
from harness.releases.run import DiffConfig, DiffResult, ExitCode, changed_methods, run_diff

__all__ = [
    "Change",
    "ChangeKind",
    "DiffConfig",
    "DiffResult",
    "ExitCode",
    "changed_methods",
    "diff_methods",
    "diff_models",
    "is_breaking",
    "run_diff",
]

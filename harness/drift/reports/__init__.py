"""Drift reports: JSON (machines), JUnit (CI test tabs), Markdown (job summaries), HTML (people)."""

from __future__ import annotations

import os
from pathlib import Path

from harness.drift.reports.html_report import render_html
from harness.drift.reports.json_report import render_json, result_to_dict
from harness.drift.reports.junit import render_junit
from harness.drift.reports.markdown import render_markdown
from harness.drift.runner import DriftResult
from harness.recording.persist import write_atomic

__all__ = [
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "result_to_dict",
    "write_reports",
]

_RENDERERS = {
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "html": render_html,
}


def write_reports(
    result: DriftResult,
    *,
    json: str | os.PathLike[str] | None = None,
    junit: str | os.PathLike[str] | None = None,
    markdown: str | os.PathLike[str] | None = None,
    html: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write each requested report (atomically: a reader never sees half a file)."""
    written: list[Path] = []
    for kind, target in (("json", json), ("junit", junit), ("markdown", markdown), ("html", html)):
        if target is None:
            continue
        path = Path(target)
        write_atomic(path, _RENDERERS[kind](result))
        written.append(path)
    return written

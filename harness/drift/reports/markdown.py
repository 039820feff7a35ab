"""The Markdown report: short enough for a CI job summary or a pull-request comment."""

from __future__ import annotations

from harness.drift.runner import DriftResult, Verdict

__all__ = ["render_markdown"]

_HEADLINE = {
    0: "No drift: every replayed interaction matches its recording",
    1: "Drift: the API answers differently from its recordings",
    3: "Target unavailable: no drift found, but some interactions could not be checked",
}
_MAX_ROWS = 200  # a job summary is limited in size; the JSON and HTML reports have it all


def _cell(text: object) -> str:
    # pipes and newlines would break the table; backticks would open code spans
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def render_markdown(result: DriftResult) -> str:
    """The Markdown report as text."""
    counts = result.counts()
    lines = [
        f"## Aria drift check: {_HEADLINE.get(result.exit_code, 'finished')}",
        "",
        f"Target: {_cell(result.target)} · cassettes: {_cell(result.cassettes)} · "
        f"started {result.started} · {result.duration:.1f} s · exit code {result.exit_code}",
        "",
        " · ".join(f"**{verdict}** {count}" for verdict, count in counts.items()),
        "",
        "| Method | PASS | DRIFT | UNAVAILABLE | SKIPPED |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for method, row in result.by_method().items():
        lines.append(
            f"| {_cell(method)} | {row['PASS']} | {row['DRIFT']} | {row['UNAVAILABLE']} "
            f"| {row['SKIPPED']} |"
        )
    drifts = [(r, f) for r in result.interactions if r.verdict is Verdict.DRIFT for f in r.findings]
    if drifts:
        lines += [
            "",
            "### Drift",
            "",
            "| Method | Kind | Pointer | Recorded | Live | Interaction |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for item, finding in drifts[:_MAX_ROWS]:
            lines.append(
                f"| {_cell(item.method)} | {finding.kind} | {_cell(finding.pointer or '/')} "
                f"| {_cell(finding.expected)} | {_cell(finding.actual)} | {_cell(item.id)} |"
            )
        if len(drifts) > _MAX_ROWS:
            lines.append(f"\n…and {len(drifts) - _MAX_ROWS} more in the JSON and HTML reports.")
    others = [r for r in result.interactions if r.verdict in (Verdict.UNAVAILABLE, Verdict.SKIPPED)]
    if others:
        lines += ["", "### Not checked", "", "| Interaction | Method | Verdict | Why |"]
        lines.append("| --- | --- | --- | --- |")
        for item in others[:_MAX_ROWS]:
            lines.append(
                f"| {_cell(item.id)} | {_cell(item.method)} | {item.verdict.value} "
                f"| {_cell(item.reason or '')} |"
            )
        if len(others) > _MAX_ROWS:
            lines.append(f"\n…and {len(others) - _MAX_ROWS} more in the JSON and HTML reports.")
    return "\n".join(lines) + "\n"

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
        f"Target: {_cell(result.target)} ({result.target_kind}) · "
        f"cassettes: {_cell(result.cassettes)} · started {result.started} · "
        f"{result.duration:.1f} s · exit code {result.exit_code}",
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
    # each distinct drift once, with the first interaction that showed it and how many more
    drifts = [(first, others, f) for first, others in result.drift_groups() for f in first.findings]
    if drifts:
        lines += [
            "",
            "### Drift",
            "",
            "| Method | Kind | Pointer | Recorded | Live | Interaction |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for item, others, finding in drifts[:_MAX_ROWS]:
            where = item.id + (f" (+{len(others)} more)" if others else "")
            lines.append(
                f"| {_cell(item.method)} | {finding.kind} | {_cell(finding.pointer or '/')} "
                f"| {_cell(finding.expected)} | {_cell(finding.actual)} | {_cell(where)} |"
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
    if result.description_gaps:
        lines += ["", "### Not in the description", "", "| Methods | Pointer | What | Answers |"]
        lines.append("| --- | --- | --- | ---: |")
        for gap in result.description_gaps[:_MAX_ROWS]:
            lines.append(
                f"| {_cell(', '.join(gap['methods']))} | {_cell(gap['pointer'])} "
                f"| {_cell(gap['message'])} | {gap['count']} |"
            )
        lines += ["", "Proposed change to `openapi/aria.yaml`:", "", "```yaml"]
        lines += [result.description_proposal.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"

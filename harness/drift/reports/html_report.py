"""The HTML report: one self-contained page (inline style, no script, no external asset).

A per-method overview, then each distinct drift once (with how many interactions showed it)
with its findings and a side-by-side diff of the recorded and the live answer, both
normalised so only real differences show, unchanged stretches folded. The diff is a CSS grid
with narrow line-number columns and no wrapping inside a token, readable at 1300 px. Every
piece of text from a cassette or a target is escaped.
"""

from __future__ import annotations

import difflib
import json
from html import escape
from typing import Any

from harness.drift.runner import DriftResult, InteractionResult, Verdict

__all__ = ["render_html"]

CONTEXT = 3  # unchanged lines shown around each change; longer unchanged runs are folded
_OTHERS_SHOWN = 20  # ids listed for a drift seen many times

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #d0d0d7;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f6}td.n{text-align:right}
.PASS{color:#116329}.DRIFT{color:#b3261e;font-weight:600}.UNAVAILABLE{color:#9a6700}
.SKIPPED{color:#57606a}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;font-weight:600}
.b-0{background:#dafbe1}.b-1{background:#ffebe9}.b-3{background:#fff8c5}
section.drift{border:1px solid #d0d0d7;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
.diff{display:grid;grid-template-columns:3.5em minmax(0,1fr) 3.5em minmax(0,1fr);
font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;border:1px solid #d0d0d7}
.diff>div{white-space:pre-wrap;overflow-wrap:normal;word-break:normal;padding:0 .4rem;
min-width:0;overflow-x:auto}
.diff>.h{font:600 13px system-ui,sans-serif;background:#f3f3f6;padding:.2rem .4rem}
.diff>.ln{color:#8c959f;text-align:right;padding:0 .3rem;overflow:hidden}
.diff>.l.del,.diff>.l.chg{background:#ffebe9}.diff>.r.add,.diff>.r.chg{background:#dafbe1}
.diff>details{grid-column:1/-1;background:#f6f8fa;color:#57606a}
.diff>details>summary{cursor:pointer;padding:0 .4rem;font:12px system-ui,sans-serif}
.diff>details>.diff{border:none;border-top:1px dashed #d0d0d7}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f3f3f6;padding:0 .2rem}
pre.proposal{background:#f6f8fa;border:1px solid #d0d0d7;padding:.5rem;overflow-x:auto}
"""


def render_html(result: DriftResult) -> str:
    """The HTML report as text."""
    code = result.exit_code
    headline = {
        0: "No drift",
        1: "Drift found",
        3: "Target unavailable",
    }.get(code, "Finished")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Aria drift report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Aria drift report</h1>",
        f'<p><span class="badge b-{code}">{escape(headline)} (exit {code})</span></p>',
        f"<p>Target: <code>{escape(result.target)}</code> ({escape(result.target_kind)}) · "
        f"cassettes: <code>{escape(result.cassettes)}</code> · started "
        f"{escape(result.started)} · {result.duration:.1f} s</p>",
        _overview(result),
    ]
    groups = result.drift_groups()
    if groups:
        parts.append("<h2>Drift</h2>")
        parts.extend(_drift_section(first, others, result) for first, others in groups)
    others = [r for r in result.interactions if r.verdict in (Verdict.UNAVAILABLE, Verdict.SKIPPED)]
    if others:
        parts.append("<h2>Not checked</h2><table><tr><th>Interaction</th><th>Method</th>")
        parts.append("<th>Verdict</th><th>Why</th></tr>")
        for item in others:
            parts.append(
                f"<tr><td><code>{escape(item.id)}</code></td><td>{escape(item.method)}</td>"
                f'<td class="{item.verdict.value}">{item.verdict.value}</td>'
                f"<td>{escape(item.reason or '')}</td></tr>"
            )
        parts.append("</table>")
    if result.description_gaps:
        parts.append(_description(result))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _overview(result: DriftResult) -> str:
    rows = [
        "<h2>Per method</h2><table><tr><th>Method</th>"
        + "".join(f"<th>{v.value}</th>" for v in Verdict)
        + "</tr>"
    ]
    for method, row in result.by_method().items():
        worst = next((v for v in ("DRIFT", "UNAVAILABLE", "PASS", "SKIPPED") if row[v]), "SKIPPED")
        cells = "".join(f'<td class="n">{row[v.value]}</td>' for v in Verdict)
        rows.append(f'<tr><td class="{worst}">{escape(method)}</td>{cells}</tr>')
    totals = "".join(f'<td class="n">{n}</td>' for n in result.counts().values())
    rows.append(f"<tr><th>All</th>{totals}</tr></table>")
    return "".join(rows)


def _drift_section(
    item: InteractionResult, others: list[InteractionResult], result: DriftResult
) -> str:
    findings = "".join(
        f"<tr><td>{escape(f.kind)}</td><td><code>{escape(f.pointer or '/')}</code></td>"
        f"<td>{escape(f.expected)}</td><td>{escape(f.actual)}</td>"
        f"<td>{escape(f.message)}</td></tr>"
        for f in item.findings
    )
    recorded = _pretty(result.rules.normalise(item.recorded))
    live = _pretty(result.rules.normalise(item.live))
    note = (
        "<p>Replayed as a dry run (the invoice guard set the method's dry-run field).</p>"
        if item.dry_run_forced
        else ""
    )
    seen = ""
    if others:
        listed = ", ".join(f"<code>{escape(o.id)}</code>" for o in others[:_OTHERS_SHOWN])
        more = f" and {len(others) - _OTHERS_SHOWN} more" if len(others) > _OTHERS_SHOWN else ""
        seen = (
            f"<p>Seen in {len(others) + 1} interactions: this one and {listed}{more} "
            "(the same findings; the diff is this one's).</p>"
        )
    count = f" · ×{len(others) + 1}" if others else ""
    return (
        f'<section class="drift" id="{escape(item.id, quote=True)}">'
        f'<h3><span class="DRIFT">{escape(item.method)}</span> · '
        f"<code>{escape(item.id)}</code>{count}</h3>{note}{seen}"
        "<table><tr><th>Kind</th><th>Pointer</th><th>Recorded</th><th>Live</th>"
        f"<th>What changed</th></tr>{findings}</table>"
        f"{side_by_side(recorded, live)}</section>"
    )


def _description(result: DriftResult) -> str:
    rows = "".join(
        f"<tr><td>{escape(', '.join(g['methods']))}</td><td><code>{escape(g['pointer'])}</code>"
        f'</td><td>{escape(g["message"])}</td><td class="n">{g["count"]}</td></tr>'
        for g in result.description_gaps
    )
    return (
        "<h2>Not in the description</h2><p>Tonight's answers carry fields "
        "<code>openapi/aria.yaml</code> lacks, or types it gets wrong. Not drift: the "
        "description has to catch up.</p><table><tr><th>Methods</th><th>Pointer</th>"
        f"<th>What</th><th>Answers</th></tr>{rows}</table>"
        "<p>Proposed change to <code>openapi/aria.yaml</code>:</p>"
        f'<pre class="proposal">{escape(result.description_proposal)}</pre>'
    )


def _pretty(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines() or [""]
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()


def side_by_side(left: list[str], right: list[str], *, context: int = CONTEXT) -> str:
    """A two-pane diff grid; unchanged runs longer than twice ``context`` are folded."""
    head = (
        '<div class="h"></div><div class="h">Recorded (normalised)</div>'
        '<div class="h"></div><div class="h">Live (normalised)</div>'
    )
    cells = [f'<div class="diff">{head}']
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and i2 - i1 > 2 * context + 1:
            cut_start = i1 + context if i1 > 0 else i1
            cut_end = i2 - context if i2 < len(left) else i2
            cells.extend(_row("", left, right, i, j1 + i - i1) for i in range(i1, cut_start))
            folded = "".join(
                _row("", left, right, i, j1 + i - i1) for i in range(cut_start, cut_end)
            )
            cells.append(
                f"<details><summary>{cut_end - cut_start} unchanged lines</summary>"
                f'<div class="diff">{folded}</div></details>'
            )
            cells.extend(_row("", left, right, i, j1 + i - i1) for i in range(cut_end, i2))
            continue
        css = {"equal": "", "replace": "chg", "delete": "del", "insert": "add"}[tag]
        for k in range(max(i2 - i1, j2 - j1)):
            i = i1 + k if i1 + k < i2 else None
            j = j1 + k if j1 + k < j2 else None
            kind = css
            if tag == "replace" and (i is None or j is None):
                kind = "del" if j is None else "add"
            cells.append(_row(kind, left, right, i, j))
    cells.append("</div>")
    return "".join(cells)


def _row(css: str, left: list[str], right: list[str], i: int | None, j: int | None) -> str:
    a = "" if i is None else escape(left[i])
    b = "" if j is None else escape(right[j])
    return (
        f'<div class="ln">{"" if i is None else i + 1}</div><div class="l {css}">{a}</div>'
        f'<div class="ln">{"" if j is None else j + 1}</div><div class="r {css}">{b}</div>'
    )

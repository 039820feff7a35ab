"""The HTML report: one self-contained page (inline style, no script, no external asset).

A per-method overview, then every drifted interaction with its findings and a side-by-side
diff of the recorded and the live answer (both normalised, so only real differences show).
Every piece of text from a cassette or a target is escaped.
"""

from __future__ import annotations

import difflib
import json
from html import escape
from typing import Any

from harness.drift.runner import DriftResult, InteractionResult, Verdict

__all__ = ["render_html"]

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #d0d0d7;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f6}td.n{text-align:right}
.PASS{color:#116329}.DRIFT{color:#b3261e;font-weight:600}.UNAVAILABLE{color:#9a6700}
.SKIPPED{color:#57606a}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;font-weight:600}
.b-0{background:#dafbe1}.b-1{background:#ffebe9}.b-3{background:#fff8c5}
section.drift{border:1px solid #d0d0d7;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
table.diff{width:100%;table-layout:fixed;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace}
table.diff td{white-space:pre-wrap;word-break:break-all;border:none;padding:0 .4rem}
table.diff th{width:50%}td.ln{width:2.5rem;color:#8c959f;text-align:right}
tr.chg td.l,tr.del td.l{background:#ffebe9}tr.chg td.r,tr.add td.r{background:#dafbe1}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f3f3f6;padding:0 .2rem}
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
        f"<p>Target: <code>{escape(result.target)}</code> · cassettes: "
        f"<code>{escape(result.cassettes)}</code> · started {escape(result.started)} · "
        f"{result.duration:.1f} s</p>",
        _overview(result),
    ]
    drifted = [r for r in result.interactions if r.verdict is Verdict.DRIFT]
    if drifted:
        parts.append("<h2>Drift</h2>")
        parts.extend(_drift_section(item, result) for item in drifted)
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


def _drift_section(item: InteractionResult, result: DriftResult) -> str:
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
    return (
        f'<section class="drift" id="{escape(item.id, quote=True)}">'
        f'<h3><span class="DRIFT">{escape(item.method)}</span> · '
        f"<code>{escape(item.id)}</code></h3>{note}"
        "<table><tr><th>Kind</th><th>Pointer</th><th>Recorded</th><th>Live</th>"
        f"<th>What changed</th></tr>{findings}</table>"
        f"{_side_by_side(recorded, live)}</section>"
    )


def _pretty(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines() or [""]
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()


def _side_by_side(left: list[str], right: list[str]) -> str:
    rows = [
        '<table class="diff"><tr><th colspan="2">Recorded (normalised)</th>'
        '<th colspan="2">Live (normalised)</th></tr>'
    ]
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            i, j = i1 + k, j1 + k
            a = left[i] if i < i2 else None
            b = right[j] if j < j2 else None
            css = {"equal": "", "replace": "chg", "delete": "del", "insert": "add"}[tag]
            if tag == "replace" and (a is None or b is None):
                css = "del" if b is None else "add"
            rows.append(
                f'<tr class="{css}">'
                f'<td class="ln">{"" if a is None else i + 1}</td>'
                f'<td class="l">{"" if a is None else escape(a)}</td>'
                f'<td class="ln">{"" if b is None else j + 1}</td>'
                f'<td class="r">{"" if b is None else escape(b)}</td></tr>'
            )
    rows.append("</table>")
    return "".join(rows)

"""Reports of a fuzz run: the summary table, failures with reproductions, JUnit and Markdown.

Every request shown is masked first (sensitive fields replaced by the recorder's placeholders)
and every line written passes through the one masker, ``mask_text``: an echoed card, key or
e-mail in an error message or an HTML error page never reaches a terminal or a report file.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from typing import Any, TextIO
from xml.etree import ElementTree as ET

from harness.fuzz.checks import ARIA_CHECKS
from harness.fuzz.result import RUN_CHECK, FailureRecord, FuzzResult
from harness.secrets import PLACEHOLDER, mask_text

__all__ = ["MASK", "mask", "render_summary", "write_junit", "write_markdown"]

MASK = PLACEHOLDER

_ALL_CHECKS = (*ARIA_CHECKS, RUN_CHECK)


def mask(value: Any, *, secrets: tuple[str, ...] = ()) -> Any:
    """A deep copy of a body with every sensitive field replaced and every string masked
    (echoes of ``secrets``, values the call sent, included)."""
    from harness.recording.scrub import scrub_json

    if isinstance(value, tuple):
        value = list(value)
    return scrub_json(value, secrets=secrets) if isinstance(value, Mapping | list) else value


def render_summary(result: FuzzResult, out: TextIO) -> None:
    """Print the per-method table, the skips, and every failure with its reproduction."""
    buffer = io.StringIO()
    _render_summary(result, buffer)
    out.write(mask_text(buffer.getvalue()))


def _render_summary(result: FuzzResult, out: TextIO) -> None:
    checks = [
        name for name in _ALL_CHECKS if any(s.failures[name] for s in result.methods.values())
    ]
    header = ["method", "cases", "successes", "failures", *checks]
    rows = [
        [name, str(s.cases), str(s.successes), str(sum(s.failures.values()))]
        + [str(s.failures[c]) for c in checks]
        for name, s in result.methods.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")
    if result.stateful_steps:
        out.write(
            f"stateful: {result.stateful_steps} steps, {result.linked_steps} of them "
            "taking values from the previous call through a link\n"
        )
    for name, reason in result.skipped.items():
        out.write(f"skipped {name}: {reason}\n")
    for note in result.notes:
        out.write(f"note: {note}\n")
    for error in result.errors:
        out.write(f"error: {error}\n")
    for index, record in enumerate(result.failures, 1):
        out.write(f"\n{index}. {record.method}: {record.check} failed\n")
        out.write(_indent(record.message) + "\n")
        out.write(f"   reproduce with --seed {record.seed} --method {record.method}\n")
        out.write(_indent("request: " + json.dumps(record.request, sort_keys=True)) + "\n")
        if record.response:
            out.write(_indent("response: " + record.response) + "\n")
    verdict = "clean" if result.exit_code == 0 else f"exit {result.exit_code}"
    out.write(
        f"\n{result.cases} cases, {len(result.failures)} failure(s), {result.requests_sent} "
        f"requests in {result.duration:.1f}s against {result.target} (seed {result.seed}): "
        f"{verdict}\n"
    )


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())


def write_junit(result: FuzzResult, path: str | os.PathLike[str]) -> None:
    """A JUnit XML report: one testsuite, one testcase per method, a failure per finding."""
    suite = ET.Element(
        "testsuite",
        name="aria-harness fuzz",
        tests=str(len(result.methods)),
        failures=str(sum(1 for s in result.methods.values() if s.failures)),
        errors=str(len(result.errors)),
        skipped=str(len(result.skipped)),
        time=f"{result.duration:.3f}",
    )
    by_method: dict[str, list[FailureRecord]] = {}
    for record in result.failures:
        by_method.setdefault(record.method, []).append(record)
    for name, stats in result.methods.items():
        case = ET.SubElement(suite, "testcase", classname="aria", name=name)
        for record in by_method.get(name, []):
            failure = ET.SubElement(
                case, "failure", type=record.check, message=mask_text(record.message)
            )
            failure.text = _reproduction(record)
        ET.SubElement(case, "system-out").text = f"{stats.cases} cases, {stats.successes} successes"
    for name, reason in result.skipped.items():
        ET.SubElement(
            ET.SubElement(suite, "testcase", classname="aria", name=name),
            "skipped",
            message=mask_text(reason),
        )
    from harness.recording.persist import write_atomic

    ET.indent(suite)
    write_atomic(path, ET.tostring(suite, encoding="utf-8", xml_declaration=True).decode("utf-8"))


def write_markdown(result: FuzzResult, path: str | os.PathLike[str]) -> None:
    """A Markdown report: the summary table, skips, and each failure with its reproduction."""
    lines = [
        "# aria-harness fuzz report",
        "",
        f"Target: {result.target}; seed {result.seed}; {result.cases} cases; "
        f"{len(result.failures)} failure(s); exit {result.exit_code}.",
        "",
        "| method | cases | successes | failures |",
        "|---|---:|---:|---|",
    ]
    for name, stats in result.methods.items():
        per_check = ", ".join(f"{c}: {n}" for c, n in sorted(stats.failures.items())) or "0"
        lines.append(f"| {name} | {stats.cases} | {stats.successes} | {per_check} |")
    if result.skipped:
        lines += ["", "## Skipped", ""]
        lines += [f"- `{name}`: {reason}" for name, reason in result.skipped.items()]
    if result.errors:
        lines += ["", "## Errors", ""] + [f"- {error}" for error in result.errors]
    for index, record in enumerate(result.failures, 1):
        lines += [
            "",
            f"## {index}. `{record.method}`: `{record.check}`",
            "",
            "```",
            _reproduction(record),
            "```",
        ]
    from harness.recording.persist import write_atomic

    write_atomic(path, mask_text("\n".join(lines)) + "\n")


def _reproduction(record: FailureRecord) -> str:
    return mask_text(
        "\n".join(
            [
                record.message,
                f"seed: {record.seed}",
                "request: " + json.dumps(record.request, sort_keys=True),
                "response: " + record.response,
            ]
        )
    )

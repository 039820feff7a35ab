"""The JUnit XML report: one test case per interaction, so CI shows drift as failed tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.drift.runner import DriftResult, Verdict

__all__ = ["render_junit"]


def render_junit(result: DriftResult) -> str:
    """The JUnit report as text; DRIFT is a failure, UNAVAILABLE an error, SKIPPED skipped."""
    counts = result.counts()
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": "aria-drift",
            "tests": str(len(result.interactions)),
            "failures": str(counts[Verdict.DRIFT.value]),
            "errors": str(counts[Verdict.UNAVAILABLE.value]),
            "skipped": str(counts[Verdict.SKIPPED.value]),
            "time": f"{result.duration:.3f}",
            "timestamp": result.started,
        },
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "target", "value": result.target})
    ET.SubElement(properties, "property", {"name": "cassettes", "value": result.cassettes})
    for item in result.interactions:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"aria-drift.{item.method}", "name": item.id, "time": "0"},
        )
        if item.verdict is Verdict.DRIFT:
            first = item.findings[0]
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "type": first.kind,
                    "message": f"{item.method} - {len(item.findings)} drift(s), first {first}",
                },
            )
            failure.text = "\n".join(
                f"{f.kind} at {f.pointer or '/'} (recorded {f.expected}, live {f.actual})"
                f" - {f.message}"
                for f in item.findings
            )
        elif item.verdict is Verdict.UNAVAILABLE:
            ET.SubElement(
                case, "error", {"type": "unavailable", "message": item.reason or "unavailable"}
            )
        elif item.verdict is Verdict.SKIPPED:
            ET.SubElement(case, "skipped", {"message": item.reason or "skipped"})
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'

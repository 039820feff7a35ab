"""Render a diff: text, Markdown, JSON, JUnit XML and GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import groupby

from harness.releases.changes import Change
from harness.releases.run import DiffResult
from harness.swagger.model import ApiModel

__all__ = ["FORMATS", "render"]


def render(result: DiffResult, fmt: str) -> str:
    """The report in one of ``FORMATS``."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ValueError(f"unknown report format {fmt!r}; expected one of {known}") from None
    return renderer(result)


def _by_method(changes: Iterable[Change]) -> Iterable[tuple[str, list[Change]]]:
    for method, group in groupby(changes, key=lambda change: change.method):
        yield method, list(group)


def _text(result: DiffResult) -> str:
    judged = {id(item.change): item for item in result.bundled}
    lines = []
    for change in result.changes:
        flag = "BREAKING" if change.breaking else "changed "
        lines.append(f"{flag} {change.method}: {change.describe()}")
        item = judged.get(id(change))
        if item is not None:
            lines.append(f"         newer: {item.newer} ({item.why})")
            if item.proposal:
                lines.append(f"         propose: {item.proposal}")
    if result.unknown:
        lines.append(f"not described by either side: {', '.join(result.unknown)}")
    lines.append(result.summary())
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _markdown(result: DiffResult) -> str:
    lines = ["# Aria API release diff", "", result.summary().removeprefix("aria-harness diff "), ""]
    if not result.changes:
        lines.append("No change to the selected methods.")
    judged = {id(item.change): item for item in result.bundled}
    for method, changes in _by_method(result.changes):
        breaking = sum(1 for change in changes if change.breaking)
        flag = f" ({breaking} breaking)" if breaking else ""
        lines += ["", f"## `{method}`{flag}", ""]
        if judged:
            lines += ["| | Change | Newer | Why | Proposed change |", "|---|---|---|---|---|"]
        else:
            lines += ["| | Change |", "|---|---|"]
        for change in changes:
            row = f"| {'**breaking**' if change.breaking else ''} | {_cell(change.describe())} |"
            item = judged.get(id(change))
            if item is not None:
                row += f" {item.newer} | {_cell(item.why)} | {_cell(item.proposal or '')} |"
            lines.append(row)
    if result.unknown:
        lines += ["", f"Not described by either side: {', '.join(result.unknown)}."]
    return "\n".join(lines) + "\n"


def _json(result: DiffResult) -> str:
    def side(model: ApiModel | None) -> dict[str, object] | None:
        if model is None:
            return None
        return {"location": model.location, "version": model.version, "methods": len(model)}

    document = {
        "exit_code": int(result.exit_code),
        "error": result.error,
        "old": side(result.old),
        "new": side(result.new),
        "selected": sorted(result.selected) if result.selected is not None else None,
        "summary": {
            "changed_methods": result.changed,
            "breaking_methods": result.breaking,
            "unknown_methods": result.unknown,
            "changes": len(result.changes),
            "by_kind": dict(sorted(result.counts().items())),
        },
        "changes": [change.as_dict() for change in result.changes],
        "bundled": [item.as_dict() for item in result.bundled],
    }
    return json.dumps(document, indent=2) + "\n"


def _junit(result: DiffResult) -> str:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name="aria-harness diff")
    methods = dict(_by_method(result.changes))
    names = sorted(result.selected) if result.selected is not None else sorted(methods)
    failures = 0
    for name in names:
        case = ET.SubElement(suite, "testcase", classname="aria.release", name=name)
        changes = methods.get(name, [])
        breaking = [change for change in changes if change.breaking]
        if breaking:
            failures += 1
            failure = ET.SubElement(
                case, "failure", message=f"{len(breaking)} breaking change(s) to {name}"
            )
            failure.text = "\n".join(change.describe() for change in breaking)
        if changes:
            ET.SubElement(case, "system-out").text = "\n".join(
                change.describe() for change in changes
            )
    if result.error is not None:
        case = ET.SubElement(suite, "testcase", classname="aria.release", name="load")
        ET.SubElement(case, "error", message=result.error)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", "1" if result.error is not None else "0")
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _escape_annotation(text: str) -> str:
    # GitHub's workflow-command escaping for a message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(result: DiffResult) -> str:
    lines = []
    for change in result.changes:
        level = "error" if change.breaking else "notice"
        title = f"{'Breaking change' if change.breaking else 'Change'} in {change.method}"
        lines.append(
            f"::{level} title={_escape_annotation(title).replace(',', '%2C').replace(':', '%3A')}"
            f"::{_escape_annotation(change.describe())}"
        )
    if result.error is not None:
        lines.append(f"::error title=aria-harness diff::{_escape_annotation(result.error)}")
    lines.append(f"::notice title=aria-harness diff::{_escape_annotation(result.summary())}")
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[DiffResult], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
    "junit": _junit,
    "github": _github,
}

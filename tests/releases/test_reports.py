"""The report formats carry what a reader and a CI system need, escaped for each."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from harness.releases import Change, ChangeKind, DiffResult, ExitCode
from harness.releases.reports import render
from harness.swagger import ApiModel


def _result() -> DiffResult:
    side = ApiModel(methods={}, version="19", location="old.json")
    changes = [
        Change(
            "a_m", ChangeKind.FIELD_REMOVED, True, "output", "x", "string", note="50% gone\nnow"
        ),
        Change("a_m", ChangeKind.FIELD_ADDED, False, "output", "y", None, "integer"),
        Change("b_m", ChangeKind.METHOD_ADDED, False),
    ]
    return DiffResult(ExitCode.BREAKING, old=side, new=side, changes=changes)


def test_github_annotations_escape_newlines_and_percent_signs() -> None:
    lines = render(_result(), "github").splitlines()
    assert (
        lines[0]
        == "::error title=Breaking change in a_m::output x removed (string): 50%25 gone%0Anow"
    )
    assert lines[1].startswith("::notice title=Change in a_m::")


def test_junit_fails_a_method_with_a_breaking_change_only() -> None:
    suite = ET.fromstring(render(_result(), "junit").split("\n", 1)[1])
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"a_m", "b_m"}
    assert cases["a_m"].find("failure") is not None
    assert cases["b_m"].find("failure") is None
    assert suite.get("failures") == "1"


def test_json_lists_every_change_with_its_classification() -> None:
    document = json.loads(render(_result(), "json"))
    assert document["exit_code"] == 1
    assert [c["breaking"] for c in document["changes"]] == [True, False, False]
    assert document["summary"]["by_kind"] == {
        "field-added": 1,
        "field-removed": 1,
        "method-added": 1,
    }


def test_markdown_escapes_table_pipes() -> None:
    result = _result()
    result.changes[0] = Change("a_m", ChangeKind.FIELD_REMOVED, True, "output", "x", "a|b")
    assert "output x removed (a\\|b)" in render(result, "markdown")


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="expected one of text, markdown, json, junit, github"):
        render(_result(), "html")

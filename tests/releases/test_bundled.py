"""The bundled description against a release: which side is newer, what to change in aria.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.releases import DiffConfig, run_diff
from harness.releases.bundled import Disagreement


def _judged(release: Path) -> list[Disagreement]:
    result = run_diff(DiffConfig(old="bundled", new=str(release)))
    assert result.error is None
    return result.bundled


def test_only_the_methods_the_bundled_description_describes_are_compared(
    aria_swagger: Path,
) -> None:
    result = run_diff(DiffConfig(old="bundled", new=str(aria_swagger / "all_A7_19_swagger.json")))
    assert result.selected is not None and len(result.selected) == 8
    assert {change.method for change in result.changes} <= result.selected


def test_aria_yaml_spells_the_2_fields_as_release_18_does(aria_swagger: Path) -> None:
    judged = [
        item
        for item in _judged(aria_swagger / "all_A7_18_swagger.json")
        if item.change.method == "get_invoice_details_m" and item.change.artifact
    ]
    assert judged == []


def test_a_documented_method_keeps_the_docs_against_release_19(aria_swagger: Path) -> None:
    judged = [
        item
        for item in _judged(aria_swagger / "all_A7_19_swagger.json")
        if item.change.method == "create_order_m" and item.change.path == "account_no"
    ]
    assert len(judged) == 1
    assert judged[0].newer == "bundled" and judged[0].proposal is None
    assert "aria-docs/create_order_m.txt is newer" in judged[0].why


def test_a_later_release_is_newer_and_its_changes_are_proposed(
    aria_swagger: Path, tmp_path: Path
) -> None:
    document = json.loads((aria_swagger / "all_A7_19_swagger.json").read_text(encoding="utf-8"))
    document["info"]["version"] = "20"
    response = document["definitions"]["GetVirtualDatetimeMResponse"]["properties"]
    response["virtual_timezone"] = {"type": "string", "description": "Time zone."}
    request = document["definitions"]["ManagePendingInvoiceMRequest"]["properties"]
    request["acct_no"]["maxLength"] = 22
    later = tmp_path / "all_A7_20_swagger.json"
    later.write_text(json.dumps(document), encoding="utf-8")
    judged = [item for item in _judged(later) if item.change.path == "virtual_timezone"]
    assert len(judged) == 1
    assert judged[0].newer == "release"
    assert judged[0].proposal == (
        "openapi/aria.yaml components.schemas.GetVirtualDatetimeMResponse.properties: "
        'add virtual_timezone: {"type": ["string", "null"]}'
    )
    lengths = [
        item.proposal
        for item in _judged(later)
        if (item.change.method, item.change.path) == ("manage_pending_invoice_m", "acct_no")
    ]
    assert lengths == [
        "openapi/aria.yaml components.schemas.ManagePendingInvoiceMRequest.properties.acct_no: "
        "x-aria-max-length 22"
    ]
    documented = [item for item in _judged(later) if item.change.method == "gen_invoice_m"]
    assert documented and {item.newer for item in documented} == {"release"}
    assert "check the page" in documented[0].why


def test_the_cli_prints_the_judgement_and_the_proposal(
    aria_swagger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diff", "--bundled", str(aria_swagger / "all_A7_18_swagger.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "newer: bundled (the docs page aria-docs/create_order_m.txt is newer" in out
    assert "rename is_pending_ind_2" not in out

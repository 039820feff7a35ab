from __future__ import annotations

from pathlib import Path

import pytest

from harness.drift import load_cassette, load_cassettes
from harness.errors import CassetteError
from harness.recording import scan_paths
from harness.spec import data_dir, registry
from tests.drift.fakes import recorded, write_cassette

SUCCESS = {"error_code": 0, "error_msg": "OK", "virtual_date": "2026-01-01"}


@pytest.mark.parametrize("fmt", ["yaml", "json"], ids=["yaml", "json"])
def test_reads_both_vcrpy_serialisations(tmp_path: Path, fmt: str) -> None:
    path = write_cassette(
        tmp_path / f"c.{fmt}", [recorded("get_virtual_datetime_m", SUCCESS)], fmt=fmt
    )
    (interaction,) = load_cassette(path)
    assert interaction.method == "get_virtual_datetime_m"
    assert interaction.request.encoding == "json"
    assert interaction.response.status == 200
    assert interaction.response.json() == SUCCESS


@pytest.mark.parametrize("encoding", ["json", "form", "query"], ids=["json", "form", "get-query"])
def test_finds_the_method_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = write_cassette(
        tmp_path / "c.yaml",
        [recorded("gen_rb_m", SUCCESS, params={"do_write": "false"}, encoding=encoding)],
    )
    (interaction,) = load_cassette(path)
    assert interaction.method == "gen_rb_m"
    assert interaction.request.params()["do_write"] == "false"
    assert interaction.request.encoding == encoding


def test_binary_bodies_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "interactions:\n- request:\n    method: POST\n"
        "    uri: http://x/api/ws/api_ws_class_dispatcher.php\n"
        "    body: !!binary cmVzdF9jYWxsPWdldF92aXJ0dWFsX2RhdGV0aW1lX20=\n"
        "    headers: {Content-Type: [application/x-www-form-urlencoded]}\n"
        "  response:\n    status: {code: 200, message: OK}\n    headers: {}\n"
        "    body: {string: '{\"error_code\": 0}'}\nversion: 1\n",
        encoding="utf-8",
    )
    (interaction,) = load_cassette(path)
    assert interaction.method == "get_virtual_datetime_m"


def test_a_folder_is_read_recursively_in_a_stable_order(tmp_path: Path) -> None:
    write_cassette(tmp_path / "b" / "two.yaml", [recorded("gen_rb_m", SUCCESS)])
    write_cassette(tmp_path / "a.json", [recorded("gen_invoice", SUCCESS)] * 2, fmt="json")
    (tmp_path / "notes.txt").write_text("not a cassette")
    ids = [i.id for i in load_cassettes(tmp_path)]
    assert ids == ["a.json#0", "a.json#1", "b/two.yaml#0"]


@pytest.mark.parametrize(
    "text",
    ["interactions: [", "just: a mapping\n", "interactions:\n- {request: {}}\n", "!!python/none"],
    ids=["bad-yaml", "no-interactions", "no-uri", "unsafe-tag"],
)
def test_malformed_cassettes_raise_a_cassette_error_naming_the_file(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError, match="broken.yaml"):
        load_cassette(path)


def test_a_missing_folder_is_a_cassette_error(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="no such"):
        load_cassettes(tmp_path / "nowhere")


def test_the_bundled_cassettes_cover_every_method_with_successes_and_errors() -> None:
    bundled = Path(str(data_dir("cassettes")))
    interactions = load_cassettes(bundled)
    assert {i.method for i in interactions} == set(registry().names)
    codes = {(i.method, (i.response.json() or {}).get("error_code") == 0) for i in interactions}
    assert any(ok for _, ok in codes) and any(not ok for _, ok in codes)
    assert scan_paths([bundled]) == []

"""Cassette formats: JSON for new cassettes, the suffix names the format, content decides reads."""

from __future__ import annotations

import json

import pytest
import requests

from harness.recording import load_interactions, use_cassette, write_cassette
from harness.recording.config import existing_cassette
from tests.recording.test_persist import URL, _generation, _interaction


def test_a_new_cassette_without_a_format_suffix_is_indented_sorted_json(tmp_path):
    path = tmp_path / "orders.cassette"
    write_cassette(path, _generation(2))
    text = path.read_text()
    assert json.loads(text)["version"] == 1
    assert text.startswith('{\n  "interactions": [')  # one field a line: diffs stay small


@pytest.mark.parametrize(
    ("name", "configured", "opening"),
    [("c.json", "yaml", "{"), ("c.yaml", "json", "interactions:"), ("c.yml", "json", "inter")],
)
def test_the_suffix_names_the_format_whatever_is_configured(tmp_path, name, configured, opening):
    path = tmp_path / name
    write_cassette(path, _generation(2), fmt=configured)
    assert path.read_text().startswith(opening)


def test_a_cassette_is_read_in_the_format_its_content_shows(tmp_path):
    as_yaml, as_json = tmp_path / "a.yaml", tmp_path / "b.json"
    write_cassette(as_yaml, _generation(3), metadata={"n": 3})
    write_cassette(as_json, _generation(3), metadata={"n": 3})
    misnamed = tmp_path / "json-inside.yaml"
    misnamed.write_text(as_json.read_text())
    expected = load_interactions(as_yaml)
    assert load_interactions(as_json) == expected
    assert load_interactions(misnamed, fmt="yaml") == expected


def test_a_cut_json_cassette_fails_loudly(tmp_path):
    from harness.errors import CassetteError

    path = tmp_path / "c.json"
    write_cassette(path, _generation(2))
    path.write_text(path.read_text()[:-40])
    with pytest.raises(CassetteError, match="cannot be decoded"):
        load_interactions(path)


def test_a_yaml_recording_replays_under_its_new_json_name(tmp_path):
    request, response = _interaction(7)
    write_cassette(tmp_path / "t.yaml", [(request, response)])
    assert existing_cassette(tmp_path / "t.json") == tmp_path / "t.yaml"
    assert existing_cassette(tmp_path / "new.json") == tmp_path / "new.json"
    with use_cassette(tmp_path / "t.json", record_mode="none"):
        answer = requests.post(
            URL, data=request["body"], headers={"Content-Type": "application/json"}
        )
    assert answer.json()["error_code"] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_recording_writes_the_format_the_suffix_names_and_keeps_an_old_yaml_in_yaml(tmp_path):
    from harness import AriaClient
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, serve_fake

    with serve_fake() as server:
        client = AriaClient(server.url, client_no=CLIENT_NO, auth_key=AUTH_KEY)
        with use_cassette(tmp_path / "new.json", record_mode="once", fmt="yaml"):
            client.call("get_virtual_datetime_m")
        with use_cassette(tmp_path / "old.yaml", record_mode="once"):
            client.call("get_virtual_datetime_m")
        with use_cassette(tmp_path / "old.json", record_mode="new_episodes"):
            client.call("create_order_m", account_no=7, do_write=False, order_line_items_list=[])
    assert json.loads((tmp_path / "new.json").read_text())["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "old.yaml"]
    assert (tmp_path / "old.yaml").read_text().startswith("interactions:")
    assert len(load_interactions(tmp_path / "old.yaml")[0]) == 2

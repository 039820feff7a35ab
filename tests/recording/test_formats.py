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


@pytest.mark.parametrize(("suffix", "first"), [(".json", "{"), (".yaml", "i"), (".yml", "i")])
def test_the_suffix_names_the_format_whatever_is_configured(tmp_path, suffix, first):
    path = tmp_path / f"c{suffix}"
    write_cassette(path, _generation(2), fmt="json" if first == "i" else "yaml")
    assert path.read_text()[0] == first


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

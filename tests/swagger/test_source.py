"""Descriptions from paths (JSON or YAML), URLs on 127.0.0.1, and the bundled one."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml

from harness.errors import DescriptionError, FetchError
from harness.swagger import load_description
from tests.swagger.builders import swagger

DOC = swagger({"get_thing_m": {"out": {"thing": {"type": "string"}}}}, version="7")


def test_a_url_is_fetched(served: tuple[str, Path]) -> None:
    base, root = served
    (root / "all_A7_swagger.json").write_text(json.dumps(DOC), encoding="utf-8")
    model = load_description(f"{base}/all_A7_swagger.json")
    assert (list(model.methods), model.version) == (["get_thing_m"], "7")


def test_a_yaml_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(DOC), encoding="utf-8")
    assert list(load_description(str(path)).methods) == ["get_thing_m"]


def test_a_url_answering_an_error_status_is_a_fetch_error(served: tuple[str, Path]) -> None:
    base, _ = served
    with pytest.raises(FetchError, match="answered HTTP 404"):
        load_description(f"{base}/missing.json")


def test_a_url_nobody_listens_on_is_a_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not be fetched"):
        load_description(f"http://127.0.0.1:{port}/all_A7_swagger.json", timeout=2)


def test_a_url_answering_a_page_that_is_no_description_is_a_fetch_error(
    served: tuple[str, Path],
) -> None:
    base, root = served
    (root / "down.json").write_text("<html>Maintenance", encoding="utf-8")
    with pytest.raises(FetchError):
        load_description(f"{base}/down.json")


def test_a_missing_file_is_a_description_error(tmp_path: Path) -> None:
    with pytest.raises(DescriptionError, match="cannot read"):
        load_description(str(tmp_path / "nope.json"))

"""``aria-harness fuzz --changed-since OLD``: only what changed is fuzzed, the rest is named."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.spec import registry

BUNDLED = Path(__file__).resolve().parents[2] / "openapi" / "aria.yaml"


@pytest.fixture
def old_release(tmp_path: Path) -> Path:
    """The bundled description as an older release: get_virtual_datetime_m lacked an output."""
    document = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    outputs = document["components"]["schemas"]["GetVirtualDatetimeMResponse"]["properties"]
    outputs.pop("is_batch_running")
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_only_the_changed_method_is_fuzzed_and_the_unchanged_are_named(
    old_release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = tmp_path / "fuzz.md"
    args = ["--max-examples", "3", "--seed", "1", "--report-markdown", str(markdown)]
    code = main(["fuzz", "--changed-since", str(old_release), *args])
    out = capsys.readouterr().out
    assert code == 0, out
    table = out.split("\nskipped ", 1)[0].splitlines()
    assert [row.split()[0] for row in table[1:]] == ["get_virtual_datetime_m"]
    for name in registry().names:
        if name != "get_virtual_datetime_m":
            assert f"skipped {name}: unchanged since {old_release}" in out
    assert "| get_virtual_datetime_m |" in markdown.read_text()


def test_nothing_changed_means_nothing_fuzzed_and_exit_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["fuzz", "--changed-since", str(BUNDLED)]) == 0
    out = capsys.readouterr().out
    assert "nothing to fuzz: no method changed since" in out
    assert "skipped gen_invoice_m: unchanged since" in out


def test_an_unreachable_old_release_exits_three(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["fuzz", "--changed-since", f"http://127.0.0.1:{port}/old.json"]) == 3
    assert "could not be fetched" in capsys.readouterr().err


def test_current_without_changed_since_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["fuzz", "--current", str(BUNDLED)]) == 2
    assert "--current goes with --changed-since" in capsys.readouterr().err

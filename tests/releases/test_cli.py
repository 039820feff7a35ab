"""``aria-harness diff``: exit 0 / 1 / 2 / 3, one-line errors, the methods a team calls."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from tests.releases.test_changes import S
from tests.swagger.builders import swagger

OLD = swagger({"keep_m": {"out": {"a": S}}, "drop_m": {}, "same_m": {"in": {"x": S}}})
NEW = swagger({"keep_m": {"out": {"a": S, "b": S}}, "same_m": {"in": {"x": S}}, "new_m": {}})
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sides(tmp_path: Path) -> tuple[str, str]:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD), encoding="utf-8")
    new.write_text(json.dumps(NEW), encoding="utf-8")
    return str(old), str(new)


def test_breaking_changes_exit_one_and_are_listed(
    sides: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", *sides]) == 1
    out = capsys.readouterr().out
    assert "BREAKING drop_m: method removed" in out
    assert "changed  keep_m: output b added (string)" in out
    assert "3 methods changed (1 added, 1 removed), 1 with breaking changes" in out


def test_no_breaking_change_for_the_methods_you_call_exits_zero(
    sides: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "methods.txt"
    listed.write_text("# what we call\nkeep_m\nsame_m\n", encoding="utf-8")
    assert main(["diff", "--methods", str(listed), *sides]) == 0
    out = capsys.readouterr().out
    assert "drop_m" not in out
    assert "1 of the 2 selected methods changed, 0 with breaking changes" in out


def test_methods_are_read_from_cassettes(
    sides: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    body = json.dumps({"rest_call": "drop_m", "output_format": "json"})
    cassette = {
        "version": 1,
        "interactions": [
            {
                "request": {"method": "POST", "uri": "http://127.0.0.1/x", "body": body},
                "response": {"status": {"code": 200, "message": "OK"}, "body": {"string": "{}"}},
            }
        ],
    }
    (folder / "one.yaml").write_text(yaml.safe_dump(cassette), encoding="utf-8")
    assert main(["diff", "--cassettes", str(folder), *sides]) == 1
    out = capsys.readouterr().out
    assert "1 of the 1 selected methods changed, 1 with breaking changes" in out


def test_the_bundled_cassettes_select_the_described_methods(
    sides: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "--cassettes", str(REPO / "cassettes"), *sides]) == 0
    assert "0 of the 8 selected methods changed" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["markdown", "json", "junit", "github"])
def test_each_format_is_printed(
    sides: tuple[str, str], fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "--format", fmt, *sides]) == 1
    out = capsys.readouterr().out
    marker = {
        "markdown": "## `drop_m` (1 breaking)",
        "json": '"breaking_methods": [\n      "drop_m"\n    ]',
        "junit": '<failure message="1 breaking change(s) to drop_m">',
        "github": "::error title=Breaking change in drop_m::method removed",
    }[fmt]
    assert marker in out


def test_report_files_are_written(sides: tuple[str, str], tmp_path: Path) -> None:
    md, js, xml = tmp_path / "r.md", tmp_path / "r.json", tmp_path / "r.xml"
    args = ["--report-markdown", str(md), "--report-json", str(js), "--report-junit", str(xml)]
    assert main(["diff", *args, *sides]) == 1
    assert json.loads(js.read_text())["summary"]["breaking_methods"] == ["drop_m"]
    assert md.read_text().startswith("# Aria API release diff")
    assert "<testsuite" in xml.read_text()


@pytest.mark.parametrize(
    "args",
    [["only-one"], ["a", "b", "c"], ["--bundled", "a", "b"]],
    ids=["one-side", "three-sides", "bundled-with-two"],
)
def test_wrong_sides_are_a_usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err


def test_a_missing_file_exits_two_in_one_line(
    tmp_path: Path, sides: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(tmp_path / "nope.json"), sides[1]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aria-harness: error: cannot read") and err.count("\n") == 1


def test_an_unreachable_url_exits_three_in_one_line(
    sides: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1/core/a7/api-docs/all_A7_swagger.json"
    assert main(["diff", "--timeout", "2", sides[0], url]) == 3
    err = capsys.readouterr().err
    assert "could not be fetched" in err and err.count("\n") == 1


def test_a_side_is_fetched_from_a_url(
    sides: tuple[str, str], served: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = served
    shutil.copy(sides[1], root / "all_A7_swagger.json")
    assert main(["diff", sides[0], f"{base}/all_A7_swagger.json"]) == 1
    assert "BREAKING drop_m: method removed" in capsys.readouterr().out

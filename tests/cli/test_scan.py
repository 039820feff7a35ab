"""``aria-harness scan`` as the pre-commit hook runs it: pragma, baseline, exit codes."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import yaml

from harness.cli import main
from tests.recording.test_secrets import LIVE, card

ROOT = Path(__file__).resolve().parents[2]
OTHER = card("5105", 16)


def _hook(files: list[Path]) -> list[str]:
    """The argv pre-commit runs: the hook's entry followed by the staged file names."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["aria-harness", "scan"] and "files" not in hook  # every file, any suffix
    return [*entry[1:], *map(str, files)]


def test_hook_honours_the_inline_pragma(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "README"
    doc.write_text(
        f"example card {LIVE}  <!-- pragma: allowlist secret -->\n"
        "<!-- pragma: allowlist nextline secret -->\n"
        f"another {OTHER}\n"
        f"but not this one {OTHER}\n"
    )
    assert main(_hook([doc])) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{doc}:4: card number"]


def test_hook_honours_the_baseline_and_still_reports_a_new_secret(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "run.log"
    log.write_text(f"charged {LIVE}\n")
    assert main(["scan", "--update-baseline", str(log)]) == 0
    baseline = json.loads((tmp_path / ".aria-scan-baseline.json").read_text())
    assert LIVE not in json.dumps(baseline) and LIVE[-4:] not in json.dumps(baseline)
    assert main(_hook([log])) == 0  # accepted, even after the line moves
    log.write_text(f"first line\ncharged {LIVE}\n")
    assert main(_hook([log])) == 0
    log.write_text(f"charged {LIVE}\ncharged {OTHER}\n")  # a new secret is still a finding
    capsys.readouterr()
    assert main(_hook([log])) == 1
    assert capsys.readouterr().out.splitlines() == [f"{log}:2: card number"]


def test_a_broken_baseline_is_a_one_line_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".aria-scan-baseline.json").write_text("{not json")
    (tmp_path / "a.txt").write_text("fine\n")
    assert main(["scan", "a.txt"]) == 2
    err = capsys.readouterr().err
    assert "not an aria-harness scan baseline" in err and "Traceback" not in err

"""The built wheel carries the description and contracts: it works outside the checkout."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.samples import gen_invoice_m_error, gen_invoice_m_success

# every test here builds or uses the installed wheel (-m 'not wheel' deselects them)
pytestmark = pytest.mark.wheel

_PROBE = """
import json, sys, harness
from harness import registry
from harness.contracts import validate
print(json.dumps({
    "module": harness.__file__,
    "methods": list(registry().names),
    "ok": [str(v) for v in validate("gen_invoice_m", json.loads(sys.argv[1]))],
    "bad": [str(v) for v in validate("gen_invoice_m", json.loads(sys.argv[2]))],
    "all": len(registry().all_names),
    "generated": [
        str(v)
        for v in validate(
            "get_acct_details_all_m", {"error_code": 1, "error_msg": "e", "acct_no": 5}
        )
    ],
}))
"""


def test_installed_wheel_loads_the_description_and_validates_outside_the_checkout(
    wheel_python: Path, tmp_path: Path
) -> None:
    broken = gen_invoice_m_error()
    broken["error_code"] = 4242
    result = subprocess.run(
        [str(wheel_python), "-c", _PROBE, json.dumps(gen_invoice_m_success()), json.dumps(broken)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    probe = json.loads(result.stdout)
    assert REPO_ROOT not in Path(probe["module"]).parents, "imported the checkout, not the wheel"
    assert "gen_invoice_m" in probe["methods"] and len(probe["methods"]) == 8
    assert probe["ok"] == []
    assert len(probe["bad"]) == 1 and "/error_code" in probe["bad"][0]
    # the generated layer and its contracts ship too: 1 is no code of the method, and an error
    # answer's outputs are null
    assert probe["all"] == 250
    pointers = sorted(violation.split(" ")[1].rstrip(":") for violation in probe["generated"])
    assert pointers == ["/acct_no", "/error_code"], probe["generated"]


def test_installed_command_validates_a_file(wheel_python: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(gen_invoice_m_success()), encoding="utf-8")
    command = wheel_python.parent / "aria-harness"
    result = subprocess.run(
        [str(command), "validate", "--method", "gen_invoice_m", str(answer)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stdout


def test_installed_core_loads_no_fuzzing_pytest_plugins(wheel_python: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.metadata as m; "
        "print(' '.join(sorted(e.name for e in m.entry_points(group='pytest11'))))"
    )
    result = subprocess.run(
        [str(wheel_python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["aria_harness"]


def test_installed_fuzz_command_names_the_missing_extra(wheel_python: Path, tmp_path: Path) -> None:
    command = wheel_python.parent / "aria-harness"
    result = subprocess.run(
        [str(command), "fuzz", "--max-examples", "1"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aria-harness: error: fuzzing needs the fuzz extra: pip install 'aria-harness[fuzz]' "
        "(schemathesis is missing)"
    ]

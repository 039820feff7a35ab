"""Fixtures shared by every test area."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from hypothesis import settings

# The plugin tests drive pytest itself; pytester must be declared in the top conftest.
pytest_plugins = ["pytester"]

# Every property test draws the same examples on every run and machine: a failure reproduces
# from the test alone, and no example database carries state between runs.
settings.register_profile("aria-harness", derandomize=True, database=None)
settings.load_profile("aria-harness")

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_folder(variable: str, name: str, probe: str) -> Path:
    """A folder of Aria's material: ``$variable``, else ``../shared/<name>``; else skip."""
    for candidate in (os.environ.get(variable, ""), str(REPO_ROOT.parent / "shared" / name)):
        if candidate and Path(candidate, probe).is_file():
            return Path(candidate)
    pytest.skip(f"Aria's {name} not found: set {variable} to the {name} folder")


@pytest.fixture(scope="session")
def aria_docs() -> Path:
    """The folder of Aria's documentation pages (the spec)."""
    return _shared_folder("ARIA_DOCS_DIR", "aria-docs", "gen_invoice_m.txt")


@pytest.fixture(scope="session")
def aria_swagger() -> Path:
    """The folder holding Aria's Swagger releases 18 and 19."""
    return _shared_folder("ARIA_SWAGGER_DIR", "aria-swagger", "all_A7_19_swagger.json")


@pytest.fixture(scope="session")
def wheel_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a fresh virtual environment with the built wheel installed.

    ``ARIA_HARNESS_WHEEL_VENV`` names one made already (CI builds it once for every test
    that needs it); otherwise the wheel is built and installed here, once per session.
    """
    ready = os.environ.get("ARIA_HARNESS_WHEEL_VENV")
    if ready:
        return Path(ready) / "bin" / "python"
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("aria_harness-*.whl")
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return python

"""The consumer example passes from the installed wheel, in one process and with -n 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "examples" / "consumer" / "run.sh"


@pytest.mark.wheel
def test_consumer_example_passes_from_the_installed_wheel():
    result = subprocess.run(
        ["sh", str(RUN)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.count("4 passed") == 2  # once plain, once with two xdist workers
    assert "bringing up nodes" in result.stdout or "2 workers" in result.stdout

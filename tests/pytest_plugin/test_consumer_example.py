"""The consumer example passes from the installed wheel on every target, with -n 2 too."""

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
    out = result.stdout
    # stub twice (plain, -n 2), committed cassettes, live, record, replay of the recording
    assert out.count("4 passed") == 6, out[-3000:]
    for target in ("stub", "cassette", "live", "record"):
        assert f"== target: {target}" in out
    assert "bringing up nodes" in out or "2 workers" in out
    # the app's own calls were intercepted and counted, invoices included
    assert "test_billing_now_generates_an_invoice_with_lines: 2 Aria calls, 1 invoices" in out

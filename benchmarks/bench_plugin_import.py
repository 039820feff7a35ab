"""What the plugin costs a plain ``pytest --collect-only`` in a consumer project.

    .venv/bin/python benchmarks/bench_plugin_import.py [--runs 7]

Runs ``pytest --collect-only -q`` on a small consumer test file in fresh interpreters, with the
plugin (as installed through its entry point) and with ``-p no:aria_harness``, alternating, and
prints the medians and their difference. Also prints the import time of the plugin module alone.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = """
import pytest

@pytest.mark.aria_cassette
def test_replayed(aria_client):
    pass

def test_stub(aria_stub, aria_client):
    pass
"""


def _run(folder: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_consumer.py").write_text(TESTS)
        (folder / "pytest.ini").write_text("[pytest]\nmarkers =\n    aria_cassette: x\n")
        _run(folder)
        with_plugin, without = [], []
        for _ in range(args.runs):
            with_plugin.append(_run(folder))
            without.append(_run(folder, "-p", "no:aria_harness"))
    a, b = statistics.median(with_plugin), statistics.median(without)
    print(f"pytest --collect-only with the plugin:     {a * 1000:7.1f} ms (median of {args.runs})")
    print(f"pytest --collect-only -p no:aria_harness: {b * 1000:7.1f} ms")
    print(f"plugin cost: {(a - b) * 1000:+.1f} ms (target < 100 ms)")
    probe = (
        "import time, pytest; t = time.perf_counter(); import harness.pytest_plugin; "
        "print((time.perf_counter() - t) * 1000)"
    )
    alone = [
        float(
            subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(args.runs)
    ]
    print(f"import harness.pytest_plugin (after pytest): {statistics.median(alone):5.1f} ms")
    heavy = (
        "import sys, harness.pytest_plugin; print(sorted(m for m in "
        "('vcr', 'schemathesis', 'jsonschema_rs', 'requests', 'uvicorn') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", heavy], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"heavy modules loaded by importing the plugin: {loaded}")


if __name__ == "__main__":
    main()

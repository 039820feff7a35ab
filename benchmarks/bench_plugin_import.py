"""What installing aria-harness costs a consumer's ``pytest --collect-only``.

    .venv/bin/python benchmarks/bench_plugin_import.py [--runs 9] [--venvs DIR] [--fuzz]

The baseline is a virtual environment WITHOUT aria-harness, holding the same pytest version;
the other has the checkout installed as a consumer installs it (``pip install .``, core
dependencies only), so the figure includes every pytest plugin our dependencies bring along,
not only our own. ``--fuzz`` adds a third environment with ``aria-harness[fuzz]`` to show what
a project that fuzzes pays. Each run is a fresh ``pytest --collect-only -q`` in an empty folder,
the order alternating between environments; medians are printed with the difference and the
goal. ``--venvs DIR`` keeps the environments there and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_MS = 100.0


def _environment(folder: Path, *requirements: str) -> Path:
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *requirements],
            check=True,
            capture_output=True,
        )
    return python


def _collect(python: Path, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        check=False,  # an empty folder exits 5 (no tests collected) on both sides
        capture_output=True,
    )
    return time.perf_counter() - start


def _plugins(python: Path) -> list[str]:
    probe = (
        "import importlib.metadata as m; "
        "print(' '.join(sorted(e.name for e in m.entry_points(group='pytest11'))))"
    )
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--venvs", type=Path, help="keep (and reuse) the environments here")
    parser.add_argument("--fuzz", action="store_true", help="also measure aria-harness[fuzz]")
    args = parser.parse_args()
    pytest_pin = f"pytest=={version('pytest')}"
    with tempfile.TemporaryDirectory() as tmp:
        home = args.venvs or Path(tmp) / "venvs"
        print("creating the environments (once) ...", file=sys.stderr)
        pythons = {
            "without aria-harness": _environment(home / "bare", pytest_pin),
            "with aria-harness": _environment(home / "core", pytest_pin, str(REPO)),
        }
        if args.fuzz:
            pythons["with aria-harness[fuzz]"] = _environment(
                home / "fuzz", pytest_pin, f"{REPO}[fuzz]"
            )
        empty = Path(tmp) / "empty"
        empty.mkdir()
        names = list(pythons)
        for python in pythons.values():
            _collect(python, empty)  # warm the file cache and the bytecode
        times: dict[str, list[float]] = {name: [] for name in names}
        for run in range(args.runs):
            for name in names if run % 2 == 0 else reversed(names):
                times[name].append(_collect(pythons[name], empty))
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        plugins = {name: _plugins(python) for name, python in pythons.items()}
    base = medians["without aria-harness"]
    print(f"pytest --collect-only in an empty folder, median of {args.runs} fresh runs:")
    for name in names:
        added = medians[name] - base
        print(
            f"  {name:<26} {medians[name]:7.1f} ms  added {added:+7.1f} ms  "
            f"ratio {medians[name] / base:4.2f}x  pytest plugins: {' '.join(plugins[name]) or '-'}"
        )
    added = medians["with aria-harness"] - base
    verdict = "met" if added < GOAL_MS else "NOT met"
    print(f"goal: < {GOAL_MS:.0f} ms added by installing aria-harness: {added:+.1f} ms, {verdict}")


if __name__ == "__main__":
    main()

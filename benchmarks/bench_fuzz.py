"""Fuzzing throughput and a first run's footprint, each run in a fresh process.

    .venv/bin/python benchmarks/bench_fuzz.py [--max-examples 100] [--runs 3] [--venv DIR]

Rows, all over the same four methods with the same seed and generation settings (fuzzing
phase, both modes, no example database, strings without a codec table):

1. plain schemathesis (its default checks) against a trivial in-process WSGI app answering a
   fixed envelope: the engine's own cost, the baseline at its best;
2. the same, after ``import harness.fuzz``: importing the harness must not slow it;
3. aria-harness ``run_fuzz`` against the embedded stub in-process (Aria checks, stateful stub);
4. the same stub served over loopback HTTP (``allow_invoicing``, so no method is left out).

Every run is a fresh interpreter of a virtual environment with the checkout installed as a
consumer installs it (``pip install '.[fuzz]'``, not editable: Hypothesis mines the constants of
"local" modules, which an editable install would make of the harness itself, on one side only),
started in an empty folder; the rows take turns, in an order
that alternates from one round to the next, after one unmeasured warm-up run of each (which
fills Hypothesis's Unicode caches, shared by all rows). "cases/s" counts the run itself (the
engine's execution, without imports and schema loading); each row keeps its best round.

A last run measures what a first ``run_fuzz`` costs on a machine that has never fuzzed (empty
caches) in a fresh folder: its peak memory (goal < 150 MiB) and what it left in that folder
(goal: nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
METHODS = ["gen_invoice_m", "get_invoice_details_m", "get_virtual_datetime_m", "gen_rb_m"]
SEED = 1234
RATE_GOAL = 0.9
MEMORY_GOAL_MIB = 150


def trivial_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Read the body, answer a fixed Aria error envelope."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    body = json.dumps({"error_code": 1016, "error_msg": "invalid input"}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def plain_schemathesis(max_examples: int) -> dict[str, Any]:
    """Cases and run seconds for schemathesis alone against the trivial app."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    from harness.spec import registry

    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(registry().document)))
    schema.app = trivial_app
    schema.config.update(base_url="http://trivial.invalid")
    schema.config.generation.update(
        modes=["positive", "negative"], max_examples=max_examples, database="none"
    )
    # The character set aria_schema uses (the same one as the default codec, drawn faster)
    schema.config.generation.codec = None
    schema.config.generation._mark_source_keys(("codec",))
    schema.config.phases.update(phases=["fuzzing"])
    schema.config.checks.update(included_check_names=["not_a_server_error"])
    schema.config.seed = SEED
    schema = schema.include(operation_id=METHODS)
    cases, labels = 0, set()
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.interactions)
            labels.add(event.recorder.label)
    return {"cases": cases, "run": time.perf_counter() - started, "methods": len(labels)}


def aria(max_examples: int, *, over_http: bool) -> dict[str, Any]:
    """Cases and run seconds for run_fuzz against the stub, in-process or over loopback."""
    from harness.fuzz import FuzzConfig, run_fuzz

    common: dict[str, Any] = {
        "methods": METHODS,
        "max_examples": max_examples,
        "seed": SEED,
        "phases": ["fuzzing"],
    }
    if over_http:
        from harness.fuzz.stubinfo import prime_stub, stub_known_values
        from harness.stub import running_stub

        with running_stub() as server:
            result = run_fuzz(
                FuzzConfig(
                    base_url=server.url,
                    credentials=(server.client_no, server.auth_key),
                    known_values=stub_known_values(server.stub),
                    examples=prime_stub(server.stub),
                    allow_invoicing=True,
                    **common,
                )
            )
    else:
        result = run_fuzz(FuzzConfig(**common))
    fuzzed = sum(1 for stats in result.methods.values() if stats.cases)
    return {"cases": result.cases, "run": result.duration, "methods": fuzzed}


def _measure(kind: str, max_examples: int) -> dict[str, Any]:
    """One row's run in this (fresh) process, with its peak memory and what it wrote."""
    import resource

    if kind == "plain after import":
        import harness.fuzz  # noqa: F401 - what is measured is the import's side effects
    started = time.perf_counter()
    if kind.startswith("plain"):
        row = plain_schemathesis(max_examples)
    else:
        row = aria(max_examples, over_http=kind == "ours loopback")
    row["whole"] = time.perf_counter() - started
    row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["written"] = sorted(str(path) for path in Path.cwd().rglob("*"))
    return row


def _consumer_python(folder: Path) -> Path:
    """A virtual environment with the checkout installed as a consumer would (made once)."""
    python = folder / "bin" / "python"
    if not python.exists():
        print(f"installing '.[fuzz]' into {folder} ...", file=sys.stderr)
        venv.create(folder, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", f"{REPO}[fuzz]"],
            check=True,
            capture_output=True,
        )
    return python


def _fresh(python: Path, kind: str, max_examples: int, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [str(python), __file__, "--_run", kind, "--max-examples", str(max_examples)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
        )
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


ROWS = {
    "plain": "plain schemathesis, trivial app, in-process",
    "plain after import": "  the same after import harness.fuzz",
    "ours in-process": "aria-harness fuzz, stub, in-process",
    "ours loopback": "aria-harness fuzz, stub, loopback HTTP",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--venv", type=Path, help="keep (and reuse) the environment here")
    parser.add_argument("--_run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._run:
        print(json.dumps(_measure(args._run, args.max_examples)))
        return
    with tempfile.TemporaryDirectory() as caches:
        python = _consumer_python(args.venv or Path(caches) / "venv")
        env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
        # a machine that has never fuzzed: empty caches, fresh folder
        first = _fresh(
            python, "ours in-process", args.max_examples, {**env, "XDG_CACHE_HOME": caches}
        )
        warm = {**env, "HYPOTHESIS_STORAGE_DIRECTORY": str(Path(caches) / "shared")}
        kinds = list(ROWS)
        for kind in kinds:
            _fresh(python, kind, args.max_examples, warm)  # warm-up: Unicode tables, file cache
        best: dict[str, dict[str, Any]] = {}
        for run in range(args.runs):
            for kind in kinds if run % 2 == 0 else reversed(kinds):
                row = _fresh(python, kind, args.max_examples, warm)
                rate = row["cases"] / row["run"]
                if kind not in best or rate > best[kind]["cases"] / best[kind]["run"]:
                    best[kind] = row
    base = best["plain"]["cases"] / best["plain"]["run"]
    print(
        f"{len(METHODS)} methods, --max-examples {args.max_examples}, fuzzing phase, both modes, "
        f"best of {args.runs} fresh processes per row, order alternated"
    )
    print(f"{'run':<44} {'methods':>7} {'cases':>6} {'run s':>7} {'cases/s':>8} {'vs plain':>8}")
    for kind, label in ROWS.items():
        row = best[kind]
        rate = row["cases"] / row["run"]
        print(
            f"{label:<44} {row['methods']:>7} {row['cases']:>6} {row['run']:>7.2f} "
            f"{rate:>8.1f} {rate / base:>7.0%}"
        )
    ours = best["ours in-process"]["cases"] / best["ours in-process"]["run"] / base
    after = best["plain after import"]["cases"] / best["plain after import"]["run"] / base
    print(
        f"goal: in-process >= {RATE_GOAL:.0%} of plain: {ours:.0%}, "
        f"{'met' if ours >= RATE_GOAL else 'NOT met'}; plain after the import: {after:.0%} of plain"
    )
    written = first["written"]
    verdict = "met" if first["peak_mib"] < MEMORY_GOAL_MIB and not written else "NOT met"
    print(
        f"first run, empty caches, fresh folder: peak {first['peak_mib']:.0f} MiB "
        f"(goal < {MEMORY_GOAL_MIB}), written to the folder: {written or 'nothing'}: {verdict}"
    )


if __name__ == "__main__":
    main()

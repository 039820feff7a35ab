"""Fuzzing throughput: cases per second, side by side in one run.

    .venv/bin/python benchmarks/bench_fuzz.py [--max-examples N]

1. plain schemathesis (its default checks) against a trivial in-process WSGI app that answers
   every call with a fixed envelope: the engine's own cost (mostly data generation);
2. aria-harness fuzz against the embedded stub in-process (Aria checks, stateful stub);
3. aria-harness fuzz against the same stub served over loopback HTTP.

All three fuzz the same methods with the same seed, fuzzing phase only, both modes, without
Hypothesis's example database (run_fuzz's default).
"seconds" is the whole call (for aria-harness: run_fuzz, which also builds the stub, primes it
and loads the schema, the first time with imports plain schemathesis has already paid);
"run/s" counts only the run itself (the engine's execution, as for plain schemathesis).
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from typing import Any

METHODS = ["gen_invoice_m", "get_invoice_details_m", "get_virtual_datetime_m", "gen_rb_m"]
SEED = 1234


def trivial_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Read the body, answer a fixed Aria error envelope."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    body = json.dumps({"error_code": 1016, "error_msg": "invalid input"}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def plain_schemathesis(max_examples: int) -> tuple[int, float, float]:
    """Cases and seconds for schemathesis alone against the trivial app."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    from harness.spec import registry

    schema = schemathesis.openapi.from_dict(copy.deepcopy(dict(registry().document)))
    schema.app = trivial_app
    schema.config.update(base_url="http://trivial.invalid")
    # No example database, as run_fuzz: a saved corpus in ./.hypothesis would be replayed.
    schema.config.generation.update(
        modes=["positive", "negative"], max_examples=max_examples, database="none"
    )
    schema.config.phases.update(phases=["fuzzing"])
    schema.config.checks.update(included_check_names=["not_a_server_error"])
    schema.config.seed = SEED
    schema = schema.include(operation_id=METHODS)
    cases = 0
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.interactions)
    seconds = time.perf_counter() - started
    return cases, seconds, seconds


def aria(max_examples: int, *, over_http: bool) -> tuple[int, float, float]:
    """Cases and seconds for run_fuzz against the stub, in-process or over loopback."""
    import os

    from harness.fuzz import FuzzConfig, run_fuzz
    from harness.fuzz.stubinfo import prime_stub, stub_known_values
    from harness.stub import running_stub

    common = {"methods": METHODS, "max_examples": max_examples, "seed": SEED, "phases": ["fuzzing"]}
    if not over_http:
        started = time.perf_counter()
        result = run_fuzz(FuzzConfig(**common))
        return result.cases, time.perf_counter() - started, result.duration
    with running_stub() as server:
        os.environ.pop("ARIA_AUTH_KEY", None)
        examples = prime_stub(server.stub)
        started = time.perf_counter()
        result = run_fuzz(
            FuzzConfig(
                base_url=server.url,
                credentials=(server.client_no, server.auth_key),
                known_values=stub_known_values(server.stub),
                examples=examples,
                **common,
            )
        )
        return result.cases, time.perf_counter() - started, result.duration


def main() -> None:
    """Run the three measurements and print them side by side."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=100)
    args = parser.parse_args()
    rows = [
        ("plain schemathesis, trivial app, in-process", plain_schemathesis(args.max_examples)),
        ("aria-harness fuzz, stub, in-process", aria(args.max_examples, over_http=False)),
        ("aria-harness fuzz, stub, loopback HTTP", aria(args.max_examples, over_http=True)),
    ]
    base = rows[0][1][0] / rows[0][1][1]
    print(f"{len(METHODS)} methods, --max-examples {args.max_examples}, fuzzing phase, both modes")
    print(
        f"{'run':<46} {'cases':>6} {'seconds':>8} {'cases/s':>8} {'vs plain':>8} "
        f"{'run/s':>7} {'vs plain':>8}"
    )
    for name, (cases, seconds, running) in rows:
        rate, run_rate = cases / seconds, cases / running
        print(
            f"{name:<46} {cases:>6} {seconds:>8.2f} {rate:>8.1f} {rate / base:>7.0%} "
            f"{run_rate:>7.1f} {run_rate / base:>7.0%}"
        )


if __name__ == "__main__":
    main()

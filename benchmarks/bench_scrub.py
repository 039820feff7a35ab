"""Scrubbing cost per recorded interaction (echo hunting included), optionally beside a baseline.

    .venv/bin/python benchmarks/bench_scrub.py [--runs 5] [--n 300] [--baseline DIR]

Interactions are realistic Aria calls: a JSON request carrying sensitive fields (card, CVV,
expiry, contact data, auth key) and an answer that echoes some of them in an error message plus
an ordinary account payload. ``--baseline DIR`` runs the same script against another checkout
(e.g. ``git archive main | tar -x -C /tmp/base``) in fresh processes, alternating the order,
and prints both figures and their ratio; each side's best run is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _interactions(n: int) -> list[tuple[dict, dict]]:
    pairs = []
    for index in range(n):
        params = {
            "rest_call": "update_acct_complete_m",
            "auth_key": f"Zx81Kq0aPl2Mv7Rt5Wn3Yb{index:05d}",
            "client_no": 7000000 + index,
            "acct_no": 1000 + index,
            "cc_number": "4000001230000123",
            "cvv": f"{100 + index % 900}",
            "cc_expire_mm": "09",
            "cc_expire_yyyy": "2031",
            "bill_first_name": "Jolantha",
            "bill_email": f"jolantha.q{index}@example.org",
            "bill_zip": "94107",
        }
        answer = {
            "error_code": 1016 if index % 3 == 0 else 0,
            "error_msg": f"card ending 0123 for jolantha.q{index}@example.org, zip 94107"
            if index % 3 == 0
            else "OK",
            "acct_no": 1000 + index,
            "plans": [
                {"plan_no": p, "plan_name": f"Gold {p}", "status": "active", "units": 1}
                for p in range(8)
            ],
            "invoice_date": "2026-11-30",
            "notes": "lorem ipsum dolor sit amet " * 10,
        }
        request = {
            "method": "POST",
            "uri": "https://sandbox.example/api/ws/api_ws_class_dispatcher.php",
            "body": json.dumps(params),
            "headers": {"Content-Type": ["application/json"]},
        }
        response = {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(answer).encode()},
        }
        pairs.append((request, response))
    return pairs


def measure(n: int, runs: int) -> float:
    """Best microseconds per interaction over ``runs`` passes of ``n`` fresh interactions."""
    from harness.recording.scrub import scrub_interaction

    best = float("inf")
    for run in range(runs):
        pairs = _interactions(n)
        # distinct values per pass: the per-value caches start cold, as in a recording
        for request, _ in pairs:
            request["body"] = request["body"].replace("Zx81", f"Q{run}x")
        start = time.perf_counter()
        for request, response in pairs:
            scrub_interaction(request, response)
        best = min(best, (time.perf_counter() - start) / n * 1e6)
    return best


def _child(root: Path, n: int, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}
    here = str(REPO / "benchmarks")
    code = (
        f"import sys; sys.path.insert(0, {str(root)!r}); sys.path.insert(0, {here!r});"
        f"import bench_scrub; print(bench_scrub.measure({n}, {runs}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    if args.baseline is None:
        print(f"scrub: {measure(args.n, args.runs):.0f} us/interaction")  # noqa: T201
        return
    ours, base = [], []
    for turn in range(4):  # alternate which side runs first
        sides = [(REPO, ours), (args.baseline, base)]
        for root, results in sides if turn % 2 == 0 else reversed(sides):
            results.append(_child(root, args.n, args.runs))
    print(f"scrub this tree: {min(ours):.0f} us/interaction")  # noqa: T201
    print(f"scrub baseline:  {min(base):.0f} us/interaction")  # noqa: T201
    print(f"ratio: {min(ours) / min(base):.2f}x")  # noqa: T201


if __name__ == "__main__":
    main()

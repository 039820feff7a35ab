"""Cassette load and replay, reported apart, beside plain vcrpy on the same files.

    .venv/bin/python benchmarks/bench_replay.py [--load-size 10000] [--load-runs 3]
        [--sizes 100,1000,10000] [--vcrpy-sizes 100,200,400]

The cassettes hold recorded-size interactions: the bundled recordings (``cassettes/``, made
with our recorder against the stub) repeated with a distinct ``alt_caller_id`` each, written
by the harness's writer in JSON (the default) and in YAML.

Load: seconds to open a cassette (parse, check, build what replay needs), each in a fresh
process, the order alternating between ours and vcrpy's; vcrpy reads the same file with its
own serializer for the format. Goal: ours <= 2 s for 10,000 interactions in the default format.

Replay: microseconds per interaction once the cassette is open, through requests. vcrpy with
``match_on=(method, uri, body)`` is quadratic, so it is measured at small sizes and
extrapolated with a fitted a*n^2 + b*n (printed as such).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
LOAD_GOAL_S = 2.0


def _templates() -> list[tuple[dict, dict]]:
    from harness.recording import load_interactions

    pairs = []
    for path in sorted((REPO / "cassettes").glob("*.yaml")):
        pairs += load_interactions(path)[0]
    return pairs


def _variant(request: dict, response: dict, n: int) -> tuple[dict, dict]:
    request, response = copy.deepcopy(request), copy.deepcopy(response)
    tag = f"bench-{n}"
    body = request["body"]
    if body.lstrip().startswith("{"):
        request["body"] = json.dumps({**json.loads(body), "alt_caller_id": tag})
    else:
        request["body"] = f"{body}&{urlencode({'alt_caller_id': tag})}"
    return request, response


def interactions(size: int) -> list[tuple[dict, dict]]:
    """``size`` distinct recorded-size interactions."""
    templates = _templates()
    return [_variant(*templates[n % len(templates)], n) for n in range(size)]


def make_cassette(folder: Path, size: int, fmt: str) -> Path:
    """A cassette of ``size`` distinct calls, written by the harness in ``fmt``."""
    from harness.recording.persist import write_cassette

    path = folder / f"replay-{size}.{fmt}"
    if not path.exists():
        write_cassette(path, interactions(size), merge=False)
    return path


def _open_ours(path: Path) -> object:
    from harness.recording import use_cassette

    return use_cassette(path, record_mode="none")


def _open_vcrpy(path: Path) -> object:
    import vcr

    serializer = "json" if path.suffix == ".json" else "yaml"
    recorder = vcr.VCR(record_mode="none", match_on=("method", "uri", "body"))
    return recorder.use_cassette(str(path), serializer=serializer)


OPENERS = {"ours": _open_ours, "vcrpy": _open_vcrpy}


def load_seconds(kind: str, path: Path) -> float:
    """Seconds to open a cassette (imports done beforehand)."""
    import requests  # noqa: F401 - both sides patch it; import it outside the timing
    import vcr  # noqa: F401

    import harness.recording.config  # noqa: F401

    context = OPENERS[kind](path)
    start = time.perf_counter()
    context.__enter__()
    seconds = time.perf_counter() - start
    context.__exit__(None, None, None)
    return seconds


def _load_fresh(kind: str, path: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--_load", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def replay_seconds(kind: str, path: Path, size: int) -> float:
    """Seconds to replay every interaction of an open cassette through requests."""
    import requests

    session = requests.Session()
    calls = [
        (
            request["uri"],
            request["body"].encode(),
            {"Content-Type": request["headers"]["Content-Type"][0]},
        )
        for request, _ in interactions(size)
    ]
    with OPENERS[kind](path):
        start = time.perf_counter()
        for url, body, headers in calls:
            assert session.post(url, data=body, headers=headers).status_code == 200
        return time.perf_counter() - start


def _bench_load(folder: Path, size: int, runs: int) -> None:
    paths = {fmt: make_cassette(folder, size, fmt) for fmt in ("json", "yaml")}
    rows = [("ours", "json"), ("vcrpy", "json"), ("ours", "yaml"), ("vcrpy", "yaml")]
    times: dict[tuple[str, str], list[float]] = {row: [] for row in rows}
    for run in range(runs):
        for kind, fmt in rows if run % 2 == 0 else reversed(rows):
            times[(kind, fmt)].append(_load_fresh(kind, paths[fmt]))
    best = {row: min(values) for row, values in times.items()}
    print(f"load: {size} interactions, fresh process per load, best of {runs}, order alternated")
    for fmt in ("json", "yaml"):
        megabytes = paths[fmt].stat().st_size / 1e6
        per = paths[fmt].stat().st_size / size
        ours, theirs = best[("ours", fmt)], best[("vcrpy", fmt)]
        label = f"{fmt}{' (default)' if fmt == 'json' else ''}"
        print(
            f"  {label:<15} {megabytes:5.1f} MB ({per:,.0f} B/interaction): ours {ours:6.2f} s  "
            f"vcrpy {theirs:6.2f} s  vcrpy/ours {theirs / ours:4.2f}x  "
            f"(medians {statistics.median(times[('ours', fmt)]):.2f} / "
            f"{statistics.median(times[('vcrpy', fmt)]):.2f} s)"
        )
    ours = best[("ours", "json")]
    verdict = "met" if ours <= LOAD_GOAL_S else "NOT met"
    print(f"  goal: default format <= {LOAD_GOAL_S:.0f} s: {ours:.2f} s, {verdict}")


def _bench_replay(folder: Path, sizes: list[int], vcrpy_sizes: list[int]) -> None:
    paths = {size: make_cassette(folder, size, "json") for size in set(sizes + vcrpy_sizes)}
    replay_seconds("ours", paths[min(paths)], min(paths))  # warm imports and caches
    print("replay, cassette already open (JSON, recorded-size interactions):")
    ours = {}
    for size in sizes:
        ours[size] = replay_seconds("ours", paths[size], size)
        print(f"  ours  {size:>6}: {ours[size]:8.3f} s  {ours[size] / size * 1e6:8.1f} us/call")
    low, high = min(sizes), max(sizes)
    flat = (ours[high] / high) / (ours[low] / low)
    print(f"  ours: per-call cost at {high} vs {low}: {flat:.2f}x (flat is 1.0)")
    theirs = {}
    for size in vcrpy_sizes:
        theirs[size] = replay_seconds("vcrpy", paths[size], size)
        print(
            f"  vcrpy {size:>6}: {theirs[size]:8.3f} s  {theirs[size] / size * 1e6:8.1f} us/call"
            "  (match_on method, uri, body)"
        )
    # least squares fit of t = a*n^2 + b*n over the measured sizes
    s4 = sum(n**4 for n in theirs)
    s3 = sum(n**3 for n in theirs)
    s2 = sum(n**2 for n in theirs)
    t2 = sum(t * n**2 for n, t in theirs.items())
    t1 = sum(t * n for n, t in theirs.items())
    det = s4 * s2 - s3 * s3
    a = (t2 * s2 - s3 * t1) / det
    b = (s4 * t1 - s3 * t2) / det
    for size in sizes:
        measured = theirs.get(size)
        value = measured if measured else a * size**2 + b * size
        label = f"measured {value:.3f} s" if measured else f"extrapolated {value:.1f} s"
        print(f"  vcrpy at {size:>6}: {label}; vcrpy/ours {value / ours[size]:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load-size", type=int, default=10000)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--vcrpy-sizes", default="100,200,400")
    parser.add_argument("--_load", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._load:
        print(load_seconds(args._load[0], Path(args._load[1])))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    vcrpy_sizes = [int(s) for s in args.vcrpy_sizes.split(",")]
    if len(set(vcrpy_sizes)) < 2:
        parser.error("--vcrpy-sizes needs two sizes or more: vcrpy's quadratic cost is fitted")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("writing the cassettes ...", file=sys.stderr)
        _bench_load(folder, args.load_size, args.load_runs)
        _bench_replay(folder, sizes, vcrpy_sizes)


if __name__ == "__main__":
    main()

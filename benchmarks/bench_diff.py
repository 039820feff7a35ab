"""Time to diff two full Aria releases: aria-harness's release diff vs a plain recursive JSON diff.

oasdiff is a Go program that no npm or PyPI package ships here, so the reference is a plain
recursive diff of the two parsed files (every differing key path), the least work any diff
must do. Each sample runs in a fresh process (imports done, files in the OS cache), the two
alternating; the best sample of each is printed, with the ratio. Goal: under 1 s.

    python benchmarks/bench_diff.py [--rounds 5] [--old FILE] [--new FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SWAGGER = ROOT.parent / "shared" / "aria-swagger"


def plain_json_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Every key path whose value differs between two parsed JSON documents."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in old.keys() | new.keys():
            if key not in old or key not in new:
                found.append(f"{path}/{key}")
            else:
                found.extend(plain_json_diff(old[key], new[key], f"{path}/{key}"))
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [path]
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found.extend(plain_json_diff(a, b, f"{path}/{index}"))
        return found
    return [] if old == new else [path]


def worker(kind: str, old: str, new: str) -> None:
    """One sample, printed as JSON: seconds and how many differences were found."""
    sys.path.insert(0, str(ROOT))
    if kind == "aria-harness":
        from harness.releases import diff_models
        from harness.swagger import load_description

        start = time.perf_counter()
        found = len(diff_models(load_description(old), load_description(new)))
    else:
        start = time.perf_counter()
        with open(old, encoding="utf-8") as a, open(new, encoding="utf-8") as b:
            found = len(plain_json_diff(json.load(a), json.load(b)))
    print(json.dumps({"seconds": time.perf_counter() - start, "found": found}))


def sample(kind: str, old: str, new: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--old", old, "--new", new],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--old", default=str(SWAGGER / "all_A7_18_swagger.json"))
    parser.add_argument("--new", default=str(SWAGGER / "all_A7_19_swagger.json"))
    parser.add_argument("--worker", choices=["aria-harness", "json-diff"])
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.old, args.new)
        return
    kinds = ["aria-harness", "json-diff"]
    for path in (args.old, args.new):
        Path(path).read_bytes()  # into the OS cache
    best: dict[str, float] = {}
    found: dict[str, float] = {}
    for round_no in range(args.rounds):
        for kind in kinds if round_no % 2 == 0 else kinds[::-1]:
            result = sample(kind, args.old, args.new)
            best[kind] = min(best.get(kind, float("inf")), result["seconds"])
            found[kind] = result["found"]
    sizes = sum(Path(p).stat().st_size for p in (args.old, args.new)) / 1e6
    print(f"{Path(args.old).name} -> {Path(args.new).name} ({sizes:.1f} MB of JSON)")
    print(f"best of {args.rounds} fresh processes each, order alternated")
    print(f"{'diff':14} {'seconds':>8} {'found':>8}")
    for kind in kinds:
        unit = "changes" if kind == "aria-harness" else "paths"
        print(f"{kind:14} {best[kind]:8.3f} {found[kind]:>8.0f} {unit}")
    ratio = best["aria-harness"] / best["json-diff"]
    print(
        f"aria-harness / plain JSON diff: {ratio:.2f}x; goal under 1 s: "
        f"{'met' if best['aria-harness'] < 1 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

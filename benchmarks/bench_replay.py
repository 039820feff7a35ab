"""Replay cost per interaction: the indexed AriaCassette vs vcrpy with its body matcher.

    .venv/bin/python benchmarks/bench_replay.py [--sizes 100,1000,10000] [--vcrpy-sizes 100,200,400]

Both replay the same cassette file (vcrpy's format, written by the harness) through requests,
side by side in one run. vcrpy with ``match_on=(method, uri, body)`` is quadratic, so it is
measured at small sizes and extrapolated to 10,000 with a fitted a*n^2 + b*n (printed as such).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import requests

URL = "http://aria.bench.invalid/api/ws/api_ws_class_dispatcher.php"


def _interaction(n: int) -> tuple[dict, dict]:
    body = json.dumps(
        {"rest_call": "get_invoice_details_m", "acct_no": 1000 + n, "src_transaction_id": n}
    )
    answer = json.dumps({"error_code": 0, "error_msg": "OK", "invoice_no": n, "amount": n * 1.5})
    return (
        {
            "method": "POST",
            "uri": URL,
            "body": body,
            "headers": {"Content-Type": ["application/json"]},
        },
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": answer.encode()},
        },
    )


def _bodies(size: int) -> list[bytes]:
    return [_interaction(n)[0]["body"].encode() for n in range(size)]


def make_cassette(folder: Path, size: int) -> Path:
    """A vcrpy-format cassette of ``size`` distinct calls."""
    from harness.recording.persist import write_cassette

    path = folder / f"replay-{size}.yaml"
    write_cassette(path, [_interaction(n) for n in range(size)], merge=False)
    return path


def _replay(context, size: int) -> float:
    session = requests.Session()
    bodies = _bodies(size)
    headers = {"Content-Type": "application/json"}
    start = time.perf_counter()
    with context:
        for body in bodies:
            assert session.post(URL, data=body, headers=headers).status_code == 200
    return time.perf_counter() - start


def replay_indexed(path: Path, size: int) -> float:
    """Seconds to load and replay every interaction through the harness's cassette."""
    from harness.recording import use_cassette

    return _replay(use_cassette(path, record_mode="none"), size)


def replay_vcrpy(path: Path, size: int) -> float:
    """Seconds to load and replay every interaction through plain vcrpy with body matching."""
    import vcr

    recorder = vcr.VCR(record_mode="none", match_on=("method", "uri", "body"))
    return _replay(recorder.use_cassette(str(path)), size)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--vcrpy-sizes", default="100,200,400")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    vcrpy_sizes = [int(s) for s in args.vcrpy_sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = {size: make_cassette(folder, size) for size in sorted(set(sizes + vcrpy_sizes))}
        replay_indexed(paths[min(paths)], min(paths))  # warm imports
        ours = {}
        print("indexed AriaCassette (load + replay, YAML):")
        for size in sizes:
            ours[size] = replay_indexed(paths[size], size)
            per = ours[size] / size * 1e6
            print(f"  {size:>6} interactions: {ours[size]:8.3f} s  {per:8.1f} us/interaction")
        low, high = min(sizes), max(sizes)
        flat = (ours[high] / high) / (ours[low] / low)
        print(f"  per-interaction cost {high} vs {low}: {flat:.2f}x (target <= 1.5x)")
        print("vcrpy, match_on=(method, uri, body) (load + replay, same files):")
        theirs = {}
        for size in vcrpy_sizes:
            theirs[size] = replay_vcrpy(paths[size], size)
            per = theirs[size] / size * 1e6
            print(f"  {size:>6} interactions: {theirs[size]:8.3f} s  {per:8.1f} us/interaction")
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
            estimate = a * size**2 + b * size
            label = f"measured {measured:.3f} s" if measured else f"extrapolated {estimate:.1f} s"
            value = measured or estimate
            print(
                f"  vcrpy at {size:>6}: {label}; speed-up of the index: {value / ours[size]:,.0f}x"
            )


if __name__ == "__main__":
    main()

"""Cost per intercepted Aria call on the stub target, beside a `responses` mock and `stub.call`.

    .venv/bin/python benchmarks/bench_intercept.py [--calls 2000] [--rounds 3]

The same call (get_virtual_datetime_m, JSON body, through one requests.Session) three ways:
intercepted by ``harness.intercept`` and answered by the embedded stub in-process (policy,
stub, contract check included); mocked by the ``responses`` library returning the stub's own
answer as a canned body; and the stub called directly in-process (no HTTP library at all).
Each variant runs in a fresh process, warm (a first batch is discarded), in alternating order
over several rounds; the best round counts. Goal: intercepted <= 2x responses.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

URL = "https://secure.future.ariasystems.net/api/ws/api_ws_class_dispatcher.php"
BODY = {"rest_call": "get_virtual_datetime_m", "client_no": 1, "auth_key": "app-config-key"}
VARIANTS = ("intercept", "responses", "stub.call")
GOAL = 2.0


def _time(func, calls: int) -> float:
    """Microseconds per call over ``calls`` calls, after a discarded warm-up batch."""
    for _ in range(max(50, calls // 10)):
        func()
    start = time.perf_counter()
    for _ in range(calls):
        func()
    return (time.perf_counter() - start) / calls * 1e6


def run_variant(variant: str, calls: int) -> float:
    """One variant in this process: microseconds per call."""
    import requests

    from harness.stub import Stub

    stub = Stub()
    session = requests.Session()
    data = json.dumps(BODY).encode()
    headers = {"Content-Type": "application/json"}

    def post() -> None:
        assert session.post(URL, data=data, headers=headers).json()["error_code"] == 0

    if variant == "intercept":
        from harness.intercept import intercept

        with intercept(stub=stub):
            return _time(post, calls)
    if variant == "responses":
        import responses

        client_no, auth_key = stub.service.default_credentials
        canned = json.dumps(
            stub.call("get_virtual_datetime_m", client_no=client_no, auth_key=auth_key)
        )
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, URL, body=canned, content_type="application/json", status=200)
            return _time(post, calls)
    credentials = dict(
        zip(("client_no", "auth_key"), stub.service.default_credentials, strict=True)
    )

    def direct() -> None:
        assert stub.call("get_virtual_datetime_m", **credentials)["error_code"] == 0

    return _time(direct, calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(run_variant(args.variant, args.calls))
        return
    best: dict[str, float] = {}
    for round_no in range(args.rounds):
        order = VARIANTS if round_no % 2 == 0 else tuple(reversed(VARIANTS))
        for variant in order:
            out = subprocess.run(
                [sys.executable, __file__, "--variant", variant, "--calls", str(args.calls)],
                check=True,
                capture_output=True,
                text=True,
            )
            micros = float(out.stdout.strip().splitlines()[-1])
            best[variant] = min(micros, best.get(variant, micros))
    print(f"per call, best of {args.rounds} fresh-process rounds of {args.calls} warm calls:")
    for variant in VARIANTS:
        print(f"  {variant:<10} {best[variant]:8.1f} us/call")
    ratio = best["intercept"] / best["responses"]
    print(f"intercepted / responses mock: {ratio:.2f}x (goal <= {GOAL:.0f}x)")
    print(f"intercepted / direct stub.call: {best['intercept'] / best['stub.call']:.2f}x")


if __name__ == "__main__":
    main()

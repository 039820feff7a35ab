"""What the two-layer description costs: loading it, and the first validation of a cold method.

    .venv/bin/python benchmarks/bench_spec.py [--runs 7]

Each figure is the median over fresh interpreters, the probes alternating in order, so every
run is cold the way a consumer's first call is. Side by side:

- ``registry()`` with a core method looked up (the hand-built layer only, as before the generated
  layer existed) beside ``registry()`` with a generated method looked up (both layers);
- the first validation of a core method's answer with the registry limited to the hand-built
  layer (the reference: what validation cost with eight methods), the same with both layers,
  and the first validation of a generated method's answer;
- ``import harness`` alone, and whether it read either layer (it must not);
- ``pytest --collect-only`` of a consumer's tests with the plugin, and whether collecting read
  either layer (it must not).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETUP = "import time; t = time.perf_counter()\n"
REPORT = "\nprint((time.perf_counter() - t) * 1000)"

HAND_ONLY = (
    "import harness.contracts.validator as v\n"
    "from harness.spec import Registry, load_document\n"
    "hand = Registry(load_document('openapi', 'aria.yaml'))\n"
    "v.registry = lambda: hand\n"
)

PROBES = {
    "registry(), a core method": "from harness.spec import registry\nregistry()['gen_invoice_m']",
    "registry(), a generated method": (
        "from harness.spec import registry\nregistry()['get_acct_details_all_m']"
    ),
    "first validation, core method, hand-built layer only (reference)": (
        HAND_ONLY + "v.validate('gen_invoice_m', {'error_code': 1004, 'error_msg': 'x'})"
    ),
    "first validation, core method, both layers": (
        "from harness.contracts import validate\n"
        "validate('gen_invoice_m', {'error_code': 1004, 'error_msg': 'x'})"
    ),
    "first validation, generated method": (
        "from harness.contracts import validate\n"
        "validate('get_acct_details_all_m', {'error_code': 1004, 'error_msg': 'x'})"
    ),
    "import harness": "import harness",
}


def _probe(code: str, *, timed_setup: str = "") -> float:
    # A HAND_ONLY setup is part of the timed code: building the hand-only registry is the
    # reference's own load, as registry() is the others'.
    script = SETUP + timed_setup + code + REPORT
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


CONSUMER_TESTS = """
import pytest

@pytest.mark.aria_cassette
def test_replayed(aria_client):
    pass

def test_stub(aria_stub, aria_client):
    pass
"""
# Reports, once collection is over, whether anything built the registry or read a layer.
CONSUMER_CONFTEST = """
def pytest_collection_finish(session):
    from harness.spec import registry
    built = registry.cache_info().currsize
    generated = built and "_generated" in registry().__dict__
    print(f"REGISTRY built={built} generated_read={bool(generated)}")
"""


def _collect(folder: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-s"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, next(line for line in out.splitlines() if line.startswith("REGISTRY"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in PROBES}
    names = list(PROBES)
    for run in range(args.runs):
        order = names if run % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(_probe(PROBES[name]))
    width = max(map(len, names))
    for name in names:
        print(f"{name:<{width}}  {statistics.median(times[name]):8.1f} ms (median of {args.runs})")
    core = statistics.median(times["registry(), a core method"])
    generated = statistics.median(times["registry(), a generated method"])
    reference = statistics.median(times[names[2]])
    cold = statistics.median(times["first validation, generated method"])
    print(f"generated layer read on demand: +{generated - core:.1f} ms over the core registry")
    print(
        f"first validation of a generated method vs the eight-method reference: "
        f"{cold / reference:.2f}x"
    )
    check = (
        "import sys, harness\n"
        "from harness.spec import registry\n"
        "print(registry.cache_info().currsize, 'jsonschema_rs' in sys.modules)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_consumer.py").write_text(CONSUMER_TESTS)
        (folder / "conftest.py").write_text(CONSUMER_CONFTEST)
        runs = [_collect(folder) for _ in range(args.runs)]
    collect = statistics.median(elapsed for elapsed, _ in runs)
    print(f"pytest --collect-only, consumer tests   {collect:8.1f} ms (median of {args.runs})")
    print(f"during collection: {runs[-1][1]}")
    read = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    print(f"after import harness: registries built, jsonschema_rs loaded = {read.stdout.strip()}")


if __name__ == "__main__":
    main()

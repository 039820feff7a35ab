"""Contract validation throughput: aria-harness's compiled contracts vs precompiled jsonschema.

Validates a full gen_invoice_m success response (one invoice, three lines, tax details) with
both engines in one run and prints validations per second side by side.

    python benchmarks/bench_contracts.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jsonschema  # noqa: E402
from referencing import Registry, Resource  # noqa: E402
from referencing.jsonschema import DRAFT202012  # noqa: E402

from harness.contracts import contract_for  # noqa: E402
from harness.contracts.validator import OPENAPI_URI, codes_uri  # noqa: E402
from harness.spec import load_document, registry  # noqa: E402
from tests.samples import gen_invoice_m_success  # noqa: E402


def rate(func: Callable[[], Any], seconds: float) -> tuple[float, float]:
    """Calls per second and mean microseconds per call, over at least `seconds`."""
    func()  # warm up caches
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            func()
        calls += 100
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - start
    return calls / elapsed, elapsed / calls * 1e6


def jsonschema_validator() -> jsonschema.protocols.Validator:
    reg = registry()
    resources = [
        (
            OPENAPI_URI,
            Resource(contents=json.loads(json.dumps(reg.document)), specification=DRAFT202012),
        )
    ]
    resources += [
        (codes_uri(s.name), DRAFT202012.create_resource({"enum": sorted(s.allowed_codes)}))
        for s in reg
    ]
    schema = load_document("contracts", "gen_invoice_m.json")
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=Registry().with_resources(resources))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    response = gen_invoice_m_success()
    size = len(json.dumps(response))
    contract = contract_for("gen_invoice_m")
    reference = jsonschema_validator()
    assert not contract.validate(response), "the sample must conform"
    assert reference.is_valid(response), "the sample must conform for jsonschema too"

    broken = gen_invoice_m_success()
    broken["out_invoices_list"][0]["invoice_items"][0]["line_amount"] = "30.00"

    rows = [
        ("aria-harness contract (valid)", rate(lambda: contract.validate(response), args.seconds)),
        (
            "jsonschema precompiled (valid)",
            rate(lambda: list(reference.iter_errors(response)), args.seconds),
        ),
        (
            "aria-harness contract (1 violation)",
            rate(lambda: contract.validate(broken), args.seconds),
        ),
        (
            "jsonschema precompiled (1 violation)",
            rate(lambda: list(reference.iter_errors(broken)), args.seconds),
        ),
    ]
    print(f"gen_invoice_m success response: {size} bytes of JSON")
    print(f"{'engine':40} {'validations/s':>14} {'us/validation':>14}")
    for name, (per_second, micros) in rows:
        print(f"{name:40} {per_second:14,.0f} {micros:14.1f}")
    print(f"speed-up on a valid response: {rows[0][1][0] / rows[1][1][0]:.0f}x")
    print(f"speed-up on an invalid response: {rows[2][1][0] / rows[3][1][0]:.0f}x")


if __name__ == "__main__":
    main()

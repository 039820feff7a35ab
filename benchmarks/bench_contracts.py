"""Contract validation: aria-harness's ``validate`` vs raw jsonschema-rs and jsonschema.

Validates a full gen_invoice_m success response (one invoice, three lines, tax details) and
a copy with one violation. The references run on the same schema (the contract with its
OpenAPI and error-code references): raw jsonschema-rs (``is_valid``, and ``iter_errors`` when
invalid) and a precompiled ``jsonschema`` validator. ``validate`` also checks the contract's
invariants (totals that add up), which neither reference does: the ratio is printed with them
and without them (a contract built from the same schema less its ``x-aria-invariants``).
The engines take turns in short rounds, in alternating order, and each keeps its best round, so
machine noise hits all alike.

    python benchmarks/bench_contracts.py [--seconds 6]
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
import jsonschema_rs  # noqa: E402
from referencing import Registry, Resource  # noqa: E402
from referencing.jsonschema import DRAFT202012  # noqa: E402

from harness.contracts import contract_for, validate  # noqa: E402
from harness.contracts.invariants import compile_check  # noqa: E402
from harness.contracts.validator import OPENAPI_URI, Contract, _resources, codes_uri  # noqa: E402
from harness.spec import load_document, registry  # noqa: E402
from tests.samples import gen_invoice_m_success  # noqa: E402

GOAL = 0.8  # validate() at least 0.8x raw jsonschema-rs on the same schema, on a conforming answer


def best_rates(funcs: dict[str, Callable[[], Any]], seconds: float) -> dict[str, float]:
    """Microseconds per call of each function: best round of 200 calls, rounds interleaved."""
    for func in funcs.values():
        func()  # warm up caches
    best = dict.fromkeys(funcs, float("inf"))
    order = list(funcs.items())
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        order.reverse()  # no engine always runs right after the same neighbour
        for name, func in order:
            start = time.perf_counter()
            for _ in range(200):
                func()
            best[name] = min(best[name], (time.perf_counter() - start) / 200 * 1e6)
    return best


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
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()

    response = gen_invoice_m_success()
    size = len(json.dumps(response))
    contract = contract_for("gen_invoice_m")
    reference = jsonschema_validator()
    assert not contract.validate(response), "the sample must conform"
    assert reference.is_valid(response), "the sample must conform for jsonschema too"

    broken = gen_invoice_m_success()
    broken["out_invoices_list"][0]["invoice_items"][0]["line_amount"] = "30.00"

    schema = load_document("contracts", "gen_invoice_m.json")
    raw = jsonschema_rs.validator_for(dict(schema), registry=_resources())
    assert raw.is_valid(response) and not raw.is_valid(broken)
    bare = {key: value for key, value in schema.items() if key != "x-aria-invariants"}
    schema_only = Contract("gen_invoice_m", bare, _resources())
    holds = compile_check(contract.invariants)
    micros = best_rates(
        {
            "validate (valid)": lambda: validate("gen_invoice_m", response),
            "validate, no invariants (valid)": lambda: schema_only.validate(response),
            "the invariants alone (valid)": lambda: holds(response),
            "jsonschema-rs (valid)": lambda: raw.is_valid(response),
            "jsonschema (valid)": lambda: list(reference.iter_errors(response)),
            "validate (1 violation)": lambda: validate("gen_invoice_m", broken),
            "validate, no invariants (1 violation)": lambda: schema_only.validate(broken),
            "jsonschema-rs (1 violation)": lambda: list(raw.iter_errors(broken)),
            "jsonschema (1 violation)": lambda: list(reference.iter_errors(broken)),
        },
        args.seconds,
    )
    print(f"gen_invoice_m success response: {size} bytes of JSON; best interleaved rounds")
    print(f"{'engine':40} {'validations/s':>14} {'us/validation':>14}")
    for name, value in micros.items():
        print(f"{name:40} {1e6 / value:14,.0f} {value:14.2f}")
    for case in ("valid", "1 violation"):
        rs, py = micros[f"jsonschema-rs ({case})"], micros[f"jsonschema ({case})"]
        for label, ours in (
            ("validate", micros[f"validate ({case})"]),
            ("validate, no invariants", micros[f"validate, no invariants ({case})"]),
        ):
            if case == "valid":
                goal = f"goal >= {GOAL}x: {'met' if rs / ours >= GOAL else 'NOT met'}"
            else:  # a broken answer also pays for the schema pass that found it and the messages
                goal = f"the goal is for a conforming answer; {ours - rs:.1f} us more"
            print(
                f"{case}: {label} is {rs / ours:.2f}x raw jsonschema-rs ({goal}), "
                f"{py / ours:.0f}x jsonschema"
            )


if __name__ == "__main__":
    main()

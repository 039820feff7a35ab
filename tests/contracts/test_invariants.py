"""The one-walk invariant check agrees with checking each invariant at each node on its own."""

from __future__ import annotations

import copy
import random

import pytest

from harness.contracts import contract_for
from harness.contracts.invariants import (
    _holds,
    _nodes_with_paths,
    check_invariants,
    compile_check,
    compile_invariants,
)
from tests.samples import gen_invoice_m_success

_AMOUNTS = (
    "invoice_charges_before_tax",
    "invoice_tax_charges",
    "invoice_charges_after_tax",
    "invoice_credit_amount",
    "invoice_total_amount",
    "unrounded_tax_amt",
    "carryover_from_prev_amt",
    "before_round_adjusted_tax_amt",
)


def _numeric_leaves(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _numeric_leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _numeric_leaves(child, (*path, index))
    elif type(value) in (int, float) and path and path[-1] in _AMOUNTS:
        yield path


def _perturbed(rng: random.Random) -> dict:
    response = gen_invoice_m_success()
    invoice = response["out_invoices_list"][0]
    for _ in range(rng.randrange(3)):  # more invoices and tax lines, so "*" walks several
        response["out_invoices_list"].append(copy.deepcopy(invoice))
        invoice.setdefault("tax_details", []).extend(copy.deepcopy(invoice["tax_details"]))
    for path in list(_numeric_leaves(response)):
        if rng.random() < 0.15:
            *parent, key = path
            node = response
            for part in parent:
                node = node[part]
            node[key] = rng.choice([None, "1.00", node[key] + 0.004, node[key] + 0.006, 0])
    return response


@pytest.mark.parametrize("seed", range(200))
def test_one_walk_finds_exactly_what_each_invariant_finds_alone(seed: int) -> None:
    contract = contract_for("gen_invoice_m")
    response = _perturbed(random.Random(seed))
    each = sorted(
        ("/".join(map(str, path)), invariant.name)
        for invariant in contract.invariants
        for path, node in _nodes_with_paths(invariant.at, response)
        if not _holds(invariant, node)
    )
    found = check_invariants("gen_invoice_m", contract.invariants, response)
    assert (
        sorted(
            (violation.pointer.rsplit("/", 1)[0].lstrip("/"), violation.rule.split(":")[1])
            for violation in found
        )
        == each
    )


_SHAPES = compile_invariants(
    [
        {"name": "root", "at": "", "total": "t", "terms": ["+a", "-b"]},
        {"name": "member", "at": "/m", "total": "t", "terms": ["+a", "+b", "+c"]},
        {"name": "items", "at": "/l/*", "total": "t", "terms": ["+a"]},
        {"name": "shared", "at": "/l/*", "total": "a", "terms": ["+t", "-b"]},
        {"name": "nested", "at": "/l/*/l/*", "total": "t", "terms": ["-a", "+b"]},
        {"name": "rows", "at": "/g/*/*", "total": "t", "terms": ["+a", "+b"]},
    ]
)


def _sums(rng: random.Random, sign_a: int = 1, sign_b: int = 1, b: float | None = None) -> dict:
    """A node where ``t = sign_a * a + sign_b * b`` (and c = 0): its path's sums hold."""
    a, b = rng.choice([1, 2.5, 0.1]), rng.choice([0, 0.2, 3]) if b is None else b
    return {"a": a, "b": b, "c": 0.0, "t": sign_a * a + sign_b * b}


def _shaped(rng: random.Random) -> dict:
    """A response with a node at every path of ``_SHAPES``, then a few values spoilt."""
    nested = [[_sums(rng, -1) for _ in range(rng.randrange(3))] for _ in range(3)]
    items = [_sums(rng, b=0.0) | {"l": inner} for inner in nested]
    rows = [[_sums(rng) for _ in range(rng.randrange(3))] for _ in range(rng.randrange(3))]
    response = _sums(rng, 1, -1) | {"m": _sums(rng), "l": items, "g": rows}
    nodes = [response, response["m"], *items, *(i for item in items for i in item["l"])]
    nodes += [node for row in rows for node in row]
    for node in rng.sample(nodes, rng.randrange(1, 3)):
        key = rng.choice(["a", "b", "c", "t", "l", "m"])
        spoilt = [None, "1.00", True, 10**6, [], {}]
        if type(node.get(key)) in (int, float):
            spoilt += [node[key] + 0.004, node[key] + 0.006, node[key] - 0.006]
        if rng.random() < 0.2:
            node.pop(key, None)  # a left-out member: the compiled check's slower read
        else:
            node[key] = rng.choice(spoilt)
    return response


@pytest.mark.parametrize("seed", range(300))
def test_compiled_check_agrees_with_each_invariant_checked_alone(seed: int) -> None:
    rng = random.Random(seed)
    response = _shaped(rng)
    response["error_code"] = rng.choice([0, 0, 0, 1004])
    expected = response["error_code"] != 0 or all(
        _holds(invariant, node)
        for invariant in _SHAPES
        for _, node in _nodes_with_paths(invariant.at, response)
    )
    assert compile_check(_SHAPES)(response) is expected
    assert (check_invariants("m", _SHAPES, response) == []) is expected


def test_a_contract_without_invariants_compiles_to_a_check_that_always_holds() -> None:
    assert compile_check(())({"error_code": 0, "total": "not even a number"}) is True

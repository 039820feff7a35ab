"""The one-walk invariant check agrees with checking each invariant at each node on its own."""

from __future__ import annotations

import copy
import random

import pytest

from harness.contracts import contract_for
from harness.contracts.invariants import _holds, _nodes_with_paths, check_invariants
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

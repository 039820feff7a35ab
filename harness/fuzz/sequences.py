"""Starting points for the stateful phase: bodies that can succeed, so the links have data.

A link carries what one call created into the next (the order's invoice into gen_rb_m), but only
a call that succeeded creates anything, and a wholly generated create_order_m or gen_invoice_m
almost never succeeds (any of its dozens of optional inputs can be out of place). So most
positive stateful steps of a method with seeds start from one of them, a body known to fit the
target (an account with its plan instance, a catalogue SKU); the link's values are merged over
it afterwards. The rest stay generated, so the sequences still meet unexpected input.
"""

from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from schemathesis.generation.meta import TestPhase
from schemathesis.hooks import HookContext

from harness.fuzz.context import context_of, method_of

__all__ = ["SEEDED_SHARE", "seed_sequence_step", "stub_sequence_seeds"]

# Of every this many positive stateful steps, all but one start from a seed.
SEEDED_SHARE = 4


def seed_sequence_step(hook_context: HookContext, case: Any) -> Any:
    """Start a positive stateful step from a body that fits the target (map_case hook)."""
    context = context_of(case)
    spec = method_of(case)
    meta = case.meta
    if (
        context is None
        or spec is None
        or meta is None
        or meta.phase.name != TestPhase.STATEFUL
        or meta.generation.mode.is_negative
        or not isinstance(case.body, dict)
    ):
        return case
    seeds = context.sequence_seeds.get(spec.name)
    if not seeds:
        return case
    # Decided from the generated data, so a replayed step is seeded the same way.
    pick = zlib.crc32(json.dumps(case.body, sort_keys=True, default=str).encode())
    if pick % SEEDED_SHARE == 0:
        return case
    case.body.clear()
    case.body.update({"rest_call": spec.name, **copy.deepcopy(dict(seeds[pick % len(seeds)]))})
    return case


def stub_sequence_seeds(
    instances: Sequence[Mapping[str, Any]],
    invoices: Sequence[Mapping[str, Any]],
    skus: Sequence[str],
) -> dict[str, list[dict[str, Any]]]:
    """Seeds from a stub's state (``StubService.plan_instances``, ``invoices``) and its SKUs.

    gen_invoice_m asks for a pending invoice (force_pending), so the approval link that follows
    has something to approve; a plan instance whose billing date has not come answers 1002 and
    starts no sequence, which is also a correct answer.
    """
    accounts = sorted({row["acct_no"] for row in instances})
    seeds: dict[str, list[dict[str, Any]]] = {
        "gen_invoice_m": [
            {
                "acct_no": row["acct_no"],
                "master_plan_instance_no": row["mpi_no"],
                "force_pending": "true",
            }
            for row in instances
        ],
        # A link names the invoice and its line (a root step rebills a posted invoice); reason_cd
        # is required and the docs list no codes, so the seed gives the stub example's value.
        "gen_rb_m": [
            {
                "acct_no": row["acct_no"],
                "orig_invoice_no": row["invoice_no"],
                "reason_cd": 1,
                "rb_line_items": [{"line_no": 1}],
            }
            for row in invoices
            if row.get("status") == "posted" and row.get("kind") != "credit_memo"
        ]
        or [{"reason_cd": 1, "rb_line_items": [{"line_no": 1}]}],
        # The links name the invoice (and the account); nothing else is needed.
        "manage_pending_invoice_m": [{}],
        "get_invoice_details_m": [{}],
    }
    if skus and accounts:
        seeds["create_order_m"] = [
            {"account_no": acct_no, "order_line_items_list": [{"client_sku": sku, "units": 1}]}
            for acct_no in accounts
            for sku in skus
        ]
    return seeds

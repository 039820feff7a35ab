"""An in-memory stub keeps rarely written rows across transactions (``Transaction.kept``); a
file-backed one keeps them for one transaction only. So the same calls must get the same answers
from both, but for the real clock's time of day: any other difference is a stale kept value.

Seeded pseudo-random call sequences mix the methods that read or write kept rows (invoices,
orders, the clock, plan changes and queued changes, billing dates, pending invoices, accounts,
credits and write-offs) with calls that fail and roll back, on both stubs side by side, and
compare every answer and, at the end, every row of both stores.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.stub import Stub
from harness.stub.fixtures import read_fixture

SEQUENCES, CALLS = 60, 50
ACCOUNTS = (1000001, 1000002, 1000003, 1000004)
UNKNOWN_ACCT = 4242
GROUPS = {1000001: (70001, 70002), 1000002: (70003,), 1000003: (70004,), 1000004: (70005,)}
PLANS = (10001, 10002, 10003)
SKUS = ("WIDGET", "GADGET", "EBOOK")
CARD = "4111111111111111"
# the real clock's time of day: virtual and system times, and every stamp a call writes
_TIME_OF_DAY = re.compile(r"\b\d{2}:\d{2}:\d{2}(\.\d+)?")
_REAL_CLOCK_FIELDS = frozenset({"system_date"})
_NUMBERED = (
    "invoice_no",
    "order_no",
    "plan_instance_no",
    "acct_no",
    "cm_no",
    "queue_id",
    "rec_no",
    "transaction_id",
)

Call = tuple[str, dict[str, Any]]
RESET = "<reset>"  # not a method: both stubs go back to their fixtures


def masked(value: Any) -> Any:
    """The value with every real-clock time of day (and the system date) masked."""
    if isinstance(value, dict):
        return {
            key: "<system>" if key in _REAL_CLOCK_FIELDS else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, str):
        return _TIME_OF_DAY.sub("hh:mm:ss", value)
    return value


def first_difference(left: Any, right: Any, path: str = "") -> str | None:
    """The path of the first field where two JSON-like values differ, or None."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in list(left) + [k for k in right if k not in left]:
            found = first_difference(
                left.get(key, "<absent>"), right.get(key, "<absent>"), f"{path}.{key}"
            )
            if found:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{path} (length {len(left)} != {len(right)})"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if left == right else f"{path}: {left!r} != {right!r}"


class Pools:
    """Numbers the answers so far named, for later calls to use."""

    def __init__(self) -> None:
        self.seen: dict[str, list[int]] = {name: [] for name in _NUMBERED}
        self.today = "2026-01-01"  # the virtual date the last clock answer gave

    def day(self, rng: random.Random) -> str:
        """A date for a queued change: the virtual date last seen, a later one, or no date."""
        later = f"{int(self.today[:4]) + 1}{self.today[4:]}"
        return rng.choice((self.today, later, "2099-06-15", "yesterday"))

    def learn(self, value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("virtual_date"), str):
                self.today = value["virtual_date"]
            for key, item in value.items():
                if key in self.seen and isinstance(item, int) and item not in self.seen[key]:
                    self.seen[key].append(item)
                else:
                    self.learn(item)
        elif isinstance(value, list):
            for item in value:
                self.learn(item)

    def pick(self, rng: random.Random, name: str, default: int) -> int:
        return rng.choice(self.seen[name]) if self.seen[name] else default


def _mpi(rng: random.Random, pools: Pools) -> int:
    if rng.random() < 0.6:
        return rng.choice((20001, 20002))  # ACME's, which the plan calls name most
    return pools.pick(rng, "plan_instance_no", rng.choice((20003, 20004, 20005)))


def _plan_acct(rng: random.Random, pools: Pools) -> int:
    return 1000001 if rng.random() < 0.75 else _acct(rng, pools)


def _acct(rng: random.Random, pools: Pools) -> int:
    roll = rng.random()
    if roll < 0.07:
        return UNKNOWN_ACCT  # refused: the call rolls back
    if roll < 0.6:
        return 1000001  # one account most calls share, so a value one call keeps meets the next
    created = [no for no in pools.seen["acct_no"] if no not in ACCOUNTS and no != UNKNOWN_ACCT]
    return rng.choice(list(ACCOUNTS) + created[:3])


def _directive(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if rng.random() < 0.6:
        params["assignment_directive"] = rng.choice((1, 1, 2, 3, 4))  # 1 queues the change
        params["include_plan_instance_queue"] = "true"
    return _dry(rng, params)


def _dry(rng: random.Random, params: dict[str, Any]) -> dict[str, Any]:
    """The params, as a dry run (do_write false) one time in six."""
    return {**params, "do_write": "false"} if rng.random() < 0.17 else params


def _gen_invoice(rng: random.Random, pools: Pools) -> Call:
    acct = _acct(rng, pools)
    params: dict[str, Any] = {"acct_no": acct}
    target = rng.random()
    if target < 0.35:
        params["billing_group_no"] = rng.choice(GROUPS.get(acct, (70001,)))
    elif target < 0.7:
        params["master_plan_instance_no"] = _mpi(rng, pools)
    if rng.random() < 0.4:
        params["invoice_mode"] = rng.choice((0, 1, 1, 9))
    if rng.random() < 0.5:
        params["combine_invoices"] = rng.choice((1, 2, 3))
    if rng.random() < 0.1:
        params["force_pending"] = "true"
    return "gen_invoice_m", params


def _order(rng: random.Random, pools: Pools) -> Call:
    params: dict[str, Any] = {
        "account_no": _acct(rng, pools),
        "order_line_items_list": [
            {"client_sku": rng.choice(SKUS), "units": rng.randint(1, 3)}
            for _ in range(rng.randint(1, 2))
        ],
        "bill_immediately": rng.choice((0, 1, 1, 0, 2)),
    }
    if rng.random() < 0.3:
        params["coupon_cd"] = rng.choice(("SAVE5", "WELCOME10", "NOPE"))
    if rng.random() < 0.2:
        params["do_write"] = "false"
    return "create_order_m", params


def _update_order(rng: random.Random, pools: Pools) -> Call:
    order = {"order_no": pools.pick(rng, "order_no", 1), "bill_immediately": rng.choice((0, 1))}
    return "update_order_m", _dry(rng, order)


def _advance(rng: random.Random, pools: Pools) -> Call:
    hours = rng.choice((1, 24, 24 * 5, 24 * 12, 24 * 31, 24 * 95, -24))
    return "advance_virtual_datetime_m", {"offset_hours": hours}


def _assign(rng: random.Random, pools: Pools) -> Call:
    acct = _plan_acct(rng, pools)
    params = {"acct_no": acct, "new_plan_no": rng.choice(PLANS), **_directive(rng)}
    if acct in GROUPS:
        params["existing_billing_group_no"] = rng.choice(GROUPS[acct])
    return "assign_acct_plan_m", params


def _replace(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _plan_acct(rng, pools),
        "plan_instance_no": _mpi(rng, pools),
        "new_plan_no": rng.choice(PLANS),
        **_directive(rng),
    }
    return "replace_acct_plan_m", params


def _update_plan(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _plan_acct(rng, pools),
        "plan_instance_no": _mpi(rng, pools),
        "plan_units": rng.randint(1, 4),
        **_directive(rng),
    }
    return "update_acct_plan_m", params


def _cancel(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _plan_acct(rng, pools),
        "plan_instance_no": _mpi(rng, pools),
        **_directive(rng),
    }
    return "cancel_acct_plan_m", params


def _unit_instances(rng: random.Random, pools: Pools) -> Call:
    seat = f"seat-{rng.randint(1, 99)}"
    params = {
        "acct_no": _plan_acct(rng, pools),
        "plan_inst_no": _mpi(rng, pools),
        "new_client_plan_unit_inst": [{"new_client_plan_unit_inst_id": seat}],
    }
    return "modify_acct_plan_unit_instances_m", params


def _multi(rng: random.Random, pools: Pools) -> Call:
    updates: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 2)):
        directive = rng.choice((1, 3, 4))
        if directive == 1:
            updates.append(
                {
                    "plan_directive": 1,
                    "new_plan_no": rng.choice(PLANS),
                    "billing_group_no": rng.choice(GROUPS[1000001]),
                }
            )
        elif directive == 3:
            updates.append(
                {
                    "plan_directive": 3,
                    "existing_plan_instance_no": _mpi(rng, pools),
                    "plan_units": rng.randint(1, 3),
                }
            )
        else:
            updates.append({"plan_directive": 4, "existing_plan_instance_no": _mpi(rng, pools)})
    params = {
        "acct_no": 1000001,
        "plan_updates": updates,
        "acct_billing_groups": [{}],
        "assignment_directive": rng.randint(1, 4),
    }
    return "update_acct_plan_multi_m", _dry(rng, params)


def _queued(rng: random.Random, pools: Pools) -> Call:
    return "get_acct_plan_queued_changes_m", {"acct_no": _acct(rng, pools)}


def _queue_change(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": 1000001,
        "plan_instance_no": rng.choice((20001, 20002)),
        "plan_units": rng.randint(2, 4),
        "assignment_directive": 1,
        "include_plan_instance_queue": "true",
    }
    return "update_acct_plan_m", params


def _edit_queued(rng: random.Random, pools: Pools) -> Call:
    edit: dict[str, Any] = {"queue_edit_directive": rng.choice((0, 1, 2))}
    if edit["queue_edit_directive"] == 2:
        edit["new_effective_date"] = pools.day(rng)
    if pools.seen["queue_id"] and rng.random() < 0.7:
        edit["queue_id"] = pools.seen["queue_id"][-1]  # the newest: most likely still queued
    else:
        edit["plan_instance_no"] = _mpi(rng, pools)
    return "edit_acct_plan_queued_changes_m", _dry(
        rng, {"acct_no": 1000001, "edit_queued_changes": [edit]}
    )


def _bill_day(rng: random.Random, pools: Pools) -> Call:
    params: dict[str, Any] = {"acct_no": _acct(rng, pools), "alt_bill_day": rng.randint(1, 31)}
    if rng.random() < 0.5:
        params["client_master_plan_instance_id"] = "ACME-GOLD-1"
    if rng.random() < 0.15:
        params = {"acct_no": params["acct_no"], "notify_method": 1}
    return "update_acct_complete_m", params


def _pending(rng: random.Random, pools: Pools) -> Call:
    params = {"invoice_no": pools.pick(rng, "invoice_no", 1)}
    if rng.random() < 0.8:
        params["action_directive"] = rng.choice((1, 2, 3))
    return "manage_pending_invoice_m", params


def _new_account(rng: random.Random, pools: Pools) -> Call:
    ident = f"DIFF-{rng.randint(1, 40)}"  # a repeated id is refused
    acct = {
        "client_acct_id": ident,
        "userid": ident.lower(),
        "dunning_group": [{}],
        "payment_method": [{"pay_method_type": 1, "cc_num": CARD}],
        "billing_group": [{"client_billing_group_id": f"{ident}-BG"}],
        "master_plans_detail": [{"plan_no": rng.choice(PLANS), "plan_instance_units": 1}],
    }
    return "create_acct_complete_m", {"acct": [acct]}


def _credit(rng: random.Random, pools: Pools) -> Call:
    amount = rng.choice((1.5, 10, 40))
    if rng.random() < 0.5:
        return "create_cm_m", {
            "acct_no": _acct(rng, pools),
            "credit_ref_type": 1,
            "cm_comments": "diff",
            "cm_line_items": [{"cm_line_amount": amount}],
        }
    return "create_writeoff_or_dispute_m", {
        "invoice_no": pools.pick(rng, "invoice_no", 1),
        "reason_code": 1,
        "comments": "diff",
        "do_dispute": rng.choice((0, 1)),
    }


def _rebill(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _plan_acct(rng, pools),
        "orig_invoice_no": pools.pick(rng, "invoice_no", 1),
        "reason_cd": 1,
        "rb_line_items": [{"line_no": rng.randint(1, 2)}],
    }
    return "gen_rb_m", _dry(rng, params)


def _refund(rng: random.Random, pools: Pools) -> Call:
    params = {
        "payment_transaction_id": pools.pick(rng, "transaction_id", 1),
        "reason_code": 1,
        "total_refund_amount": rng.choice((1, 5, 500)),
    }
    return "issue_refund_to_acct_m", _dry(rng, params)


def _settle(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _plan_acct(rng, pools),
        "dispute_no": pools.pick(rng, "rec_no", 1),
        "settlement_action": rng.choice((1, 2)),
    }
    return "settle_dispute_hold_m", params


def _order_with_plan(rng: random.Random, pools: Pools) -> Call:
    params = {
        "acct_no": _acct(rng, pools),
        "supp_plan_no": rng.choice(PLANS),
        "order_line_items": [{"client_sku": rng.choice(SKUS), "units": 1}],
    }
    return "create_order_with_plan_m", _dry(rng, params)


def _reset(rng: random.Random, pools: Pools) -> Call:
    return RESET, {}


def _read(rng: random.Random, pools: Pools) -> Call:
    method = rng.choice(
        (
            "get_acct_plans_all_m",
            "get_invoice_history_m",
            "get_acct_balance_m",
            "get_acct_details_all_m",
            "get_virtual_datetime_m",
        )
    )
    return method, {} if method == "get_virtual_datetime_m" else {"acct_no": _acct(rng, pools)}


# (weight, generator): writers of kept rows most, reads in between to see what they left
GENERATORS: list[tuple[int, Callable[[random.Random, Pools], Call]]] = [
    (8, _gen_invoice),
    (5, _order),
    (2, _update_order),
    (4, _advance),
    (3, _assign),
    (2, _replace),
    (3, _update_plan),
    (2, _cancel),
    (1, _unit_instances),
    (2, _multi),
    (2, _queued),
    (2, _queue_change),
    (3, _edit_queued),
    (3, _bill_day),
    (3, _pending),
    (1, _new_account),
    (2, _credit),
    (6, _read),
    (1, _rebill),
    (1, _refund),
    (1, _settle),
    (1, _order_with_plan),
    (1, _reset),
]


def sequence(seed: int) -> Iterator[tuple[Callable[[random.Random, Pools], Call], random.Random]]:
    rng = random.Random(seed)
    weights = [weight for weight, _ in GENERATORS]
    for _ in range(CALLS):
        (generator,) = rng.choices([g for _, g in GENERATORS], weights)
        yield generator, rng


def fixture_for(seed: int) -> dict[str, Any]:
    """The default fixture; one seed in two holds invoices pending, one in three keeps an
    invoiced group in progress for an hour (3108 to the calls that follow)."""
    fixture = read_fixture(None)
    params = fixture["tenants"][0].setdefault("client_parameters", {})
    params["pending_invoices"] = seed % 2 == 1
    if seed % 3 == 2:
        params["invoice_in_progress_seconds"] = 3600
    return fixture


def run_side_by_side(seed: int, calls: list[Call] | None, db: Path) -> list[Call]:
    """Run a seed's sequence (or the given calls) on both stubs, asserting equal answers and
    equal stores; return the calls made."""
    memory, on_file = Stub(fixtures=fixture_for(seed)), Stub(fixtures=fixture_for(seed), db=db)
    made: list[Call] = []
    try:
        creds = memory.credentials
        pools = Pools()
        steps: Iterator[Call] = (
            iter(calls) if calls is not None else (g(rng, pools) for g, rng in sequence(seed))
        )
        for step, (method, params) in enumerate(steps):
            made.append((method, params))
            if method == RESET:
                memory.reset()
                on_file.reset()
                continue
            a = memory.call(method, **creds, **params)
            b = on_file.call(method, **creds, **params)
            assert a["error_code"] != 1001, f"seed {seed} step {step} {method}({params}): {a}"
            pools.learn(a)
            diff = first_difference(masked(a), masked(b))
            assert diff is None, (
                f"seed {seed} step {step} {method}({params}): memory vs file {diff}"
            )
        diff = first_difference(
            masked(memory.service._store.dump()), masked(on_file.service._store.dump()), "store"
        )
        assert diff is None, f"seed {seed} after {len(made)} calls: memory vs file {diff}"
    finally:
        memory.service.close()
        on_file.service.close()
    return made


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_memory_and_file_stores_answer_alike(seed: int, tmp_path: Path) -> None:
    run_side_by_side(seed, None, tmp_path / "stub.db")


def test_the_masks_hide_only_the_real_clock() -> None:
    # a difference the masks must not hide: a date, an amount
    before = {"virtual_date": "2026-01-01", "virtual_time": "10:00:00", "system_date": "x"}
    after = {"virtual_date": "2026-01-02", "virtual_time": "11:30:00", "system_date": "y"}
    assert (
        first_difference(masked(before), masked(after))
        == ".virtual_date: '2026-01-01' != '2026-01-02'"
    )
    assert (
        first_difference(masked([{"total": 1.0}]), masked([{"total": 1.5}]))
        == "[0].total: 1.0 != 1.5"
    )

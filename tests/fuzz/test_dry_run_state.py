"""The dry-run check takes the state digest only when the change count says a write happened."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from harness.fuzz.checks import aria_dry_run_writes_nothing
from harness.fuzz.context import FuzzContext
from harness.fuzz.schema import aria_schema
from harness.stub import Stub


class FakeTarget:
    """A state with a digest that counts how often it is taken, and a change count."""

    def __init__(self) -> None:
        self.state = "a"
        self.count = 0
        self.digests_taken = 0

    def digest(self) -> str:
        self.digests_taken += 1
        return self.state

    def changes(self) -> int:
        return self.count


def test_no_write_needs_no_second_digest() -> None:
    target = FakeTarget()
    context = FuzzContext(state_digest=target.digest, change_count=target.changes)
    context.remember_state("one")
    assert context.state_changed("one") is False
    context.remember_state("two")  # nothing written since: the last digest still holds
    assert context.state_changed("two") is False
    assert target.digests_taken == 1


def test_a_write_that_changed_the_state_is_found() -> None:
    target = FakeTarget()
    context = FuzzContext(state_digest=target.digest, change_count=target.changes)
    context.remember_state("one")
    target.state, target.count = "b", 1
    assert context.state_changed("one") is True


def test_a_write_undone_is_judged_by_the_digest() -> None:
    # A rolled-back write moves the count but leaves the state as it was: not a change.
    target = FakeTarget()
    context = FuzzContext(state_digest=target.digest, change_count=target.changes)
    context.remember_state("one")
    target.count = 1
    assert context.state_changed("one") is False
    assert target.digests_taken == 2


def test_without_a_change_count_the_digest_is_taken_each_time() -> None:
    target = FakeTarget()
    context = FuzzContext(state_digest=target.digest)
    context.remember_state("one")
    target.state = "b"
    assert context.state_changed("one") is True
    assert context.state_changed("one") is None  # each noted state is judged once
    assert target.digests_taken == 2


_DRY_ORDER = {
    "rest_call": "create_order_m",
    "account_no": 1000001,
    "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
    "do_write": "false",
}


def _send_dry_order(schema: Any) -> Any:
    operation = next(iter(schema.get_all_operations())).ok()
    case = operation.Case(body=copy.deepcopy(_DRY_ORDER), media_type="application/json")
    return case, case.call()  # the before_call hook notes the state first


def test_the_stub_honest_dry_run_passes_with_one_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Stub()
    taken: list[str] = []
    digest = stub.service.state_digest
    monkeypatch.setattr(stub.service, "state_digest", lambda: taken.append("x") or digest())
    schema = aria_schema(stub=stub, methods=["create_order_m"])
    for _ in range(2):
        case, response = _send_dry_order(schema)
        assert json.loads(response.content)["error_code"] == 0
        assert aria_dry_run_writes_nothing(None, response, case) is None
    assert len(taken) == 1  # the stub's change count stood still: no second digest


def test_the_stub_dry_run_that_writes_is_caught() -> None:
    stub = Stub()
    stub.faults.add("create_order_m", "write_on_dry_run")
    case, response = _send_dry_order(aria_schema(stub=stub, methods=["create_order_m"]))
    assert json.loads(response.content)["order_no"] is not None  # the fault wrote the order
    with pytest.raises(AssertionError, match="do_write=false changed the target's state"):
        aria_dry_run_writes_nothing(None, response, case)

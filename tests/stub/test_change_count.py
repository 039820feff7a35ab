"""The service's change count: it moves with every write and stands still otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.stub.service import StubService


@pytest.fixture
def service() -> Iterator[StubService]:
    instance = StubService()
    yield instance
    instance.close()


def _order(service: StubService, **extra: Any) -> dict[str, Any]:
    client_no, auth_key = service.default_credentials
    return {
        "client_no": client_no,
        "auth_key": auth_key,
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
        **extra,
    }


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        ("create_order_m", {"do_write": False}),
        ("get_virtual_datetime_m", {}),
        ("create_order_m", {"auth_key": "wrong"}),
    ],
    ids=["dry-run", "read", "rejected"],
)
def test_a_call_that_writes_nothing_leaves_the_count_and_the_digest(
    service: StubService, method: str, extra: dict[str, Any]
) -> None:
    count, digest = service.change_count(), service.state_digest()
    service.call(method, _order(service, **extra))
    assert service.change_count() == count
    assert service.state_digest() == digest


def test_a_write_moves_the_count_with_the_digest(service: StubService) -> None:
    count, digest = service.change_count(), service.state_digest()
    answer = service.call("create_order_m", _order(service))
    assert answer["error_code"] == 0
    assert service.change_count() > count
    assert service.state_digest() != digest


def test_a_reset_moves_the_count(service: StubService) -> None:
    count = service.change_count()
    service.reset()
    assert service.change_count() > count

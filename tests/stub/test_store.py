"""The store gives its memory back on reset, and its change count never goes back."""

from __future__ import annotations

from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO

ORDER = {
    "client_no": CLIENT_NO,
    "auth_key": AUTH_KEY,
    "account_no": 1000001,
    "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
}


def _pages(service: StubService) -> int:
    with service._store.read() as db:
        return int(db.one("PRAGMA page_count")[0])


def test_reset_returns_an_in_memory_stub_to_its_fresh_size() -> None:
    service = StubService()
    try:
        fresh = _pages(service)
        for _ in range(500):
            assert service.call("create_order_m", ORDER)["error_code"] == 0
        grown = _pages(service)
        service.reset()
        # deleted rows would leave their pages allocated; a new database holds only the seed
        assert grown > fresh
        assert _pages(service) == fresh
        assert service.call("create_order_m", ORDER)["error_code"] == 0
    finally:
        service.close()


def test_change_count_keeps_growing_across_a_reset() -> None:
    service = StubService()
    try:
        assert service.call("create_order_m", ORDER)["error_code"] == 0
        before = service.change_count()
        service.reset()
        assert service.change_count() > before
    finally:
        service.close()


def test_reset_keeps_a_file_database_and_empties_it(tmp_path) -> None:
    path = tmp_path / "stub.db"
    service = StubService(db=path)
    try:
        answer = service.call("create_order_m", ORDER)
        service.reset()
        orders = service.dump_state()["tables"]["orders"]
        assert answer["error_code"] == 0 and orders == []
    finally:
        service.close()
    assert path.exists()

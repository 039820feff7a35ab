"""The per-client virtual clock (get_virtual_datetime_m, advance_virtual_datetime_m)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from harness.stub.service import StubService
from tests.stub.domain.conftest import check_answer


def test_virtual_time_starts_at_system_time_with_zero_offset(ok):
    answer = ok("get_virtual_datetime_m")
    assert answer["current_offset_hours"] == 0
    assert answer["virtual_date"] == answer["system_date"]
    assert answer["is_batch_running"] == "N"
    assert abs(date.fromisoformat(answer["system_date"]) - datetime.now(UTC).date()) <= timedelta(
        days=1
    )


def test_advancing_moves_virtual_date_and_accumulates_offset(ok):
    first = ok("advance_virtual_datetime_m", offset_hours=48)
    assert first["current_offset_hours"] == 48
    second = ok("advance_virtual_datetime_m", offset_hours="24")
    assert second["current_offset_hours"] == 72
    shown = ok("get_virtual_datetime_m")
    delta = date.fromisoformat(shown["virtual_date"]) - date.fromisoformat(shown["system_date"])
    assert delta == timedelta(days=3)


def test_offset_hours_must_be_positive(err):
    answer = err(1016, "advance_virtual_datetime_m", offset_hours=0)
    assert "offset_hours" in answer["error_msg"]


def test_clock_is_per_client():
    fixture = {
        "tenants": [
            {"client_no": 1, "auth_key": "k1", "accounts": []},
            {"client_no": 2, "auth_key": "k2", "virtual_offset_hours": 5, "accounts": []},
        ]
    }
    stub = StubService(fixtures=fixture)
    moved = stub.call(
        "advance_virtual_datetime_m", {"client_no": 1, "auth_key": "k1", "offset_hours": 10}
    )
    other = stub.call("get_virtual_datetime_m", {"client_no": 2, "auth_key": "k2"})
    check_answer("advance_virtual_datetime_m", moved)
    check_answer("get_virtual_datetime_m", other)
    assert moved["current_offset_hours"] == 10
    assert other["current_offset_hours"] == 5

"""A fixture can start the stub's id sequences elsewhere, as a sandbox's numbers differ."""

from __future__ import annotations

import pytest

from harness.stub import StubService
from harness.stub.fixtures import FixtureError, default_fixture_text, read_fixture


def _service(**starts: int) -> StubService:
    raw = read_fixture(default_fixture_text())
    raw["id_sequences"] = starts
    return StubService(fixtures=raw)


def _invoice(service: StubService) -> dict:
    client_no, auth_key = service.default_credentials
    return service.call(
        "gen_invoice_m",
        {
            "client_no": client_no,
            "auth_key": auth_key,
            "acct_no": 1000001,
            "master_plan_instance_no": 20001,
        },
    )


def test_invoice_numbers_start_after_the_fixtures_id_sequence() -> None:
    default, moved = _invoice(StubService()), _invoice(_service(invoice_no=1_200_000))
    assert default["invoice_no"] == 900_001
    assert moved["invoice_no"] == 1_200_001


def test_a_reset_starts_the_sequence_there_again() -> None:
    service = _service(invoice_no=1_200_000)
    _invoice(service)
    service.reset()
    assert _invoice(service)["invoice_no"] == 1_200_001


@pytest.mark.parametrize(
    ("starts", "message"),
    [({"credit_memo_no": 1}, "unknown sequence"), ({"invoice_no": "x"}, "expected an integer")],
    ids=["unknown-sequence", "not-a-number"],
)
def test_a_bad_id_sequence_is_a_fixture_error(starts: dict, message: str) -> None:
    with pytest.raises(FixtureError, match=message):
        _service(**starts)

"""A described method the stub does not simulate: a clear answer, not "method not found"."""

from __future__ import annotations

from harness.contracts import validate
from harness.spec import registry
from harness.stub.routes import ROUTES
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO

# get_acct_comments_m: described (generated from Swagger 19), not simulated by the stub
COMMENTS_OF_JANUARY = {
    "acct_no": 1000001,
    "date_range_start": "2026-01-01",
    "date_range_end": "2026-01-31",
}


def test_a_described_method_without_a_route_says_so_by_name(service):
    assert "get_acct_comments_m" in registry() and "get_acct_comments_m" not in ROUTES
    creds = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    answer = service.call("get_acct_comments_m", {**creds, **COMMENTS_OF_JANUARY})
    assert answer["error_code"] == 1001
    assert answer["error_msg"].startswith(
        "get_acct_comments_m is described but not simulated by the aria-harness stub"
    )
    assert validate("get_acct_comments_m", answer) == []
    assert set(answer) == set(registry()["get_acct_comments_m"].output_fields)
    assert service.not_simulated == {"get_acct_comments_m": 1}


def test_credentials_are_checked_before_saying_it_is_not_simulated(service):
    answer = service.call(
        "get_acct_comments_m", {"client_no": CLIENT_NO, "auth_key": "wrong", **COMMENTS_OF_JANUARY}
    )
    assert answer["error_code"] == 1004


def test_a_method_nobody_describes_is_still_method_not_found(service):
    answer = service.call("get_no_such_thing_m", {"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert answer["error_code"] == -1
    assert service.not_simulated == {}

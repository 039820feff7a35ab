"""A described method the stub does not simulate: a clear answer, not "method not found"."""

from __future__ import annotations

from harness.contracts import validate
from harness.spec import registry
from harness.stub.routes import ROUTES
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO


def test_a_described_method_without_a_route_says_so_by_name(service):
    assert "update_order_m" in registry() and "update_order_m" not in ROUTES
    creds = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    answer = service.call("update_order_m", {**creds, "acct_no": 1000001, "order_no": 1})
    assert answer["error_code"] == 1001
    assert answer["error_msg"].startswith(
        "update_order_m is described but not simulated by the aria-harness stub"
    )
    assert validate("update_order_m", answer) == []
    assert set(answer) == set(registry()["update_order_m"].output_fields)
    assert service.not_simulated == {"update_order_m": 1}


def test_credentials_are_checked_before_saying_it_is_not_simulated(service):
    answer = service.call(
        "update_order_m", {"client_no": CLIENT_NO, "auth_key": "wrong", "order_no": 1}
    )
    assert answer["error_code"] == 1004


def test_a_method_nobody_describes_is_still_method_not_found(service):
    answer = service.call("get_no_such_thing_m", {"client_no": CLIENT_NO, "auth_key": AUTH_KEY})
    assert answer["error_code"] == -1
    assert service.not_simulated == {}

"""Fault injection, over real HTTP with requests: each kind does what it says."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from harness.stub.faults import FaultInjector
from harness.stub.server import StubServer


def call(
    server: StubServer, method: str = "get_virtual_datetime_m", **params: Any
) -> dict[str, Any]:
    return {
        "rest_call": method,
        "client_no": server.client_no,
        "auth_key": server.auth_key,
        **params,
    }


def post(server: StubServer, body: dict[str, Any], timeout: float = 5) -> requests.Response:
    return requests.post(server.dispatcher_url, json=body, timeout=timeout)


def test_drop_closes_the_connection_without_an_answer(server: StubServer) -> None:
    server.stub.faults.add("get_virtual_datetime_m", "drop", times=1)
    with pytest.raises(requests.ConnectionError):
        post(server, call(server))
    assert post(server, call(server)).status_code == 200  # times=1: the next call is normal


def test_latency_makes_a_short_client_timeout_fire(server: StubServer) -> None:
    server.stub.faults.add("*", "latency", seconds=2.0, times=1)
    with pytest.raises(requests.ReadTimeout):
        post(server, call(server), timeout=0.3)


def test_latency_within_the_client_timeout_still_answers(server: StubServer) -> None:
    server.stub.faults.add("*", "latency", seconds=0.05, times=1)
    assert post(server, call(server)).json()["error_code"] != 1001


def test_html_fault_answers_a_maintenance_page(server: StubServer) -> None:
    server.stub.faults.add("*", "html", times=1)
    response = post(server, call(server))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_http_status_fault_answers_503(server: StubServer) -> None:
    server.stub.faults.add("get_virtual_datetime_m", "http_status", status=503)
    assert post(server, call(server)).status_code == 503
    assert post(server, call(server)).status_code == 503  # until cleared
    server.stub.faults.clear()
    assert post(server, call(server)).status_code == 200


def test_malformed_fault_answers_a_body_that_is_not_json(server: StubServer) -> None:
    server.stub.faults.add("*", "malformed", times=1)
    response = post(server, call(server))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_error_code_fault_answers_that_code_with_null_outputs(server: StubServer) -> None:
    server.stub.faults.add("gen_invoice_m", "error_code", code=3108, times=1)
    answer = post(server, call(server, "gen_invoice_m", acct_no=1000001)).json()
    assert answer["error_code"] == 3108
    assert answer["error_msg"].startswith("The invoice for this account cannot be generated")
    assert answer["out_invoices_list"] is None


def test_error_code_fault_applies_only_to_its_method(server: StubServer) -> None:
    server.stub.faults.add("gen_invoice_m", "error_code", code=1004, message="nope")
    assert post(server, call(server)).json()["error_msg"] != "nope"


def test_field_fault_sets_and_renames_output_fields(server: StubServer) -> None:
    server.stub.faults.add("*", "field", set={"error_msg": "changed"}, rename={"error_code": "err"})
    answer = post(server, call(server)).json()
    assert answer["error_msg"] == "changed"
    assert "error_code" not in answer and "err" in answer
    assert list(answer)[0] == "err"  # a rename keeps the field's place


def test_write_on_dry_run_writes_anyway(server: StubServer) -> None:
    dry = call(
        server,
        "create_order_m",
        account_no=1000001,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 1}],
        do_write=False,
    )
    before = server.stub.service.state_digest()
    post(server, dry)
    assert server.stub.service.state_digest() == before  # an honest dry run writes nothing
    server.stub.faults.add("create_order_m", "write_on_dry_run", times=1)
    post(server, dry)
    assert server.stub.service.state_digest() != before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "teleport"}, "unknown fault kind"),
        ({"method": "no_such_m", "kind": "drop"}, "unknown method"),
        ({"kind": "error_code"}, "needs code"),
        ({"kind": "latency"}, "needs seconds"),
        ({"kind": "http_status", "status": 42}, "needs status"),
        ({"kind": "field"}, "needs set"),
        ({"kind": "drop", "times": 0}, "times must be"),
        ({"method": "gen_invoice_m", "kind": "write_on_dry_run"}, "no dry-run field"),
    ],
    ids=["kind", "method", "code", "seconds", "status", "field", "times", "dry-run"],
)
def test_a_fault_that_cannot_work_is_refused_with_the_fix(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FaultInjector().add(**options)


def test_times_counts_down_and_clear_by_method_keeps_the_others() -> None:
    faults = FaultInjector()
    faults.add("gen_invoice_m", "drop", times=2)
    faults.add("gen_rb_m", "drop")
    assert len(faults.take("gen_invoice_m")) == 1
    assert len(faults.take("gen_invoice_m")) == 1
    assert faults.take("gen_invoice_m") == []
    faults.add("gen_invoice_m", "html")
    faults.clear("gen_invoice_m")
    assert [f.method for f in faults.active()] == ["gen_rb_m"]

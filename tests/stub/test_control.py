"""Control endpoints: off by default (an unknown path then), plain HTTP when on."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from harness.stub import Stub, running_stub
from harness.stub.server import StubServer
from harness.stub.wire import WireRequest
from tests.stub.conftest import wsgi_call

CONTROL_REQUESTS = [
    ("POST", "/_stub/reset"),
    ("POST", "/_stub/fixtures"),
    ("GET", "/_stub/state"),
    ("GET", "/_stub/digest"),
    ("GET", "/_stub/faults"),
    ("POST", "/_stub/faults"),
    ("DELETE", "/_stub/faults"),
]


@pytest.mark.parametrize(("verb", "path"), CONTROL_REQUESTS, ids=[p for _, p in CONTROL_REQUESTS])
def test_control_off_answers_like_any_unknown_path(verb: str, path: str) -> None:
    stub = Stub(control=False)
    status, _, body = wsgi_call(
        stub, method=verb, path=path, content_type="application/json", body=b'{"kind": "drop"}'
    )
    _, _, unknown = wsgi_call(
        stub,
        method=verb,
        path="/_other/x",
        content_type="application/json",
        body=b'{"kind": "drop"}',
    )
    assert status == "200 OK"
    assert json.loads(body)["error_code"] == -1
    assert json.loads(body)["error_msg"].replace(path, "P") == json.loads(unknown)[
        "error_msg"
    ].replace("/_other/x", "P")
    assert not stub.faults.active()
    stub.service.close()


def test_control_off_is_the_default_of_running_stub() -> None:
    with running_stub() as server:
        answer = requests.get(server.url + "/_stub/state", timeout=5)
    assert answer.status_code == 200
    assert answer.json()["error_code"] == -1


def write_order(server: StubServer) -> dict[str, Any]:
    body = {
        "rest_call": "create_order_m",
        "client_no": server.client_no,
        "auth_key": server.auth_key,
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
    }
    return requests.post(server.dispatcher_url, json=body, timeout=5).json()


def test_state_digest_and_reset_over_http(server: StubServer) -> None:
    initial = requests.get(server.url + "/_stub/digest", timeout=5).json()["digest"]
    assert initial == server.stub.service.state_digest()
    write_order(server)
    assert requests.get(server.url + "/_stub/digest", timeout=5).json()["digest"] != initial
    state = requests.get(server.url + "/_stub/state", timeout=5)
    assert state.status_code == 200
    assert state.json() == json.loads(json.dumps(server.stub.service.dump_state()))
    assert requests.post(server.url + "/_stub/reset", timeout=5).json() == {"reset": True}
    assert requests.get(server.url + "/_stub/digest", timeout=5).json()["digest"] == initial


def test_faults_are_added_listed_and_cleared_over_http(server: StubServer) -> None:
    added = requests.post(
        server.url + "/_stub/faults",
        json={"method": "gen_invoice_m", "kind": "http_status", "status": 503, "times": 2},
        timeout=5,
    )
    assert added.status_code == 200
    listed = requests.get(server.url + "/_stub/faults", timeout=5).json()["faults"]
    assert [(f["method"], f["kind"], f["status"], f["times"]) for f in listed] == [
        ("gen_invoice_m", "http_status", 503, 2)
    ]
    hit = requests.post(server.dispatcher_url, json={"rest_call": "gen_invoice_m"}, timeout=5)
    assert hit.status_code == 503
    assert requests.delete(server.url + "/_stub/faults", timeout=5).status_code == 200
    assert server.stub.faults.active() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[]", "a fault is a JSON object"),
        (b'{"kind": "teleport"}', "unknown fault kind"),
        (b'{"kind": "drop", "when": "later"}', "unknown fault option(s) when"),
        (b'{"kind": "latency", "seconds": "slow"}', ""),
    ],
    ids=["not-json", "not-object", "bad-kind", "bad-option", "bad-value"],
)
def test_a_bad_fault_is_a_400_with_the_reason(
    server: StubServer, body: bytes, message: str
) -> None:
    answer = requests.post(server.url + "/_stub/faults", data=body, timeout=5)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert server.stub.faults.active() == []


def test_wrong_verb_is_405_and_unknown_endpoint_404(server: StubServer) -> None:
    assert requests.get(server.url + "/_stub/reset", timeout=5).status_code == 405
    missing = requests.get(server.url + "/_stub/teleport", timeout=5)
    assert missing.status_code == 404
    assert "/_stub/reset" in missing.json()["error"]


@pytest.mark.parametrize(
    "body", [b"{ unclosed: [", b"- a list", b"\xff\xfe"], ids=["yaml-error", "list", "bytes"]
)
def test_unusable_fixtures_are_a_400_and_keep_the_old_state(
    server: StubServer, body: bytes
) -> None:
    before = server.stub.service.state_digest()
    answer = requests.post(server.url + "/_stub/fixtures", data=body, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["error"]
    assert server.stub.service.state_digest() == before


def test_fixtures_are_loaded_from_yaml_over_http(server: StubServer) -> None:
    import yaml

    service = server.stub.service
    loaded_with: list[Any] = []
    original = service.load_fixtures

    def spy(fixtures: Any) -> None:
        loaded_with.append(fixtures)
        original(fixtures)

    service.load_fixtures = spy  # type: ignore[method-assign]
    server.stub.faults.add("*", "html")
    try:
        answer = requests.post(server.url + "/_stub/fixtures", data=_fixtures_yaml(), timeout=5)
    finally:
        del service.load_fixtures
    assert answer.status_code == 200, answer.text
    assert loaded_with == [yaml.safe_load(_fixtures_yaml())]
    assert server.stub.faults.active() == []  # new fixtures start without faults


def _fixtures_yaml() -> bytes:
    from importlib.resources import files

    bundled = files("harness.stub").joinpath("fixtures/default.yaml")
    if bundled.is_file():
        return bundled.read_bytes()
    return b"tenants: []\n"


def test_control_handler_never_raises_on_a_failing_service() -> None:
    from harness.stub.control import handle_control

    class Broken:
        def dump_state(self) -> Any:
            raise RuntimeError("disk on fire")

    stub = Stub(service=Broken())  # type: ignore[arg-type]
    response = handle_control(stub, WireRequest("GET", "/_stub/state"))
    assert response.status == 400
    assert "disk on fire" in json.loads(response.body)["error"]

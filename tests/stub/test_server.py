"""The stub over real loopback HTTP: uvicorn in a background thread, started and stopped cleanly."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from harness.contracts import validate
from harness.formcodec import encode_form
from harness.spec import DISPATCHER_PATH
from harness.stub import Stub, running_stub
from harness.stub.server import StubServer, serving
from tests.stub.conftest import order, wsgi_call


def test_running_stub_listens_on_loopback_on_a_free_port(server: StubServer) -> None:
    assert server.host == "127.0.0.1"
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.dispatcher_url == server.url + DISPATCHER_PATH


@pytest.mark.parametrize("encoding", ["json", "form", "get"])
def test_each_encoding_is_answered_over_http(
    server: StubServer, http: requests.Session, encoding: str
) -> None:
    params = order(server, do_write=False)
    if encoding == "json":
        response = http.post(server.dispatcher_url, json=params, timeout=5)
    elif encoding == "form":
        response = http.post(
            server.dispatcher_url,
            data=encode_form(params),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=5,
        )
    else:
        response = http.get(server.dispatcher_url + "?" + encode_form(params), timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert validate("create_order_m", response.json()) == []


def test_http_answer_is_the_wsgi_answer_byte_for_byte(
    server: StubServer, http: requests.Session
) -> None:
    body = json.dumps(order(server, do_write=False)).encode()
    over_http = http.post(
        server.dispatcher_url, data=body, headers={"Content-Type": "application/json"}, timeout=5
    )
    local = Stub()
    _, _, in_process = wsgi_call(local, content_type="application/json", body=body)
    local.service.close()
    assert over_http.content == in_process


def test_oversize_body_over_http_gets_the_envelope(
    server: StubServer, http: requests.Session
) -> None:
    response = http.post(
        server.dispatcher_url + "?rest_call=gen_invoice_m",
        data=b" " * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["error_code"] == 1016
    # the connection stays usable: the body was drained, not left in the socket
    again = http.post(server.dispatcher_url, json={"rest_call": "x"}, timeout=5)
    assert again.json()["error_code"] == -1


def test_concurrent_clients_all_get_answers(server: StubServer) -> None:
    def one(_: int) -> int:
        with requests.Session() as session:
            answer = session.post(
                server.dispatcher_url, json=order(server, do_write=False), timeout=10
            )
            return int(answer.json()["error_code"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(one, range(64)))
    assert len(codes) == 64
    assert 1001 not in codes


def test_stopping_the_server_frees_its_port() -> None:
    with running_stub() as server:
        port = server.port
        assert requests.post(server.dispatcher_url, json={}, timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.post(f"http://127.0.0.1:{port}{DISPATCHER_PATH}", json={}, timeout=2)
    with socket.socket() as sock:  # and it can be bound again
        sock.bind(("127.0.0.1", port))


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError), running_stub(port=taken.getsockname()[1]):
            pass


def test_running_stub_serves_a_given_stub_and_keeps_it_open() -> None:
    stub = Stub()
    with running_stub(stub=stub) as server:
        assert server.stub is stub
    assert stub.call("get_virtual_datetime_m", **stub.credentials)["error_code"] != 1001
    stub.service.close()


def test_the_asgi_app_under_uvicorn_answers_and_cuts_off_idle_clients() -> None:
    stub = Stub()
    try:
        with serving(stub.asgi_app, request_timeout=0.3) as (host, port):
            with socket.create_connection((host, port), timeout=30) as idle:
                assert idle.recv(1024) == b""  # closed by the deadline, never answered
            under_uvicorn = StubServer(f"http://{host}:{port}", host, port, stub)
            answer = requests.post(
                under_uvicorn.dispatcher_url, json=order(under_uvicorn, do_write=False), timeout=10
            ).json()
    finally:
        stub.service.close()
    assert answer["error_code"] == 0

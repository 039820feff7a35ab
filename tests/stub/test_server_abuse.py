"""The stub over loopback HTTP under abuse: slow clients, lying lengths, huge bodies and inputs.

Bounds are proven without clocks in the assertions: the server closes a slow connection (a
blocking read returns end-of-stream; the socket timeout is only a safety net that fails the
test), the next normal call is answered, and memory is measured with tracemalloc.
"""

from __future__ import annotations

import json
import select
import socket
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator

import pytest
import requests

from harness.contracts import validate
from harness.formcodec import encode_form
from harness.spec import DISPATCHER_PATH
from harness.stub import Stub, running_stub
from harness.stub.app import DRAIN_LIMIT
from harness.stub.coercion import MAX_ARRAY_ITEMS
from harness.stub.server import StubServer
from tests.stub.conftest import order

# Short enough to keep the tests quick; the safety net below is far longer.
DEADLINE = 0.3
SAFETY_NET = 30.0
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def strict() -> Iterator[StubServer]:
    """A stub whose clients get DEADLINE seconds to send each request."""
    stub = Stub(request_timeout=DEADLINE)
    with running_stub(stub=stub) as server:
        yield server
    stub.service.close()


def _connect(server: StubServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=SAFETY_NET)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a timeout here fails the test)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _trickle(sock: socket.socket, request: bytes) -> int | None:
    """Send a request a byte every 20 ms; the index at which the server closed, if it did."""
    for index in range(len(request)):
        sock.sendall(request[index : index + 1])
        readable, _, _ = select.select([sock], [], [], 0.02)
        if readable:
            assert sock.recv(65536) == b""  # closed, never answered
            return index
    return None


def _assert_answered(server: StubServer) -> None:
    answer = requests.post(server.dispatcher_url, json=order(server, do_write=False), timeout=10)
    assert answer.json()["error_code"] == 0


def test_a_connection_that_sends_nothing_is_closed(strict: StubServer) -> None:
    with _connect(strict) as sock:
        assert _read_to_end(sock) == b""
    _assert_answered(strict)


def test_trickled_headers_are_cut_off_before_they_finish(strict: StubServer) -> None:
    request = (
        f"POST {DISPATCHER_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    ).encode()
    with _connect(strict) as sock:
        closed_at = _trickle(sock, request)
    assert closed_at is not None and closed_at < len(request) - 1
    _assert_answered(strict)


def test_a_body_shorter_than_its_content_length_is_not_run(strict: StubServer) -> None:
    body = json.dumps(order(strict, bill_immediately=1)).encode()
    head = (
        f"POST {DISPATCHER_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body) + 100}\r\n\r\n"
    ).encode()
    before = strict.stub.service.change_count()
    with _connect(strict) as sock:
        sock.sendall(head + body)
        assert _read_to_end(sock) == b""
    assert strict.stub.service.change_count() == before  # the partial order was never placed
    _assert_answered(strict)


def test_many_idle_connections_are_all_closed(strict: StubServer) -> None:
    sockets = [_connect(strict) for _ in range(50)]
    try:
        assert [_read_to_end(sock) for sock in sockets] == [b""] * 50
    finally:
        for sock in sockets:
            sock.close()
    _assert_answered(strict)


@pytest.mark.parametrize("client", ["urllib", "requests"])
def test_a_30_mb_body_is_answered_with_the_envelope_in_flat_memory(
    strict: StubServer, client: str
) -> None:
    url = strict.dispatcher_url + "?rest_call=create_order_m"
    body = b" " * (30 * 1024 * 1024)
    headers = {"Content-Type": "application/json"}
    tracemalloc.start()
    try:
        if client == "urllib":
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=SAFETY_NET) as response:  # noqa: S310
                answer = json.loads(response.read())
        else:
            answer = requests.post(url, data=body, headers=headers, timeout=SAFETY_NET).json()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer["error_code"] == 1016
    assert "at most" in answer["error_msg"]
    assert validate("create_order_m", answer) == []
    # the server drained the body chunk by chunk instead of holding it
    assert peak < 8 * 1024 * 1024
    _assert_answered(strict)


def test_100_000_pipe_columns_are_refused_with_a_small_answer(strict: StubServer) -> None:
    params = order(strict, do_write="false")
    del params["order_line_items_list"]
    # Aria6 pipe columns, sent unescaped as PHP clients do: one field for all the lines
    columns = "client_sku=" + "|".join(["WIDGET"] * 100_000)
    form = encode_form(params) + "&" + columns + "&units=" + "|".join(["1"] * 100_000)
    assert len(form) < 1024 * 1024
    response = requests.post(
        strict.dispatcher_url, data=form, headers={"Content-Type": FORM}, timeout=SAFETY_NET
    )
    answer = response.json()
    assert answer["error_code"] == 1016
    assert f"at most {MAX_ARRAY_ITEMS}" in answer["error_msg"]
    assert len(response.content) < 4096
    assert validate("create_order_m", answer) == []
    _assert_answered(strict)


def test_the_largest_accepted_order_is_answered(strict: StubServer) -> None:
    params = order(strict, do_write="false")
    params["order_line_items_list"] = [{"client_sku": "WIDGET", "units": 1}] * MAX_ARRAY_ITEMS
    answer = requests.post(strict.dispatcher_url, json=params, timeout=SAFETY_NET).json()
    assert answer["error_code"] == 0
    ordered = [line for line in answer["invoice_line_items_list"] if line["service_no"] == 40001]
    assert len(ordered) == MAX_ARRAY_ITEMS  # and the tax line besides


def test_an_answer_over_the_limit_becomes_the_envelope() -> None:
    stub = Stub(max_answer=2000)
    try:
        with running_stub(stub=stub) as server:
            params = order(server, do_write="false")
            params["order_line_items_list"] = [{"client_sku": "WIDGET", "units": 1}] * 20
            response = requests.post(server.dispatcher_url, json=params, timeout=SAFETY_NET)
    finally:
        stub.service.close()
    answer = response.json()
    assert answer["error_code"] == 1016
    assert "at most 2000" in answer["error_msg"]
    assert validate("create_order_m", answer) == []


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_a_5000_digit_integer_gets_no_python_internals(strict: StubServer, encoding: str) -> None:
    digits = "9" * 5000
    params = {
        "rest_call": "gen_invoice_m",
        "client_no": strict.client_no,
        "auth_key": strict.auth_key,
    }
    if encoding == "json":
        body = json.dumps(params)[:-1] + f', "acct_no": {digits}}}'
        content_type = "application/json"
    else:
        body = encode_form(params) + f"&acct_no={digits}"
        content_type = FORM
    response = requests.post(
        strict.dispatcher_url, data=body, headers={"Content-Type": content_type}, timeout=10
    )
    answer = response.json()
    assert answer["error_code"] == 1016
    assert "sys." not in answer["error_msg"]
    assert "int_max_str_digits" not in answer["error_msg"]
    assert validate("gen_invoice_m", answer) == []


def test_bad_bytes_are_described_without_the_codec_message(strict: StubServer) -> None:
    response = requests.post(
        strict.dispatcher_url + "?rest_call=gen_invoice_m",
        data=b'{"acct_no": "\xff"}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    message = response.json()["error_msg"]
    assert "byte 0xff at offset 13" in message
    assert "codec" not in message


def test_a_body_declared_beyond_the_drain_limit_is_answered_at_once(strict: StubServer) -> None:
    head = (
        f"POST {DISPATCHER_PATH}?rest_call=gen_invoice_m HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {DRAIN_LIMIT + 1}\r\n\r\n"
    ).encode()
    with _connect(strict) as sock:
        sock.sendall(head + b" " * 1000)
        received = _read_to_end(sock)  # answered, then closed: the rest is not read
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and b"connection: close" in head
    assert json.loads(body)["error_code"] == 1016
    _assert_answered(strict)


def test_a_second_request_trickled_on_a_kept_alive_connection_is_cut_off(
    strict: StubServer,
) -> None:
    # the idle wait after an answer is longer than the request deadline: the deadline of the
    # next request must still hold, not the idle wait's
    body = b'{"rest_call": "x"}'
    request = (
        f"POST {DISPATCHER_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with _connect(strict) as sock:
        sock.sendall(request)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK\r\n")
        time.sleep(2 * DEADLINE)  # idle past the first request's deadline, within the idle wait
        closed_at = _trickle(sock, request)
    assert closed_at is not None and closed_at < len(request) - 1
    _assert_answered(strict)

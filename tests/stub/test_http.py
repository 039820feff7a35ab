"""The stub's own HTTP/1.1 server: keep-alive, pipelining in order, HEAD, Expect, bad requests."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from harness.spec import DISPATCHER_PATH
from harness.stub import running_stub
from harness.stub.server import StubServer

SAFETY_NET = 30.0
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@pytest.fixture(scope="module")
def live() -> Iterator[StubServer]:
    with running_stub() as server:
        yield server


def _request(body: dict, *, method: str = "POST", extra: str = "") -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"{method} {DISPATCHER_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n{extra}\r\n"
    )
    return head.encode() + data


def _answers(sock: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """Read count answers (status line, body) from a keep-alive connection."""
    buffer = b""
    answers = []
    while len(answers) < count:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buffer[:head_end].decode("latin-1").split("\r\n")
            length = next(
                int(line.split(":", 1)[1])
                for line in head[1:]
                if line.lower().startswith("content-length:")
            )
            end = head_end + 4 + length
            if len(buffer) >= end:
                answers.append((head[0].encode(), buffer[head_end + 4 : end]))
                buffer = buffer[end:]
                continue
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection early"
        buffer += chunk
    return answers


def _connect(server: StubServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=SAFETY_NET)


def test_pipelined_requests_are_answered_in_order_even_behind_a_latency_fault(
    live: StubServer,
) -> None:
    live.stub.faults.add("get_virtual_datetime_m", "latency", seconds=0.2, times=1)
    creds = {"client_no": live.client_no, "auth_key": live.auth_key}
    slow = _request({"rest_call": "get_virtual_datetime_m", **creds})
    fast = _request({"rest_call": "no_such_method"})
    try:
        with _connect(live) as sock:
            sock.sendall(slow + fast + fast)
            answers = _answers(sock, 3)
    finally:
        live.stub.faults.clear()
    codes = [json.loads(body)["error_code"] for _, body in answers]
    assert codes == [0, -1, -1]
    assert all(status == b"HTTP/1.1 200 OK" for status, _ in answers)


def test_head_gets_the_headers_without_a_body(live: StubServer) -> None:
    with _connect(live) as sock:
        sock.sendall(
            f"HEAD {DISPATCHER_PATH}?rest_call=x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"content-length: " in head
    assert body == b""


def test_expect_100_continue_is_honoured(live: StubServer) -> None:
    with _connect(live) as sock:
        request = _request({"rest_call": "x"}, extra="Expect: 100-continue\r\n")
        head, _, body = request.partition(b"\r\n\r\n")
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        ((status, answer),) = _answers(sock, 1)
    assert json.loads(answer)["error_code"] == -1


def test_garbage_is_a_400_and_the_connection_closes(live: StubServer) -> None:
    with _connect(live) as sock:
        sock.sendall(b"\x00\x01 not http at all\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 400 Bad Request")


def test_http_1_0_without_keep_alive_is_closed_after_the_answer(live: StubServer) -> None:
    with _connect(live) as sock:
        data = json.dumps({"rest_call": "x"}).encode()
        sock.sendall(
            f"POST {DISPATCHER_PATH} HTTP/1.0\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        received = b""
        while chunk := sock.recv(65536):  # ends: the server closes
            received += chunk
    assert b"connection: close" in received
    assert json.loads(received.partition(b"\r\n\r\n")[2])["error_code"] == -1


def _until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_garbage_behind_a_pipelined_request_is_answered_400_after_its_answer(
    live: StubServer,
) -> None:
    with _connect(live) as sock:
        sock.sendall(_request({"rest_call": "x"}) + b"\x00\x01 not http at all\r\n\r\n")
        received = _until_closed(sock)
    first, _, rest = received.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200 OK")
    assert json.loads(rest[: rest.index(b"}") + 1])["error_code"] == -1
    assert rest[rest.index(b"}") + 1 :].startswith(b"HTTP/1.1 400 Bad Request")


def test_a_drop_behind_a_pipelined_request_still_sends_the_earlier_answer(
    live: StubServer,
) -> None:
    live.stub.faults.add("get_virtual_datetime_m", "drop", times=1)
    creds = {"client_no": live.client_no, "auth_key": live.auth_key}
    try:
        with _connect(live) as sock:
            sock.sendall(
                _request({"rest_call": "x"})
                + _request({"rest_call": "get_virtual_datetime_m", **creds})
            )
            received = _until_closed(sock)
    finally:
        live.stub.faults.clear()
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert json.loads(body)["error_code"] == -1  # the whole first answer, and nothing after it


def test_100_continue_comes_after_the_answer_to_the_request_before_it(live: StubServer) -> None:
    with _connect(live) as sock:
        expecting = _request({"rest_call": "x"}, extra="Expect: 100-continue\r\n")
        head, _, body = expecting.partition(b"\r\n\r\n")
        sock.sendall(_request({"rest_call": "x"}) + head + b"\r\n\r\n")
        received = b""
        while not received.endswith(_CONTINUE):
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection early"
            received += chunk
        sock.sendall(body)
        ((status, answer),) = _answers(sock, 1)
    first_head, _, rest = received.partition(b"\r\n\r\n")
    assert first_head.startswith(b"HTTP/1.1 200 OK")
    assert json.loads(rest.removesuffix(_CONTINUE))["error_code"] == -1
    assert json.loads(answer)["error_code"] == -1

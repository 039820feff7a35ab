"""The app core: WSGI and ASGI answer alike, stub.call matches the wire, nothing becomes a 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from harness.contracts import validate
from harness.formcodec import encode_form
from harness.spec import DISPATCHER_PATH
from harness.stub import Stub
from harness.stub.faults import InjectedTransportFault
from tests.stub.conftest import wsgi_call

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def asgi_call(
    stub: Stub,
    *,
    method: str = "POST",
    path: str = DISPATCHER_PATH,
    query: str = "",
    content_type: str | None = None,
    body: bytes = b"",
    chunk: int = 7,
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Drive the ASGI callable directly, sending the body in small chunks."""
    headers = [(b"host", b"127.0.0.1")]
    if content_type is not None:
        headers.append((b"content-type", content_type.encode("latin-1")))
    if body:
        headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": headers,
    }
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    messages = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(stub.asgi_app(scope, receive, send))
    start, *bodies = sent
    return start["status"], start["headers"], b"".join(m.get("body", b"") for m in bodies)


def order(credentials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "rest_call": "create_order_m",
        **credentials,
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
        **extra,
    }


REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("json", {"content_type": JSON, "body": "JSON"}),
    ("form", {"content_type": FORM, "body": "FORM"}),
    ("get", {"method": "GET", "query": "FORM"}),
    ("malformed", {"content_type": JSON, "body": b'{"rest_call": '}),
    ("missing-rest-call", {"content_type": JSON, "body": b"{}"}),
    ("unknown-path", {"path": "/nope", "content_type": JSON, "body": b"{}"}),
    ("wrong-content-type", {"content_type": "text/csv", "body": b"a,b"}),
]


@pytest.mark.parametrize(("case", "spec"), REQUESTS, ids=[c for c, _ in REQUESTS])
def test_wsgi_and_asgi_answer_byte_for_byte_alike(
    credentials: dict[str, Any], case: str, spec: dict[str, Any]
) -> None:
    # Two fresh stubs, so the write the first makes cannot change the second's answer.
    answers = []
    for adapter in (wsgi_call, asgi_call):
        stub = Stub(control=False)
        kwargs = _materialise(spec, order(credentials, do_write=False))
        if adapter is wsgi_call:
            status, headers, body = wsgi_call(stub, **kwargs)
            answers.append((int(status.split()[0]), [(k, v) for k, v in headers], body))
        else:
            code, raw_headers, body = asgi_call(stub, **kwargs)
            answers.append((code, [(k.decode(), v.decode()) for k, v in raw_headers], body))
        stub.service.close()
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert json.loads(answers[0][2])["error_code"] != 1001


def _materialise(spec: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(spec)
    for key in ("body", "query"):
        if kwargs.get(key) == "JSON":
            kwargs[key] = json.dumps(params).encode()
        elif kwargs.get(key) == "FORM":
            encoded = encode_form(params)
            kwargs[key] = encoded.encode() if key == "body" else encoded
    return kwargs


def test_in_process_call_gives_the_envelope_the_wire_carries(
    credentials: dict[str, Any],
) -> None:
    params = order(credentials, do_write=False)
    over_wire = Stub()
    _, _, body = wsgi_call(over_wire, content_type=JSON, body=json.dumps(params).encode())
    in_process = Stub()
    answer = in_process.call(params.pop("rest_call"), **params)
    assert json.loads(body) == answer
    assert validate("create_order_m", answer) == []


def test_in_process_call_of_an_unknown_method_answers_minus_one(stub: Stub) -> None:
    answer = stub.call("get_everything_m", **stub.credentials)
    assert answer["error_code"] == -1


def test_in_process_call_with_a_transport_fault_raises(stub: Stub) -> None:
    stub.faults.add("get_virtual_datetime_m", "drop", times=1)
    with pytest.raises(InjectedTransportFault, match="drop"):
        stub.call("get_virtual_datetime_m", **stub.credentials)
    assert stub.call("get_virtual_datetime_m", **stub.credentials)["error_code"] != 1001


class ExplodingService:
    """A service with a bug: every call raises."""

    default_credentials = (1, "k")

    def call(self, method: str, params: Any) -> dict[str, Any]:
        raise ZeroDivisionError("a bug in the domain")

    def close(self) -> None:
        pass


class UnserialisableService(ExplodingService):
    """A service with a bug: answers with something JSON cannot carry."""

    def call(self, method: str, params: Any) -> dict[str, Any]:
        return {"error_code": 0, "error_msg": "OK", "invoice_no": object()}


@pytest.mark.parametrize(
    "service", [ExplodingService(), UnserialisableService()], ids=["raises", "unserialisable"]
)
def test_a_bug_in_the_service_becomes_1001_not_a_500(service: Any) -> None:
    stub = Stub(service=service)
    body = json.dumps({"rest_call": "gen_invoice_m", "acct_no": 1}).encode()
    for status, body_out in (
        wsgi_call(stub, content_type=JSON, body=body)[::2],
        asgi_call(stub, content_type=JSON, body=body)[::2],
    ):
        assert status in ("200 OK", 200)
        answer = json.loads(body_out)
        assert answer["error_code"] == 1001
        assert validate("gen_invoice_m", answer) == []


def test_asgi_lifespan_is_answered() -> None:
    stub = Stub()
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(stub.asgi_app({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_asgi_reads_an_oversize_body_and_answers_1016() -> None:
    stub = Stub(max_body=100)
    status, _, body = asgi_call(
        stub, content_type=JSON, body=b" " * 1000, query="rest_call=gen_invoice_m", chunk=64
    )
    answer = json.loads(body)
    assert status == 200
    assert answer["error_code"] == 1016
    assert validate("gen_invoice_m", answer) == []

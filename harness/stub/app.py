"""The stub as an application: one request-handling core, a WSGI adapter and an ASGI adapter.

Both adapters turn their server's request into a ``WireRequest``, hand it to ``Stub.handle``
and write back the ``WireResponse`` it returns, so WSGI and ASGI answer byte for byte alike.
``Stub.call`` skips HTTP and gives the same envelope in-process.

The ASGI adapter calls the service on the event loop thread: a call is a few SQLite
statements, and a thread hop per request would cost more than the call itself. Concurrent
callers are still served one at a time, each call in its own transaction.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from harness.spec import registry
from harness.stub.control import CONTROL_PREFIX, handle_control
from harness.stub.exceptions import AriaFault, InvalidInput, UnexpectedError, error_envelope
from harness.stub.faults import (
    MAINTENANCE_PAGE,
    TRANSPORT_KINDS,
    Fault,
    FaultInjector,
    InjectedTransportFault,
    apply_field_faults,
)
from harness.stub.wire import (
    JSON_CONTENT_TYPE,
    MAX_BODY_BYTES,
    Call,
    Rejection,
    WireRequest,
    WireResponse,
    parse_call,
    parse_request,
    render,
)

if TYPE_CHECKING:
    import os

    from harness.stub.service import StubService

__all__ = [
    "DRAIN_LIMIT",
    "MAX_ANSWER_BYTES",
    "REQUEST_TIMEOUT",
    "TRANSPORT_EXTENSION",
    "Stub",
    "WireResponse",
    "status_line",
]

logger = logging.getLogger("harness.stub")

# ASGI scope extension under which the bundled server hands over the connection's transport,
# so a ``drop`` fault can close it without any answer.
TRANSPORT_EXTENSION = "harness.stub.transport"
# An oversize body is read and thrown away up to this many bytes, so a client that sends its
# whole body before reading (urllib) gets the envelope instead of a reset; beyond it the answer
# goes out at once and the connection is closed. Memory stays flat: nothing drained is kept.
DRAIN_LIMIT = 64 * MAX_BODY_BYTES
# Seconds a client has to send one whole request (headers and body) over HTTP once it starts.
REQUEST_TIMEOUT = 10.0
# The largest answer sent over HTTP; input arrays are capped well below what reaches it.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
StartResponse = Callable[..., Any]


class Stub:
    """The embedded Aria stub: a StubService behind Aria's wire format."""

    def __init__(
        self,
        *,
        fixtures: str | os.PathLike[str] | Mapping[str, Any] | None = None,
        db: str | os.PathLike[str] | None = None,
        control: bool = False,
        service: StubService | None = None,
        max_body: int = MAX_BODY_BYTES,
        request_timeout: float = REQUEST_TIMEOUT,
        max_answer: int = MAX_ANSWER_BYTES,
    ) -> None:
        if service is None:
            from harness.stub.service import StubService

            service = StubService(fixtures=fixtures, db=db)
        self.service = service
        self.control = control
        self.max_body = max_body
        self.request_timeout = request_timeout
        self.max_answer = max_answer
        self.faults = FaultInjector()
        self.wsgi_app = self._wsgi
        self.asgi_app = self._asgi

    def reset(self) -> None:
        """Back to the loaded fixtures, with no fault in force."""
        self.service.reset()
        self.faults.clear()

    @property
    def credentials(self) -> dict[str, Any]:
        """``client_no`` and ``auth_key`` of the first tenant, ready to splat into a call."""
        client_no, auth_key = self.service.default_credentials
        return {"client_no": client_no, "auth_key": auth_key}

    def call(self, method: str, /, **params: Any) -> dict[str, Any]:
        """Call a method in-process; the same envelope the wire would carry."""
        faults = self.faults.take(method)
        if faults:  # most calls have none: skip the scans
            for fault in faults:
                if fault.kind in TRANSPORT_KINDS:
                    raise InjectedTransportFault(fault.kind, method=method)
            delay = sum(fault.seconds for fault in faults if fault.kind == "latency")
            if delay:
                time.sleep(delay)
        parsed = parse_call({**params, "rest_call": method})
        if isinstance(parsed, Rejection):
            return apply_field_faults(parsed.envelope, faults)
        return self._answer(parsed, faults)

    def handle(self, request: WireRequest) -> WireResponse:
        """Answer one HTTP request; never raises."""
        if self.control and request.path.startswith(CONTROL_PREFIX):
            return handle_control(self, request)
        parsed = parse_request(request, max_body=self.max_body)
        faults = self.faults.take(parsed.method)
        if isinstance(parsed, Rejection):
            envelope = apply_field_faults(parsed.envelope, faults)
        else:
            envelope = self._answer(parsed, faults)
        try:
            body = render(envelope)
        except (TypeError, ValueError):
            logger.exception("the answer to %s is not JSON-serialisable", parsed.method)
            body = render(error_envelope(parsed.method, UnexpectedError()))
        if len(body) > self.max_answer:
            # Aria documents no limit; the request asked for more than the stub will send
            body = render(
                error_envelope(
                    parsed.method,
                    InvalidInput(
                        f"the answer would be {len(body)} bytes; at most "
                        f"{self.max_answer} are sent, ask for less"
                    ),
                )
            )
        response = WireResponse(200, JSON_CONTENT_TYPE, body)
        if faults:
            _apply_transport_faults(response, faults)
        return response

    def _answer(self, call: Call, faults: list[Fault]) -> dict[str, Any]:
        spec = registry()[call.method]
        injected = None
        if faults:
            injected = next((fault for fault in faults if fault.kind == "error_code"), None)
        if injected is not None:
            assert injected.code is not None
            documented = spec.describe_code(injected.code)
            message = injected.message or (documented.message if documented else "injected error")
            injected_fault = AriaFault(message, code=injected.code)
            return apply_field_faults(error_envelope(call.method, injected_fault), faults)
        params = call.params
        if faults:  # most calls have none: skip reading the dry-run field
            dry_field = spec.invoicing.dry_run_field
            if dry_field and spec.is_dry_run(params):
                if any(fault.kind == "write_on_dry_run" for fault in faults):
                    params = {**params, dry_field: True}
        try:
            envelope = self.service.call(call.method, params)
        except Exception:  # the wire's promise: an envelope for every request, never a 500
            logger.exception("the stub service failed on %s", call.method)
            envelope = error_envelope(call.method, UnexpectedError())
        return apply_field_faults(envelope, faults) if faults else envelope

    # WSGI ------------------------------------------------------------------------------

    def _wsgi(self, environ: Mapping[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = _wsgi_request(environ, self.max_body)
        response = self.handle(request)
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            # WSGI has no way to close the socket unanswered; raising makes the server abort.
            raise InjectedTransportFault("drop", method=None)
        start_response(status_line(response.status), response.header_list())
        return [response.body]

    # ASGI ------------------------------------------------------------------------------

    async def _asgi(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        read = await _asgi_request(scope, receive, self.max_body)
        if read is None:
            return  # the client left (or was cut off) before its request was whole
        request, close = read
        response = self.handle(request)
        response.close = response.close or close
        if response.delay and not await _sleep_while_connected(response.delay, receive):
            return
        if response.drop:
            await _drop(scope, receive)
            return
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [(k.encode(), v.encode()) for k, v in response.header_list()],
            }
        )
        await send({"type": "http.response.body", "body": response.body})


def _apply_transport_faults(response: WireResponse, faults: list[Fault]) -> None:
    for fault in faults:
        if fault.kind == "latency":
            response.delay += fault.seconds
        elif fault.kind == "malformed":
            response.body = (
                fault.body.encode() if fault.body else response.body[: len(response.body) // 2]
            )
        elif fault.kind == "html":
            response.status = fault.status or 200
            response.content_type = "text/html; charset=utf-8"
            response.body = (fault.body or MAINTENANCE_PAGE).encode()
        elif fault.kind == "http_status":
            assert fault.status is not None
            response.status = fault.status
            response.content_type = "text/plain; charset=utf-8"
            response.body = (fault.body or status_line(fault.status)).encode()
        elif fault.kind == "drop":
            response.drop = True


@functools.lru_cache(maxsize=64)
def status_line(status: int) -> str:
    """``200 OK``: the status and its phrase (cached: every HTTP answer writes one)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _wsgi_request(environ: Mapping[str, Any], max_body: int) -> WireRequest:
    try:
        length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    body = b""
    if stream is not None and length:
        if length <= max_body:
            body = stream.read(length)
        else:
            remaining = min(length, DRAIN_LIMIT)
            while remaining > 0 and stream.read(min(_CHUNK, remaining)):
                remaining -= _CHUNK
    return WireRequest(
        method=str(environ.get("REQUEST_METHOD", "GET")),
        path=str(environ.get("PATH_INFO") or "/"),
        query=str(environ.get("QUERY_STRING", "")),
        content_type=environ.get("CONTENT_TYPE") or None,
        body=body,
        body_length=length if length > max_body else None,
    )


async def _asgi_request(
    scope: Mapping[str, Any], receive: Receive, max_body: int
) -> tuple[WireRequest, bool] | None:
    """The request and whether to close after answering; None if the client went away."""
    content_type = None
    declared = None
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            content_type = value.decode("latin-1")
        elif name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                declared = None
    chunks: list[bytes] = []
    received, close = 0, False
    if declared is not None and declared > DRAIN_LIMIT:
        close = True  # not worth reading: answer now and close the connection
    else:
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received <= max_body:
                chunks.append(chunk)
            elif received > DRAIN_LIMIT:
                close = True
                break
            more = message.get("more_body", False)
    length = max(received, declared or 0)
    query = scope.get("query_string", b"")
    request = WireRequest(
        method=scope.get("method", "GET"),
        path=scope.get("path", "/"),
        query=query.decode("latin-1") if isinstance(query, bytes) else str(query),
        content_type=content_type,
        body=b"".join(chunks) if length <= max_body else b"",
        body_length=length if length > max_body else None,
    )
    return request, close


async def _sleep_while_connected(seconds: float, receive: Receive) -> bool:
    """Sleep; False as soon as the client goes away (nobody is left to answer)."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnected(), timeout=seconds)
    except TimeoutError:
        return True
    return False


async def _drop(scope: Mapping[str, Any], receive: Receive) -> None:
    transport = scope.get("extensions", {}).get(TRANSPORT_EXTENSION)
    if transport is None:
        # Another ASGI server: raising is the only way to make it abort the response.
        raise InjectedTransportFault("drop", method=None)
    transport.close()
    # Wait for the server to see the closed connection, so it does not answer in our place.
    while (await receive())["type"] != "http.disconnect":
        pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

"""The stub's own HTTP/1.1 server: httptools parsing on an asyncio protocol, answered in place.

A call to the stub is a few SQLite statements and a render, tens of microseconds; uvicorn's
ASGI machinery (a task, a request cycle and message dicts per request) cost more than the call
itself (measured: a trivial app answers ~7k requests/s under uvicorn, ~50k here). So each
complete request goes straight to ``Stub.handle`` on the event loop and the answer is written
at once; only a ``latency`` fault waits, on a timer, holding back the answers queued behind it
so pipelined requests keep their order.

Bounds: a request (headers and body) must arrive within ``request_timeout`` seconds of the
connection opening or of its first byte, else the connection closes unanswered; an idle
keep-alive connection closes after ``KEEP_ALIVE_TIMEOUT``; a body over ``max_body`` is counted
and thrown away up to ``DRAIN_LIMIT`` (answered 1016 once read), beyond it answered at once and
closed.

Answers go out at the end of the event loop's pass, not as each is made: on loopback a send
wakes the client's reader, and a client with many connections (a load generator, a test suite
in parallel) gets woken once for the answers of one pass instead of once per answer (measured
under wrk -c16: ~20 us of server CPU less per request). Every write and close of a connection
goes through ``_send`` and ``_close``, which keep that order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

import httptools

from harness.stub.app import DRAIN_LIMIT, WireResponse, status_line
from harness.stub.wire import JSON_CONTENT_TYPE, WireRequest

if TYPE_CHECKING:
    from harness.stub.app import Stub

__all__ = ["KEEP_ALIVE_TIMEOUT", "StubHttpProtocol"]

KEEP_ALIVE_TIMEOUT = 5.0
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 20\r\nconnection: close\r\n\r\nInvalid HTTP request"
)
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class StubHttpProtocol(asyncio.Protocol):
    """One client connection to the stub."""

    def __init__(self, stub: Stub, connections: set[StubHttpProtocol]) -> None:
        self.stub = stub
        self.connections = connections
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        # One timer per connection, moved lazily: each request sets ``deadline`` and the timer,
        # when it fires early, sleeps again until then (a timer per request cost more than
        # parsing the request).
        self.timer: asyncio.TimerHandle | None = None
        self.timer_at = 0.0
        self.deadline: float | None = None
        self.last_url = b""
        self.last_target = ("/", "")
        self.outbox: deque[tuple[WireResponse, bool, bool]] = deque()
        self.waiting = False  # a latency fault holds the outbox
        self.unsent: list[bytes] = []  # answers made in this pass of the loop, sent at its end
        self._begin()

    # asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.connections.add(self)
        self._arm(self.stub.request_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.discard(self)
        self._disarm()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.outbox.clear()
        self.unsent.clear()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._reply_bad_request()
        except httptools.HttpParserError:
            self._reply_bad_request()

    def close(self) -> None:
        """Close the connection (server shutdown), once the answers already made are sent."""
        self._close()

    # httptools callbacks -------------------------------------------------------------------

    def _begin(self) -> None:
        self.url = b""
        self.verb = b""
        self.content_type: str | None = None
        self.declared: int | None = None
        self.expect_continue = False
        self.chunks: list[bytes] = []
        self.received = 0
        self.answered = False  # an oversize body answered before it was read

    def on_message_begin(self) -> None:
        self._begin()
        self._arm(self.stub.request_timeout)

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-type":
            self.content_type = value.decode("latin-1")
        elif name == b"content-length":
            try:
                self.declared = int(value)
            except ValueError:
                self.declared = None
        elif name == b"expect" and value.lower() == b"100-continue":
            self.expect_continue = True

    def on_headers_complete(self) -> None:
        if self.declared is not None and self.declared > DRAIN_LIMIT:
            self._answer_oversize()
        elif self.expect_continue:
            self._send(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self.answered:
            return
        self.received += len(body)
        if self.received <= self.stub.max_body:
            self.chunks.append(body)
        elif self.received > DRAIN_LIMIT:
            self._answer_oversize()

    def on_message_complete(self) -> None:
        self._disarm()
        if self.answered:
            return
        length = max(self.received, self.declared or 0)
        oversize = length > self.stub.max_body
        response = self.stub.handle(self._request(b"" if oversize else b"".join(self.chunks)))
        self._queue(response, keep_alive=self.parser.should_keep_alive())

    # answering -----------------------------------------------------------------------------

    def _request(self, body: bytes) -> WireRequest:
        if self.url != self.last_url:  # a keep-alive client posts to one URL again and again
            parsed = httptools.parse_url(self.url)
            self.last_target = (
                (parsed.path or b"/").decode("latin-1"),
                (parsed.query or b"").decode("latin-1"),
            )
            self.last_url = self.url
        path, query = self.last_target
        length = max(self.received, self.declared or 0)
        self.verb = self.parser.get_method()
        return WireRequest(
            method=self.verb.decode("ascii", "replace"),
            path=path,
            query=query,
            content_type=self.content_type,
            body=body,
            body_length=length if length > self.stub.max_body else None,
        )

    def _answer_oversize(self) -> None:
        # not worth reading further: answer now and close once the answer is out
        self.answered = True
        self._disarm()
        response = self.stub.handle(self._request(b""))
        self._queue(response, keep_alive=False)

    def _queue(self, response: WireResponse, *, keep_alive: bool) -> None:
        head_only = self.verb == b"HEAD"
        keep_alive = keep_alive and not response.close
        if not self.waiting and not self.outbox and response.delay <= 0:
            self._write(response, keep_alive=keep_alive, head_only=head_only)
            return
        self.outbox.append((response, keep_alive, head_only))
        if not self.waiting:
            self._flush()

    def _flush(self) -> None:
        self.waiting = False
        while self.outbox and self.transport is not None:
            response, keep_alive, head_only = self.outbox[0]
            if response.delay > 0:
                self.waiting = True
                delay, response.delay = response.delay, 0.0
                self.loop.call_later(delay, self._flush)
                return
            self.outbox.popleft()
            self._write(response, keep_alive=keep_alive, head_only=head_only)

    def _write(self, response: WireResponse, *, keep_alive: bool, head_only: bool) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if response.drop:
            self._close()  # unanswered, as a dropped connection is (earlier answers go first)
            return
        data = _head(response, keep_alive=keep_alive)
        self._send(data if head_only else data + response.body)
        if keep_alive:
            self._arm(KEEP_ALIVE_TIMEOUT)
        else:
            self._close()

    def _reply_bad_request(self) -> None:
        self._send(_BAD_REQUEST)
        self._close()

    def _send(self, data: bytes) -> None:
        """Queue bytes for the end of this pass of the loop (see the module docstring)."""
        if not self.unsent:
            self.loop.call_soon(self._send_unsent)
        self.unsent.append(data)

    def _send_unsent(self) -> None:
        unsent = self.unsent
        if not unsent:
            return  # already sent, by a close
        data = unsent[0] if len(unsent) == 1 else b"".join(unsent)
        unsent.clear()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _close(self) -> None:
        """Close the connection once what was queued for it is written."""
        if self.transport is not None:
            self._send_unsent()
            self.transport.close()

    # timers --------------------------------------------------------------------------------

    def _arm(self, seconds: float) -> None:
        self.deadline = deadline = self.loop.time() + seconds
        if self.timer is not None and self.timer_at > deadline:
            self.timer.cancel()  # due later than the new deadline: bring it forward
            self.timer = None
        if self.timer is None:
            self.timer_at = deadline
            self.timer = self.loop.call_at(deadline, self._time_out)

    def _disarm(self) -> None:
        self.deadline = None  # a pending timer finds no deadline and lapses

    def _time_out(self) -> None:
        self.timer = None
        if self.deadline is None:
            return
        if self.loop.time() < self.deadline:
            self.timer_at = self.deadline
            self.timer = self.loop.call_at(self.deadline, self._time_out)
            return
        self.deadline = None
        if not self.outbox:
            # a request that never completed, or an idle keep-alive: nothing is owed
            self._close()


def _head(response: WireResponse, *, keep_alive: bool) -> bytes:
    """The status line and headers of an answer, as bytes."""
    if (
        keep_alive
        and response.status == 200
        and response.content_type == JSON_CONTENT_TYPE
        and not response.close
    ):
        return b"%s%d\r\n\r\n" % (_JSON_200, len(response.body))  # nearly every answer
    return _any_head(response, keep_alive=keep_alive)


def _any_head(response: WireResponse, *, keep_alive: bool) -> bytes:
    head = [f"HTTP/1.1 {status_line(response.status)}"]
    head += [f"{name}: {value}" for name, value in response.header_list()]
    if not keep_alive and not response.close:
        head.append("connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")


# The head of a kept-alive 200 JSON answer up to its content-length value, as _any_head writes it.
_JSON_200 = _any_head(WireResponse(200, JSON_CONTENT_TYPE, b""), keep_alive=True).removesuffix(
    b"0\r\n\r\n"
)

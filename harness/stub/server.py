"""Serve the stub over HTTP: in a background thread, or in the foreground.

``running_stub`` and ``serve`` use the stub's own HTTP server (``http.py``: httptools on an
asyncio protocol, answering each request in place). ``serving`` serves any ASGI app, the stub's
``asgi_app`` included, under uvicorn with the same bounds. ``running_stub`` binds a socket
itself (port 0 picks a free one), so the port is known before the server starts and nothing
races for it; it returns once the server accepts connections and stops it cleanly on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from harness.spec import DISPATCHER_PATH
from harness.stub.app import REQUEST_TIMEOUT, TRANSPORT_EXTENSION, Stub
from harness.stub.http import StubHttpProtocol

__all__ = ["StubServer", "bind", "make_server", "running_stub", "serve", "serving"]

READY_TIMEOUT = 10.0
_SHUTDOWN_GRACE = 2


class _StubProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on reading each request.

    uvicorn bounds only the idle time between requests; a client that trickles its headers or
    sends less body than its Content-Length promises would hold the connection forever. Here
    a connection must deliver each whole request (headers and body) within ``request_timeout``
    seconds of it opening or of the request's first byte, or it is closed unanswered. The
    transport is handed to the app too, for ``drop`` faults.
    """

    request_timeout: float = REQUEST_TIMEOUT
    _read_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_read_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TRANSPORT_EXTENSION: self.transport}  # type: ignore[dict-item]
        if self._read_deadline is None:
            self._arm_read_deadline()

    def on_message_complete(self) -> None:
        self._disarm_read_deadline()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_read_deadline()
        super().connection_lost(exc)

    def _arm_read_deadline(self) -> None:
        self._read_deadline = self.loop.call_later(self.request_timeout, self._read_too_slow)

    def _disarm_read_deadline(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
            self._read_deadline = None

    def _read_too_slow(self) -> None:
        self._read_deadline = None
        if not self.transport.is_closing():
            # the app, if it waits for the body, sees a disconnect and answers nothing
            self.transport.close()


@dataclass(frozen=True)
class StubServer:
    """A stub served over HTTP: where it listens and whom it knows."""

    url: str
    host: str
    port: int
    stub: Stub

    @property
    def dispatcher_url(self) -> str:
        """The URL Aria clients post to."""
        return self.url + DISPATCHER_PATH

    @property
    def client_no(self) -> int:
        """The demo tenant's client_no."""
        return self.stub.service.default_credentials[0]

    @property
    def auth_key(self) -> str:
        """The demo tenant's auth_key."""
        return self.stub.service.default_credentials[1]


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only when
    # the listening socket says TCP, and without it every answer waits ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def make_server(
    app: Any, *, host: str = "127.0.0.1", port: int = 0, request_timeout: float = REQUEST_TIMEOUT
) -> uvicorn.Server:
    """A uvicorn server for an ASGI app, configured as the stub runs (httptools, no access log)."""
    protocol = type("StubProtocol", (_StubProtocol,), {"request_timeout": request_timeout})
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        loop="asyncio",
        interface="asgi3",
        proxy_headers=False,
        lifespan="off",
        access_log=False,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=_SHUTDOWN_GRACE,
    )
    return uvicorn.Server(config)


@contextlib.contextmanager
def running_stub(
    *,
    fixtures: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    db: str | os.PathLike[str] | None = None,
    control: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    stub: Stub | None = None,
) -> Iterator[StubServer]:
    """Serve a stub (a new one, or ``stub``) on host:port in a background thread."""
    owned = stub is None
    if stub is None:
        stub = Stub(fixtures=fixtures, db=db, control=control)
    try:
        with _serving_stub(stub, host=host, port=port) as (bound_host, bound_port):
            yield StubServer(
                url=f"http://{_url_host(bound_host)}:{bound_port}",
                host=bound_host,
                port=bound_port,
                stub=stub,
            )
    finally:
        if owned:
            stub.service.close()


@contextlib.contextmanager
def serving(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    request_timeout: float = REQUEST_TIMEOUT,
) -> Iterator[tuple[str, int]]:
    """Serve any ASGI app under the stub's server settings; yields the bound (host, port)."""
    sock = bind(host, port)
    server = make_server(app, host=host, port=port, request_timeout=request_timeout)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="aria-stub-server", daemon=True)
    thread.start()
    try:
        _wait_started(thread, lambda: server.started, failure)
        bound = sock.getsockname()
        yield bound[0], bound[1]
    finally:
        server.should_exit = True
        thread.join(timeout=_SHUTDOWN_GRACE + 5)
        sock.close()


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    fixtures: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    db: str | os.PathLike[str] | None = None,
    control: bool = False,
    on_ready: Callable[[StubServer], None] | None = None,
) -> None:
    """Serve a stub in the foreground until interrupted (Ctrl-C or SIGTERM)."""
    stub = Stub(fixtures=fixtures, db=db, control=control)
    sock = bind(host, port)
    try:
        bound_host, bound_port = sock.getsockname()[:2]
        url = f"http://{_url_host(bound_host)}:{bound_port}"
        info = StubServer(url, bound_host, bound_port, stub)
        if on_ready is not None:
            on_ready(info)  # the socket already listens: connections queue until run() accepts
        asyncio.run(_serve_stub(stub, sock, asyncio.Event()))
    finally:
        sock.close()
        stub.service.close()


@contextlib.contextmanager
def _serving_stub(stub: Stub, *, host: str, port: int) -> Iterator[tuple[str, int]]:
    """Serve a stub with its own HTTP server in a background thread; yields (host, port)."""
    sock = bind(host, port)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(_serve_stub(stub, sock, stop, started.set))
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)
        finally:
            started.set()
            loop.close()

    thread = threading.Thread(target=run, name="aria-stub-server", daemon=True)
    thread.start()
    try:
        _wait_started(thread, started.is_set, failure)
        bound = sock.getsockname()
        yield bound[0], bound[1]
    finally:
        if thread.is_alive():
            loop.call_soon_threadsafe(stop.set)
            thread.join(timeout=_SHUTDOWN_GRACE + 5)
        sock.close()


async def _serve_stub(
    stub: Stub,
    sock: socket.socket,
    stop: asyncio.Event,
    on_started: Callable[[], Any] | None = None,
) -> None:
    """Accept connections on sock until stop is set (or the task is cancelled)."""
    loop = asyncio.get_running_loop()
    connections: set[StubHttpProtocol] = set()
    server = await loop.create_server(
        lambda: StubHttpProtocol(stub, connections), sock=sock, backlog=1024
    )
    try:
        if on_started is not None:
            on_started()
        await stop.wait()
    finally:
        server.close()
        for connection in list(connections):
            connection.close()
        await asyncio.sleep(0)  # let the closed transports release their sockets
        await server.wait_closed()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _wait_started(
    thread: threading.Thread, started: Callable[[], bool], failure: list[BaseException]
) -> None:
    """Return once the server thread serves; raise what stopped it, or after READY_TIMEOUT."""
    _wait_until(lambda: started() or not thread.is_alive(), READY_TIMEOUT)
    if failure:
        raise RuntimeError(f"the stub server did not start: {failure[0]}") from failure[0]
    if not started():
        raise RuntimeError(f"the stub server did not start within {READY_TIMEOUT} s")


def _wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.002)

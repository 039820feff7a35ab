"""Shared fixtures for the stub tests: a Stub over the real service, a client, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.spec import DISPATCHER_PATH
from harness.stub import Stub, running_stub
from harness.stub.server import StubServer

DISPATCHER = DISPATCHER_PATH


def wsgi_call(
    stub: Stub,
    *,
    method: str = "POST",
    path: str = DISPATCHER_PATH,
    query: str = "",
    content_type: str | None = None,
    body: bytes = b"",
    environ: dict[str, Any] | None = None,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Drive the WSGI callable directly; returns (status line, headers, body)."""
    import io

    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        captured["status"], captured["headers"] = status, headers

    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    if content_type is not None:
        env["CONTENT_TYPE"] = content_type
    env.update(environ or {})
    chunks = stub.wsgi_app(env, start_response)
    return captured["status"], captured["headers"], b"".join(chunks)


def order(server: StubServer, **extra: Any) -> dict[str, Any]:
    """A create_order_m body for the demo tenant's first account (one widget)."""
    return {
        "rest_call": "create_order_m",
        "client_no": server.client_no,
        "auth_key": server.auth_key,
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
        **extra,
    }


@pytest.fixture
def stub() -> Iterator[Stub]:
    """A fresh stub on the bundled default fixture, control endpoints on."""
    instance = Stub(control=True)
    yield instance
    instance.service.close()


@pytest.fixture
def credentials(stub: Stub) -> dict[str, Any]:
    """The demo tenant's client_no and auth_key."""
    return stub.credentials


@pytest.fixture(scope="module")
def live() -> Iterator[StubServer]:
    """One stub served over loopback HTTP for the module; reset by the ``server`` fixture."""
    with running_stub(control=True) as server:
        yield server


@pytest.fixture
def server(live: StubServer) -> StubServer:
    """The module's live stub, reset to its fixtures with no faults in force."""
    live.stub.service.reset()
    live.stub.faults.clear()
    return live


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A requests session, closed after the test."""
    with requests.Session() as session:
        yield session

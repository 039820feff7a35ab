"""Fixtures of the interception tests: the senders, and an Aria-like fake as the live target."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.intercept import senders
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer, serve_fake

PRODUCTION_URL = "https://secure.future.ariasystems.net/api/ws/api_ws_class_dispatcher.php"


@pytest.fixture(autouse=True)
def _no_swallowed_leftovers() -> Iterator[None]:
    senders.swallowed.clear()
    yield
    senders.swallowed.clear()


@pytest.fixture(params=sorted(senders.ALL))
def any_sender(request: pytest.FixtureRequest) -> senders.Sender:
    """Every HTTP library's sender in turn."""
    return senders.ALL[request.param]


@pytest.fixture(params=senders.MAIN)
def main_sender(request: pytest.FixtureRequest) -> senders.Sender:
    """requests, httpx and httpx async in turn."""
    return senders.ALL[request.param]


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    """An Aria-like fake on 127.0.0.1 standing in for a sandbox, its credentials in the env."""
    with serve_fake() as server:
        monkeypatch.setenv("ARIA_BASE_URL", server.url)
        monkeypatch.setenv("ARIA_CLIENT_NO", str(CLIENT_NO))
        monkeypatch.setenv("ARIA_AUTH_KEY", AUTH_KEY)
        yield server


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every socket connection attempted, refused: the stub target needs none."""
    attempts: list[tuple] = []

    def refuse(self: socket.socket, address: tuple) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(f"test forbids connecting to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts

"""Point the app at the selected Aria target; on replay, prove no socket is opened."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def billing_settings(aria_intercept, aria_target, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app reads its settings from the environment, as in production."""
    if aria_intercept.target.sends:
        # record/live: the sandbox (ARIA_BASE_URL); stub and cassette answer any host, so
        # the app keeps its production URL there
        monkeypatch.setenv("BILLING_ARIA_URL", aria_target.url)
    monkeypatch.setenv("BILLING_ARIA_CLIENT_NO", str(aria_target.client_no))
    monkeypatch.setenv("BILLING_ARIA_AUTH_KEY", aria_target.auth_key)


@pytest.fixture(autouse=True)
def no_sockets_on_replay(aria_intercept, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """On the cassette target every connection attempt fails the test."""
    if aria_intercept.target.value != "cassette":
        yield
        return

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"a socket connection to {address} during replay")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield

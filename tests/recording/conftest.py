"""Shared fixtures of the recording tests: an Aria-like fake on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer, serve_fake


@pytest.fixture
def fake_aria() -> Iterator[FakeServer]:
    """A fresh Aria-like fake for one test."""
    with serve_fake() as server:
        yield server


@pytest.fixture
def fake_client(fake_aria: FakeServer):  # noqa: ANN201 - AriaClient imported lazily
    """An AriaClient bound to the fake, as against a sandbox (guard and card check on)."""
    from harness import AriaClient

    return AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY)

"""The client tests share the Aria-like fake of the recording tests."""

from __future__ import annotations

from tests.recording.conftest import fake_aria, fake_client

__all__ = ["fake_aria", "fake_client"]

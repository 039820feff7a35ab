"""Fixtures for the release diff: a local server (from tests/swagger)."""

from __future__ import annotations

from tests.swagger.conftest import served

__all__ = ["served"]

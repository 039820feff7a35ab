"""Fixtures for the release diff: Aria's releases and a local server (from tests/swagger)."""

from __future__ import annotations

from tests.swagger.conftest import aria_swagger, served

__all__ = ["aria_swagger", "served"]

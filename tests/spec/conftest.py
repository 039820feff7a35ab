"""Access to Aria's documentation pages (the spec) for the description's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_CANDIDATES = [
    os.environ.get("ARIA_DOCS_DIR", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "aria-docs"),
]


@pytest.fixture(scope="session")
def aria_docs() -> Path:
    """The folder of Aria's documentation pages; skipped with a reason where it is absent."""
    for candidate in _CANDIDATES:
        if candidate and Path(candidate, "gen_invoice_m.txt").is_file():
            return Path(candidate)
    pytest.skip("Aria's documentation pages not found: set ARIA_DOCS_DIR to the aria-docs folder")


# Aria's Swagger releases (skipped with a reason where absent), shared with tests/swagger.
from tests.swagger.conftest import aria_swagger  # noqa: E402

__all__ = ["aria_docs", "aria_swagger"]

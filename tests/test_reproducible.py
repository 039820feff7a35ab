"""Property tests draw the same examples on every run (the profile loaded in conftest.py)."""

from __future__ import annotations

from hypothesis import settings


def test_hypothesis_runs_derandomized_without_an_example_database() -> None:
    assert settings.default.derandomize is True
    assert settings.default.database is None

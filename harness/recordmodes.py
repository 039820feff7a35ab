"""The record modes the harness takes (vcrpy's, by name), and their one validator.

A light module: the pytest plugin offers them as choices without importing vcrpy.
"""

from __future__ import annotations

__all__ = ["RECORD_MODES", "parse_record_mode"]

RECORD_MODES = ("none", "once", "new_episodes", "all")


def parse_record_mode(value: object) -> str:
    """A record mode by name (a vcrpy ``RecordMode`` too); the error lists the valid ones."""
    if value not in RECORD_MODES:
        raise ValueError(
            f"unknown record mode {value!r}; expected one of: {', '.join(RECORD_MODES)}"
        )
    return RECORD_MODES[RECORD_MODES.index(value)]

"""Fail early, naming the extra to install, when the fuzz extra's packages are missing."""

from __future__ import annotations

import importlib.util

__all__ = ["FUZZ_EXTRA_MISSING"]

FUZZ_EXTRA_MISSING = "fuzzing needs the fuzz extra: pip install 'aria-harness[fuzz]'"

for _needed in ("schemathesis", "hypothesis"):
    if importlib.util.find_spec(_needed) is None:
        raise ModuleNotFoundError(f"{FUZZ_EXTRA_MISSING} ({_needed} is missing)", name=_needed)

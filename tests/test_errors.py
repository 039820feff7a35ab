"""Every error the harness raises is defined in harness/errors.py and drawn in its tree."""

from __future__ import annotations

import importlib
import pkgutil

import harness
from harness import errors
from harness.errors import HarnessError


def _all_harness_errors() -> set[type[HarnessError]]:
    for module in pkgutil.walk_packages(harness.__path__, "harness."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[HarnessError]] = set()
    pending: list[type[HarnessError]] = [HarnessError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def _drawn_names() -> list[str]:
    """The class names of the tree in the module docstring, one per branch line."""
    names = []
    for line in (errors.__doc__ or "").splitlines():
        stripped = line.strip().lstrip("│├└─ ")
        if stripped and (line.strip() == "HarnessError" or line.strip()[0] in "├└"):
            names.append(stripped.split()[0])
    return names


def test_every_harness_error_is_defined_in_errors_py() -> None:
    elsewhere = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in _all_harness_errors()
        if cls.__module__ != "harness.errors"
    )
    assert elsewhere == []


def test_every_harness_error_is_drawn_in_the_tree_once() -> None:
    drawn = _drawn_names()
    assert len(drawn) == len(set(drawn))
    assert sorted(drawn) == sorted(cls.__name__ for cls in _all_harness_errors())


def test_every_harness_error_is_exported() -> None:
    defined = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, HarnessError)
    }
    assert defined == set(errors.__all__)

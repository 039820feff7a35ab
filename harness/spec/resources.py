"""Find the bundled data (openapi/, contracts/, cassettes/) through importlib.resources.

A built wheel carries the three folders under ``harness/_data``; a source checkout (or an
editable install) keeps them at the top of the repository, beside the ``harness`` package.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from harness.errors import SpecError
from harness.facts import load_yaml

__all__ = ["GENERATED_CONTRACTS", "data_dir", "load_document"]

# Contracts generated with the description's generated layer; a hand-written contract of the
# same name, at the top of contracts/, replaces its generated one.
GENERATED_CONTRACTS = "generated"

_KINDS = ("openapi", "contracts", "cassettes")


def data_dir(kind: str) -> Traversable:
    """The folder holding one kind of bundled data, in a wheel or in a checkout."""
    if kind not in _KINDS:
        raise ValueError(f"unknown data folder {kind!r}; expected one of {_KINDS}")
    package = resources.files("harness")
    packaged = package / "_data" / kind
    if packaged.is_dir():
        return packaged
    checkout = package / ".." / kind
    if checkout.is_dir():
        return checkout
    raise SpecError(f"bundled folder {kind}/ not found in the installed package or the checkout")


def load_document(kind: str, name: str) -> Any:
    """Parse one bundled JSON or YAML file (a contract: hand-written, else generated)."""
    entry = data_dir(kind) / name
    if kind == "contracts" and not entry.is_file():
        entry = data_dir(kind) / GENERATED_CONTRACTS / name
    if not entry.is_file():
        raise SpecError(f"bundled file {kind}/{name} not found")
    text = entry.read_text(encoding="utf-8")
    try:
        if name.endswith(".json"):
            return json.loads(text)
        return load_yaml(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise SpecError(f"bundled file {kind}/{name} is not valid: {exc}") from exc

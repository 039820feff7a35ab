"""aria-harness: contract tests, a stateful stub, record/replay and fuzzing for the Aria API.

The public surface is the names in ``__all__``; everything else is an implementation detail.
Heavy modules (requests, jsonschema-rs, vcrpy) load on first use, so importing the package,
and the pytest plugin with it, stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from harness.errors import (
    AriaError,
    CassetteError,
    ContractViolation,
    HarnessError,
    InvoiceGuardError,
    RealCardError,
    SpecError,
    UnknownMethodError,
)

if TYPE_CHECKING:
    from harness.client import AriaClient
    from harness.contracts import Violation, validate
    from harness.spec import MethodSpec, Registry, registry

__all__ = [
    "AriaClient",
    "AriaError",
    "CassetteError",
    "ContractViolation",
    "HarnessError",
    "InvoiceGuardError",
    "MethodSpec",
    "RealCardError",
    "Registry",
    "SpecError",
    "UnknownMethodError",
    "Violation",
    "registry",
    "validate",
]

_LAZY = {
    "AriaClient": "harness.client",
    "Violation": "harness.contracts",
    "validate": "harness.contracts",
    "MethodSpec": "harness.spec",
    "Registry": "harness.spec",
    "registry": "harness.spec",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")

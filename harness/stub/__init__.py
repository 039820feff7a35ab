"""The embedded, stateful Aria stub.

``StubService`` holds the domain (accounts, invoices, the virtual clock) and answers calls as
Aria would; ``Stub`` puts Aria's wire format around it (WSGI and ASGI); ``running_stub`` serves
it over HTTP on a free loopback port.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.stub.app import Stub
    from harness.stub.server import running_stub
    from harness.stub.service import StubService

__all__ = ["Stub", "StubService", "running_stub"]

_LAZY = {
    "Stub": "harness.stub.app",
    "StubService": "harness.stub.service",
    "running_stub": "harness.stub.server",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness.stub' has no attribute {name!r}")

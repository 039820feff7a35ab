"""Control endpoints under ``/_stub/``, outside Aria's namespace; off unless enabled.

    POST   /_stub/reset      back to the loaded fixtures
    POST   /_stub/fixtures   replace the fixtures (a YAML or JSON body) and reset
    GET    /_stub/state      every table as JSON
    GET    /_stub/digest     {"digest": sha256 of the state}, to prove a dry run wrote nothing
    GET    /_stub/faults     the faults in force
    POST   /_stub/faults     inject a fault: {"method": ..., "kind": ..., ...options}
    DELETE /_stub/faults     clear every fault (or ?method=NAME for one method's)

These speak plain HTTP (400 for a bad request, 405 for a wrong verb), since no Aria client
ever calls them. When control is off they are not routed at all, and the path answers like
any other unknown path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

import yaml

from harness.stub.wire import JSON_CONTENT_TYPE, WireRequest, WireResponse

if TYPE_CHECKING:
    from harness.stub.faults import FaultInjector
    from harness.stub.service import StubService

__all__ = ["CONTROL_PREFIX", "handle_control"]

CONTROL_PREFIX = "/_stub/"
_FAULT_OPTIONS = {"code", "message", "seconds", "status", "body", "set", "rename", "times"}


class Controlled(Protocol):
    """What the endpoints act on: the ``Stub`` that routes ``/_stub/`` to them."""

    service: StubService
    faults: FaultInjector

    def reset(self) -> None:
        """Back to the loaded fixtures, with no fault in force."""


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def handle_control(stub: Controlled, request: WireRequest) -> WireResponse:
    """Answer a request under ``/_stub/``; never raises."""
    route = _ROUTES.get(request.path[len(CONTROL_PREFIX) :].strip("/"))
    try:
        if route is None:
            raise _BadRequest(
                f"no control endpoint {request.path}; "
                f"known: {', '.join(CONTROL_PREFIX + name for name in _ROUTES)}",
                404,
            )
        handler = route.get(request.method.upper())
        if handler is None:
            raise _BadRequest(f"{request.method} is not allowed on {request.path}", 405)
        status, payload = 200, handler(stub, request)
    except _BadRequest as exc:
        status, payload = exc.status, {"error": str(exc)}
    except Exception as exc:  # bad fixtures and the like: a readable 400, never a 500
        status, payload = 400, {"error": f"{type(exc).__name__}: {exc}"}
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return WireResponse(status, JSON_CONTENT_TYPE, body)


def _reset(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    stub.reset()
    return {"reset": True}


def _load_fixtures(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    try:
        fixtures = yaml.safe_load(request.body.decode("utf-8"))  # JSON is YAML too
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _BadRequest(f"the fixtures are not YAML or JSON: {exc}") from None
    if not isinstance(fixtures, dict):
        raise _BadRequest("the fixtures must be a mapping (a YAML or JSON object)")
    stub.service.load_fixtures(fixtures)
    stub.faults.clear()
    return {"loaded": True}


def _state(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    return stub.service.dump_state()


def _digest(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    return {"digest": stub.service.state_digest()}


def _list_faults(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    return {"faults": [fault.to_dict() for fault in stub.faults.active()]}


def _add_fault(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    try:
        spec = json.loads(request.body or b"null")
    except ValueError as exc:
        raise _BadRequest(f"the fault is not JSON: {exc}") from None
    if not isinstance(spec, dict) or "kind" not in spec:
        raise _BadRequest('a fault is a JSON object such as {"method": "*", "kind": "drop"}')
    unknown = set(spec) - _FAULT_OPTIONS - {"method", "kind"}
    if unknown:
        raise _BadRequest(
            f"unknown fault option(s) {', '.join(sorted(unknown))}; "
            f"known: method, kind, {', '.join(sorted(_FAULT_OPTIONS))}"
        )
    try:
        fault = stub.faults.add(
            str(spec.get("method", "*")),
            str(spec["kind"]),
            **{k: v for k, v in spec.items() if k in _FAULT_OPTIONS},
        )
    except (TypeError, ValueError) as exc:
        raise _BadRequest(str(exc)) from None
    return {"added": fault.to_dict()}


def _clear_faults(stub: Controlled, request: WireRequest) -> dict[str, Any]:
    method = dict(parse_qsl(request.query)).get("method")
    stub.faults.clear(method)
    return {"cleared": method or "*"}


_Handler = Callable[[Controlled, WireRequest], dict[str, Any]]
_ROUTES: dict[str, dict[str, _Handler]] = {
    "reset": {"POST": _reset},
    "fixtures": {"POST": _load_fixtures},
    "state": {"GET": _state},
    "digest": {"GET": _digest},
    "faults": {"GET": _list_faults, "POST": _add_fault, "DELETE": _clear_faults},
}

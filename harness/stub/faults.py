"""Fault injection: make the stub misbehave on purpose, so consumers can test their error paths.

A fault applies to one method or to every method (``"*"``), for ``times`` calls or until
cleared. Kinds, in the order they act on a call:

- ``latency`` (``seconds=``): answer late.
- ``error_code`` (``code=``, ``message=``): answer with that Aria error instead of calling
  the service; the output fields are null, as Aria sends them.
- ``write_on_dry_run``: a call that asks for a dry run (``do_write=false``) writes anyway, the
  bug a state digest taken around a dry run must catch.
- ``field`` (``set={pointer or name: value}``, ``rename={old: new}``): change the answer.
- ``malformed``: a body that is not JSON (the real answer cut short), still labelled JSON.
- ``html``: an HTML maintenance page (status 200 unless ``status=`` says otherwise).
- ``http_status`` (``status=``, ``body=``): a non-200 answer such as a proxy's 503.
- ``drop``: close the connection without answering.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import InjectedTransportFault
from harness.spec import registry

__all__ = ["KINDS", "TRANSPORT_KINDS", "Fault", "FaultInjector", "InjectedTransportFault"]

KINDS = (
    "latency",
    "error_code",
    "write_on_dry_run",
    "field",
    "malformed",
    "html",
    "http_status",
    "drop",
)
# Kinds that only exist on the wire: an in-process call raises InjectedTransportFault for them.
TRANSPORT_KINDS = frozenset({"malformed", "html", "http_status", "drop"})

MAINTENANCE_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Scheduled Maintenance</title></head>\n"
    "<body><h1>Scheduled Maintenance</h1>\n"
    "<p>The service is temporarily unavailable. Please try again later.</p></body></html>\n"
)


@dataclass(slots=True)
class Fault:
    """One injected fault and how many more calls it applies to (None = until cleared)."""

    method: str
    kind: str
    code: int | None = None
    message: str | None = None
    seconds: float = 0.0
    status: int | None = None
    body: str | None = None
    set: dict[str, Any] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    times: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fault as JSON-ready data (for the control endpoint)."""
        return {
            "method": self.method,
            "kind": self.kind,
            "code": self.code,
            "message": self.message,
            "seconds": self.seconds,
            "status": self.status,
            "body": self.body,
            "set": dict(self.set),
            "rename": dict(self.rename),
            "times": self.times,
        }


class FaultInjector:
    """The faults in force, thread-safe; each call takes the ones that match it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        method: str = "*",
        kind: str = "error_code",
        *,
        code: int | None = None,
        message: str | None = None,
        seconds: float | None = None,
        status: int | None = None,
        body: str | None = None,
        set: Mapping[str, Any] | None = None,  # the documented option name, though a builtin
        rename: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> Fault:
        """Inject a fault; raises ValueError naming the fix when the options do not fit."""
        fault = Fault(
            method=method,
            kind=kind,
            code=code,
            message=message,
            seconds=float(seconds or 0.0),
            status=status,
            body=body,
            set=dict(set or {}),
            rename=dict(rename or {}),
            times=times,
        )
        _check(fault)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, method: str | None = None) -> None:
        """Remove every fault, or those of one method."""
        with self._lock:
            self._faults = [f for f in self._faults if method is not None and f.method != method]

    def active(self) -> list[Fault]:
        """The faults still in force."""
        with self._lock:
            return list(self._faults)

    def __bool__(self) -> bool:
        return bool(self._faults)

    def take(self, method: str | None) -> list[Fault]:
        """The faults that apply to this call, in kind order; counts one use of each."""
        if not self._faults:  # the common case costs no lock
            return []
        taken: list[Fault] = []
        with self._lock:
            for fault in list(self._faults):
                if fault.method not in ("*", method):
                    continue
                taken.append(fault)
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return sorted(taken, key=lambda fault: KINDS.index(fault.kind))


def apply_field_faults(envelope: dict[str, Any], faults: list[Fault]) -> dict[str, Any]:
    """The envelope with every ``field`` fault's sets and renames applied."""
    for fault in faults:
        if fault.kind != "field":
            continue
        for pointer, value in fault.set.items():
            _set_pointer(envelope, pointer, value)
        if fault.rename:
            envelope = {fault.rename.get(key, key): value for key, value in envelope.items()}
    return envelope


def _set_pointer(document: dict[str, Any], pointer: str, value: Any) -> None:
    if not pointer.startswith("/"):
        document[pointer] = value
        return
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    node: Any = document
    try:
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    except (IndexError, ValueError, AttributeError):
        return  # the path does not exist in this answer (e.g. an error): nothing to change
    last = parts[-1]
    if isinstance(node, list):
        if last.isdigit() and int(last) < len(node):
            node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value


def _check(fault: Fault) -> None:
    if fault.kind not in KINDS:
        raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {', '.join(KINDS)}")
    if fault.method != "*" and fault.method not in registry():
        raise ValueError(
            f"unknown method {fault.method!r}; use '*' or one of {', '.join(registry().names)}"
        )
    if fault.times is not None and fault.times < 1:
        raise ValueError("times must be at least 1, or None for until cleared")
    if fault.kind == "error_code" and not isinstance(fault.code, int):
        raise ValueError("an error_code fault needs code=<int>")
    if fault.kind == "latency" and fault.seconds <= 0:
        raise ValueError("a latency fault needs seconds=<positive number>")
    if fault.kind == "http_status" and not (
        isinstance(fault.status, int) and 100 <= fault.status <= 599
    ):
        raise ValueError("an http_status fault needs status=<100..599>")
    if fault.kind == "field" and not (fault.set or fault.rename):
        raise ValueError("a field fault needs set={pointer: value} and/or rename={old: new}")
    if fault.kind == "write_on_dry_run" and fault.method != "*":
        if registry()[fault.method].invoicing.dry_run_field is None:
            raise ValueError(f"{fault.method} has no dry-run field")

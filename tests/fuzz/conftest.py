"""A deliberately simple Aria-like WSGI app, with plantable faults, for testing the fuzzer.

It knows one client, one account, one master plan instance and one invoice; it validates
inputs with its own small rules (not the fuzzer's), answers every call with HTTP 200 and
Aria's envelope, and records every call it receives. ``faults`` plants the bugs the checks
must catch.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.formcodec import decode_form
from harness.spec import DISPATCHER_PATH, registry

CLIENT_NO = 7000001
AUTH_KEY = "mini-demo-auth-key"
ACCT_NO = 1001
CLIENT_ACCT_ID = "A-1001"
MPI_NO = 2001
INVOICE_NO = 3001
KNOWN_VALUES: dict[str, list[Any]] = {
    "acct_no": [ACCT_NO],
    "account_no": [ACCT_NO],
    "client_acct_id": [CLIENT_ACCT_ID],
    "master_plan_instance_no": [MPI_NO],
    "invoice_no": [INVOICE_NO],
    "orig_invoice_no": [INVOICE_NO],
}
# One call per method that the app answers with success.
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "gen_invoice_m": [{"acct_no": ACCT_NO}],
    "gen_invoice": [{"acct_no": ACCT_NO}],
    "gen_rb_m": [
        {
            "acct_no": ACCT_NO,
            "orig_invoice_no": INVOICE_NO,
            "reason_cd": 1,
            "rb_line_items": [{"line_no": 1}],
        }
    ],
    "create_order_m": [{"account_no": ACCT_NO, "order_line_items_list": [{"client_sku": "S"}]}],
    "manage_pending_invoice_m": [{"acct_no": ACCT_NO}],
    "get_invoice_details_m": [{"acct_no": ACCT_NO, "invoice_no": INVOICE_NO}],
    "get_virtual_datetime_m": [{}],
    "advance_virtual_datetime_m": [{"offset_hours": 1}],
}
_INT = re.compile(r"^-?\d+$")

# What a success carries, per method, beyond error_code/error_msg (the contracts' minimum).
_SUCCESS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "gen_invoice_m": lambda p: {
        "out_acct_no": ACCT_NO,
        "out_invoices_list": [{"invoice_no": 4001}],
    },
    "gen_invoice": lambda p: {"invoice_no": 4001},
    "gen_rb_m": lambda p: {"invoice_items": [], "amount": 0.0},
    "create_order_m": lambda p: {
        "invoice_line_items_list": [],
        "total_charges_before_tax": 10.0,
        "total_tax_charges": 0.0,
        "total_charges_after_tax": 10.0,
    },
    "manage_pending_invoice_m": lambda p: {"acct_no": ACCT_NO},
    "get_invoice_details_m": lambda p: {"invoice_line_details": []},
    "get_virtual_datetime_m": lambda p: _clock(0),
    "advance_virtual_datetime_m": lambda p: _clock(int(p["offset_hours"])),
}


def _clock(offset: int) -> dict[str, Any]:
    return {
        "virtual_date": "2026-01-01",
        "virtual_time": "00:00:00",
        "system_date": "2026-01-01",
        "system_time": "00:00:00",
        "current_offset_hours": offset,
    }


class MiniAria:
    """The app; ``faults`` maps a fault name to the method it applies to ("*" for all)."""

    def __init__(self) -> None:
        self.faults: dict[str, str] = {}
        self.received: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def digest(self) -> str:
        """sha256 of the app's whole state."""
        return hashlib.sha256(json.dumps(self.orders, sort_keys=True).encode()).hexdigest()

    def _fault(self, name: str, method: str) -> bool:
        return self.faults.get(name) in {method, "*"}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        with self._lock:
            status, body = self._answer(environ, raw)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        kind = "application/json" if not isinstance(body, bytes) else "text/html"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(payload)))])
        return [payload]

    def _answer(self, environ: dict[str, Any], raw: bytes) -> tuple[str, Any]:
        if environ.get("PATH_INFO") != DISPATCHER_PATH:
            return "200 OK", {"error_code": -1, "error_msg": "method not found"}
        params = self._parse(environ.get("CONTENT_TYPE", ""), raw)
        method = params.get("rest_call") if isinstance(params, dict) else None
        self.received.append(params if isinstance(params, dict) else {"_raw": repr(params)})
        if not isinstance(method, str) or method not in registry():
            return "200 OK", {"error_code": -1, "error_msg": "method not found"}
        spec = registry()[method]
        if self._fault("http_500", method):
            return "500 Internal Server Error", b"<html>boom</html>"
        code, message = self._validate(spec, params)
        envelope: dict[str, Any] = {"error_code": code, "error_msg": message}
        envelope.update({name: None for name in spec.output_fields if name not in envelope})
        if code == 0:
            envelope.update(_SUCCESS[method](params))
            dry = spec.is_dry_run(params)
            if method == "create_order_m" and (not dry or self._fault("dry_run_writes", method)):
                self.orders.append({"account_no": ACCT_NO, "n": len(self.orders)})
            if self._fault("bad_ok_msg", method):
                envelope["error_msg"] = "Success"
            if self._fault("wrong_type", method) and "out_acct_no" in envelope:
                envelope["out_acct_no"] = str(envelope["out_acct_no"])
        elif self._fault("undocumented_code", method):
            envelope.update(error_code=99999, error_msg="surprise")
        return "200 OK", envelope

    @staticmethod
    def _parse(content_type: str, raw: bytes) -> Any:
        text = raw.decode("utf-8", "replace")
        if content_type.startswith("application/json"):
            try:
                return json.loads(text)
            except ValueError:
                return None
        params = decode_form(text)
        if isinstance(params, dict) and params.get("rest_call") in registry():
            fields = registry()[params["rest_call"]].array_fields
            return decode_form(text, array_fields=fields)
        return params

    def _validate(self, spec: Any, params: dict[str, Any]) -> tuple[int, str]:
        if str(params.get("client_no")) != str(CLIENT_NO) or params.get("auth_key") != AUTH_KEY:
            return 1004, "authentication error"
        props = registry().schema(spec.request_schema).get("properties", {})
        for name in spec.required:
            if params.get(name) in (None, ""):
                return 1010, f"Missing required parameter: {name}"
        for alternatives in spec.alternatives[:1]:
            if spec.name != "create_order_m" and not any(
                params.get(a) is not None for a in alternatives
            ):
                return 1010, f"Missing required parameter: {alternatives[0]}"
        for name, value in params.items():
            prop = props.get(name)
            if prop is None or value is None:
                continue
            if not _acceptable(prop, value):
                if self._fault("accept_invalid", spec.name):
                    continue
                if self._fault("generic_enum_code", spec.name):
                    return 1016, "invalid input"
                for code, entry in spec.error_codes.items():
                    if entry.inputs == (name,):
                        return code, entry.message
                return 1016, "invalid input"
        for name in ("acct_no", "account_no"):
            if name in params and str(params[name]) != str(ACCT_NO):
                return 1009, "account does not exist"
        if "client_acct_id" in params and params["client_acct_id"] != CLIENT_ACCT_ID:
            return 1009, "account does not exist"
        for name in ("invoice_no", "orig_invoice_no"):
            if name in params and str(params[name]) != str(INVOICE_NO):
                return 1002, "no data found"
        return 0, "OK"


def _acceptable(prop: dict[str, Any], value: Any) -> bool:
    kind = prop.get("type")
    if kind == "integer":
        if isinstance(value, bool) or not (isinstance(value, int) or _INT.match(str(value))):
            return False
        value = int(value)
        if value < prop.get("minimum", value) or value > prop.get("maximum", value):
            return False
    elif kind == "string":
        if isinstance(value, dict | list):
            return False
        value = value if isinstance(value, str) else json.dumps(value)
        if len(value) > prop.get("maxLength", 10**9):
            return False
    elif kind == "number":
        try:
            value = float(value)
        except (TypeError, ValueError):
            return False
    elif kind == "array":
        if not isinstance(value, list):
            return False
    return "enum" not in prop or value in prop["enum"] or str(value) in map(str, prop["enum"])


@pytest.fixture
def mini_aria() -> Iterator[MiniAria]:
    """A fresh Aria-like app with no faults."""
    yield MiniAria()


def fuzz_config(mini: MiniAria, **overrides: Any) -> Any:
    """A small, seeded run against the mini app (in-process unless base_url is given)."""
    from harness.fuzz import FuzzConfig

    settings: dict[str, Any] = {
        "app": mini,
        "credentials": (CLIENT_NO, AUTH_KEY),
        "known_values": KNOWN_VALUES,
        "examples": EXAMPLES,
        "state_digest": mini.digest,
        "max_examples": 15,
        "seed": 7,
    }
    settings.update(overrides)
    return FuzzConfig(**settings)


@pytest.fixture
def served_mini_aria(mini_aria: MiniAria) -> Iterator[tuple[str, MiniAria]]:
    """The mini app served over loopback HTTP, as a sandbox would be."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = make_server("127.0.0.1", 0, mini_aria, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", mini_aria
    finally:
        server.shutdown()
        server.server_close()

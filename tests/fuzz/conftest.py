"""A deliberately simple Aria-like WSGI app, with plantable faults, for testing the fuzzer.

It knows one client, one account, one master plan instance and one invoice; it validates
inputs with its own small rules (not the fuzzer's), answers every call with HTTP 200 and
Aria's envelope, and records every call it receives. Orders create invoices, rebills create a
credit memo and a rebill invoice, and gen_invoice_m with force_pending creates a pending
invoice that blocks the plan instance (3108) until approved, so the stateful sequences have
something to follow. ``faults`` plants the bugs the checks must catch.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.formcodec import FormDecodeError, decode_form
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
# Bodies the stateful phase starts from (the links fill in what earlier calls created).
SEQUENCE_SEEDS: dict[str, list[dict[str, Any]]] = {
    "create_order_m": [
        {"account_no": ACCT_NO, "order_line_items_list": [{"client_sku": "S", "units": 1}]}
    ],
    # Plan instances the app does not check, so each can take one pending invoice.
    "gen_invoice_m": [
        {"acct_no": ACCT_NO, "master_plan_instance_no": MPI_NO + n, "force_pending": "true"}
        for n in range(20)
    ],
    "gen_rb_m": [{"reason_cd": 1, "rb_line_items": [{"line_no": 1}]}],
    "manage_pending_invoice_m": [{}],
    "get_invoice_details_m": [{}],
}
ORDER_TOTAL = 10.0
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
        self.invoices: dict[int, dict[str, Any]] = {
            INVOICE_NO: self._invoice(INVOICE_NO, "invoice", "posted", ORDER_TOTAL)
        }
        self.blocked_mpis: set[int] = set()
        self._lock = threading.Lock()

    @staticmethod
    def _invoice(number: int, kind: str, status: str, total: float, **extra: Any) -> dict:
        return {
            "invoice_no": number,
            "acct_no": ACCT_NO,
            "kind": kind,
            "status": status,
            "orig_invoice_no": None,
            "total": total,
            **extra,
        }

    def _new_invoice(self, kind: str, status: str, total: float, **extra: Any) -> dict:
        number = max(self.invoices) + 1
        self.invoices[number] = self._invoice(number, kind, status, total, **extra)
        return self.invoices[number]

    def digest(self) -> str:
        """sha256 of the app's whole state."""
        state = [self.orders, sorted(self.invoices.items()), sorted(self.blocked_mpis)]
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()

    def ledger(self) -> list[dict[str, Any]]:
        """Every invoice: number, kind, what it replaces, total."""
        with self._lock:
            return [dict(row) for row in self.invoices.values()]

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
            code, message = self._effects(method, params, envelope, dry=dry)
            if code != 0:
                envelope = {"error_code": code, "error_msg": message}
                envelope.update({k: None for k in spec.output_fields if k not in envelope})
        if code == 0:
            if self._fault("bad_ok_msg", method):
                envelope["error_msg"] = "Success"
            if self._fault("echo_credentials", method):  # a message quoting what was sent
                echo = f"tenant {params.get('client_no')} key {params.get('auth_key')}"
                envelope["error_msg"] = echo
            if self._fault("wrong_type", method) and "out_acct_no" in envelope:
                envelope["out_acct_no"] = str(envelope["out_acct_no"])
        elif self._fault("undocumented_code", method):
            envelope.update(error_code=99999, error_msg="surprise")
        return "200 OK", envelope

    def _effects(
        self, method: str, params: dict[str, Any], envelope: dict[str, Any], *, dry: bool
    ) -> tuple[int, str]:
        """What a successful call does to the invoices; a refusal found only now."""
        if method == "create_order_m" and not dry:
            invoice = self._new_invoice("order", "posted", ORDER_TOTAL)
            envelope["invoice_no"] = invoice["invoice_no"]
            envelope["invoice_line_items_list"] = [
                {"line_no": 1, "service_no": 1, "line_amount": ORDER_TOTAL}
            ]
        elif method == "gen_rb_m" and not dry:
            original = self.invoices[int(params["orig_invoice_no"])]
            if original["status"] != "posted" or original["kind"] == "credit_memo":
                return 1016, "invalid input: the invoice cannot be rebilled"
            # The planted fault: a memo that leaves one unit of the original standing.
            offset = -original["total"] + (1.0 if self._fault("memo_short", method) else 0.0)
            orig = original["invoice_no"]
            self._new_invoice("credit_memo", "posted", offset, orig_invoice_no=orig)
            rebill = self._new_invoice("rebill", "posted", original["total"], orig_invoice_no=orig)
            original["status"] = "rebilled"
            envelope["invoice_no"] = rebill["invoice_no"]
        elif method == "gen_invoice_m":
            mpi = params.get("master_plan_instance_no")
            mpi = int(mpi) if mpi is not None and _INT.match(str(mpi)) else None
            if mpi is not None and mpi in self.blocked_mpis:
                return 3108, "another invoice in progress for the same billing group"
            if mpi is not None and params.get("force_pending") == "true":
                invoice = self._new_invoice("invoice", "pending", ORDER_TOTAL, mpi=mpi)
                self.blocked_mpis.add(mpi)
                envelope["invoice_no"] = invoice["invoice_no"]
                envelope["out_invoices_list"] = [{"invoice_no": invoice["invoice_no"]}]
        elif method == "manage_pending_invoice_m" and params.get("invoice_no") is not None:
            invoice = self.invoices[int(params["invoice_no"])]
            action = params.get("action_directive")
            if invoice["status"] == "pending" and str(action) in ("None", "1", "2"):
                invoice["status"] = "posted" if str(action) != "2" else "discarded"
                # The planted fault: the approval leaves the plan instance blocked.
                if not self._fault("approval_keeps_block", method):
                    self.blocked_mpis.discard(invoice.get("mpi"))
        return 0, "OK"

    @staticmethod
    def _parse(content_type: str, raw: bytes) -> Any:
        text = raw.decode("utf-8", "replace")
        if content_type.startswith("application/json"):
            try:
                return json.loads(text)
            except ValueError:
                return None
        try:
            params = decode_form(text)
            if isinstance(params, dict) and params.get("rest_call") in registry():
                fields = registry()[params["rest_call"]].array_fields
                return decode_form(text, array_fields=fields)
        except FormDecodeError:
            return None  # answered like malformed JSON: the envelope, never a 500
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
            value = params.get(name)
            if name in params and not (_INT.match(str(value)) and int(value) in self.invoices):
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
        items = prop.get("items", {})
        if "$ref" in items:
            items = registry().schema(items["$ref"].rsplit("/", 1)[-1])
        fields = items.get("properties", {})
        for item in value:
            if fields and not isinstance(item, dict):
                return False
            for name, field in item.items() if fields else ():
                if name in fields and field is not None and not _acceptable(fields[name], field):
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
        "ledger": mini.ledger,
        "sequence_seeds": SEQUENCE_SEEDS,
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

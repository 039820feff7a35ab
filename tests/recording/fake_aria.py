"""A tiny Aria-like HTTP server for the recording and client tests (127.0.0.1, port 0)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from harness.formcodec import decode_form
from harness.spec import DISPATCHER_PATH, registry
from tests.samples import gen_invoice_m_success

AUTH_KEY = "fake-aria-auth-key-42"
CLIENT_NO = 4242


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass


@dataclass
class FakeAria:
    """Answers like Aria's dispatcher; remembers what it received."""

    received: list[dict[str, Any]] = field(default_factory=list)
    arrived: list[str] = field(default_factory=list)  # every request's path, Aria's or not
    clock: int = 0
    # a hostile answer for the attack tests: params -> (status line, headers, body)
    hostile: Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]], bytes]] | None = None

    def params(self, environ: dict[str, Any]) -> dict[str, Any]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        if environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return {**query, **json.loads(body)}
        pairs = parse_qsl(body, keep_blank_values=True)
        method = dict(pairs).get("rest_call", "")
        arrays = registry()[method].array_fields if method in registry() else {}
        return {**query, **decode_form(pairs, array_fields=arrays)}

    def answer(self, params: dict[str, Any]) -> tuple[str, bytes]:
        method = params.get("rest_call")
        if str(params.get("auth_key")) != AUTH_KEY:
            return "application/json", json.dumps(
                {"error_code": 1004, "error_msg": "auth"}
            ).encode()
        if method == "get_virtual_datetime_m":
            self.clock += 1
            body: dict[str, Any] = {
                "error_code": 0,
                "error_msg": "OK",
                "virtual_date": f"2026-01-{self.clock:02d}",
                "virtual_time": "10:00:00",
                "system_date": "2026-01-01",
                "system_time": "10:00:00",
                "current_offset_hours": 24 * (self.clock - 1),
                "is_batch_running": "N",
            }
        elif method == "gen_invoice_m":
            body = gen_invoice_m_success()
        elif method == "echo_m":  # echoes its inputs back, as some Aria answers do
            body = {"error_code": 0, "error_msg": "OK", "echo": params}
        elif method == "binary_m":
            return "application/octet-stream", b"\x89PNG\x00\xff\xfe"
        elif method == "broken_contract_m" or method == "get_invoice_details_m":
            body = {"error_code": "zero"}
        else:
            body = {"error_code": -1, "error_msg": "method not found"}
        return "application/json; charset=utf-8", json.dumps(body).encode()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.arrived.append(environ["PATH_INFO"])
        if environ["PATH_INFO"] != DISPATCHER_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        params = self.params(environ)
        self.received.append(params)
        if self.hostile is not None:
            status, headers, payload = self.hostile(params)
            start_response(status, headers)
            return [payload]
        content_type, payload = self.answer(params)
        start_response("200 OK", [("Content-Type", content_type)])
        return [payload]


@dataclass
class FakeServer:
    """Where the fake listens and what it has received."""

    url: str
    app: FakeAria


@contextmanager
def serve_fake() -> Iterator[FakeServer]:
    """Run the fake on a free loopback port in a thread."""
    app = FakeAria()
    server = make_server("127.0.0.1", 0, app, server_class=WSGIServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakeServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()

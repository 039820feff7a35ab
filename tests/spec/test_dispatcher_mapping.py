"""The fragment-per-method mapping drives schemathesis against one real dispatcher URL.

A method's path is written as a fragment of Aria's dispatcher (``...php#gen_invoice_m``).
A fragment never goes over HTTP, so every generated request must reach the dispatcher path
itself, with the method named by ``rest_call`` in a JSON or form body.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from harness.spec import DISPATCHER_PATH, registry


class _Dispatcher(BaseHTTPRequestHandler):
    """Records every request and answers with Aria's envelope, as any Aria dispatcher does."""

    seen: list[tuple[str, str, str, dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            body = json.loads(raw) if raw else {}
        else:
            body = {key: values[0] for key, values in parse_qs(raw).items()}
        self.seen.append((self.command, self.path, content_type, body))
        payload = json.dumps({"error_code": 1004, "error_msg": "authentication error"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def dispatcher() -> Iterator[str]:
    _Dispatcher.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Dispatcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_schemathesis_sends_one_operation_to_the_dispatcher_path(dispatcher: str) -> None:
    # a copy: schemathesis rewrites the document it is given, and the registry caches it
    schema = schemathesis.openapi.from_dict(copy.deepcopy(dict(registry().document)))
    operation = schema.find_operation_by_id("gen_invoice_m")

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        response = case.call(base_url=dispatcher)
        assert response.status_code == 200

    run()
    assert len(_Dispatcher.seen) >= 40
    content_types = set()
    for method, path, content_type, body in _Dispatcher.seen:
        assert (method, path) == ("POST", DISPATCHER_PATH)
        assert body["rest_call"] == "gen_invoice_m"
        content_types.add(content_type.split(";")[0])
    assert content_types == {"application/json", "application/x-www-form-urlencoded"}

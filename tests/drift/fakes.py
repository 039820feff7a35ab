"""A fake Aria on 127.0.0.1 and a writer of vcrpy-format cassettes, for the drift tests."""

from __future__ import annotations

import copy
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import yaml

from harness.drift import RetryPolicy, Target
from harness.spec import DISPATCHER_PATH

CLIENT_NO = "4000123"
AUTH_KEY = "live-secret-auth-key-5f2c9e"
RECORDED_HOST = "https://sandbox.example.invalid"


@dataclass
class Reply:
    """What the fake Aria answers: an envelope (dict), raw text, or a dropped connection."""

    body: Any = None
    status: int = 200
    content_type: str = "application/json"
    drop: bool = False
    delay: float = 0.0


@dataclass
class FakeAria:
    """A programmable Aria on loopback that records every call it receives."""

    url: str = ""
    responder: Callable[[str, dict[str, Any]], Reply] = lambda method, params: Reply(
        {"error_code": 0, "error_msg": "OK"}
    )
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)

    def count(self, method: str) -> int:
        return sum(1 for name, _, _ in self.calls if name == method)


def handler_for(fake: FakeAria) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            params: dict[str, Any] = dict(parse_qsl(urlsplit(self.path).query))
            if "json" in (self.headers.get("Content-Type") or ""):
                params.update(json.loads(raw))
            elif raw:
                params.update(parse_qsl(raw, keep_blank_values=True))
            method = str(params.get("rest_call"))
            fake.calls.append((method, params, self.path))
            reply = fake.responder(method, params)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            body = reply.body
            data = (json.dumps(body) if isinstance(body, dict | list) else str(body)).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = _serve
        do_GET = _serve

    return Handler


def target_for(url: str, *, is_stub: bool = False) -> Target:
    """A target with the test's credentials."""
    return Target(url, CLIENT_NO, AUTH_KEY, is_stub=is_stub)


def no_wait_policy(attempts: int = 3) -> tuple[RetryPolicy, list[float]]:
    """A retry policy whose sleeps are recorded instead of waited."""
    slept: list[float] = []
    return RetryPolicy(attempts=attempts, sleep=slept.append, jitter=lambda: 0.5), slept


def recorded(
    method: str,
    response: dict[str, Any],
    *,
    params: dict[str, Any] | None = None,
    encoding: str = "json",
    status: int = 200,
) -> dict[str, Any]:
    """One interaction as vcrpy writes it, credentials already placeholders."""
    body_params = {
        "rest_call": method,
        "client_no": "ARIA_CLIENT_NO",
        "auth_key": "ARIA_AUTH_KEY",
        **(params or {}),
    }
    uri = f"{RECORDED_HOST}{DISPATCHER_PATH}"
    if encoding == "json":
        body: str | None = json.dumps(body_params)
        headers = {"Content-Type": ["application/json"]}
    elif encoding == "form":
        body = urlencode(body_params)
        headers = {"Content-Type": ["application/x-www-form-urlencoded"]}
    else:
        body, headers = None, {}
        uri = f"{uri}?{urlencode(body_params)}"
    return {
        "request": {
            "method": "GET" if body is None else "POST",
            "uri": uri,
            "body": body,
            "headers": headers,
        },
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(response)},
        },
    }


def write_cassette(path: Path, interactions: list[dict[str, Any]], *, fmt: str = "yaml") -> Path:
    """Write a cassette file in vcrpy's format."""
    data = {"interactions": copy.deepcopy(interactions), "version": 1}
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path

"""Which requests are Aria calls, and what they ask: the method and its parameters.

A request is an Aria call when its path holds the dispatcher path (on any host) or its
URL matches one of the patterns the user declared. Parameters are read as the cassette matcher
reads them (JSON body, form body with Aria6 pipe columns and PHP brackets, query string), but
unnormalised: values keep the types the caller sent, so the call policy sees card numbers and
dry-run flags as they left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["AriaCall", "AriaUrls", "read_call", "recordable"]

_CALL_ATTR = "_aria_intercepted_call"


class AriaUrls:
    """The URLs that are Aria calls: the dispatcher path on any host, plus user patterns."""

    def __init__(self, patterns: Iterable[str | re.Pattern[str]] = ()) -> None:
        self.patterns = tuple(re.compile(p) if isinstance(p, str) else p for p in patterns)

    def matches(self, url: str) -> bool:
        """True when a request to ``url`` is an Aria call."""
        from harness.spec import DISPATCHER_PATH

        # PHP runs the dispatcher for any path below it (/dispatcher.php/extra, ;param=...)
        if DISPATCHER_PATH in urlsplit(url).path:
            return True
        return any(pattern.search(url) for pattern in self.patterns)


@dataclass
class AriaCall:
    """One intercepted Aria call, as its sender wrote it."""

    method: str | None
    params: dict[str, Any] = field(default_factory=dict)
    decision: Any = None  # the policy's Decision, once taken

    @property
    def name(self) -> str:
        """The method for messages and counts; a call without rest_call is named so."""
        return self.method or "(no rest_call)"


def read_call(request: Any) -> AriaCall:
    """The Aria call a vcrpy request carries (read once, then kept on the request)."""
    cached = getattr(request, _CALL_ATTR, None)
    if cached is not None:
        return cached
    from harness.recording.matcher import request_params

    fields = _fields(request.body)
    if fields is not None:
        # aiohttp hands vcrpy its json= or data= argument itself, not the encoded body
        params = {**_query(request), **fields}
        unread = None
    else:
        params, unread = request_params(request)
    if unread is not None or "rest_call" not in params:
        # A JSON body under another Content-Type: a lenient server may still run it, so the
        # policy must see what it asks.
        params = {**params, **_json_object(request.body)}
    method = params.pop("rest_call", None)
    params.pop("output_format", None)
    call = AriaCall(method if isinstance(method, str) and method else None, params)
    setattr(request, _CALL_ATTR, call)
    return call


def _json_object(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", "replace")
    if not isinstance(body, str) or not body.lstrip().startswith("{"):
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _fields(body: Any) -> dict[str, Any] | None:
    if isinstance(body, Mapping):
        return {str(key): value for key, value in body.items()}
    if (
        isinstance(body, list | tuple)
        and body
        and all(isinstance(item, tuple) and len(item) == 2 for item in body)
    ):
        return {str(key): value for key, value in body}
    return None


def _query(request: Any) -> dict[str, Any]:
    from vcr.request import Request

    from harness.recording.matcher import request_params

    params, _ = request_params(Request(request.method, request.uri, None, {}))
    return params


def recordable(request: Any) -> Any:
    """The request with an encoded body, as a cassette matches and stores it.

    aiohttp's json= or data= argument arrives as a dict; it is stored as a JSON body (the
    matcher compares parameters, not their encoding).
    """
    fields = _fields(request.body)
    if fields is None:
        return request
    from vcr.request import Request

    headers = dict(request.headers or {})
    headers["Content-Type"] = "application/json"
    return Request(request.method, request.uri, json.dumps(fields, default=str), headers)

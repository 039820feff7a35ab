"""Which requests are Aria calls, and what they ask: the method and its parameters.

A request is an Aria call when its path, normalised as a web server would (percent-decoded,
case-folded, ``//``, backslashes and dot segments resolved), holds the dispatcher path (on any
host), or its URL matches one of the patterns the user declared. Parameters are read as the
cassette matcher reads them (JSON body, form body with Aria6 pipe columns and PHP brackets,
query string), but unnormalised: values keep the types the caller sent, so the call policy
sees card numbers and dry-run flags as they left. Beside that reading, the call keeps every
other way PHP may read it (``harness.intercept.readings``), all judged by the guard.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.intercept.readings import Readings, fields_of, materialized, read_all

__all__ = ["AriaCall", "AriaUrls", "dispatcher_path_in", "read_call", "recordable"]

_CALL_ATTR = "_aria_intercepted_call"


class AriaUrls:
    """The URLs that are Aria calls: the dispatcher path on any host, plus user patterns."""

    def __init__(self, patterns: Iterable[str | re.Pattern[str]] = ()) -> None:
        self.patterns = tuple(re.compile(p) if isinstance(p, str) else p for p in patterns)

    def matches(self, url: str) -> bool:
        """True when a request to ``url`` is an Aria call."""
        if dispatcher_path_in(urlsplit(url).path):
            return True
        return any(pattern.search(url) for pattern in self.patterns)


def dispatcher_path_in(path: str) -> bool:
    """True when a web server may route ``path`` to Aria's dispatcher."""
    from harness.spec import DISPATCHER_PATH

    for _ in range(3):  # %252F decoded twice by a proxy and the server
        path = unquote(path)
    path = path.replace("\\", "/").casefold()
    path = re.sub(r"/{2,}", "/", path)
    path = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
    # PHP runs the dispatcher for any path below it (/dispatcher.php/extra, ;param=...)
    return DISPATCHER_PATH in path


@dataclass
class AriaCall:
    """One intercepted Aria call, as its sender wrote it."""

    method: str | None
    params: dict[str, Any] = field(default_factory=dict)
    decision: Any = None  # the policy's Decision, once taken
    readings: Readings = field(default_factory=Readings)  # every other way PHP may read it

    @property
    def name(self) -> str:
        """The method for messages and counts; a call without rest_call is named so."""
        from harness.policy import NO_METHOD

        return self.method or NO_METHOD


def read_call(request: Any) -> AriaCall:
    """The Aria call a vcrpy request carries (read once, then kept on the request)."""
    cached = getattr(request, _CALL_ATTR, None)
    if cached is not None:
        return cached
    from harness.recording.matcher import request_params

    fields = _fields(materialized(request.body))
    readings = read_all(request.uri, request.headers, request.body)
    if fields is not None:
        # aiohttp hands vcrpy its json= or data= argument itself, not the encoded body
        params = {**_query(request), **fields}
        unread = None
    else:
        params, unread = request_params(request)
    if (unread is not None or "rest_call" not in params) and readings.calls:
        # A body under another Content-Type or encoding (JSON labelled as text, UTF-16,
        # multipart, gzip): a lenient server may still run it, so the call is what it asks.
        method, params = readings.calls[0]
        params = {**params, "rest_call": method}
    method = params.pop("rest_call", None)
    params.pop("output_format", None)
    call = AriaCall(method if isinstance(method, str) and method else None, params, None, readings)
    setattr(request, _CALL_ATTR, call)
    return call


def _fields(body: Any) -> dict[str, Any] | None:
    if isinstance(body, list | tuple) and not body:
        return None
    pairs = fields_of(body)
    return None if pairs is None else dict(pairs)


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
    fields = _fields(materialized(request.body))
    if fields is None:
        return request
    from vcr.request import Request

    headers = dict(request.headers or {})
    headers["Content-Type"] = "application/json"
    return Request(request.method, request.uri, json.dumps(fields, default=str), headers)

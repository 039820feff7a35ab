"""Which requests are Aria calls, and what they ask: the method and its parameters.

A request is an Aria call when its path ends with the dispatcher path (on any host) or its
URL matches one of the patterns the user declared. Parameters are read from the JSON body, the
form body (Aria6 pipe columns and PHP brackets) and the query string, body winning as in PHP's
``$_REQUEST``; values keep the types the caller sent, so the call policy sees card numbers and
dry-run flags as they left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["AriaCall", "AriaUrls", "read_call"]

_CALL_ATTR = "_aria_intercepted_call"


class AriaUrls:
    """The URLs that are Aria calls: the dispatcher path on any host, plus user patterns."""

    def __init__(self, patterns: Iterable[str | re.Pattern[str]] = ()) -> None:
        self.patterns = tuple(re.compile(p) if isinstance(p, str) else p for p in patterns)

    def matches(self, url: str) -> bool:
        """True when a request to ``url`` is an Aria call."""
        from harness.spec import DISPATCHER_PATH

        if urlsplit(url).path.endswith(DISPATCHER_PATH):
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


def _body(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


def read_call(request: Any) -> AriaCall:
    """The Aria call a vcrpy request carries (read once, then kept on the request)."""
    cached = getattr(request, _CALL_ATTR, None)
    if cached is not None:
        return cached
    from harness.recording.scrub import media_type

    query = parse_qsl(urlsplit(request.uri).query, keep_blank_values=True)
    body = _body(request)
    kind = media_type(request.headers.get("Content-Type") if request.headers else None)
    params: dict[str, Any] = {}
    if body.strip():
        text = body.decode("utf-8", "replace")
        if kind == "application/json" or kind.endswith("+json") or text.lstrip()[:1] == "{":
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, Mapping):
                params = dict(parsed)
        else:
            pairs = parse_qsl(text, keep_blank_values=True)
            params = _form(pairs, dict(pairs).get("rest_call") or dict(query).get("rest_call"))
    merged = {**_form(query, params.get("rest_call") or dict(query).get("rest_call")), **params}
    method = merged.pop("rest_call", None)
    merged.pop("output_format", None)
    call = AriaCall(method if isinstance(method, str) and method else None, merged)
    setattr(request, _CALL_ATTR, call)
    return call


def _form(pairs: list[tuple[str, str]], rest_call: str | None) -> dict[str, Any]:
    if not pairs:
        return {}
    from harness.formcodec import decode_form
    from harness.spec import registry

    specs = registry()
    arrays = specs[rest_call].array_fields if rest_call and rest_call in specs else {}
    return decode_form(pairs, array_fields=arrays)

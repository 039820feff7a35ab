"""The Aria envelope of a schemathesis response, read once and shared by every check."""

from __future__ import annotations

import json
import threading
from typing import Any

__all__ = ["NOT_JSON", "decoded_body", "parse_envelope"]

NOT_JSON = object()
# Every check of a case reads the same response; its body is decoded once per thread. The
# decoded body is shared, so the checks only read it.
_last = threading.local()


def decoded_body(response: Any) -> Any:
    """The response body as JSON, or ``NOT_JSON``; decoded once per response and thread."""
    cached = getattr(_last, "entry", None)
    if cached is not None and cached[0] is response:
        return cached[1]
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = NOT_JSON
    _last.entry = (response, body)
    return body


def parse_envelope(response: Any) -> dict[str, Any] | None:
    """The response's Aria envelope, or None when it is not one."""
    if response.status_code != 200:
        return None
    body = decoded_body(response)
    if not isinstance(body, dict) or "error_code" not in body or "error_msg" not in body:
        return None
    return body

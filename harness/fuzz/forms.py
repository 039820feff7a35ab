"""Aria's form encoding for the bodies schemathesis generates.

Schemathesis's own form serializer hands a dict to requests/werkzeug, which cannot encode
arrays of objects (``order_line_items_list``) in any form Aria understands. ``encode_form_body``
encodes them as Aria6 pipe columns, falling back to PHP brackets where pipes cannot carry the
value (see ``harness.formcodec``); ``harness.fuzz.hooks`` installs it as schemathesis's
serializer for ``FORM_MEDIA_TYPE``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.formcodec import encode_form

__all__ = ["FORM_MEDIA_TYPE", "encode_form_body"]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def encode_form_body(value: Any) -> bytes | None:
    """A generated body as Aria's form encoding; non-object bodies (negative cases) as they are."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, Mapping):
        return encode_form(value).encode("ascii")
    # An out-of-spec top-level array or scalar: send it as JSON text so it still reaches the
    # server (which answers 1016), as schemathesis's own serializer does.
    return json.dumps(value).encode("utf-8")

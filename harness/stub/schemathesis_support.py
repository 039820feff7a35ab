"""Schemathesis glue: send ``application/x-www-form-urlencoded`` bodies the way Aria reads them.

Schemathesis's own form serializer hands a dict to requests/werkzeug, which cannot encode
arrays of objects (``order_line_items_list``) in any form Aria understands. This serializer
encodes them as Aria6 pipe columns, falling back to PHP brackets where pipes cannot carry the
value (see ``harness.formcodec``). Registration is global to schemathesis (every transport),
so it is explicit and idempotent: call ``register_form_serializer()`` before generating cases.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.formcodec import encode_form

__all__ = ["FORM_MEDIA_TYPE", "encode_form_body", "register_form_serializer"]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
_registered = False


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


def register_form_serializer() -> None:
    """Make schemathesis encode form bodies with Aria's form codec, on every transport."""
    global _registered
    if _registered:
        return
    import schemathesis

    @schemathesis.serializer(FORM_MEDIA_TYPE)
    def _aria_form(ctx: Any, value: Any) -> bytes | None:
        return encode_form_body(value)

    _registered = True

"""Form bodies the way Aria6 clients send them: arrays of objects as pipe columns.

Schemathesis would hand a generated form body with an array of objects to ``requests`` as is,
which Aria cannot read. For Aria operations the body goes through ``harness.formcodec``
(pipe columns, brackets where a value holds a pipe); any other operation keeps schemathesis's
own behaviour, so registering this serializer changes nothing for other APIs in the process.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from schemathesis.transport import register_serializer

from harness.formcodec import form_pairs

__all__ = ["FORM_MEDIA_TYPE", "aria_form_serializer"]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def aria_form_serializer(ctx: Any, value: Any) -> dict[str, Any]:
    """Serialize a form body: Aria6 pipe columns for Aria methods, as given otherwise."""
    is_aria = "x-aria-method" in ctx.case.operation.definition.raw
    if is_aria and isinstance(value, dict):
        # Generated text may hold lone surrogates; they travel as their UTF-8 bytes.
        return {"data": urlencode(form_pairs(value), errors="surrogatepass").encode("ascii")}
    if value is None or isinstance(value, dict | str | bytes):
        return {"data": value}
    # A body that is not an object (a negative case) still reaches the server, as JSON text.
    return {"data": json.dumps(value).encode("utf-8")}


register_serializer(aria_form_serializer, FORM_MEDIA_TYPE)

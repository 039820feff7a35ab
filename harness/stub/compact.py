"""Compact JSON for the stub's answers and stored bodies, fast and as ``json`` writes it.

orjson encodes several times faster than the standard library (an invoice answer: ~8 us
instead of ~40-70 us), and its output is ``json.dumps(separators=(",", ":"))``'s: keys in
insertion order, floats in their shortest round-trip form, except that floats under 1e-4 may
be written in another notation (``1e-6`` for json's ``1e-06``, ``0.00001`` for ``1e-05``: the
same numbers). Text with non-ASCII characters goes through the standard encoder so it keeps
``\\uXXXX`` escapes, as Aria's PHP ``json_encode`` writes them.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["compact_json"]

_ascii_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def compact_json(value: Any) -> bytes:
    """``value`` as compact JSON bytes; TypeError or ValueError for what JSON cannot hold."""
    try:
        out = orjson.dumps(value)
    except orjson.JSONEncodeError:
        # orjson refuses integers beyond 64 bits and non-str keys the standard encoder takes
        return _ascii_encode(value).encode("ascii")
    if out.isascii():
        return out
    return _ascii_encode(value).encode("ascii")

"""Every way Aria's PHP dispatcher may read one request, for the invoice guard to judge.

A sender's request can mean more than its Content-Type says: PHP merges the query string
and the body (the body winning), rewrites parameter names (``rest.call`` is ``rest_call``),
keeps the last of duplicate names, reads multipart bodies, and a server in front may inflate
a gzip body or ignore a Content-Type that lies. The guard judges each reading and refuses the
call when any may invoice; a body none of these can read is reported as unread, and refused
where invoices are guarded.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Readings", "fields_of", "header", "materialized", "read_all"]

Reading = tuple[str, dict[str, Any]]
# Bodies larger than this are not inflated: a gzip bomb must not exhaust the test's memory.
_MAX_INFLATED = 16 * 1024 * 1024
# PHP's max_input_vars (default 1000): it stops reading a query, body or cookie set after this
# many fields, so a field the guard reads past it may never reach the dispatcher (a do_write).
MAX_INPUT_VARS = 1000


class _TooManyFields(ValueError):
    """More fields than PHP reads: what PHP makes of the request is not what the guard sees."""

    def __init__(self, where: str, count: int) -> None:
        super().__init__(
            f"the {where} has {count} fields, more than PHP's max_input_vars ({MAX_INPUT_VARS})"
            " reads"
        )


def _counted(where: str, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    if len(pairs) > MAX_INPUT_VARS:
        raise _TooManyFields(where, len(pairs))
    return pairs


@dataclass
class Readings:
    """The (method, params) readings of one request, and why part of it could not be read."""

    calls: list[Reading] = field(default_factory=list)
    unread: str | None = None


def read_all(uri: str, headers: Mapping[str, Any] | None, body: Any) -> Readings:
    """Every reading of a request that names a method, query and body merged both ways."""
    from harness.formcodec import FormDecodeError, php_fields

    headers = headers or {}
    body = materialized(body)
    found = Readings()
    try:
        query = php_fields(
            _counted("query", parse_qsl(urlsplit(uri).query, keep_blank_values=True))
        )
        cookies = php_fields(_counted("cookie set", _cookie_pairs(header(headers, "Cookie"))))
        bodies, found.unread = _bodies(headers, body)
    except _TooManyFields as exc:
        return Readings(unread=str(exc))
    except (FormDecodeError, LookupError, TypeError, ValueError) as exc:
        # a body no reading can take apart: refused where invoices are guarded, not a crash
        return Readings(unread=f"the request could not be read ({type(exc).__name__})")
    for fields in [*bodies, {}]:
        # PHP's $_REQUEST: the body over the query (request_order "GP"); a server configured
        # otherwise reads the query over it, or cookies too
        merged_ways = ({**query, **fields}, {**fields, **query}, {**fields, **cookies})
        for merged in merged_ways:
            reading = _call(merged)
            if reading is not None and reading not in found.calls:
                found.calls.append(reading)
    return found


def _call(fields: Mapping[str, Any]) -> Reading | None:
    if "rest_call" not in fields:
        return None
    params = dict(fields)
    method = params.pop("rest_call")
    return (method if isinstance(method, str) else repr(method)), params


def _bodies(headers: Mapping[str, Any], body: Any) -> tuple[list[dict[str, Any]], str | None]:
    from harness.formcodec import php_fields

    fields = fields_of(body)
    if fields is not None:
        return [php_fields(_counted("body", fields))], None
    raw = _raw(body)
    if raw is None:
        return [], f"the body ({type(body).__name__}) could not be read"
    raw, unread = _inflated(raw, header(headers, "Content-Encoding"))
    if unread is not None or not raw.strip():
        return [], unread
    content_type = header(headers, "Content-Type") or ""
    readings: list[dict[str, Any]] = []
    if "multipart/" in content_type.lower() or raw.lstrip().startswith(b"--"):
        parts = _multipart(content_type, raw)
        if isinstance(parts, str):
            return [], parts
        readings.append(php_fields(_counted("multipart body", parts)))
    json_objects = _json_objects(raw)
    readings.extend(json_objects)
    # Whatever the Content-Type says, a lenient server may read the body as a form.
    text = raw.decode("utf-8", "replace")
    pairs = parse_qsl(text, keep_blank_values=True)
    if not json_objects:  # PHP decodes a JSON body whole; only a form is cut at the limit
        _counted("body", pairs)
    readings.append(php_fields(pairs))
    return readings, None


def fields_of(body: Any) -> list[tuple[str, Any]] | None:
    """The fields of a body aiohttp hands vcrpy unencoded (its json= or data= argument: a
    dict, pairs, or a FormData); None for an encoded body."""
    if isinstance(body, Mapping):
        return [(str(key), value) for key, value in body.items()]
    if isinstance(body, list | tuple) and all(
        isinstance(item, tuple) and len(item) == 2 for item in body
    ):
        return [(str(key), value) for key, value in body]
    if isinstance(body, list) and body and all(_is_payload_part(item) for item in body):
        return _writer_fields(body)
    if type(body).__name__ == "FormData" and hasattr(body, "_fields"):
        # aiohttp keeps the fields unencoded until it sends them: (options, headers, value)
        return [(str(options.get("name", "")), value) for options, _, value in body._fields]
    return None


def materialized(body: Any) -> Any:
    """A body vcrpy hands over as an iterator (a generator body), as the list of its chunks."""
    return list(body) if isinstance(body, Iterator) else body


def _is_payload_part(item: Any) -> bool:
    # an aiohttp MultipartWriter, listed by vcrpy: (payload, encoding, transfer encoding)
    return isinstance(item, tuple) and bool(item) and hasattr(item[0], "headers")


def _writer_fields(parts: list[tuple[Any, ...]]) -> list[tuple[str, Any]] | None:
    """The (name, value) pairs of an aiohttp MultipartWriter's parts; None for a part that is
    not plain text or bytes (a file, a nested writer) or whose name PHP may read otherwise."""
    from email.message import Message

    pairs: list[tuple[str, Any]] = []
    for payload, *_ in parts:
        value = getattr(payload, "_value", None)
        disposition = payload.headers.get("Content-Disposition")
        if not isinstance(value, bytes) or _ambiguous_disposition([disposition or ""]):
            return None
        header_only = Message()
        header_only["Content-Disposition"] = disposition or ""
        name = header_only.get_param("name", header="content-disposition")
        if isinstance(name, str):
            pairs.append((name, value.decode("utf-8", "replace")))
    return pairs


def _raw(body: Any) -> bytes | None:
    if body is None:
        return b""
    if isinstance(body, list) and all(isinstance(chunk, bytes | str) for chunk in body):
        # a generator body's chunks, sent one after another
        return b"".join(
            chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else chunk
            for chunk in body
        )
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "getvalue"):
        value = body.getvalue()
        return value if isinstance(value, bytes) else str(value).encode()
    return None


def _inflated(raw: bytes, encoding: str | None) -> tuple[bytes, str | None]:
    codings = [part.strip().lower() for part in (encoding or "").split(",") if part.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        if coding not in {"gzip", "x-gzip", "deflate"}:
            return b"", f"the body's Content-Encoding {coding!r} could not be read"
        # wbits 47: gzip or zlib, detected from the header; raw deflate as a fallback
        for wbits in (47, -15):
            try:
                inflater = zlib.decompressobj(wbits)
                raw_out = inflater.decompress(raw, _MAX_INFLATED)
            except zlib.error:
                continue
            if inflater.unconsumed_tail:
                return b"", "the compressed body inflates beyond what is read"
            if inflater.unused_data.strip(b"\0\r\n"):
                # a server may inflate every gzip member (gzip -d does); only one is read here
                return b"", f"the {coding} body has data after its first compressed member"
            raw = raw_out
            break
        else:
            return b"", f"the {coding} body could not be inflated"
    return raw, None


def _json_objects(raw: bytes) -> list[dict[str, Any]]:
    try:
        value = json.loads(raw)  # detects UTF-8 (with or without a BOM), UTF-16 and UTF-32
    except (ValueError, UnicodeDecodeError):
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _multipart(content_type: str, raw: bytes) -> list[tuple[str, Any]] | str:
    """The parts' (name, value) pairs, or why PHP may read them otherwise."""
    from email.parser import BytesParser
    from email.policy import HTTP

    boundary = _php_boundary(content_type)
    if boundary is None:
        first = raw.lstrip().split(b"\r\n", 1)[0].split(b"\n", 1)[0]
        boundary = first[2:].decode("latin-1").strip()
    if not boundary or '"' in boundary or "\\" in boundary:
        return "the multipart boundary could not be read"
    content_type = f'multipart/form-data; boundary="{boundary}"'
    unreadable = "the multipart body could not be read"
    try:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
        )
    except (ValueError, UnicodeError):
        return unreadable
    if not message.is_multipart():
        return unreadable
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        # the raw header text: the parsed header drops a repeated parameter
        raw_headers = part.raw_items()
        dispositions = [v for k, v in raw_headers if k.lower() == "content-disposition"]
        ambiguous = _ambiguous_disposition(dispositions)
        if ambiguous is not None:
            return ambiguous
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        pairs.append((name, text))
    return pairs


def _php_boundary(content_type: str) -> str | None:
    # PHP (main/rfc1867.c) takes the text after the first "boundary" (case-sensitive first,
    # then any case) and its "=", whatever parameter holds it: "xboundary=A; boundary=B" is A.
    start = content_type.find("boundary")
    if start < 0:
        start = content_type.lower().find("boundary")
    equals = content_type.find("=", start) if start >= 0 else -1
    if equals < 0:
        return None
    value = content_type[equals + 1 :]
    if value.startswith('"'):
        return value[1:].split('"', 1)[0]
    return re.split(r"[,;]", value, maxsplit=1)[0]


def _ambiguous_disposition(values: list[Any]) -> str | None:
    # PHP reads the last plain name= of a part and ignores RFC 2231 name*= (a MIME parser
    # prefers name*= and the first name=): any part where the two may differ is refused.
    if len(values) > 1:
        return "a multipart part has more than one Content-Disposition"
    keys = [
        chunk.split("=", 1)[0].strip().lower()
        for value in values
        for chunk in str(value).split(";")
        if "=" in chunk
    ]
    if any(key.startswith("name*") for key in keys):
        return "a multipart part names its field with name*=, which PHP ignores"
    if keys.count("name") > 1:
        return "a multipart part has more than one name parameter"
    return None


def _cookie_pairs(header: str | None) -> list[tuple[str, str]]:
    pairs = []
    for chunk in (header or "").split(";"):
        name, sep, value = chunk.strip().partition("=")
        if sep:
            pairs.append((name, value))
    return pairs


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's value, whatever the case of its name; the first of a list."""
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return None

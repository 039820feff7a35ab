"""Read cassettes written by other tools: Ruby VCR (2.x and 3.x) and HAR 1.2.

Each is turned into vcrpy's dict form (``request``: method, uri, body, headers as lists;
``response``: status, headers, body string) and handed to the recorder's own writer, so an
imported cassette is scrubbed, scanned and written like a recorded one, and replays and
drift-checks like one. Bodies stored encoded (Ruby VCR's ``base64_string`` or ``!binary``,
HAR's ``"encoding": "base64"``) are decoded, compressed bodies inflated (their
``Content-Encoding`` dropped, as vcrpy's ``decode_compressed_response`` does).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness.errors import CassetteError

__all__ = ["Interaction", "read_foreign_cassette"]

Interaction = tuple[dict[str, Any], dict[str, Any]]
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


def _yaml_loader() -> Any:
    import yaml

    class RubyVcrLoader(yaml.SafeLoader):
        """The safe loader, plus Psych's ``!binary`` (Ruby VCR 2.x writes bodies with it)."""

    def binary(loader: Any, node: Any) -> bytes:
        return base64.b64decode("".join(loader.construct_scalar(node).split()))

    RubyVcrLoader.add_constructor("!binary", binary)
    RubyVcrLoader.add_constructor("tag:yaml.org,2002:binary", binary)
    return RubyVcrLoader


def _headers(raw: Any) -> dict[str, list[str]]:
    """Headers as vcrpy keeps them: name -> list of values (from a mapping or HAR pairs)."""
    out: dict[str, list[str]] = {}
    if isinstance(raw, Mapping):
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            out.setdefault(str(name), []).extend("" if v is None else str(v) for v in values)
    elif isinstance(raw, list):
        for pair in raw:
            if isinstance(pair, Mapping) and "name" in pair:
                out.setdefault(str(pair["name"]), []).append(str(pair.get("value", "")))
    return out


def _inflate(body: bytes, headers: dict[str, list[str]]) -> bytes:
    encoding = next(
        (v[0].strip().lower() for k, v in headers.items() if k.lower() == "content-encoding" and v),
        "",
    )
    try:
        if encoding == "gzip" or body.startswith(b"\x1f\x8b"):
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
    except (OSError, zlib.error, EOFError) as exc:
        raise CassetteError(f"a {encoding or 'gzip'} body cannot be inflated ({exc})") from None
    for name in [k for k in headers if k.lower() in _DROPPED_HEADERS]:
        del headers[name]
    return body


def _vcr_body(body: Any) -> bytes | None:
    """A Ruby VCR body (``{encoding, string}`` or ``{encoding, base64_string}``) as bytes."""
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, Mapping):
        if "base64_string" in body:
            try:
                return base64.b64decode("".join(str(body["base64_string"]).split()))
            except (binascii.Error, ValueError):
                raise CassetteError("a base64_string body is not base64") from None
        string = body.get("string")
        if isinstance(string, bytes):
            return string
        return None if string is None else str(string).encode("utf-8")
    raise CassetteError(f"a body of type {type(body).__name__} cannot be read")


def _from_vcr(entries: Iterable[Any]) -> list[Interaction]:
    out: list[Interaction] = []
    for number, entry in enumerate(entries, 1):
        if not (isinstance(entry, Mapping) and {"request", "response"} <= set(entry)):
            raise CassetteError(f"interaction {number} has no request and response")
        request, response = entry["request"], entry["response"]
        request_headers = _headers(request.get("headers"))
        body = _vcr_body(request.get("body"))
        response_headers = _headers(response.get("headers"))
        response_body = _inflate(_vcr_body(response.get("body")) or b"", response_headers)
        status = response.get("status") or {}
        out.append(
            (
                {
                    "method": str(request.get("method", "post")).upper(),
                    "uri": str(request["uri"]),
                    "body": _text(body),
                    "headers": request_headers,
                },
                {
                    "status": {
                        "code": int(status.get("code", 200)),
                        "message": str(status.get("message") or ""),
                    },
                    "headers": response_headers,
                    "body": {"string": response_body},
                },
            )
        )
    return out


def _text(body: bytes | None) -> str | None:
    if body is None or body == b"":
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise CassetteError("a request body is not UTF-8 text") from None


def _from_har(entries: Iterable[Any]) -> list[Interaction]:
    out: list[Interaction] = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, Mapping):
            raise CassetteError(f"entry {number} is not an object")
        request, response = entry.get("request") or {}, entry.get("response") or {}
        headers = _headers(request.get("headers"))
        post = request.get("postData") or {}
        body = post.get("text")
        if body is None and post.get("params"):
            body = urlencode([(p.get("name", ""), p.get("value", "")) for p in post["params"]])
        content = response.get("content") or {}
        text = content.get("text") or ""
        raw = (
            base64.b64decode(text)
            if content.get("encoding") == "base64"
            else str(text).encode("utf-8")
        )
        response_headers = _headers(response.get("headers"))
        if content.get("mimeType") and not any(
            k.lower() == "content-type" for k in response_headers
        ):
            response_headers["Content-Type"] = [str(content["mimeType"])]
        if post.get("mimeType") and body and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = [str(post["mimeType"])]
        out.append(
            (
                {
                    "method": str(request.get("method", "POST")).upper(),
                    "uri": str(request["url"]),
                    "body": body or None,
                    "headers": headers,
                },
                {
                    "status": {
                        "code": int(response.get("status", 200)),
                        "message": str(response.get("statusText") or ""),
                    },
                    # HAR keeps bodies decoded: drop what says otherwise
                    "headers": {
                        k: v
                        for k, v in response_headers.items()
                        if k.lower() not in _DROPPED_HEADERS
                    },
                    "body": {"string": raw},
                },
            )
        )
    return out


def read_foreign_cassette(path: str | Path) -> tuple[str, list[Interaction]]:
    """The format name and the interactions of a Ruby VCR or HAR file; CassetteError if neither."""
    import yaml

    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"cannot be read ({exc})", path=str(source)) from None
    try:
        data = (
            json.loads(text)
            if text.lstrip().startswith("{")
            else yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a safe loader subclass
        )
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CassetteError(f"cannot be parsed ({first})", path=str(source)) from None
    try:
        if isinstance(data, Mapping) and isinstance(data.get("http_interactions"), list):
            version = str(data.get("recorded_with") or "Ruby VCR")
            return version, _from_vcr(data["http_interactions"])
        log = data.get("log") if isinstance(data, Mapping) else None
        if isinstance(log, Mapping) and isinstance(log.get("entries"), list):
            return f"HAR {log.get('version', '1.2')}", _from_har(log["entries"])
    except CassetteError as exc:
        raise CassetteError(str(exc), path=str(source)) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CassetteError(f"an entry is incomplete ({exc!r})", path=str(source)) from None
    raise CassetteError(
        "is neither a Ruby VCR cassette (http_interactions) nor a HAR file (log.entries)",
        path=str(source),
    )

"""Match recorded Aria calls by what they ask, not by how the bytes were laid out.

Every core call goes to the one dispatcher URL, so vcrpy's default (method + URI) would replay
any answer for any call. Here a request is reduced to its ``rest_call`` and its parameters,
read from the JSON body, the form body (Aria6 pipe columns and PHP brackets) and the query
string alike, with values as strings; key order, percent-encoding and the encoding itself are
ignored, and so are secrets and volatile fields (the scrubbed cassette no longer has them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.recording.scrub import media_type
from harness.recording.sensitive import VOLATILE_FIELDS, is_sensitive

__all__ = [
    "aria_call",
    "canonical_request",
    "describe_difference",
    "request_key",
    "request_params",
]

_KEY_ATTR = "_aria_canonical"


def _body_bytes(request: Any) -> bytes:
    try:
        body = getattr(request, "body_bytes", None)
    except TypeError:  # vcrpy joins a listed body: an aiohttp MultipartWriter's parts are not bytes
        body = None
    if body is None:
        body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if hasattr(body, "read"):  # a file-like body
        return body.getvalue() if hasattr(body, "getvalue") else b""
    return b"".join(part if isinstance(part, bytes) else str(part).encode() for part in body)


def _normalise(value: Any) -> Any:
    """Values as Aria's form encoding writes them, keys without secrets or volatile fields."""
    if isinstance(value, Mapping):
        return {
            str(key): _normalise(child)
            for key, child in value.items()
            if not is_sensitive(str(key)) and str(key) not in VOLATILE_FIELDS
        }
    if isinstance(value, list | tuple):
        return [_normalise(child) for child in value]
    if value is None:
        return None
    from harness.formcodec import stringify

    return stringify(value)


def _form_params(pairs: list[tuple[str, str]], rest_call: str | None) -> dict[str, Any]:
    from harness.formcodec import decode_form

    array_fields: Mapping[str, Any] = {}
    if rest_call:
        from harness.spec import registry

        specs = registry()
        if rest_call in specs:
            array_fields = specs[rest_call].array_fields
    return decode_form(pairs, array_fields=array_fields)


def request_params(request: Any) -> tuple[dict[str, Any], str | None]:
    """A request's parameters as sent (query and body merged, ``rest_call`` included, values
    as the sender typed them in JSON), and the body's sha256 when the body could not be read."""
    parts = urlsplit(request.uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    body = _body_bytes(request)
    kind = media_type(request.headers.get("Content-Type") if request.headers else None)
    params: dict[str, Any] = {}
    raw: str | None = None
    text = body.decode("utf-8", "replace")
    if body.strip() and (kind == "application/json" or kind.endswith("+json")):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, Mapping):
            params = dict(parsed)
        else:
            raw = hashlib.sha256(body).hexdigest()
    elif body.strip() and kind in {"application/x-www-form-urlencoded", ""}:
        pairs = parse_qsl(text, keep_blank_values=True)
        rest_call = dict(pairs).get("rest_call") or dict(query).get("rest_call")
        params = _form_params(pairs, rest_call)
    elif body.strip():
        raw = hashlib.sha256(body).hexdigest()
    query_params = _form_params(query, params.get("rest_call") or dict(query).get("rest_call"))
    return {**query_params, **params}, raw  # output_format may sit in either


def canonical_request(request: Any) -> dict[str, Any]:
    """The parts of a request that decide which recorded answer it gets."""
    cached = getattr(request, _KEY_ATTR, None)
    if cached is not None:
        return cached
    merged, raw = request_params(request)
    canonical = {
        "path": urlsplit(request.uri).path or "/",
        "rest_call": merged.pop("rest_call", None),
        "params": _normalise(merged),
    }
    if raw is not None:
        canonical["body_sha256"] = raw
    if canonical["rest_call"] is None:
        canonical["method"] = request.method
    try:
        setattr(request, _KEY_ATTR, canonical)
    except AttributeError:
        pass
    return canonical


def request_key(request: Any) -> str:
    """A hash of the canonical request: equal keys replay each other's answers."""
    text = json.dumps(canonical_request(request), sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, child in value.items():
            out.update(_flatten(child, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, child in enumerate(value):
            out.update(_flatten(child, f"{prefix}[{index}]"))
        return out or {prefix: []}
    return {prefix: value}


def describe_difference(wanted: Any, recorded: Any) -> list[str]:
    """The parameters that differ between two requests, one line each, masked.

    The lines reach exception messages and vcrpy's hints: secret shapes are masked, and so are
    echoes of what either call sent in its sensitive fields (which the comparison ignores).
    """
    __tracebackhide__ = True  # its arguments hold the unscrubbed requests
    from harness.recording.scrub import scrub_text, sensitive_values

    secrets = sensitive_values(request_params(wanted)[0]) + sensitive_values(
        request_params(recorded)[0]
    )
    return [scrub_text(line, secrets=secrets) for line in _differences(wanted, recorded)]


def _differences(wanted: Any, recorded: Any) -> list[str]:
    __tracebackhide__ = True
    a, b = canonical_request(wanted), canonical_request(recorded)
    lines: list[str] = []
    for part in ("path", "rest_call", "method", "body_sha256"):
        if a.get(part) != b.get(part):
            lines.append(f"{part}: {a.get(part)!r} != recorded {b.get(part)!r}")
    fa, fb = _flatten(a["params"]), _flatten(b["params"])
    for name in sorted(set(fa) | set(fb)):
        if name not in fb:
            lines.append(f"{name}={fa[name]!r} not in the recorded call")
        elif name not in fa:
            lines.append(f"{name}={fb[name]!r} recorded but not sent")
        elif fa[name] != fb[name]:
            lines.append(f"{name}: {fa[name]!r} != recorded {fb[name]!r}")
    return lines


def aria_call(r1: Any, r2: Any) -> None:
    """vcrpy matcher: same rest_call and parameters; the AssertionError lists the differences."""
    if canonical_request(r1) != canonical_request(r2):
        raise AssertionError("; ".join(describe_difference(r1, r2)) or "requests differ")

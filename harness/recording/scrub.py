"""Scrub secrets out of recorded interactions before anything is written.

Small pure functions on deep copies: the live request and response are never touched. Bodies
are parsed (JSON of any ``application/json; charset=...`` type, form bodies with Aria6 pipe
columns and PHP bracketed keys, plain text), every sensitive field is replaced wherever it
occurs (bracketed keys included), every sensitive value of the request is also replaced where
the response echoes it, in whatever transform (``harness.echoes``), and every other
string passes through the one masker (``harness.secrets.mask_text``). A body that
cannot be read as what it claims (compressed bytes labelled identity, a charset the scanner
cannot read, binary) is refused: scrubbing fails closed with a CassetteError rather than
writing what it could not check.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness.echoes import Echoes, echoes_of, gather_sensitive, sensitive_values
from harness.errors import CassetteError
from harness.recording.sensitive import (
    SENSITIVE_HEADERS,
    is_sensitive,
    placeholder_for,
)
from harness.secrets import PLACEHOLDER, mask_text, pair_name, sensitive_name

Secrets = Iterable[str] | Echoes

__all__ = [
    "collect_secrets",
    "media_type",
    "scrub_body",
    "scrub_form",
    "scrub_headers",
    "scrub_interaction",
    "scrub_json",
    "scrub_text",
    "scrub_uri",
    "sensitive_values",
]

_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_IDENTITY = frozenset({"", "identity"})


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type value, lower case ("" when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None) -> str:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def _is_json(kind: str) -> bool:
    return kind in {"application/json", "text/json"} or kind.endswith("+json")


# magic numbers of compressed and archive formats: such bytes are never readable text
_BINARY_MAGIC = (b"\x1f\x8b", b"\x78\x9c", b"\x78\x01", b"\x78\xda", b"PK\x03\x04", b"BZh",
                 b"\x28\xb5\x2f\xfd", b"\xfd7zXZ")  # fmt: skip
_PROBE = 'rest_call=x&{"a": 1}'


def _sensitive_form_key(key: str) -> str | None:
    """The sensitive name a form or JSON key speaks of: ``a[0][cc_number]`` -> cc_number."""
    return sensitive_name(key)


def _readable(raw: bytes, content_type: str | None, where: str) -> str:
    """Body bytes as text, or CassetteError when they are not the text they claim to be."""
    __tracebackhide__ = True  # its arguments hold the unscrubbed values
    kind = media_type(content_type) or "binary"
    if raw.startswith(_BINARY_MAGIC) or b"\x00" in raw:
        raise CassetteError(
            f"{where}: a {kind} body that is not text (compressed or binary bytes) cannot be "
            "scrubbed; not written"
        )
    charset = _charset(content_type)
    try:
        ascii_compatible = _PROBE.encode(charset) == _PROBE.encode("ascii")
        text = raw.decode(charset)
    except (UnicodeError, LookupError):
        raise CassetteError(
            f"{where}: a {kind} body that is not {charset} text cannot be scrubbed; not written"
        ) from None
    if not ascii_compatible:
        raise CassetteError(
            f"{where}: charset {charset!r} cannot be scanned once written; not written"
        )
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r")
    if controls > max(2, len(text) // 100):
        raise CassetteError(f"{where}: a {kind} body holds binary bytes; not written")
    return text


def _mask(name: str, value: Any) -> Any:
    """A sensitive value replaced, keeping its shape (lists and objects stay so)."""
    if value is None or (isinstance(value, str) and value == ""):
        return value
    if isinstance(value, Mapping):
        return {key: _mask(name, child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(name, child) for child in value]
    return placeholder_for(name, str(value))


def _echoes(secrets: Secrets) -> Echoes:
    return secrets if isinstance(secrets, Echoes) else echoes_of(secrets)


def _replace_secrets(text: str, secrets: Secrets) -> str:
    """Free text with echoed values and every secret-shaped value masked."""
    return mask_text(_echoes(secrets).hide(text))


def scrub_text(text: str, *, secrets: Secrets = ()) -> str:
    """Free text (a message, a reason phrase, a log line) with echoes and secret shapes masked."""
    return _replace_secrets(text, secrets)


def scrub_json(value: Any, *, secrets: Secrets = ()) -> Any:
    """A copy of a parsed JSON value with every sensitive field (and echoed secret) replaced."""
    secrets = _echoes(secrets)
    if isinstance(value, Mapping):
        scrubbed: dict[Any, Any] = {}
        for key, child in value.items():
            child = (
                _mask(key, child) if is_sensitive(str(key)) else scrub_json(child, secrets=secrets)
            )
            scrubbed[_scrubbed_key(key, secrets, scrubbed)] = child
        return scrubbed
    if isinstance(value, list):
        if (name := pair_name(value)) is not None:  # [["password", "x"]]: a field
            return [value[0], _mask(name, value[1])]
        return [scrub_json(child, secrets=secrets) for child in value]
    if isinstance(value, str):
        return _replace_secrets(value, secrets)
    return value


def _scrubbed_key(key: Any, secrets: Echoes, taken: Mapping[Any, Any]) -> Any:
    """A key that is itself a secret (an e-mail address, a tenant's client_no) masked; two
    masked keys of one object stay apart by a counter."""
    if not isinstance(key, str):
        return key
    masked = _replace_secrets(key, secrets)
    if masked == key:
        return key
    candidate, count = masked, 1
    while candidate in taken:
        count += 1
        candidate = f"{masked}_{count}"
    return candidate


def _scrub_pairs(pairs: list[tuple[str, str]], secrets: Echoes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        name = _sensitive_form_key(key)
        if name is None:
            out.append((key, _replace_secrets(value, secrets)))
        else:
            # Aria6 pipe columns: one value per array item, each masked on its own
            out.append((key, "|".join(str(_mask(name, part)) for part in value.split("|"))))
    return out


def scrub_form(text: str, *, secrets: Secrets = ()) -> str:
    """A form body (or query string) with every sensitive parameter replaced."""
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode(_scrub_pairs(pairs, _echoes(secrets)))


def scrub_uri(uri: str, *, secrets: Secrets = ()) -> str:
    """A URI whose query string has every sensitive parameter (and any password) replaced."""
    parts = urlsplit(uri)
    if "@" in parts.netloc:
        parts = parts._replace(netloc=f"{PLACEHOLDER}@{parts.netloc.rsplit('@', 1)[1]}")
    if parts.query:
        parts = parts._replace(query=scrub_form(parts.query, secrets=secrets))
    return urlunsplit(parts) if parts.query or "@" in parts.netloc else uri


def _header_values(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def scrub_headers(headers: Mapping[str, Any], *, secrets: Secrets = ()) -> dict[str, Any]:
    """Headers with credentials and sensitive fields replaced; lists stay lists."""
    secrets = _echoes(secrets)
    out: dict[str, Any] = {}
    for name, value in headers.items():
        values = _header_values(value)
        if name.lower() in SENSITIVE_HEADERS or is_sensitive(name):
            values = [placeholder_for(name, item) for item in values]
        else:
            values = [
                _replace_secrets(scrub_uri(item, secrets=secrets), secrets) for item in values
            ]
        out[name] = values if isinstance(value, list | tuple) else values[0]
    return out


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            values = _header_values(value)
            return values[0] if values else None
    return None


def scrub_body(
    body: bytes | str | None,
    content_type: str | None,
    *,
    secrets: Secrets = (),
    where: str = "body",
) -> bytes | None:
    """A body with its secrets replaced, or CassetteError when it cannot be checked."""
    __tracebackhide__ = True  # its arguments hold the unscrubbed values
    if body is None:
        return None
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if not isinstance(raw, bytes | bytearray):
        raise CassetteError(
            f"{where}: a {type(body).__name__} body cannot be scrubbed; not written"
        )
    if not raw.strip():
        return bytes(raw)
    kind = media_type(content_type)
    text = _readable(bytes(raw), content_type, where)
    charset = _charset(content_type)
    secrets = _echoes(secrets)
    if _is_json(kind):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise CassetteError(
                f"{where}: declared {kind} but is not JSON, so it cannot be scrubbed; not written"
            ) from None
        cleaned = scrub_json(parsed, secrets=secrets)
        if cleaned == parsed:
            return bytes(raw)
        return _encode(json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")), charset)
    if kind == "application/x-www-form-urlencoded":
        cleaned_form = scrub_form(text, secrets=secrets)
        return bytes(raw) if cleaned_form == text else _encode(cleaned_form, charset)
    if kind in _TEXT_TYPES:
        # Free text has no fields to find: hide what the request sent and every secret shape,
        # then let the scanner (run at write time) refuse anything that still looks secret.
        cleaned_text = _replace_secrets(text, secrets)
        return bytes(raw) if cleaned_text == text else _encode(cleaned_text, charset)
    raise CassetteError(
        f"{where}: content type {content_type or '(none)'!r} cannot be scrubbed; not written"
    )


def _encode(text: str, charset: str) -> bytes:
    """Scrubbed text in the body's declared charset (placeholders are ASCII, so it fits)."""
    try:
        return text.encode(charset)
    except (UnicodeError, LookupError):
        return text.encode("utf-8")


def collect_secrets(request: Mapping[str, Any]) -> tuple[str, ...]:
    """Every sensitive value a recorded request carries (its echoes are hunted by Echoes)."""
    found: set[str] = set()
    headers = request.get("headers") or {}
    for name, value in headers.items():
        if name.lower() in SENSITIVE_HEADERS or is_sensitive(name):
            for item in _header_values(value):
                found.add(item)
                # "Basic abc" / "Bearer abc": the credential alone may be echoed too
                found.update(item.split()[1:] if " " in item.strip() else ())
    pairs = parse_qsl(urlsplit(request.get("uri") or "").query, keep_blank_values=True)
    body = request.get("body")
    content_type = _header(headers, "content-type")
    netloc = urlsplit(request.get("uri") or "").netloc
    if "@" in netloc:
        found.update(part for part in netloc.rsplit("@", 1)[0].split(":") if part)
    if isinstance(body, bytes | str) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        kind = media_type(content_type)
        if _is_json(kind):
            try:
                gather_sensitive(json.loads(text), None, found)
            except ValueError:
                pass
        else:
            pairs += parse_qsl(text, keep_blank_values=True)
    for key, value in pairs:
        name = _sensitive_form_key(key)
        if name is not None:
            gather_sensitive(value, name, found)
    found = {value.strip() for value in found if value.strip()}
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def _scrub_request(request: Mapping[str, Any], secrets: Echoes) -> dict[str, Any]:
    __tracebackhide__ = True
    out = copy.deepcopy(dict(request))
    headers = out.get("headers") or {}
    out["uri"] = scrub_uri(out.get("uri") or "", secrets=secrets)
    out["body"] = scrub_body(
        out.get("body"),
        _header(headers, "content-type"),
        secrets=secrets,
        where=f"request body of {out.get('method', 'POST')} {out['uri']}",
    )
    out["headers"] = scrub_headers(headers, secrets=secrets)
    return out


def _scrub_response(response: Mapping[str, Any], secrets: Echoes, where: str) -> dict[str, Any]:
    __tracebackhide__ = True
    out = copy.deepcopy(dict(response))
    headers = out.get("headers") or {}
    encoding = (_header(headers, "content-encoding") or "").strip().lower()
    body = out.get("body") or {}
    if encoding not in _IDENTITY:
        raise CassetteError(
            f"{where}: a {encoding}-encoded response cannot be scrubbed; not written"
        )
    body = dict(body)
    body["string"] = scrub_body(
        body.get("string"), _header(headers, "content-type"), secrets=secrets, where=where
    )
    out["body"] = body
    out["headers"] = scrub_headers(headers, secrets=secrets)
    status = out.get("status")
    if isinstance(status, Mapping) and isinstance(status.get("message"), str):
        out["status"] = {**status, "message": _replace_secrets(status["message"], secrets)}
    return out


def scrub_interaction(
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    *,
    also: Sequence[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One interaction in vcrpy's dict form, scrubbed; the inputs are left as they were.

    ``also``: values the other requests of the same cassette sent in sensitive fields (an
    answer may echo what an earlier call sent)."""
    __tracebackhide__ = True  # its arguments hold the unscrubbed values
    secrets = echoes_of((*collect_secrets(request), *also))
    clean_request = _scrub_request(request, secrets)
    where = f"response to {clean_request.get('method', 'POST')} {clean_request['uri']}"
    return clean_request, _scrub_response(response, secrets, where)

"""Scrub secrets out of recorded interactions before anything is written.

Small pure functions on deep copies: the live request and response are never touched. Bodies
are parsed (JSON of any ``application/json; charset=...`` type, form bodies with Aria6 pipe
columns and PHP bracketed keys, plain text), every sensitive field is replaced wherever it
occurs, and every sensitive value of the request is also replaced where the response echoes it
(raw, percent-encoded or JSON-escaped). A body that cannot be parsed is refused: scrubbing
fails closed with a CassetteError rather than writing what it could not check.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from harness.errors import CassetteError
from harness.recording.sensitive import (
    SENSITIVE_HEADERS,
    is_placeholder,
    is_sensitive,
    placeholder_for,
)

__all__ = [
    "collect_secrets",
    "media_type",
    "scrub_body",
    "scrub_form",
    "scrub_headers",
    "scrub_interaction",
    "scrub_json",
    "scrub_uri",
]

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
# Values shorter than this are not hunted for in free text: "12" (an expiry month) would
# otherwise be replaced inside every date of the response.
_MIN_ECHO = 6
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


def _field_names(key: str) -> list[str]:
    """The names a form key speaks of: ``a[0][cc_number]`` -> ``["a", "0", "cc_number"]``."""
    base = key.split("[", 1)[0]
    return [base, *_SEGMENT.findall(key)]


def _sensitive_form_key(key: str) -> str | None:
    for name in reversed(_field_names(key)):
        if is_sensitive(name):
            return name
    return None


def _mask(name: str, value: Any) -> Any:
    """A sensitive value replaced, keeping its shape (lists and objects stay so)."""
    if value is None or (isinstance(value, str) and value == ""):
        return value
    if isinstance(value, Mapping):
        return {key: _mask(name, child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(name, child) for child in value]
    return placeholder_for(name, str(value))


def _replace_secrets(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "ARIA_REDACTED")
    return text


def scrub_json(value: Any, *, secrets: Iterable[str] = ()) -> Any:
    """A copy of a parsed JSON value with every sensitive field (and echoed secret) replaced."""
    secrets = tuple(secrets)
    if isinstance(value, Mapping):
        return {
            key: _mask(key, child) if is_sensitive(str(key)) else scrub_json(child, secrets=secrets)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [scrub_json(child, secrets=secrets) for child in value]
    if isinstance(value, str) and secrets:
        return _replace_secrets(value, secrets)
    return value


def _scrub_pairs(pairs: list[tuple[str, str]], secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        name = _sensitive_form_key(key)
        if name is None:
            out.append((key, _replace_secrets(value, secrets) if secrets else value))
        else:
            # Aria6 pipe columns: one value per array item, each masked on its own
            out.append((key, "|".join(str(_mask(name, part)) for part in value.split("|"))))
    return out


def scrub_form(text: str, *, secrets: Iterable[str] = ()) -> str:
    """A form body (or query string) with every sensitive parameter replaced."""
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode(_scrub_pairs(pairs, tuple(secrets)))


def scrub_uri(uri: str, *, secrets: Iterable[str] = ()) -> str:
    """A URI whose query string has every sensitive parameter replaced."""
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    return urlunsplit(parts._replace(query=scrub_form(parts.query, secrets=secrets)))


def _header_values(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def scrub_headers(headers: Mapping[str, Any], *, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """Headers with credentials and sensitive fields replaced; lists stay lists."""
    secrets = tuple(secrets)
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
    secrets: Iterable[str] = (),
    where: str = "body",
) -> bytes | None:
    """A body with its secrets replaced, or CassetteError when it cannot be checked."""
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
    try:
        text = bytes(raw).decode(_charset(content_type))
    except (UnicodeDecodeError, LookupError):
        raise CassetteError(
            f"{where}: a {kind or 'binary'} body that is not text cannot be scrubbed; not written"
        ) from None
    secrets = tuple(secrets)
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
        return json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if kind == "application/x-www-form-urlencoded":
        return scrub_form(text, secrets=secrets).encode("utf-8")
    if kind in _TEXT_TYPES:
        # Free text has no fields to find: hide what the request sent, then let the scanner
        # (run at write time) refuse anything that still looks like a secret.
        return _replace_secrets(text, secrets).encode("utf-8")
    raise CassetteError(
        f"{where}: content type {content_type or '(none)'!r} cannot be scrubbed; not written"
    )


def _echo_forms(value: str) -> set[str]:
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    return {form for form in forms if len(form) >= _MIN_ECHO}


def _collect(value: Any, name: str | None, found: set[str]) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _collect(child, str(key) if is_sensitive(str(key)) else name, found)
    elif isinstance(value, list | tuple):
        for child in value:
            _collect(child, name, found)
    elif name is not None and value is not None and not is_placeholder(value):
        if isinstance(value, str):
            for part in value.split("|"):
                found.update(_echo_forms(part))
        elif not isinstance(value, bool):
            found.update(_echo_forms(str(value)))


def collect_secrets(request: Mapping[str, Any]) -> tuple[str, ...]:
    """Every sensitive value a recorded request carries, in the forms an echo may take."""
    found: set[str] = set()
    headers = request.get("headers") or {}
    for name, value in headers.items():
        if name.lower() in SENSITIVE_HEADERS or is_sensitive(name):
            for item in _header_values(value):
                found.update(_echo_forms(item))
    pairs = parse_qsl(urlsplit(request.get("uri") or "").query, keep_blank_values=True)
    body = request.get("body")
    content_type = _header(headers, "content-type")
    if isinstance(body, bytes | str) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        kind = media_type(content_type)
        if _is_json(kind):
            try:
                _collect(json.loads(text), None, found)
            except ValueError:
                pass
        else:
            pairs += parse_qsl(text, keep_blank_values=True)
    for key, value in pairs:
        name = _sensitive_form_key(key)
        if name is not None:
            _collect(value, name, found)
    # longest first, so a secret is never half-replaced through a shorter one inside it
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def _scrub_request(request: Mapping[str, Any], secrets: tuple[str, ...]) -> dict[str, Any]:
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


def _scrub_response(
    response: Mapping[str, Any], secrets: tuple[str, ...], where: str
) -> dict[str, Any]:
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
    return out


def scrub_interaction(
    request: Mapping[str, Any], response: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One interaction in vcrpy's dict form, scrubbed; the inputs are left as they were."""
    secrets = collect_secrets(request)
    clean_request = _scrub_request(request, secrets)
    where = f"response to {clean_request.get('method', 'POST')} {clean_request['uri']}"
    return clean_request, _scrub_response(response, secrets, where)

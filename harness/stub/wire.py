"""Aria's wire format: a raw HTTP request in, ``(method, params)`` out; an envelope in, bytes out.

The wire layer decides nothing about billing. It reads the dispatcher's three request shapes
(a JSON body, a form body with Aria6 pipe columns or PHP brackets, a GET query string), finds
``rest_call``, and turns every request it cannot read into Aria's envelope: HTTP 200,
``error_code`` and ``error_msg``, and the method's output fields as null when the method is
known. It never raises for bad input.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from harness.formcodec import MAX_ARRAY_INDEX, decode_form
from harness.jsontypes import json_type
from harness.spec import DISPATCHER_PATH, registry
from harness.stub.compact import compact_json
from harness.stub.exceptions import (
    AriaFault,
    InvalidInput,
    MethodNotFound,
    MissingParameter,
    error_envelope,
)

__all__ = [
    "JSON_CONTENT_TYPE",
    "MAX_BODY_BYTES",
    "Call",
    "Rejection",
    "WireRequest",
    "WireResponse",
    "parse_call",
    "parse_request",
    "render",
]

MAX_BODY_BYTES = 1024 * 1024
MAX_FORM_FIELDS = 10_000
MAX_JSON_DEPTH = 32
JSON_CONTENT_TYPE = "application/json"

_FORM = "application/x-www-form-urlencoded"
_BRACKET_INDEX = re.compile(r"\[(\d+)\]")
# Methods whose query string alone carries the call; any other verb is read the same way, as
# PHP's $_REQUEST would (the dispatcher reads parameters, not the verb).
_BODY_METHODS = frozenset({"POST"})


@dataclass(frozen=True, slots=True)
class WireRequest:
    """An HTTP request as the adapters hand it over: nothing parsed yet."""

    method: str
    path: str
    query: str = ""
    content_type: str | None = None
    body: bytes = b""
    body_length: int | None = None  # declared or counted length when the body was not kept


@dataclass(slots=True)
class WireResponse:
    """What goes back to the client, whichever server carries it."""

    status: int
    content_type: str
    body: bytes
    delay: float = 0.0
    drop: bool = False
    close: bool = False

    def header_list(self) -> list[tuple[str, str]]:
        """Response headers, identical for both adapters."""
        headers = [("content-type", self.content_type), ("content-length", str(len(self.body)))]
        if self.close:
            headers.append(("connection", "close"))
        return headers


@dataclass(frozen=True, slots=True)
class Call:
    """A readable call: the method named by ``rest_call`` and its parameters."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A request the wire layer answers itself, with the envelope it gets."""

    envelope: dict[str, Any]
    method: str | None = None
    reason: str = field(default="")


def render(envelope: Mapping[str, Any]) -> bytes:
    """The envelope as compact JSON, keys in the order the envelope holds them."""
    return compact_json(envelope)


def parse_request(request: WireRequest, *, max_body: int = MAX_BODY_BYTES) -> Call | Rejection:
    """Read a dispatcher request into a call, or the envelope that answers it."""
    query_pairs = _query_pairs(request.query)
    if isinstance(query_pairs, Rejection):
        return query_pairs
    query_method = _last(query_pairs, "rest_call")
    if request.path != DISPATCHER_PATH:
        # A real web server would answer 404 here; the stub keeps its promise of one envelope
        # for every answer, so a client pointed at the wrong path gets a readable -1.
        return _reject(
            None,
            MethodNotFound,
            f"no Aria service at {request.path!r}; the dispatcher is {DISPATCHER_PATH}",
        )
    length = request.body_length if request.body_length is not None else len(request.body)
    if request.method.upper() not in _BODY_METHODS or length == 0:
        return parse_call(_decode_pairs(query_pairs, query_method))
    if length > max_body:
        return _reject(
            query_method,
            InvalidInput,
            f"the request body is {length} bytes; at most {max_body} are accepted",
        )
    body = _read_body(request.content_type, request.body, query_method)
    if isinstance(body, Rejection):
        return body
    if not query_pairs:
        return parse_call(body)  # the common case: nothing to merge (parse_call copies)
    # PHP's $_REQUEST: body parameters win over query parameters of the same name.
    merged = _decode_pairs(query_pairs, _method_hint(body, query_method))
    merged.update(body)
    return parse_call(merged)


def parse_call(params: Mapping[str, Any]) -> Call | Rejection:
    """Check ``rest_call`` and ``output_format`` and split them off the parameters."""
    params = dict(params)
    method = params.pop("rest_call", None)
    output_format = params.pop("output_format", None)
    known = method if isinstance(method, str) and method in registry() else None
    # PHP reads an empty or null rest_call as absent.
    if method is None or method == "":
        return _reject(None, MissingParameter, "rest_call")
    if not isinstance(method, str):
        return _reject(
            None,
            InvalidInput,
            f"rest_call must be a string naming an Aria method, not {_json_type(method)}",
        )
    if known is None:
        return _reject(
            None,
            MethodNotFound,
            f"{method!r}; the stub serves {', '.join(registry().names)}",
        )
    if output_format not in (None, "", "json"):
        # Aria also speaks XML; the stub describes and serves JSON only.
        return _reject(
            known,
            InvalidInput,
            f"output_format {output_format!r} is not served; use 'json'",
        )
    return Call(known, params)


def _read_body(
    content_type: str | None, body: bytes, query_method: str | None
) -> dict[str, Any] | Rejection:
    media_type, charset = _media_type(content_type)
    if media_type not in {JSON_CONTENT_TYPE, _FORM}:
        shown = media_type or "no Content-Type"
        return _reject(
            query_method,
            InvalidInput,
            f"a body sent as {shown} cannot be read; send application/json or {_FORM}",
        )
    try:
        if charset != "utf-8":
            codecs.lookup(charset)
        text = body.decode(charset)
    except LookupError:
        return _reject(query_method, InvalidInput, f"unknown charset {charset!r}")
    except UnicodeDecodeError as exc:
        return _reject(
            query_method,
            InvalidInput,
            f"the body is not valid {charset} ({_bad_bytes(exc)})",
        )
    if media_type == _FORM:
        pairs = _form_pairs(text, charset)
        if isinstance(pairs, Rejection):
            return pairs
        return _decode_pairs(pairs, _last(pairs, "rest_call") or query_method)
    return _read_json(text, query_method)


def _read_json(text: str, query_method: str | None) -> dict[str, Any] | Rejection:
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _JSON_DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return _reject(
            query_method,
            InvalidInput,
            f"the body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
        )
    except _NotAJsonNumber as exc:
        return _reject(query_method, InvalidInput, f"the body is not valid JSON ({exc})")
    except ValueError:
        # Python's own limit on integer digits: its message names interpreter settings
        return _reject(
            query_method,
            InvalidInput,
            "the body holds a number with more digits than any Aria field takes",
        )
    except RecursionError:
        return _reject(
            query_method,
            InvalidInput,
            f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels",
        )
    if not isinstance(value, dict):
        return _reject(
            query_method,
            InvalidInput,
            f"the JSON body must be an object, not {_json_type(value)}",
        )
    # Nesting past the limit takes at least MAX_JSON_DEPTH opening brackets (one per level, and
    # a count over the text sees those in strings too, so it never undercounts): a body with
    # fewer, as nearly every call's is, skips the walk (a few us a request).
    if text.count("{") + text.count("[") >= MAX_JSON_DEPTH and _too_deep(value):
        return _reject(
            query_method,
            InvalidInput,
            f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels",
        )
    return value


def _query_pairs(query: str) -> list[tuple[str, str]] | Rejection:
    return _form_pairs(query, "utf-8") if query else []


def _form_pairs(text: str, charset: str) -> list[tuple[str, str]] | Rejection:
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=charset,
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError as exc:
        return _reject(None, InvalidInput, f"a form value is not {charset} ({_bad_bytes(exc)})")
    except ValueError:
        return _reject(None, InvalidInput, f"more than {MAX_FORM_FIELDS} form fields")
    for key, _ in pairs:
        for index in _BRACKET_INDEX.findall(key):
            if int(index) > MAX_ARRAY_INDEX:
                return _reject(
                    _last(pairs, "rest_call"),
                    InvalidInput,
                    f"array index {index} in {key!r} is beyond {MAX_ARRAY_INDEX}",
                )
    return pairs


def _decode_pairs(pairs: list[tuple[str, str]], method: str | None) -> dict[str, Any]:
    arrays = registry()[method].array_fields if method is not None and method in registry() else {}
    return decode_form(pairs, array_fields=arrays)


def _method_hint(body: Mapping[str, Any], query_method: str | None) -> str | None:
    method = body.get("rest_call")
    return method if isinstance(method, str) else query_method


def _media_type(content_type: str | None) -> tuple[str, str]:
    if not content_type:
        return "", "utf-8"
    if content_type == JSON_CONTENT_TYPE:
        return JSON_CONTENT_TYPE, "utf-8"  # what nearly every call sends: no split needed
    main, *options = content_type.split(";")
    charset = "utf-8"
    for option in options:
        name, _, value = option.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return main.strip().lower(), charset


def _last(pairs: list[tuple[str, str]], name: str) -> str | None:
    found = None
    for key, value in pairs:
        if key == name:
            found = value
    return found if found in registry() else None


def _reject(method: str | None, fault: type[AriaFault], detail: str) -> Rejection:
    known = method if method is not None and method in registry() else None
    raised = fault(detail)
    return Rejection(error_envelope(known, raised), known, raised.message)


class _NotAJsonNumber(ValueError):
    """NaN or Infinity, which Python's json reads and JSON does not have."""


def _reject_constant(name: str) -> Any:
    raise _NotAJsonNumber(f"{name} is not a JSON number")


# json.loads builds a decoder per call; one built once reads the same (a few us per request)
_JSON_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _bad_bytes(exc: UnicodeDecodeError) -> str:
    """Where a decode failed, in the client's terms rather than the codec's."""
    return f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"


def _too_deep(value: dict[str, Any]) -> bool:
    """Whether a JSON value nests deeper than MAX_JSON_DEPTH levels (a scalar is a level).

    Only containers are walked: a value that holds something at level 32 is too deep.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if children and level >= MAX_JSON_DEPTH:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _json_type(value: Any) -> str:
    name = "number" if (name := json_type(value)) == "integer" else name
    return name if name == "null" else ("an " if name[0] in "aeiou" else "a ") + name

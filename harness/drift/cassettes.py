"""Read recorded interactions from vcrpy cassettes (YAML by default, JSON too).

A cassette is ``{version: 1, interactions: [{request: {method, uri, body, headers},
response: {status: {code, message}, headers, body: {string}}}]}``. Files are read by the
recording package's one reader (``harness.recording.persist.load_interactions``: a safe
loader, strict about truncated files) one at a time, so a run never holds more than one
cassette's interactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.errors import CassetteError
from harness.recording.persist import CASSETTE_SUFFIXES

__all__ = [
    "RecordedInteraction",
    "RecordedRequest",
    "RecordedResponse",
    "find_cassettes",
    "cassette_paths",
    "iter_cassettes",
    "load_cassette",
    "load_cassettes",
]


@dataclass(frozen=True)
class RecordedRequest:
    """The request as the recorder wrote it (credentials already replaced by placeholders)."""

    http_method: str
    uri: str
    body: str | None
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """The first value of a header, looked up case-insensitively."""
        for key, values in self.headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return None

    @property
    def encoding(self) -> str:
        """How the call's parameters travel: "json", "form" or "query" (GET or no body)."""
        if not self.body:
            return "query"
        content_type = (self.header("Content-Type") or "").lower()
        if "json" in content_type:
            return "json"
        if "form" in content_type:
            return "form"
        return "json" if self.body.lstrip().startswith("{") else "form"

    def params(self) -> dict[str, Any]:
        """The call parameters, flat as sent (query string merged under the body)."""
        params: dict[str, Any] = dict(parse_qsl(urlsplit(self.uri).query, keep_blank_values=True))
        if self.encoding == "json":
            try:
                body = json.loads(self.body or "")
            except ValueError:
                body = None
            if isinstance(body, dict):
                params.update(body)
        elif self.encoding == "form":
            params.update(parse_qsl(self.body or "", keep_blank_values=True))
        return params

    @property
    def aria_method(self) -> str | None:
        """The Aria method named by ``rest_call``, if the request names one."""
        name = self.params().get("rest_call")
        return name if isinstance(name, str) and name else None


@dataclass(frozen=True)
class RecordedResponse:
    """The response as recorded."""

    status: int
    reason: str
    body: str
    headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True)
class RecordedInteraction:
    """One recorded request and its response, with where it came from."""

    cassette: str
    index: int
    request: RecordedRequest
    response: RecordedResponse

    @property
    def id(self) -> str:
        """A stable name for reports: ``<cassette>#<index>``."""
        return f"{self.cassette}#{self.index}"

    @property
    def method(self) -> str:
        """The Aria method, or "(unknown)" when the request does not name one."""
        return self.request.aria_method or "(unknown)"


def find_cassettes(root: str | Path) -> list[Path]:
    """Every cassette file under a folder (recursively, sorted), or the file itself."""
    path = Path(root)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CassetteError("no such cassette file or folder", path=str(path))
    return sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CASSETTE_SUFFIXES
    )


def cassette_paths(root: str | Path) -> list[tuple[str, Path]]:
    """(name for reports, path) of every cassette under a folder, in name order."""
    base = Path(root)
    return [
        (path.name if base.is_file() else path.relative_to(base).as_posix(), path)
        for path in find_cassettes(base)
    ]


def iter_cassettes(root: str | Path) -> Iterator[tuple[str, list[RecordedInteraction]]]:
    """Each cassette's name and interactions, one file at a time, in name order."""
    for name, path in cassette_paths(root):
        yield name, load_cassette(path, name=name)


def load_cassettes(root: str | Path) -> list[RecordedInteraction]:
    """Every interaction of every cassette under a folder, in a stable order."""
    return [item for _, interactions in iter_cassettes(root) for item in interactions]


def load_cassette(path: str | Path, *, name: str | None = None) -> list[RecordedInteraction]:
    """The interactions of one cassette file; a malformed file raises CassetteError."""
    from harness.recording.persist import load_interactions

    path = Path(path)
    label = name or path.name
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    try:
        pairs, _ = load_interactions(path, fmt=fmt)
    except OSError as exc:
        raise CassetteError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from None
    return [
        RecordedInteraction(label, index, *_parse_interaction(entry, path=str(path), index=index))
        for index, entry in enumerate(pairs)
    ]


def _parse_interaction(
    entry: tuple[Mapping[str, Any], Mapping[str, Any]], *, path: str, index: int
) -> tuple[RecordedRequest, RecordedResponse]:
    try:
        request, response = entry
        status = response.get("status") or {}
        body = response.get("body")
        return (
            RecordedRequest(
                http_method=str(request.get("method", "POST")).upper(),
                uri=str(request["uri"]),
                body=_text(request.get("body")),
                headers=_headers(request.get("headers")),
            ),
            RecordedResponse(
                status=int(status.get("code", 200)),
                reason=str(status.get("message", "")),
                body=_text(body.get("string") if isinstance(body, Mapping) else body) or "",
                headers=_headers(response.get("headers")),
            ),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise CassetteError(f"interaction {index} is malformed ({exc!r})", path=path) from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):  # vcrpy writes undecodable bodies as !!binary
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, Mapping) and "string" in value:
        return _text(value["string"])
    return str(value)


def _headers(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        return {}
    return {
        str(key): tuple(str(v) for v in (values if isinstance(values, list) else [values]))
        for key, values in value.items()
    }

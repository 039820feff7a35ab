"""Rewrite cassettes through the recorder's writer: scrub existing ones, import foreign ones.

Both go through ``render_cassette`` (the scrubbers and the write-time scan of recording) and
``write_atomic``; both report what was replaced as field and kind, never the value.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.recording.persist import (
    load_interactions,
    render_cassette,
    serializer_for,
    write_atomic,
)
from harness.secrets import (
    ARIA_AUTH_KEY_PLACEHOLDER,
    ARIA_CLIENT_NO_PLACEHOLDER,
    CARD_PREFIX,
    PLACEHOLDER,
)

__all__ = ["Rewrite", "import_cassette", "scrub_cassette"]

Interaction = tuple[dict[str, Any], dict[str, Any]]


@dataclass
class Rewrite:
    """What one rewrite replaced: (field, kind) -> how many times."""

    source: str
    target: str
    interactions: int = 0
    replaced: Counter[tuple[str, str]] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """One line per field and kind, e.g. ``cc_number (card number) x3``."""
        return [
            f"{name} ({kind}) x{count}" for (name, kind), count in sorted(self.replaced.items())
        ]


def _kind(placeholder_text: str) -> str:
    if ARIA_AUTH_KEY_PLACEHOLDER in placeholder_text:
        return "auth key"
    if ARIA_CLIENT_NO_PLACEHOLDER in placeholder_text:
        return "client number"
    if CARD_PREFIX in placeholder_text:
        return "card number"
    return "sensitive value" if PLACEHOLDER in placeholder_text else "rewritten"


def _leaves(value: Any, path: str) -> dict[str, str]:
    """Leaf values of parsed data by field name (the last key of their path)."""
    out: dict[str, str] = {}
    if isinstance(value, Mapping):
        for key, child in value.items():
            out.update(_leaves(child, f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.update(_leaves(child, f"{path}[{index}]"))
    elif value is not None:
        out[path] = str(value)
    return out


def _body_fields(body: Any) -> dict[str, str]:
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", "replace")
    if not isinstance(body, str) or not body.strip():
        return {}
    stripped = body.strip()
    if stripped[:1] in "[{":
        try:
            return _leaves(json.loads(stripped), "")
        except ValueError:
            pass
    if "=" in stripped and " " not in stripped:
        return dict(parse_qsl(stripped, keep_blank_values=True))
    return {"(text)": body}


def _fields(request: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, str]:
    """Every value of an interaction by a readable field name."""
    found: dict[str, str] = {}
    query = parse_qsl(urlsplit(str(request.get("uri") or "")).query, keep_blank_values=True)
    found.update({f"query {k}": v for k, v in query})
    found.update({f"request {k}": v for k, v in _body_fields(request.get("body")).items()})
    for side, message in (("request", request), ("response", response)):
        for name, values in (message.get("headers") or {}).items():
            found[f"{side} header {name}"] = str(values)
    body = (response.get("body") or {}).get("string")
    found.update({f"response {k}": v for k, v in _body_fields(body).items()})
    status = response.get("status") or {}
    found["response reason phrase"] = str(status.get("message", ""))
    return found


def _field_label(path: str) -> str:
    """``request acct[0].cc_number`` -> ``cc_number``; headers keep their name."""
    if " header " in path:
        return path.split(" header ", 1)[1]
    tail = path.split(" ", 1)[-1]
    return tail.rsplit(".", 1)[-1].split("[", 1)[0] or tail


def _count(before: Sequence[Interaction], after: Sequence[Interaction], into: Rewrite) -> None:
    for (old_rq, old_rs), (new_rq, new_rs) in zip(before, after, strict=False):
        old, new = _fields(old_rq, old_rs), _fields(new_rq, new_rs)
        for name, value in new.items():
            if name in old and old[name] != value:
                into.replaced[(_field_label(name), _kind(value))] += 1


def _write(
    path: Path, interactions: list[Interaction], metadata: Mapping[str, Any], fmt: str
) -> list[Interaction]:
    text = render_cassette(
        interactions, serializer=serializer_for(fmt), metadata=metadata, path=str(path)
    )
    write_atomic(path, text)
    return load_interactions(path, fmt=fmt)[0]


def _fmt(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "yaml"


def scrub_cassette(path: str | Path) -> Rewrite:
    """Scrub one harness cassette in place (atomically); CassetteError if it cannot be read."""
    source = Path(path)
    fmt = _fmt(source)
    interactions, metadata = load_interactions(source, fmt=fmt)
    result = Rewrite(str(source), str(source), len(interactions))
    after = _write(source, interactions, metadata, fmt)
    _count(interactions, after, result)
    return result


def import_cassette(path: str | Path, folder: str | Path, *, fmt: str = "yaml") -> Rewrite:
    """Read a Ruby VCR or HAR file and write it, scrubbed, as a harness cassette in a folder."""
    from harness.recording.importers import read_foreign_cassette

    source = Path(path)
    origin, interactions = read_foreign_cassette(source)
    target = Path(folder) / f"{source.stem}.{fmt}"
    result = Rewrite(str(source), str(target), len(interactions))
    after = _write(target, interactions, {"imported_from": origin}, fmt)
    _count(interactions, after, result)
    return result

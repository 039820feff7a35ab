"""Find secrets in cassettes, reports and logs, independently of how they were written.

Kinds: Luhn-valid card numbers (13-19 digits, also grouped with spaces or dashes), card track
data, IBANs (mod-97), a sensitive field holding anything but a placeholder, and
auth_key-shaped tokens. A finding names the file, the line and the kind, never the value.

YAML and JSON files are read structurally (a YAML writer folds long bodies across lines, which
would hide a value from a line-by-line search); every string is then searched as text, as
JSON when it is JSON, and percent-decoded when it is a form body or a query string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_plus

from harness.recording.cards import is_card_number
from harness.recording.sensitive import SENSITIVE_FIELDS, is_placeholder, is_sensitive

__all__ = ["Finding", "scan_data", "scan_paths", "scan_text"]

_CARD = re.compile(r"(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d])")
_TRACK1 = re.compile(r"%?B\d{13,19}\^[^^\n]{2,26}\^\d{4}")
_TRACK2 = re.compile(r";?(?<!\d)\d{13,19}=\d{4,}")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_TOKEN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z0-9]{24,64}(?![A-Za-z0-9_])")
_NAMES = "|".join(sorted(SENSITIVE_FIELDS, key=len, reverse=True))
# name, optional closing quote/bracket, a separator (: = %3D), optional quote, the value
_FIELD = re.compile(
    rf"(?<![A-Za-z0-9_])(?P<name>(?:x[_-])?(?:{_NAMES}))(?:\\?[\"'])?\]?\s*(?::|=|%3[Dd])\s*"
    r"(?:\\?[\"'])?(?P<value>[^\"'&\s\\,}\]]*)",
    re.IGNORECASE,
)
_SCAN_SUFFIXES = (".yaml", ".yml", ".json", ".txt", ".log", ".md", ".html", ".xml", ".csv")


@dataclass(frozen=True, order=True)
class Finding:
    """One secret-shaped value: where it is and what kind; never the value itself."""

    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def _iban_valid(candidate: str) -> bool:
    text = candidate.replace(" ", "")
    if not 15 <= len(text) <= 34:
        return False
    rotated = text[4:] + text[:4]
    digits = "".join(str(int(ch, 36)) for ch in rotated)
    return int(digits) % 97 == 1


def _token_shaped(token: str) -> bool:
    return (
        any(c.isupper() for c in token)
        and any(c.islower() for c in token)
        and any(c.isdigit() for c in token)
    )


def _value_hidden(value: str) -> bool:
    if is_placeholder(value):
        return True
    value = unquote_plus(value).strip()
    if value.lower() in {"", "null", "none", "~", "[]", "{}"}:
        return True
    return all(is_placeholder(part.strip()) for part in re.split(r"\||%7[Cc]", value))


_SHORTEST = 13  # the shortest card number; shorter text can only hold a field assignment


def _text_kinds(text: str) -> Iterator[tuple[int, str]]:
    """(offset, kind) of every secret-shaped value in one piece of text."""
    if len(text) < _SHORTEST and "=" not in text and ":" not in text:
        return
    if is_placeholder(text):
        return
    for match in _CARD.finditer(text):
        if is_card_number(match.group()):
            yield match.start(), "card number"
    if "=" in text or "^" in text:
        for pattern in (_TRACK1, _TRACK2):
            for match in pattern.finditer(text):
                yield match.start(), "track data"
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group()):
            yield match.start(), "IBAN"
    for match in _TOKEN.finditer(text):
        if _token_shaped(match.group()):
            yield match.start(), "auth_key-shaped value"
    if "=" not in text and ":" not in text and "%3" not in text:
        return
    for match in _FIELD.finditer(text):
        if not _value_hidden(match.group("value")):
            yield match.start(), f"sensitive field {match.group('name').lower()} not a placeholder"


def _decoded_views(text: str) -> Iterator[tuple[str, Any]]:
    """The text, its JSON reading and its percent-decoded reading, where those exist."""
    yield text, None
    stripped = text.strip()
    if stripped[:1] in "[{":
        try:
            yield "", json.loads(stripped)
        except ValueError:
            pass
    if "%" in text or "+" in text:
        decoded = unquote_plus(text)
        if decoded != text:
            yield decoded, None
        if unquote(text) != decoded:
            yield unquote(text), None


def _scan_value(value: Any, name: str | None = None) -> set[str]:
    """Kinds found in a parsed value (strings searched, sensitive keys checked)."""
    kinds: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            key_text = str(key)
            kinds |= _scan_value(key_text)
            kinds |= _scan_value(child, key_text if is_sensitive(key_text) else name)
    elif isinstance(value, list):
        for child in value:
            kinds |= _scan_value(child, name)
    elif value is not None and not isinstance(value, bool):
        text = str(value)
        if name is not None and not _value_hidden(text):
            kinds.add(f"sensitive field {name.lower()} not a placeholder")
        for view, parsed in _decoded_views(text):
            kinds |= {kind for _, kind in _text_kinds(view)}
            if parsed is not None:
                kinds |= _scan_value(parsed)
    return kinds


def scan_data(data: Any) -> list[str]:
    """Sorted kinds of secret found anywhere in parsed data (used before a cassette is written)."""
    return sorted(_scan_value(data))


def scan_text(text: str, *, name: str = "<text>") -> list[Finding]:
    """Findings in a text read line by line (for files that are not YAML or JSON)."""
    found: set[Finding] = set()
    for number, line in enumerate(text.splitlines(), 1):
        for view, parsed in _decoded_views(line):
            for _, kind in _text_kinds(view):
                found.add(Finding(name, number, kind))
            if parsed is not None:
                found |= {Finding(name, number, kind) for kind in _scan_value(parsed)}
    return sorted(found)


def _scan_node(node: Any, name: str, key: str | None, found: set[Finding]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _scan_node(key_node, name, None, found)
            key_text = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            child_key = key_text if key_text and is_sensitive(str(key_text)) else key
            _scan_node(value_node, name, child_key, found)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _scan_node(child, name, key, found)
    elif isinstance(node, yaml.ScalarNode):
        kinds = _scan_value(node.value, key)
        found |= {Finding(name, node.start_mark.line + 1, kind) for kind in kinds}


def scan_file(path: Path) -> list[Finding]:
    """Findings in one file; YAML and JSON structurally, anything else line by line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("latin-1")
    if path.suffix.lower() in {".yaml", ".yml", ".json"}:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            root = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            root = None
        if root is not None:
            found: set[Finding] = set()
            _scan_node(root, name, None, found)
            return sorted(found)
    return scan_text(text, name=name)


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in _SCAN_SUFFIXES:
                    yield child
        else:
            yield path


def scan_paths(paths: Sequence[str | Path]) -> list[Finding]:
    """Findings in files and folders (folders: their cassette, report and log files)."""
    findings: list[Finding] = []
    for path in _files(paths):
        if not path.is_file():
            raise FileNotFoundError(str(path))
        findings.extend(scan_file(path))
    return findings

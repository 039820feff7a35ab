"""Find secrets in cassettes, reports, logs and docs, independently of how they were written.

Kinds are those of ``harness.secrets``: card numbers of every brand (separators
allowed), track data, IBANs, auth-key-shaped tokens, credentials after ``Basic``/``Bearer``,
passwords in URLs, and a sensitive field holding anything but a placeholder. A finding names the
file, the line and the kind, never the value.

Every text file is read whatever its suffix (binary files are sniffed and skipped, symlinked
folders followed once). YAML and JSON are read structurally (a YAML writer folds long bodies
across lines), HAR's ``{"name", "value"}`` pairs count as fields, ``!!binary`` and VCR's
``base64_string`` bodies are decoded; CSV, Markdown and HTML tables count a column headed by a
sensitive name as that field, XML elements likewise. Each string is searched raw and decoded:
percent (once or twice), HTML entities, JSON escapes, base64, Unicode normalisation.

Precision: placeholders of any common form, masked cards (first six / last four), the
harness's own masks, published test cards and numbers under identifier fields (``order_no``)
are not findings. A line carrying ``pragma: allowlist secret`` (or the line after
``pragma: allowlist nextline secret``) is skipped, as detect-secrets does; findings recorded in
a baseline file (``aria-harness scan --update-baseline``) are not reported again.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness.facts import yaml_loader
from harness.recording.scanformats import properties_fields, sql_insert_fields
from harness.secrets import (
    base64_bytes,
    card_brand,
    find_fields,
    find_shapes,
    holds_no_card,
    looks_base64,
    looks_placeholder,
    pair_name,
    sensitive_name,
    unescaped,
    unicode_text,
)

__all__ = ["Finding", "locate_secrets", "scan_data", "scan_file", "scan_paths", "scan_text"]

_PRAGMA = re.compile(r"pragma:\s*allowlist\s+secret", re.IGNORECASE)
_PRAGMA_NEXT = re.compile(r"pragma:\s*allowlist\s+nextline\s+secret", re.IGNORECASE)
# an e-mail address alone is contact data only in a field; elsewhere docs are full of them
_TEXT_KINDS = {"card number", "track data", "IBAN", "auth_key-shaped value", "credential",
               "password in URL"}  # fmt: skip
_SNIFF = 8192
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w\-.:]*)[^<>/]*>([^<]+)</\1\s*>")
_HTML_ROW = re.compile(r"<tr[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]+>")


@dataclass(frozen=True, order=True)
class Finding:
    """One secret-shaped value: where it is and what kind; never the value itself."""

    path: str
    line: int
    kind: str
    # the value, kept only in memory to fingerprint it for a baseline; never shown
    secret: str = field(default="", repr=False, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


Hit = tuple[str, str]  # (kind, value)


def _field_kind(name: str) -> str:
    return f"sensitive field {name.lower()} not a placeholder"


def _views(text: str) -> Iterator[str]:
    """The text and the readings an encoding would hide from a plain search."""
    seen: set[str] = set()
    for reading in unescaped(text):
        for view in (reading, unicodedata.normalize("NFKC", reading)):
            if view not in seen:
                seen.add(view)
                yield view
    for match in _BASE64_RUN.finditer(text):
        decoded = _base64_text(match.group())
        if decoded is not None and decoded not in seen:
            seen.add(decoded)
            yield from _views(decoded)


def _base64_text(token: str) -> str | None:
    raw = base64_bytes(token) if looks_base64(token) else None
    return _bytes_text(raw, strict=True) if raw is not None else None


def _bytes_text(raw: bytes, *, strict: bool = False) -> str | None:
    """Bytes as text: decompressed when gzip or zlib, UTF-8/16 or Latin-1; None for binary."""
    for magic, inflate in ((b"\x1f\x8b", gzip.decompress), (b"\x78", zlib.decompress)):
        if raw.startswith(magic):
            try:
                raw = inflate(raw)
            except (OSError, zlib.error, EOFError):
                pass
            break
    if b"\x00" in raw[:_SNIFF] or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicode_text(raw)  # UTF-16 or UTF-32, with a byte-order mark or without
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if strict:
            return None
        text = raw.decode("latin-1")
    controls = sum(1 for ch in text[:_SNIFF] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > (0 if strict else max(2, len(text[:_SNIFF]) // 50)) else text


@lru_cache(maxsize=1)
def _public_values() -> frozenset[str]:
    """The embedded stub's demo credentials: published with the harness, so not secrets."""
    import yaml

    source = resources.files("harness.stub") / "fixtures" / "default.yaml"
    try:
        tenants = yaml.safe_load(source.read_text(encoding="utf-8")).get("tenants") or []
    except (OSError, AttributeError, yaml.YAMLError):
        return frozenset()
    return frozenset(
        str(tenant[key]) for tenant in tenants for key in ("client_no", "auth_key") if key in tenant
    )


# a SQL bind parameter (``WHERE client_no = ?``, ``%s``, ``%(name)s``, ``:name``, ``$1``): the
# statement's value comes from elsewhere
_BIND_PARAMETER = re.compile(r"^(?:\?|%s|%\(\w+\)s|:[A-Za-z_]\w*|\$\d+)[),;]?$")


def _hidden(value: str) -> bool:
    parts = re.split(r"\||%7[Cc]", value.strip())
    return all(
        looks_placeholder(part)
        or part.strip() in _public_values()
        or _BIND_PARAMETER.match(part.strip())
        for part in parts
    )


def _parsed(text: str) -> Any:
    """The JSON a string holds (an object or an array), else None."""
    stripped = text.strip()
    if stripped[:1] not in "[{" or len(stripped) < 2:
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def _text_hits(text: str, name: str | None = None) -> set[Hit]:
    """(kind, value) of each secret in one string, in every view; ``name`` is its field."""
    hits: set[Hit] = set()
    if name is not None and sensitive_name(name) is not None and not _hidden(text):
        hits.add((_field_kind(name), text))
    parsed = _parsed(text)
    if parsed is not None:  # JSON text: every key and value is read structurally
        return hits | _value_hits(parsed)
    no_card = name is not None and holds_no_card(name)
    for view in _views(text):
        for start, end, kind in find_shapes(view):
            if kind in _TEXT_KINDS and not (no_card and kind == "card number"):
                hits.add((kind, view[start:end]))
        for _, field_name, value in find_fields(view):
            if not _hidden(value):
                hits.add((_field_kind(field_name.rsplit("[", 1)[-1].rstrip("]")), value))
        if view is not text and (inner := _parsed(view)) is not None:
            hits |= _value_hits(inner)
    return hits


def _key_hits(key: str) -> set[Hit]:
    """Hits in a key: the text's, and an e-mail address, which as a key is a customer's."""
    emails = {
        (kind, key[start:end]) for start, end, kind in find_shapes(key) if kind == "e-mail address"
    }
    return _text_hits(key) | emails


def _value_hits(value: Any, name: str | None = None) -> set[Hit]:
    """Hits in parsed data: strings searched, sensitive keys checked, HAR pairs as fields."""
    hits: set[Hit] = set()
    if isinstance(value, dict):
        har_name = value.get("name")
        for key, child in value.items():
            key_text = str(key)
            if len(key_text) > 12:  # a key can hold a secret too (a card used as a map key)
                hits |= _key_hits(key_text)
            if key_text == "value" and isinstance(har_name, str):
                hits |= _value_hits(child, har_name)
            elif key_text == "base64_string" and isinstance(child, str):
                decoded = _base64_text(re.sub(r"\s", "", child))
                hits |= _text_hits(decoded) if decoded else set()
            else:
                hits |= _value_hits(child, key_text)
    elif (pair := pair_name(value)) is not None:
        hits |= _value_hits(value[1], pair)
    elif isinstance(value, list):
        for child in value:
            hits |= _value_hits(child, name)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int | float):
        digits = str(int(value)) if float(value).is_integer() else ""
        if name is not None and sensitive_name(name) is not None and not _hidden(str(value)):
            hits.add((_field_kind(name), str(value)))
        elif card_brand(digits) and not (name is not None and holds_no_card(name)):
            hits |= _text_hits(digits, name)
    else:
        hits |= _text_hits(str(value), name)
    return hits


def scan_data(data: Any) -> list[str]:
    """Sorted kinds of secret found anywhere in parsed data."""
    return sorted({kind for kind, _ in _value_hits(data)})


def locate_secrets(interactions: Sequence[Any]) -> list[str]:
    """Where secrets left in cassette interactions sit, e.g. ``card number in response body
    (interaction 2)``: the kind and the place, never the value (the refused-save message)."""
    where: dict[str, list[int]] = {}
    for number, entry in enumerate(interactions, 1):
        for side in ("request", "response"):
            message = entry.get(side) if isinstance(entry, dict) else None
            for part, value in (message or {}).items():
                for kind in sorted({kind for kind, _ in _value_hits(value, part)}):
                    where.setdefault(f"{kind} in {side} {part}", []).append(number)
    places = []
    for place, numbers in where.items():
        shown = ", ".join(str(n) for n in numbers[:5]) + (" ..." if len(numbers) > 5 else "")
        places.append(f"{place} (interaction {shown})")
    return places


# A shell variable set from a command's output (``KEY=$(sed ... config)``): the value is
# computed when the script runs. Shapes (a card, a key) written into the command still count.
_SHELL_COMMAND_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+)?[A-Za-z_]\w*=(?:\$\(.*\)|`[^`]*`)\s*(?:#.*)?$"
)


def scan_text(text: str, *, name: str = "<text>") -> list[Finding]:
    """Findings in a text read line by line, with tables and XML elements as fields."""
    found: set[Finding] = set()
    lines = text.splitlines()
    identifiers = _identifier_cells(lines)
    for number, line in enumerate(lines, 1):
        computed = bool(_SHELL_COMMAND_ASSIGNMENT.match(line))
        for kind, value in _text_hits(line):
            if computed and kind.startswith("sensitive field"):
                continue  # fields named inside the command are not values the file holds
            if not (kind == "card number" and value in identifiers.get(number, ())):
                found.add(Finding(name, number, kind, value))
    found |= _table_findings(lines, name)
    found |= _markup_findings(text, name)
    found |= _field_findings(sql_insert_fields(text), name)
    return sorted(found)


def _field_findings(fields: Iterable[tuple[int, str, str]], name: str) -> set[Finding]:
    """Findings of ``(line, field, value)`` triples a format reader found."""
    return {
        Finding(name, line, _field_kind(field_name), value)
        for line, field_name, value in fields
        if sensitive_name(field_name) is not None and not _hidden(value.strip("'\""))
    }


_CASSETTE = re.compile(r"^\s*(?:[{\[]\s*)?[\"']?(?:http_)?interactions[\"']?\s*:", re.MULTILINE)


def _cassette_emails(text: str, name: str) -> set[Finding]:
    """E-mail addresses anywhere in a cassette: there an address is a customer's, not the
    docs' own (which the scanner leaves alone elsewhere)."""
    found: set[Finding] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if "@" in line or "%40" in line or "&#" in line or "\\u" in line:
            for view in _views(line):
                if any(kind == "e-mail address" for _, _, kind in find_shapes(view)):
                    found.add(Finding(name, number, "e-mail address"))
                    break
    return found


def _cells(line: str) -> tuple[str, list[str]] | None:
    for delimiter in ("|", "\t", ";", ","):
        if line.count(delimiter) >= 1:
            cells = [
                cell.strip().strip("`*\"'") for cell in line.strip().strip("|").split(delimiter)
            ]
            return delimiter, cells
    return None


_COLUMN_NAME = re.compile(r"[A-Za-z][\w\-.\[\]]*(?: [A-Za-z][\w\-]*){0,2}")


def _header(cells: list[str], *, sensitive: bool = True) -> dict[int, str]:
    """The sensitive columns of a header row (every cell a short name), else nothing; with
    ``sensitive=False`` every column of such a row."""
    if len(cells) < 2 or not all(_COLUMN_NAME.fullmatch(cell) for cell in cells if cell):
        return {}
    return {
        i: cell for i, cell in enumerate(cells) if not sensitive or sensitive_name(cell) is not None
    }


_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")


def _identifier_cells(lines: Sequence[str]) -> dict[int, set[str]]:
    """Per line, the cells of a CSV whose column names an identifier (``invoice_no``)."""
    split = _cells(lines[0]) if lines else None
    if split is None or not _header(split[1], sensitive=False):
        return {}
    delimiter, names = split
    columns = [i for i, column in enumerate(names) if holds_no_card(column)]
    out: dict[int, set[str]] = {}
    for number, line in enumerate(lines[1:], 2):
        cells = line.split(delimiter)
        out[number] = {cells[i].strip() for i in columns if i < len(cells)}
    return out


def _table_findings(lines: Sequence[str], name: str) -> set[Finding]:
    """CSV/TSV (header on the first line) and Markdown tables (header above a ``|---|`` rule):
    a column headed by a sensitive name is that field."""
    found: set[Finding] = set()
    header: tuple[str, dict[int, str], int] | None = None
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    for index, line in enumerate(lines):
        split = _cells(line)
        if split is None:
            header = None
            continue
        delimiter, cells = split
        if header is not None and header[0] == delimiter and len(cells) == header[2]:
            if delimiter == "|" and _TABLE_RULE.fullmatch(line):
                continue
            for column_index, column in header[1].items():
                value = cells[column_index]
                if value and not looks_placeholder(value):
                    found.add(Finding(name, index + 1, _field_kind(column), value))
            continue
        header = None
        is_header = (
            index + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[index + 1])
            if delimiter == "|"
            else index == first
        )
        columns = _header(cells) if is_header else {}
        if columns:
            header = (delimiter, columns, len(cells))
    return found


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _markup_findings(text: str, name: str) -> set[Finding]:
    """XML elements named like a sensitive field, and HTML tables with such a header."""
    found: set[Finding] = set()
    if "<" not in text:
        return found
    for match in _XML_ELEMENT.finditer(text):
        element, value = match.group(1).rsplit(":", 1)[-1], html.unescape(match.group(2)).strip()
        if sensitive_name(element) is not None and not looks_placeholder(value):
            found.add(Finding(name, _line_of(text, match.start(2)), _field_kind(element), value))
    columns: dict[int, str] = {}
    for row in _HTML_ROW.finditer(text):
        cells = [html.unescape(_TAG.sub("", c)).strip() for c in _HTML_CELL.findall(row.group(1))]
        if "<th" in row.group(1).lower():
            columns = _header(cells)
            continue
        for index, column in columns.items():
            if index < len(cells) and not looks_placeholder(cells[index]):
                line = _line_of(text, row.start())
                found.add(Finding(name, line, _field_kind(column), cells[index]))
    return found


def _scan_node(node: Any, name: str, key: str | None, found: set[Finding]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        har_name = next(
            (
                v.value
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode) and k.value == "name"
                and isinstance(v, yaml.ScalarNode)
            ),
            None,
        )  # fmt: skip
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                found |= {Finding(name, line, kind, hit) for kind, hit in _key_hits(key_node.value)}
            else:
                _scan_node(key_node, name, None, found)
            key_text = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key_text == "value" and har_name is not None:
                key_text = har_name  # HAR and friends: {"name": "Authorization", "value": ...}
            _scan_node(value_node, name, str(key_text) if key_text is not None else key, found)
    elif isinstance(node, yaml.SequenceNode):
        scalars = [child.value for child in node.value if isinstance(child, yaml.ScalarNode)]
        pair = pair_name(scalars) if len(scalars) == len(node.value) else None
        if pair is not None:  # [password, x]: a key/value pair
            _scan_node(node.value[1], name, pair, found)
            return
        for child in node.value:
            _scan_node(child, name, key, found)
    elif isinstance(node, yaml.ScalarNode):
        line = node.start_mark.line + 1
        value = node.value
        if node.tag.endswith(":binary") or key == "base64_string":
            value = _base64_text(re.sub(r"\s", "", value)) or ""
            key = None
        if node.tag.endswith((":int", ":float")) or (
            node.style is None and re.fullmatch(r"-?\d+(?:\.\d+)?", value)
        ):
            hits = _value_hits(_number(value), key)
        else:
            hits = _text_hits(value, key)
        found |= {Finding(name, line, kind, secret) for kind, secret in hits}


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _structured(text: str, name: str) -> set[Finding] | None:
    """Findings of YAML or JSON text read as a tree, or None when it is neither."""
    stripped = text.lstrip()
    if not stripped or (
        stripped[0] not in "{[" and not re.match(r"[\w\"'-][^\n]*:(?:\s|$)", stripped)
    ):
        return None
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode | yaml.SequenceNode):
        return None
    found: set[Finding] = set()
    _scan_node(root, name, None, found)
    return found


def _allowlisted(lines: Sequence[str], line: int) -> bool:
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = lines[line - 2] if 1 < line <= len(lines) + 1 else ""
    return bool(_PRAGMA.search(here)) or bool(_PRAGMA_NEXT.search(before))


def scan_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Findings in one file (none for a binary file); structure first, then line by line."""
    name = str(path)
    text = _bytes_text(Path(path).read_bytes())
    if text is None:
        return []
    found = _structured(text, name)
    if Path(path).suffix.lower() == ".properties":
        found = set(scan_text(text, name=name)) | _field_findings(properties_fields(text), name)
    elif found is None:
        found = set(scan_text(text, name=name))
    else:
        # structure sees values whole; lines still see what a tree would not (comments)
        found |= {f for f in scan_text(text, name=name) if f.kind in _TEXT_KINDS}
        if _CASSETTE.search(text):
            found |= _cassette_emails(text, name)
        found = _one_per_place(found)
    lines = text.splitlines()
    return sorted(f for f in found if not _allowlisted(lines, f.line))


def _one_per_place(found: set[Finding]) -> set[Finding]:
    keep: dict[tuple[str, int, str], Finding] = {}
    for finding in sorted(found):
        keep.setdefault((finding.path, finding.line, finding.kind), finding)
    return set(keep.values())


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file under the paths; symlinked folders are followed once, never in a loop."""
    visited: set[str] = set()
    for entry in paths:
        path = Path(entry)
        if not path.is_dir():
            yield path
            continue
        for folder, dirs, files in os.walk(path, followlinks=True):
            real = os.path.realpath(folder)
            if real in visited:
                dirs[:] = []
                continue
            visited.add(real)
            dirs[:] = sorted(d for d in dirs if d not in {".git", ".venv", "__pycache__"})
            for file_name in sorted(files):
                child = Path(folder) / file_name
                if child.is_file():
                    yield child


def scan_paths(paths: Sequence[str | Path], *, baseline: Any = None) -> list[Finding]:
    """Findings in files and folders (every text file), less those a baseline accepts."""
    findings: list[Finding] = []
    for path in _files(paths):
        if not path.is_file():
            raise FileNotFoundError(str(path))
        findings.extend(scan_file(path))
    if baseline is not None:
        findings = [f for f in findings if not baseline.accepts(f)]
    return findings

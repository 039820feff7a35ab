"""Fields in file formats the scanner reads beyond YAML, JSON, tables and XML.

Each reader yields ``(line, name, value)`` for every field of a text, sensitive or not; the
scanner decides what is a finding. Java ``.properties`` (``key=value``, ``key: value`` and
``key value``, with ``\\`` continuation lines) and SQL ``INSERT ... (columns) VALUES (...)``
statements, where a value belongs to the column in its position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["Field", "properties_fields", "sql_insert_fields"]

Field = tuple[int, str, str]  # (line, name, value)

_PROPERTY = re.compile(r"\s*([^\s=:#!][^\s=:]*)\s*(?:[=:]\s*|\s+)(.*)")


def properties_fields(text: str) -> Iterator[Field]:
    """The ``(line, key, value)`` of each entry of a Java properties file."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number, logical = index + 1, lines[index]
        # a line ending in an odd number of backslashes goes on on the next line
        while (len(logical) - len(logical.rstrip("\\"))) % 2 == 1 and index + 1 < len(lines):
            index += 1
            logical = logical[:-1] + lines[index].lstrip()
        index += 1
        if logical.lstrip()[:1] in ("#", "!", ""):
            continue
        match = _PROPERTY.fullmatch(logical)
        if match and match.group(2).strip():
            yield number, match.group(1), match.group(2).strip()


_INSERT = re.compile(
    r"\bINSERT\s+INTO\s+[\w.`\"\[\]]+\s*\(([^()]*)\)\s*VALUES\s*(.*?)(?:;|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_ROW = re.compile(r"\(((?:'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^()'\"])*)\)", re.DOTALL)


_VALUE = re.compile(r"\s*('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^,]*)\s*(?:,|$)")
_NUMBER = re.compile(r"[+-]?\d[\d.eE+-]*")


def _row_values(row: str) -> list[str | None]:
    """A row's values: a quoted string unquoted, a number as written; anything else (a bind
    parameter, a column, a function call, code around the statement) None: no literal."""
    values: list[str | None] = []
    for match in _VALUE.finditer(" ".join(row.split("\n"))):
        token = match.group(1).strip()
        if token[:1] in ("'", '"') and len(token) >= 2:
            values.append(token[1:-1].replace(token[0] * 2, token[0]))
        else:
            values.append(token if _NUMBER.fullmatch(token) else None)
        if match.end() >= len(row):
            break
    return values


def sql_insert_fields(text: str) -> Iterator[Field]:
    """The ``(line, column, value)`` of each value of each SQL INSERT statement's rows."""
    if "insert" not in text.lower():
        return
    for statement in _INSERT.finditer(text):
        columns = [c.strip().strip('`"[]') for c in statement.group(1).split(",")]
        for row in _ROW.finditer(statement.group(2)):
            line = text.count("\n", 0, statement.start(2) + row.start()) + 1
            for column, value in zip(columns, _row_values(row.group(1)), strict=False):
                if value is not None:
                    yield line, column, value

"""Aria's form encoding (``application/x-www-form-urlencoded`` and GET query strings).

Real clients send arrays of objects two ways, and Aria (PHP) reads both:

- Aria6 pipe columns: one parameter per item field, items separated by ``|``:
  ``client_sku=A|B&units=1|2`` is ``order_line_items_list=[{client_sku: A, units: 1},
  {client_sku: B, units: 2}]``. The array's own name does not appear, so decoding needs the
  method's item fields (``MethodSpec.array_fields``).
- PHP brackets: ``order_line_items_list[0][client_sku]=A``, also ``name[][field]``.

Values stay strings here; the stub coerces them per the request schema, as Aria does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from harness.facts import aria_bool

__all__ = [
    "MAX_ARRAY_INDEX",
    "FormDecodeError",
    "decode_form",
    "encode_form",
    "form_pairs",
    "php_fields",
    "php_key",
    "stringify",
]

_BRACKETS = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
PIPE = "|"
# One bracketed key may not make the decoder build a list longer than this: "a[99999999][b]=1"
# would otherwise allocate a hundred million items.
MAX_ARRAY_INDEX = 10_000


class FormDecodeError(ValueError):
    """A form body that cannot be decoded safely."""


def stringify(value: Any) -> str:
    """A scalar as Aria's form encoding writes it (booleans as true/false)."""
    if isinstance(value, bool):
        return aria_bool(value)
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def form_pairs(params: Mapping[str, Any], *, style: str = "pipe") -> list[tuple[str, str]]:
    """Flatten call parameters into form pairs; arrays of objects as pipe columns or brackets.

    ``style="pipe"`` writes Aria6 columns unless a value contains a pipe or the items are not
    flat objects, in which case that array falls back to brackets so nothing is lost.
    """
    if style not in {"pipe", "brackets"}:
        raise ValueError(f"unknown form style {style!r}; expected 'pipe' or 'brackets'")
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            if style == "pipe" and _pipeable(value, params):
                pairs.extend(_pipe_columns(value))
            else:
                pairs.extend(_bracket_pairs(key, value))
        elif isinstance(value, Mapping):
            pairs.extend(_bracket_pairs(key, value))
        else:
            pairs.append((key, stringify(value)))
    return pairs


def encode_form(params: Mapping[str, Any], *, style: str = "pipe") -> str:
    """Encode call parameters as an ``application/x-www-form-urlencoded`` body."""
    # Lone surrogates (generated text, broken clients) travel as their bytes instead of raising.
    return urlencode(form_pairs(params, style=style), errors="surrogatepass")


def decode_form(
    data: str | Iterable[tuple[str, str]], *, array_fields: Mapping[str, Iterable[str]] = {}
) -> dict[str, Any]:
    """Decode a form body or query string into call parameters.

    ``array_fields`` maps each array input of the method to its item fields, so Aria6 pipe
    columns are gathered back into their array.
    """
    pairs = parse_qsl(data, keep_blank_values=True) if isinstance(data, str) else list(data)
    column_owner = {field: array for array, fields in array_fields.items() for field in fields}
    params: dict[str, Any] = {}
    columns: dict[str, dict[str, list[str]]] = {}
    for key, value in pairs:
        match = _BRACKETS.match(key)
        if match:
            _set_bracketed(
                params, match.group(1), re.findall(r"\[([^\[\]]*)\]", match.group(2)), value
            )
        elif key in column_owner and key not in params:
            columns.setdefault(column_owner[key], {})[key] = value.split(PIPE)
        else:
            params[key] = value
    for array, fields in columns.items():
        if array in params:  # brackets and columns for one array: brackets win
            continue
        length = max(len(values) for values in fields.values())
        params[array] = [
            {
                field: values[i]
                for field, values in fields.items()
                if i < len(values) and values[i] != ""
            }
            for i in range(length)
        ]
    return params


def php_key(name: str) -> str:
    """A parameter name as PHP stores it: cut at a NUL, leading spaces dropped, "." and " "
    turned into "_" before the first "[", and an unclosed "[" turned into "_" too."""
    name = name.split("\0", 1)[0].lstrip(" ")
    bracket = name.find("[")
    base, rest = (name, "") if bracket < 0 else (name[:bracket], name[bracket:])
    base = base.replace(" ", "_").replace(".", "_")
    if rest and "]" not in rest:
        rest = "_" + rest[1:]
    return base + rest


def php_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Form pairs as PHP reads them (``$_POST``, ``$_GET``): names rewritten by ``php_key``,
    the last of duplicate names winning, brackets nested; pipe columns stay plain fields."""
    return decode_form([(php_key(key), value) for key, value in pairs])


def _pipeable(items: Iterable[Any], params: Mapping[str, Any]) -> bool:
    items = list(items)
    if not items or not all(isinstance(item, Mapping) for item in items):
        return False
    for item in items:
        for field, value in item.items():
            if field in params or isinstance(value, list | tuple | Mapping | None.__class__):
                return False
            if PIPE in stringify(value):
                return False
    return True


def _pipe_columns(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    fields: list[str] = []
    for item in items:
        fields.extend(f for f in item if f not in fields)
    return [
        (field, PIPE.join(stringify(item[field]) if field in item else "" for item in items))
        for field in fields
    ]


def _bracket_pairs(prefix: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        children: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list | tuple):
        children = enumerate(value)
    else:
        return [] if value is None else [(prefix, stringify(value))]
    pairs: list[tuple[str, str]] = []
    for key, child in children:
        pairs.extend(_bracket_pairs(f"{prefix}[{key}]", child))
    return pairs


def _set_bracketed(params: dict[str, Any], name: str, keys: list[str], value: str) -> None:
    node: Any = params
    path: list[str] = [name, *keys]
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, list):
            numeric = key.isascii() and key.isdigit()
            index = len(node) if key == "" else int(key) if numeric else None
            if index is None:
                return  # a non-numeric key under a list: ignore rather than guess
            if index > MAX_ARRAY_INDEX:
                raise FormDecodeError(
                    f"array index {index} under {name!r} is beyond {MAX_ARRAY_INDEX}"
                )
            while len(node) <= index:
                node.append({})
            if last:
                node[index] = value
                return
            if not isinstance(node[index], dict | list):
                node[index] = {}
            node = node[index]
            continue
        if last:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict | list):
            following = path[depth + 1]
            child = [] if following == "" or (following.isascii() and following.isdigit()) else {}
            node[key] = child
        node = child

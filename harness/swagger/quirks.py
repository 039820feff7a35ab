"""Every quirk of Aria's published descriptions, normalised here and nowhere else.

Each entry of ``QUIRKS`` names one quirk, says what the files do and what the model holds
instead; ``tests/swagger/test_quirks.py`` has a test per entry. The readers call the small
functions below rather than working around a quirk themselves.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ENVELOPE_INPUTS",
    "ENVELOPE_OUTPUTS",
    "QUIRKS",
    "Quirk",
    "clean_text",
    "is_suffix_artifact",
    "max_length_of",
    "method_name",
    "plain_name",
    "split_nullable",
    "truthy",
]


@dataclass(frozen=True)
class Quirk:
    """One quirk: an id for tests and docs, what the file does, what the model holds."""

    id: str
    found: str
    normalised: str


QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "required-as-string",
        'The body parameter says "required": "true", a string, not a boolean.',
        "Booleans given as strings are read as booleans (truthy).",
    ),
    Quirk(
        "fragment-paths",
        "Each method is a path that is a fragment of the dispatcher (#GenInvoiceM), its "
        "operationId CamelCase; only the rest_call enum carries the name a client sends.",
        "A method is named by its rest_call value (gen_invoice_m), whatever its path.",
    ),
    Quirk(
        "envelope-fields",
        "Every request repeats rest_call, output_format, client_no and auth_key, marked "
        "required on some methods only (auth_key on 104 of 249); every response repeats "
        "error_code and error_msg.",
        "They belong to the dispatcher, not the method: no method lists them.",
    ),
    Quirk(
        "default-response",
        "The one response is 'default' (every Aria answer is HTTP 200, errors included).",
        "The output fields are read from 'default', or '200' where a file says so.",
    ),
    Quirk(
        "int64-format",
        "Every integer carries format int64, which says nothing a JSON client can use.",
        "Integers are type 'integer'; the format is dropped.",
    ),
    Quirk(
        "blank-descriptions",
        'Descriptions are often "" or end in a newline.',
        "Descriptions are stripped; a blank one is the empty string.",
    ),
    Quirk(
        "suffix-2",
        "Release 19 appends _2 to 69 field paths (billing_group_no_2), an artifact: every "
        "earlier release spells them plainly. A numbered series (qualifier_1.._4) is real.",
        "Names stay as published, so a release diff sees them (as renames); plain_name() "
        "gives the name without the artifact.",
    ),
    Quirk(
        "nullable-outputs",
        'OpenAPI 3.1 descriptions type output fields [T, "null"] (Aria answers an error '
        "with every output field null).",
        "The field's type is T.",
    ),
    Quirk(
        "max-length-extension",
        "Documented lengths of non-string fields are x-aria-max-length (OpenAPI's "
        "maxLength applies to strings only).",
        "Both are the field's max_length.",
    ),
)

ENVELOPE_INPUTS = frozenset({"rest_call", "output_format", "client_no", "auth_key"})
ENVELOPE_OUTPUTS = frozenset({"error_code", "error_msg"})

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def truthy(value: Any) -> bool:
    """A boolean given as a boolean or as Aria's string ("true", "1"): required-as-string."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def method_name(
    request: Mapping[str, Any] | None, *, summary: str = "", path: str = "", explicit: str = ""
) -> str:
    """The rest_call name of an operation (fragment-paths)."""
    if explicit:
        return explicit
    rest_call = ((request or {}).get("properties") or {}).get("rest_call") or {}
    values = rest_call.get("enum") or ([rest_call["default"]] if "default" in rest_call else [])
    if len(values) == 1 and isinstance(values[0], str) and values[0]:
        return values[0]
    if re.fullmatch(r"[a-z][a-z0-9_]*", summary.strip()):
        return summary.strip()
    fragment = path.rsplit("#", 1)[-1].strip("/")
    return _CAMEL_BOUNDARY.sub("_", fragment).lower()


def clean_text(value: Any) -> str:
    """A description without surrounding blanks (blank-descriptions)."""
    return value.strip() if isinstance(value, str) else ""


def split_nullable(type_value: Any) -> str:
    """The one type of a field, ``[T, "null"]`` read as T (nullable-outputs)."""
    if isinstance(type_value, list):
        types = [t for t in type_value if t != "null"]
        return str(types[0]) if len(types) == 1 else "any"
    return str(type_value) if type_value else "any"


def max_length_of(schema: Mapping[str, Any]) -> int | None:
    """maxLength or x-aria-max-length, whichever the field has (max-length-extension)."""
    value = schema.get("maxLength", schema.get("x-aria-max-length"))
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_suffix_artifact(name: str, siblings: Collection[str]) -> bool:
    """True when ``name`` carries release 19's _2 artifact (suffix-2)."""
    return name.endswith("_2") and len(name) > 2 and f"{name[:-2]}_1" not in siblings


def plain_name(name: str, siblings: Collection[str]) -> str:
    """The name as releases before 19 spell it: without the _2 artifact (suffix-2)."""
    return name[:-2] if is_suffix_artifact(name, siblings) else name

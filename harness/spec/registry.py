"""One registry of the Aria methods the harness knows, read from the bundled description.

Every fact about a method (its fields, its documented error codes, whether and when it
generates an invoice, its dry-run field) comes from ``openapi/aria.yaml``; nothing here
repeats a field list.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import SpecError, UnknownMethodError
from harness.spec.resources import load_document

__all__ = [
    "DISPATCHER_PATH",
    "ErrorCode",
    "Invoicing",
    "MethodSpec",
    "Registry",
    "documented_error",
    "is_false",
    "registry",
]

DISPATCHER_PATH = "/api/ws/api_ws_class_dispatcher.php"
OPENAPI_FILE = "aria.yaml"
_SCHEMA_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class ErrorCode:
    """An error code a method may answer with, and where it comes from."""

    code: int
    message: str
    inputs: tuple[str, ...] = ()
    generic: bool = False


@dataclass(frozen=True)
class Invoicing:
    """Whether a method can generate an invoice, when, and how to ask for a dry run."""

    generates: bool
    when: str | None = None
    dry_run_field: str | None = None


@dataclass(frozen=True)
class MethodSpec:
    """What the description says of one Aria method."""

    name: str
    path: str
    summary: str
    request_schema: str
    response_schema: str
    input_fields: tuple[str, ...]
    required: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    output_fields: tuple[str, ...]
    error_codes: Mapping[int, ErrorCode]
    generic_codes: Mapping[int, ErrorCode]
    invoicing: Invoicing
    source: str
    array_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def allowed_codes(self) -> frozenset[int]:
        """The codes this method may answer with: its documented ones plus the generic ones."""
        return frozenset(self.error_codes) | frozenset(self.generic_codes) | {0}

    def describe_code(self, code: int) -> ErrorCode | None:
        """The documented meaning of a code for this method, if any."""
        return self.error_codes.get(code) or self.generic_codes.get(code)

    def is_dry_run(self, params: Mapping[str, Any]) -> bool:
        """True when the call asks for a dry run through the method's dry-run field."""
        dry = self.invoicing.dry_run_field
        return dry is not None and is_false(params.get(dry))

    def may_generate_invoice(self, params: Mapping[str, Any]) -> bool:
        """True when this call, as given, could generate an invoice."""
        return self.invoicing.generates and not self.is_dry_run(params)


def is_false(value: Any) -> bool:
    """Aria's reading of a boolean-ish input as false ("false", False, "0", 0)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value == 0
    return isinstance(value, str) and value.strip().lower() in {"false", "0"}


class Registry:
    """The methods of the bundled description, by name."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        generic = {
            int(entry["code"]): ErrorCode(int(entry["code"]), str(entry["message"]), generic=True)
            for entry in document.get("x-aria-generic-error-codes", [])
        }
        self.generic_codes: Mapping[int, ErrorCode] = generic
        self.named_codes: Mapping[str, ErrorCode] = _named_codes(document, generic)
        self.other_invoicing_methods: Mapping[str, str] = {
            str(entry["method"]): str(entry["when"])
            for entry in document.get("x-aria-other-invoicing-methods", [])
        }
        self._methods: dict[str, MethodSpec] = {}
        for path, item in document.get("paths", {}).items():
            operation = item.get("post")
            if operation is None or "x-aria-method" not in operation:
                continue
            spec = self._method_from_operation(path, operation)
            self._methods[spec.name] = spec
        if not self._methods:
            raise SpecError("the bundled description describes no Aria method")

    def _method_from_operation(self, path: str, operation: Mapping[str, Any]) -> MethodSpec:
        name = str(operation["x-aria-method"])
        content = operation["requestBody"]["content"]
        request_name = _schema_name(content["application/json"]["schema"])
        response = operation["responses"]["200"]["content"]["application/json"]["schema"]
        response_name = _schema_name(response)
        request = self.schema(request_name)
        response_schema = self.schema(response_name)
        codes = {
            int(entry["code"]): ErrorCode(
                int(entry["code"]), str(entry["message"]), tuple(entry.get("inputs") or ())
            )
            for entry in operation.get("x-aria-error-codes", [])
        }
        invoicing = operation.get("x-aria-invoicing") or {}
        arrays = {
            key: tuple(self.schema(_schema_name(prop["items"])).get("properties", {}))
            for key, prop in request.get("properties", {}).items()
            if "$ref" in prop.get("items", {})
        }
        return MethodSpec(
            name=name,
            path=path,
            summary=str(operation.get("summary", name)),
            request_schema=request_name,
            response_schema=response_name,
            input_fields=tuple(
                key
                for key in request.get("properties", {})
                if key not in {"rest_call", "output_format"}
            ),
            required=tuple(key for key in request.get("required", []) if key != "rest_call"),
            alternatives=tuple(tuple(alt) for alt in request.get("x-aria-alternatives", [])),
            output_fields=tuple(response_schema.get("properties", {})),
            error_codes=codes,
            generic_codes=self.generic_codes,
            invoicing=Invoicing(
                generates=bool(invoicing.get("generates", False)),
                when=invoicing.get("when"),
                dry_run_field=invoicing.get("dry_run_field"),
            ),
            source=str(operation.get("x-aria-source", "")),
            array_fields=arrays,
        )

    def schema(self, name: str) -> Mapping[str, Any]:
        """A component schema of the description, by name."""
        try:
            return self.document["components"]["schemas"][name]
        except KeyError:
            raise SpecError(f"the description has no schema {name!r}") from None

    def __getitem__(self, name: str) -> MethodSpec:
        try:
            return self._methods[name]
        except KeyError:
            raise UnknownMethodError(name, known=sorted(self._methods)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[MethodSpec]:
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)

    @property
    def names(self) -> tuple[str, ...]:
        """Method names in the order the description lists them."""
        return tuple(self._methods)

    def invoicing_methods(self) -> tuple[MethodSpec, ...]:
        """The methods that can generate an invoice."""
        return tuple(spec for spec in self if spec.invoicing.generates)


def _schema_name(schema: Mapping[str, Any]) -> str:
    ref = schema.get("$ref", "")
    if not ref.startswith(_SCHEMA_PREFIX):
        raise SpecError(f"expected a $ref to a component schema, got {schema!r}")
    return ref[len(_SCHEMA_PREFIX) :]


@functools.cache
def registry() -> Registry:
    """The registry of the bundled description, loaded once per process."""
    return Registry(load_document("openapi", OPENAPI_FILE))


def documented_error(name: str) -> ErrorCode:
    """The code and message the description gives the error the harness calls ``name``."""
    try:
        return registry().named_codes[name]
    except KeyError:
        raise SpecError(f"the description names no error {name!r} (x-aria-error-names)") from None


def _named_codes(
    document: Mapping[str, Any], generic: Mapping[int, ErrorCode]
) -> dict[str, ErrorCode]:
    """``x-aria-error-names``: each name's code, with the stub's answer or the documented text."""
    documented: dict[int, str] = {}
    for item in (document.get("paths") or {}).values():
        for entry in (item.get("post") or {}).get("x-aria-error-codes") or ():
            documented.setdefault(int(entry["code"]), str(entry["message"]))
    documented.update({code: entry.message for code, entry in generic.items()})
    named: dict[str, ErrorCode] = {}
    for name, entry in (document.get("x-aria-error-names") or {}).items():
        code = int(entry["code"])
        message = entry.get("answer") or documented.get(code)
        if message is None:
            raise SpecError(
                f"error {name} names code {code}, which the description documents nowhere"
            )
        named[str(name)] = ErrorCode(code, str(message), generic=code in generic)
    return named

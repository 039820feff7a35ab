"""One registry of the Aria methods the harness knows, read from the bundled description.

The description has two layers: ``openapi/generated/aria-a7-19.json``, every method of Aria's
Swagger converted by ``harness.swagger.convert``, and the hand-built ``openapi/aria.yaml`` from
Aria's documentation pages, which overrides it per method (its operation's keys win; an entry
that omits the request or response keeps the generated ones). Every fact about a method (its
fields, its documented error codes, whether and when it generates an invoice, its dry-run
field) comes from those files; nothing here repeats a field list.

Loading is lazy: the hand-built layer is read on the first ``registry()``; the generated one
only when a method outside it, the whole list or the merged document is first asked for; a
``MethodSpec`` is built when its method is first asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import SpecError, UnknownMethodError
from harness.facts import DOCUMENTED_FALSE
from harness.facts import reads_false as is_false
from harness.spec.invoicing import Rule, parse_rule
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
GENERATED_FILE = "generated/aria-a7-19.json"
HAND_BUILT = "hand-built"
GENERATED = "generated"
REFINED = "refined"
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
    # ``when`` as a rule on the call's inputs (harness.spec.invoicing); None: on every call.
    rule: Rule | None = None
    # Where a successful answer names the invoices the call generated: an output field
    # (``invoice_no``) or a field of each item of an output array (``invoice_info[].invoice_no``).
    invoice_fields: tuple[str, ...] = ()


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
    # "hand-built" when openapi/aria.yaml describes the method whole, "refined" when it adds
    # facts from the docs to a generated operation, "generated" when only Swagger does.
    layer: str = HAND_BUILT

    @property
    def allowed_codes(self) -> frozenset[int]:
        """The codes this method may answer with: its documented ones plus the generic ones."""
        return frozenset(self.error_codes) | frozenset(self.generic_codes) | {0}

    def describe_code(self, code: int) -> ErrorCode | None:
        """The documented meaning of a code for this method, if any."""
        return self.error_codes.get(code) or self.generic_codes.get(code)

    def is_dry_run(self, params: Mapping[str, Any]) -> bool:
        """True when Aria may read the call as a dry run (its dry-run field reads as false)."""
        dry = self.invoicing.dry_run_field
        return dry is not None and is_false(params.get(dry))

    def asks_dry_run(self, params: Mapping[str, Any]) -> bool:
        """True when the dry-run field says false in the one spelling the guard trusts."""
        dry = self.invoicing.dry_run_field
        if dry is None:
            return False
        value = params.get(dry)
        return value is False or value == DOCUMENTED_FALSE

    def may_generate_invoice(self, params: Mapping[str, Any]) -> bool:
        """True when this call, as given, could generate an invoice.

        False for a method that never does, a dry run in the documented spelling, or inputs
        that rule the documented condition out (``bill_immediately`` false where the invoice
        needs it true); a condition that depends on the account's state counts as holding.
        """
        if not self.invoicing.generates or self.asks_dry_run(params):
            return False
        rule = self.invoicing.rule
        return rule is None or rule.may_hold(params)

    def invoice_condition(self, params: Mapping[str, Any]) -> str | None:
        """The documented condition when this call could generate an invoice, else None."""
        if not self.may_generate_invoice(params):
            return None
        return self.invoicing.when or f"{self.name} is documented as generating invoices"


class Registry:
    """The methods of the bundled description (both layers), by name."""

    def __init__(
        self,
        document: Mapping[str, Any],
        generated: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        self._hand = document
        self._generated_source = generated
        generic = {
            int(entry["code"]): ErrorCode(int(entry["code"]), str(entry["message"]), generic=True)
            for entry in document.get("x-aria-generic-error-codes", [])
        }
        self.generic_codes: Mapping[int, ErrorCode] = generic
        self.named_codes: Mapping[str, ErrorCode] = _named_codes(document, generic)
        self._hand_operations = _operations(document)
        # Per-method facts from the docs over a generated operation (x-aria-invoicing, codes).
        self._refinements: Mapping[str, Mapping[str, Any]] = {
            str(name): entry for name, entry in (document.get("x-aria-refinements") or {}).items()
        }
        # The invoice-generating methods the hand-built layer refines rather than describes
        # whole, with their documented condition (for callers judging a name alone).
        self.other_invoicing_methods: Mapping[str, str] = {
            name: str(entry["x-aria-invoicing"]["when"])
            for name, entry in self._refinements.items()
            if (entry.get("x-aria-invoicing") or {}).get("generates")
        }
        self._specs: dict[str, MethodSpec] = {}
        if not self._hand_operations and generated is None:
            raise SpecError("the bundled description describes no Aria method")

    @functools.cached_property
    def _generated(self) -> Mapping[str, Any]:
        source = self._generated_source
        if source is None:
            return {}
        document = source() if callable(source) else source
        if not isinstance(document, Mapping):
            raise SpecError("the generated layer of the description is not an object")
        return document

    @functools.cached_property
    def _generated_operations(self) -> dict[str, tuple[str, Mapping[str, Any]]]:
        return _operations(self._generated)

    @functools.cached_property
    def _all_names(self) -> tuple[str, ...]:
        hand = self._hand_operations
        return (*hand, *(name for name in self._generated_operations if name not in hand))

    @property
    def names(self) -> tuple[str, ...]:
        """The methods the hand-built layer describes whole, in its order (no generated read).

        These are the core methods: the stub simulates them, and fuzzing and drift cover them
        by default. ``all_names`` adds every method of the generated layer.
        """
        return tuple(self._hand_operations)

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every described method: the hand-built layer's, then the generated layer's."""
        return self._all_names

    @functools.cached_property
    def document(self) -> Mapping[str, Any]:
        """The merged description: the generated layer with the hand-built one over it."""
        generated = self._generated
        paths: dict[str, Any] = {}
        for name in self._all_names:
            path, operation = self._operation(name)
            paths[path] = {"post": operation}
        schemas = {
            **(generated.get("components") or {}).get("schemas", {}),
            **(self._hand.get("components") or {}).get("schemas", {}),
        }
        return {**self._hand, "paths": paths, "components": {"schemas": schemas}}

    def document_for(self, names: Iterable[str]) -> dict[str, Any]:
        """A description with every hand-built method and ``names``: cheaper than ``document``.

        Holds the components the chosen operations reach, so a tool that loads the whole
        description (schemathesis) pays only for the methods it will use.
        """
        paths = {path: {"post": operation} for path, operation in self._hand_operations.values()}
        for name in names:
            if name not in self._hand_operations:
                path, operation = self._operation(name)
                paths[path] = {"post": operation}
        schemas: dict[str, Any] = {}
        pending = [ref for item in paths.values() for ref in _refs(item)]
        while pending:
            name = pending.pop()[len(_SCHEMA_PREFIX) :]
            if name not in schemas:
                schemas[name] = self.schema(name)
                pending.extend(_refs(schemas[name]))
        return {**self._hand, "paths": paths, "components": {"schemas": schemas}}

    def _operation(self, name: str) -> tuple[str, Mapping[str, Any]]:
        hand = self._hand_operations.get(name)
        if hand is not None:
            return hand
        if name not in self._generated_operations:
            raise UnknownMethodError(name, known=sorted(self._all_names))
        path, operation = self._generated_operations[name]
        refinement = self._refinements.get(name)
        if refinement is None:
            return path, operation
        # A refinement from the docs over a generated operation: its keys win.
        return path, {**operation, **refinement}

    def _method_from_operation(
        self, name: str, path: str, operation: Mapping[str, Any]
    ) -> MethodSpec:
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
                rule=(
                    parse_rule(invoicing["rule"], where=f"{name} x-aria-invoicing.rule")
                    if invoicing.get("rule") is not None
                    else None
                ),
                invoice_fields=self._invoice_fields(name, invoicing, response_schema),
            ),
            source=str(operation.get("x-aria-source", "")),
            array_fields=arrays,
            layer=self._layer(name),
        )

    def _invoice_fields(
        self, name: str, invoicing: Mapping[str, Any], response: Mapping[str, Any]
    ) -> tuple[str, ...]:
        # Checked against the answer's schema at load, so a renamed output field fails loudly
        # instead of silently counting no invoices.
        fields = tuple(invoicing.get("invoice_fields") or ())
        outputs = response.get("properties", {})
        for pointer in fields:
            array, _, item_field = pointer.partition("[].")
            prop = outputs.get(array)
            if prop is not None and item_field:
                items = prop.get("items", {})
                item_schema = self.schema(_schema_name(items)) if "$ref" in items else items
                prop = item_schema.get("properties", {}).get(item_field)
            if prop is None:
                raise SpecError(
                    f"{name} x-aria-invoicing.invoice_fields: {pointer!r} is not in its answer"
                )
        return fields

    def _layer(self, name: str) -> str:
        if name in self._hand_operations:
            return HAND_BUILT
        return REFINED if name in self._refinements else GENERATED

    def schema(self, name: str) -> Mapping[str, Any]:
        """A component schema of the description, by name (the hand-built layer's first)."""
        for document in (self._hand, None):
            schemas = ((document or self._generated).get("components") or {}).get("schemas", {})
            if name in schemas:
                return schemas[name]
        raise SpecError(f"the description has no schema {name!r}")

    def __getitem__(self, name: str) -> MethodSpec:
        spec = self._specs.get(name)
        if spec is None:
            if name not in self:
                raise UnknownMethodError(name, known=sorted(self._all_names))
            path, operation = self._operation(name)
            spec = self._specs[name] = self._method_from_operation(name, path, operation)
        return spec

    def __contains__(self, name: object) -> bool:
        if name in self._hand_operations:
            return True
        return isinstance(name, str) and name in self._generated_operations

    def __iter__(self) -> Iterator[MethodSpec]:
        return (self[name] for name in self._all_names)

    def __len__(self) -> int:
        return len(self._all_names)

    def invoicing_methods(self) -> tuple[MethodSpec, ...]:
        """The methods that can generate an invoice."""
        return tuple(spec for spec in self if spec.invoicing.generates)


def _refs(node: Any) -> Iterator[str]:
    """Every local component $ref under a node."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_PREFIX):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _operations(document: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """The Aria operations of one layer: method name -> (path, POST operation)."""
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for path, item in (document.get("paths") or {}).items():
        operation = item.get("post") if isinstance(item, Mapping) else None
        if operation is None or "x-aria-method" not in operation:
            continue
        found[str(operation["x-aria-method"])] = (str(path), operation)
    return found


def _schema_name(schema: Mapping[str, Any]) -> str:
    ref = schema.get("$ref", "")
    if not ref.startswith(_SCHEMA_PREFIX):
        raise SpecError(f"expected a $ref to a component schema, got {schema!r}")
    return ref[len(_SCHEMA_PREFIX) :]


@functools.cache
def registry() -> Registry:
    """The registry of the bundled description, loaded once per process (lazily, see above)."""
    return Registry(
        load_document("openapi", OPENAPI_FILE),
        generated=lambda: load_document("openapi", GENERATED_FILE),
    )


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

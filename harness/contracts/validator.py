"""Compiled, cached contract validators.

The contracts in ``contracts/`` are standard JSON Schema (2020-12). They ``$ref`` the response
schemas of the bundled OpenAPI description (``urn:aria-harness:openapi``) and the list of
codes each method may answer with (``urn:aria-harness:error-codes:<method>``, built here from
the description's ``x-aria-error-codes`` and ``x-aria-generic-error-codes``), so neither a
field list nor a code list is written twice.

jsonschema-rs does the validation: a compiled validator answers ``is_valid`` in microseconds,
and only an invalid response pays for walking its errors into messages.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema_rs

from harness.contracts.invariants import check_invariants, compile_check, compile_invariants
from harness.contracts.violations import Violation, describe_value, json_type, to_pointer
from harness.errors import SpecError
from harness.spec import Registry, load_document, registry

__all__ = ["Contract", "contract_for", "validate", "assert_valid", "OPENAPI_URI", "codes_uri"]

OPENAPI_URI = "urn:aria-harness:openapi"


def codes_uri(method: str) -> str:
    """The URI under which a method's allowed error codes are registered."""
    return f"urn:aria-harness:error-codes:{method}"


class Contract:
    """One method's compiled response contract."""

    def __init__(self, method: str, schema: Mapping[str, Any], resources: Any) -> None:
        self.method = method
        self.schema = schema
        self.invariants = compile_invariants(schema.get("x-aria-invariants", ()))
        try:
            self._validator = jsonschema_rs.validator_for(dict(schema), registry=resources)
            self._holds = compile_check(self.invariants)
        except (ValueError, SyntaxError, jsonschema_rs.ReferencingError) as exc:
            raise SpecError(f"contract for {method} does not compile: {exc}") from exc
        self._is_valid = self._validator.is_valid

    def validate(self, response: Any) -> list[Violation]:
        """Every way this response breaks the contract (an empty list when it conforms)."""
        # The common case pays for one schema pass and one compiled invariant walk, no more.
        if type(response) is dict and self._is_valid(response) and self._holds(response):
            return []
        return self._violations(response)

    def _violations(self, response: Any) -> list[Violation]:
        if not isinstance(response, Mapping):
            return [
                Violation(
                    self.method,
                    "",
                    "a JSON object",
                    json_type(response),
                    "the response is not a JSON object",
                    "type",
                )
            ]
        found = [self._violation(error) for error in self._validator.iter_errors(response)]
        if self.invariants:
            found += check_invariants(self.method, self.invariants, response, holds=self._holds)
        return found

    def _violation(self, error: Any) -> Violation:
        kind = error.kind
        details = kind.as_dict()
        name = kind.name
        if name == "required":
            expected, actual = f"property {details['property']!r} present", "absent"
        elif name == "type":
            expected, actual = " or ".join(map(str, details["types"])), json_type(error.instance)
        elif name == "enum":
            options = ", ".join(json.dumps(option) for option in details["options"])
            expected, actual = f"one of {options}", describe_value(error.instance)
        elif name == "const":
            expected, actual = (
                describe_value(details["expected_value"]),
                describe_value(error.instance),
            )
        elif name == "not":
            expected, actual = (
                f"not {describe_value(details['schema'])}",
                describe_value(error.instance),
            )
        else:
            limit = {k: v for k, v in details.items() if k != "context"}
            expected = f"{name} {describe_value(limit)}" if limit else name
            actual = describe_value(error.instance)
        return Violation(
            method=self.method,
            pointer=to_pointer(error.instance_path),
            expected=expected,
            actual=actual,
            message=error.message,
            rule=name,
        )


@functools.cache
def _resources() -> Any:
    reg: Registry = registry()
    entries: list[tuple[str, Any]] = [(OPENAPI_URI, json.loads(json.dumps(reg.document)))]
    for spec in reg:
        entries.append((codes_uri(spec.name), {"enum": sorted(spec.allowed_codes)}))
    return jsonschema_rs.Registry(entries, draft=jsonschema_rs.Draft202012)


@functools.cache
def contract_for(method: str) -> Contract:
    """The compiled contract of a method, built once per process."""
    spec = registry()[method]
    schema = load_document("contracts", f"{spec.name}.json")
    return Contract(spec.name, schema, _resources())


# Every answer the harness sees goes through validate(): a plain dict of bound checks answers
# the lookup faster than contract_for's cache, which hashes an argument tuple on every call.
_checks: dict[str, Callable[[Any], list[Violation]]] = {}


def validate(method: str, response: Any) -> list[Violation]:
    """Every way a response breaks its method's contract; empty when it conforms."""
    check = _checks.get(method)
    if check is None:
        check = _checks[method] = contract_for(method).validate
    return check(response)


def assert_valid(method: str, response: Any) -> None:
    """Raise ContractViolation when a response breaks its method's contract."""
    from harness.errors import ContractViolation

    violations = validate(method, response)
    if violations:
        raise ContractViolation(method, violations=violations)

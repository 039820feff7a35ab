"""Check and coerce a call's inputs against its method's request schema, as Aria's PHP does.

Form bodies and query strings carry only strings, so numeric strings are accepted for integer
and number fields; JSON clients may send typed values. Empty values count as absent (PHP reads
``acct_no=`` as not given). Fields the schema does not name are ignored, as Aria ignores them.

A bad value answers the method's documented code where the docs tie one to that input
(gen_invoice_m: invoice_mode -> 1059, combine_invoices -> 1068, billing_group_no -> 26010, ...),
otherwise 1016 with a message naming the field and the fix.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.facts import aria_bool
from harness.spec import MethodSpec, registry
from harness.stub.exceptions import (
    AriaFault,
    InvalidInput,
    InvalidPlanInstance,
    MissingParameter,
    fault_for_code,
)

__all__ = ["MAX_ARRAY_ITEMS", "InputRule", "RequestRules", "coerce_params", "rules_for"]

# SQLite stores signed 64-bit integers; anything wider is invalid input, never an overflow.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
# A required array or object given empty counts as missing (never modified).
_EMPTY_VALUES: tuple[Any, ...] = ([], {})
# Integers below this in magnitude are exact as floats.
_EXACT = 2**53
# Items an input array may hold. Aria documents no limit; a thousand order or rebill lines is
# beyond any real call, and bounds the work and the answer a call can ask for (an order's
# answer lists every line: 100,000 pipe columns would make a 45 MB answer).
MAX_ARRAY_ITEMS = 1000

# The docs list the inputs of 14046 as master_plan_instance_id; gen_invoice_m's field is
# master_plan_instance_no, so a bad value of it answers the same code.
_EXTRA_INPUTS: dict[type[AriaFault], tuple[str, ...]] = {
    InvalidPlanInstance: ("master_plan_instance_no",)
}

FaultFactory = Callable[[str], AriaFault]


@dataclass(frozen=True)
class InputRule:
    """What one input accepts."""

    name: str
    kind: str
    max_length: int | None = None
    max_digits: int | None = None
    minimum: float | None = None
    enum: tuple[Any, ...] | None = None
    items: RequestRules | None = None
    fault: FaultFactory | None = None
    # an integer input's accepted values as one range (64 bits, max_digits and minimum), so a
    # JSON integer within it and not limited to an enum passes without the checks' calls
    int_range: tuple[float, float] | None = field(default=None, init=False)
    # a string input with no enum: the longest str that passes as given (0: no such path)
    plain_text: int = field(default=0, init=False)
    # a number input with no enum or minimum: a JSON int or float of magnitude below this
    # passes as float(value) without the checks' calls (0: no such path)
    plain_number: int = field(default=0, init=False)
    # an integer input limited to an enum: the JSON integers the general checks give back as
    # they are (gen_invoice_m's combine_invoices, invoice_mode), passed without their calls
    int_choices: frozenset[int] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        if self.kind == "integer" and self.enum is not None:
            choices = frozenset(
                value for value in self.enum if type(value) is int and _passes_as_given(self, value)
            )
            object.__setattr__(self, "int_choices", choices)
        if self.kind == "integer" and self.enum is None:
            low: float = max(_INT_MIN, self.minimum if self.minimum is not None else _INT_MIN)
            high: float = _INT_MAX
            if self.max_digits is not None:
                # len(str(n)) <= max_digits, the sign counted as a digit
                high = min(high, 10**self.max_digits - 1)
                low = max(low, -(10 ** (self.max_digits - 1)) + 1)
            object.__setattr__(self, "int_range", (low, high))
        if self.kind == "string" and self.enum is None and self.minimum is None:
            longest = self.max_length if self.max_length is not None else _INT_MAX
            object.__setattr__(self, "plain_text", longest)
        if self.kind == "number" and self.enum is None and self.minimum is None:
            # _to_number counts the digits of int(abs(float(n))), within max_digits exactly
            # while |n| < 10**max_digits; below 2**53 float(n) is n itself, so an int and a
            # float there compare alike (and nothing there is near the infinite 1e300)
            below = _EXACT if self.max_digits is None else min(_EXACT, 10**self.max_digits)
            object.__setattr__(self, "plain_number", below)


@dataclass(frozen=True)
class RequestRules:
    """The compiled rules of one request (or array item) schema."""

    fields: Mapping[str, InputRule]
    required: tuple[str, ...]
    # alternatives of which one must be given (x-aria-alternatives backed by anyOf)
    required_alternatives: tuple[tuple[str, ...], ...] = field(default=())


def _compile(
    schema: Mapping[str, Any],
    faults: Mapping[str, FaultFactory],
    within: frozenset[str] = frozenset(),
) -> RequestRules:
    reg = registry()
    fields: dict[str, InputRule] = {}
    for name, prop in schema.get("properties", {}).items():
        if name in ("rest_call", "output_format"):
            continue
        kind = prop.get("type", "string")
        items = None
        ref = prop.get("items", {}).get("$ref") if kind == "array" else None
        # Swagger nests some item schemas in themselves (A7.Acct's acct[]): a schema inside
        # itself is not compiled again, its items pass as given
        if ref is not None and ref not in within:
            items = _compile(reg.schema(ref.rsplit("/", 1)[-1]), {}, within | {ref})
        max_digits = prop.get("x-aria-max-length") if kind in ("integer", "number") else None
        fields[name] = InputRule(
            name=name,
            kind=kind,
            max_length=prop.get("maxLength"),
            max_digits=max_digits,
            minimum=prop.get("minimum"),
            enum=tuple(prop["enum"]) if "enum" in prop else None,
            items=items,
            fault=faults.get(name),
        )
    alternatives: tuple[tuple[str, ...], ...] = ()
    if "anyOf" in schema:
        alternatives = tuple(tuple(alt) for alt in schema.get("x-aria-alternatives", ()))
        alternatives = tuple(
            alt
            for alt in alternatives
            if any(set(branch.get("required", ())) <= set(alt) for branch in schema["anyOf"])
        )
    required = tuple(name for name in schema.get("required", ()) if name != "rest_call")
    return RequestRules(fields=fields, required=required, required_alternatives=alternatives)


def _raising(cls: type[AriaFault]) -> FaultFactory:
    """A fault factory that ignores the detail: the documented text says it all."""
    return lambda _detail: cls()


def _documented_faults(spec: MethodSpec) -> dict[str, FaultFactory]:
    faults: dict[str, FaultFactory] = {}
    # A method's own documented codes that describe a bad value of one of its inputs (the
    # generic ones list inputs too, but answer for a missing or wrong thing, not a bad value).
    for code, entry in spec.error_codes.items():
        cls = fault_for_code(code) if code not in spec.generic_codes else None
        if cls is None:
            continue
        for name in (*entry.inputs, *_EXTRA_INPUTS.get(cls, ())):
            faults.setdefault(name, _raising(cls))
    return faults


@functools.cache
def rules_for(method: str) -> RequestRules:
    """The compiled input rules of a method, built once per process."""
    spec = registry()[method]
    return _compile(registry().schema(spec.request_schema), _documented_faults(spec))


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def coerce_params(method: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The call's known inputs, coerced; raises the fitting AriaFault for a bad or missing one."""
    return _coerce_object(rules_for(method), params, prefix="")


def _coerce_object(rules: RequestRules, params: Mapping[str, Any], *, prefix: str) -> dict:
    for name in rules.required:
        value = params.get(name)
        # an int is given (the usual client_no): its type answers before the calls
        if type(value) is not int and (_absent(value) or value in _EMPTY_VALUES):
            raise MissingParameter(name)
    for alternative in rules.required_alternatives:
        for name in alternative:  # a loop: a generator in all() costs more than the check
            if not _absent(params.get(name)):
                break
        else:
            raise MissingParameter(alternative[0])
    out: dict[str, Any] = {}
    fields = rules.fields
    for name, value in params.items():
        rule = fields.get(name)
        if rule is None:
            continue
        bounds = rule.int_range
        if bounds is not None and type(value) is int and bounds[0] <= value <= bounds[1]:
            out[name] = value  # what _coerce_value gives, without its calls
        elif type(value) is int and value in rule.int_choices:
            out[name] = value  # what _coerce_value gives it
        elif rule.plain_text and type(value) is str and len(value) <= rule.plain_text:
            if value.strip():  # a blank string counts as absent
                out[name] = value  # what _to_string gives a str: itself
        elif (
            type(value) is float or type(value) is int
        ) and -rule.plain_number < value < rule.plain_number:
            out[name] = float(value)  # what _to_number gives it (a NaN fails the comparison)
        elif rule.items is not None and type(value) is list:
            out[name] = _to_array(rule, value, f"{prefix}{name}")  # what _coerce_value calls
        elif not _absent(value):
            out[name] = _coerce_value(rule, value, f"{prefix}{name}")
    return out


def _passes_as_given(rule: InputRule, value: int) -> bool:
    """Whether the general checks give this value back unchanged (and raise nothing)."""
    try:
        return _coerce_value(rule, value, rule.name) is value
    except AriaFault:
        return False


def _fail(rule: InputRule, detail: str) -> AriaFault:
    if rule.fault is not None:
        return rule.fault(detail)
    return InvalidInput(detail)


def _coerce_value(rule: InputRule, value: Any, label: str) -> Any:
    kind = rule.kind
    if kind == "integer":
        result: Any = _to_int(rule, value, label)
    elif kind == "number":
        result = _to_number(rule, value, label)
    elif kind == "string":
        result = _to_string(rule, value, label)
    elif kind == "array":
        return _to_array(rule, value, label)
    else:  # pragma: no cover - the description uses only the kinds above
        raise InvalidInput(f"{label} has an unsupported type")
    if rule.enum is not None and result not in rule.enum:
        options = ", ".join(str(option) for option in rule.enum)
        raise _fail(rule, f"{label} must be one of {options}")
    if rule.minimum is not None and result < rule.minimum:
        raise _fail(rule, f"{label} must be at least {rule.minimum:g}")
    return result


def _to_int(rule: InputRule, value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise _fail(rule, f"{label} must be an integer, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _is_int_text(value.strip()):
        number = int(value.strip())
    else:
        raise _fail(rule, f"{label} must be an integer")
    if not _INT_MIN <= number <= _INT_MAX or (
        rule.max_digits is not None and len(str(number)) > rule.max_digits
    ):
        raise _fail(rule, f"{label} is out of range")
    return number


def _is_int_text(text: str) -> bool:
    digits = text[1:] if text[:1] in "+-" else text
    return digits.isascii() and digits.isdigit() and len(digits) <= 19


def _to_number(rule: InputRule, value: Any, label: str) -> float:
    if isinstance(value, bool):
        raise _fail(rule, f"{label} must be a number, not a boolean")
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e300 else math.inf
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if text.isascii() else math.nan
        except ValueError:
            raise _fail(rule, f"{label} must be a number") from None
    else:
        raise _fail(rule, f"{label} must be a number")
    if not math.isfinite(number):
        raise _fail(rule, f"{label} must be a finite number")
    if rule.max_digits is not None and len(str(int(abs(number)))) > rule.max_digits:
        raise _fail(rule, f"{label} is out of range")
    return number


def _to_string(rule: InputRule, value: Any, label: str) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = aria_bool(value)
    elif isinstance(value, int | float):
        text = str(value)
    else:
        raise _fail(rule, f"{label} must be a string")
    if rule.enum is not None and text not in rule.enum and text.lower() in rule.enum:
        text = text.lower()
    if rule.max_length is not None and len(text) > rule.max_length:
        raise _fail(rule, f"{label} is longer than {rule.max_length} characters")
    return text


def _to_array(rule: InputRule, value: Any, label: str) -> list[dict[str, Any]]:
    if type(value) is not list and isinstance(value, Mapping):
        keys = list(value)
        # PHP reads name[0][field]=... as an object keyed by index; a bare object is one item
        if keys and all(isinstance(key, str) and key.isascii() and key.isdigit() for key in keys):
            value = [value[key] for key in sorted(keys, key=int)]
        else:
            value = [value]
    if not isinstance(value, list | tuple):
        raise _fail(rule, f"{label} must be an array of objects")
    if len(value) > MAX_ARRAY_ITEMS:
        raise _fail(rule, f"{label} has {len(value)} items; at most {MAX_ARRAY_ITEMS} are accepted")
    items: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        # a JSON object is a dict: its type answers before the Mapping ABC's slower check
        if type(item) is not dict and not isinstance(item, Mapping):
            raise _fail(rule, f"{label}[{index}] must be an object")
        if rule.items is None:  # a schema nested in itself: passed as given
            items.append(dict(item))
        else:
            items.append(_coerce_object(rule.items, item, prefix=f"{label}[{index}]."))
    return items

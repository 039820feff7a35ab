"""The documented condition under which a method generates an invoice, as a rule on its inputs.

A rule lives in the description beside the condition's text (``x-aria-invoicing.rule``) and is
judged on a call's parameters in three values: ``True`` (the inputs make the condition hold as
far as they can), ``False`` (the inputs rule it out: no invoice) and ``None`` (it depends on the
account's state, which the inputs cannot tell). The invoice guard refuses unless the answer is
``False``, so a condition the inputs cannot judge is treated as holding.

A value is read only in Aria's documented spellings (``harness.facts.documented_bool``, a
whole number as an integer or its plain decimal digits): any other spelling ("2", "01",
" 4", 4.0, "yes") is unknown, never false, so ``not`` of it stays unknown.

    state: "<what it depends on>"       the account's state decides: None
    given: field                        the input is given and not empty
    is_true: field [, absent: false]    the input reads as Aria's true (1, "1", "true", true);
                                        absent or empty: None, as the default may be true,
                                        unless the rule states the documented default false
    above: field, than: N               the input is a number above N (absent: False; not a
                                        whole number in a documented spelling: None)
    not_in: field, values: [...]        the input is given and none of the values (absent: None)
    some: array_field, where: rule      some item of the array satisfies the rule; the call's
                                        top level is judged as one more item when it holds a
                                        field the rule reads (a pipe column, as PHP reads it)
    all: [rule, ...] / any: [rule, ...] / not: rule
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.errors import SpecError
from harness.facts import documented_bool

__all__ = ["Rule", "judge", "parse_rule"]

Verdict = bool | None
# "0" or digits without a leading zero: "01", "+1", " 1", "1.0", "１" are other spellings
_DIGITS = re.compile(r"-?(?:0|[1-9][0-9]*)")


@dataclass(frozen=True)
class Rule:
    """A parsed rule: its source (for messages) and the function judging a call's inputs."""

    source: Mapping[str, Any]
    _judge: Callable[[Mapping[str, Any]], Verdict]

    def judge(self, params: Mapping[str, Any]) -> Verdict:
        """True, False, or None when the inputs cannot tell (see the module docstring)."""
        return self._judge(params)

    def may_hold(self, params: Mapping[str, Any]) -> bool:
        """False only when the inputs rule the condition out."""
        return self._judge(params) is not False


def judge(rule: Rule | None, params: Mapping[str, Any]) -> Verdict:
    """A rule's verdict on a call; a method without a rule generates whenever it is called."""
    return True if rule is None else rule.judge(params)


def parse_rule(source: Any, *, where: str = "x-aria-invoicing.rule") -> Rule:
    """Read a rule from the description; a malformed one is a SpecError naming where it is."""
    if not isinstance(source, Mapping):
        raise SpecError(f"{where}: a rule is an object, got {source!r}")
    return Rule(source, _compile(source, where))


def _compile(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    kinds = [key for key in _KINDS if key in node]
    if len(kinds) != 1:
        raise SpecError(f"{where}: expected one of {', '.join(_KINDS)}, got {sorted(node)}")
    return _KINDS[kinds[0]](node, where)


def _state(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    return lambda params: None


def _given(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    field = _field(node, "given", where)
    return lambda params: _is_given(params.get(field))


def _is_true(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    field = _field(node, "is_true", where)
    absent = node.get("absent")
    if absent not in (None, False):
        raise SpecError(f"{where}: absent is false (the documented default) or left out")

    def verdict(params: Mapping[str, Any]) -> Verdict:
        value = params.get(field)
        if not _is_given(value):
            return absent  # None: the documented default may be true
        return documented_bool(value)

    return verdict


def _above(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    field = _field(node, "above", where)
    than = float(node.get("than", 0))

    def verdict(params: Mapping[str, Any]) -> Verdict:
        value: Any = params.get(field)
        if not _is_given(value):
            return False
        number = _whole_number(value)
        return None if number is None else number > than

    return verdict


def _not_in(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    field = _field(node, "not_in", where)
    values = {_whole_number(value) for value in node.get("values") or ()}
    if None in values:
        raise SpecError(f"{where}: not_in values are whole numbers")

    def verdict(params: Mapping[str, Any]) -> Verdict:
        value = params.get(field)
        if not _is_given(value):
            return None  # the default applies, which the description does not state
        number = _whole_number(value)
        return None if number is None else number not in values

    return verdict


def _some(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    field = _field(node, "some", where)
    inner_source = node.get("where") or {}
    inner = _compile(inner_source, f"{where}.where")
    columns = _fields_read(inner_source)

    def verdict(params: Mapping[str, Any]) -> Verdict:
        # Aria6 pipe columns put the items' fields at the top level, where PHP reads them
        verdicts = [inner(params)] if any(column in params for column in columns) else []
        items = params.get(field)
        if not _is_given(items):
            return _any(verdicts) if verdicts else False
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            return None  # still in a wire form (pipe columns): cannot be read here
        verdicts.extend(inner(item) if isinstance(item, Mapping) else None for item in items)
        return _any(verdicts)

    return verdict


def _all_of(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    parts = [_compile(part, f"{where}.all") for part in _list(node, "all", where)]
    return lambda params: _all([part(params) for part in parts])


def _any_of(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    parts = [_compile(part, f"{where}.any") for part in _list(node, "any", where)]
    return lambda params: _any([part(params) for part in parts])


def _not(node: Mapping[str, Any], where: str) -> Callable[[Mapping[str, Any]], Verdict]:
    inner = _compile(node["not"], f"{where}.not")

    def verdict(params: Mapping[str, Any]) -> Verdict:
        found = inner(params)
        return None if found is None else not found

    return verdict


def _fields_read(node: Any) -> set[str]:
    """The input fields a rule reads at its own level (not inside a nested ``some``)."""
    if not isinstance(node, Mapping):
        return set()
    fields = {node[kind] for kind in ("given", "is_true", "above", "not_in") if kind in node}
    for kind in ("all", "any"):
        for part in node.get(kind) or ():
            fields |= _fields_read(part)
    if "not" in node:
        fields |= _fields_read(node["not"])
    return {field for field in fields if isinstance(field, str)}


def _all(verdicts: list[Verdict]) -> Verdict:
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _any(verdicts: list[Verdict]) -> Verdict:
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _whole_number(value: Any) -> int | None:
    """A whole number in a documented spelling (an integer, or its plain ASCII digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return None


def _is_given(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _field(node: Mapping[str, Any], key: str, where: str) -> str:
    field = node[key]
    if not isinstance(field, str) or not field:
        raise SpecError(f"{where}: {key} names an input field, got {field!r}")
    return field


def _list(node: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    parts = node[key]
    if not isinstance(parts, list) or not parts:
        raise SpecError(f"{where}: {key} is a non-empty list of rules")
    return parts


_KINDS: dict[str, Callable[[Mapping[str, Any], str], Callable[[Mapping[str, Any]], Verdict]]] = {
    "state": _state,
    "given": _given,
    "is_true": _is_true,
    "above": _above,
    "not_in": _not_in,
    "some": _some,
    "all": _all_of,
    "any": _any_of,
    "not": _not,
}

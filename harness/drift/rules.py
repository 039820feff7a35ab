"""Declared normalisation rules: values that legitimately change between runs.

A sandbox hands out a new invoice number, order number or transaction id on every run, its
virtual clock moves, and prorated amounts follow the clock. Such values are replaced by a
token before anything is compared or shown, so they never count as drift and the side-by-side
diff shows only what matters. Shapes (which fields exist, their JSON types, null-ness) are
never normalised: a renamed id field or an id turned into a string is still drift.

Two kinds of rule:

- field rules, by key name: every value under a matching key becomes the rule's token;
- text rules, by pattern: inside any string (error messages included), matching text becomes
  the token, e.g. ``account 1000001 does not exist`` -> ``account <n> does not exist``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_RULES", "FieldRule", "Rules", "TextRule"]


@dataclass(frozen=True)
class FieldRule:
    """Every value under a key matching ``key`` (a full-match regex) becomes ``token``."""

    name: str
    key: str
    token: str
    why: str

    def matches(self, key: str) -> bool:
        """True when this rule covers a key."""
        return re.fullmatch(self.key, key) is not None


@dataclass(frozen=True)
class TextRule:
    """Text matching ``pattern`` inside any string becomes ``token``."""

    name: str
    pattern: str
    token: str
    why: str


@dataclass(frozen=True)
class Rules:
    """A set of normalisation rules, applied to a whole response."""

    fields: tuple[FieldRule, ...] = ()
    texts: tuple[TextRule, ...] = ()

    def normalise(self, value: Any) -> Any:
        """A copy of a JSON value with every volatile value replaced by its token."""
        return self._walk(value, key=None)

    def normalise_text(self, text: str) -> str:
        """A string with volatile parts (dates, long numbers) replaced by tokens."""
        for rule in self.texts:
            text = re.sub(rule.pattern, rule.token, text)
        return text

    def field_rule(self, key: str) -> FieldRule | None:
        """The first field rule that covers a key, if any."""
        return next((rule for rule in self.fields if rule.matches(key)), None)

    def _walk(self, value: Any, *, key: str | None) -> Any:
        rule = self.field_rule(key) if key is not None else None
        if isinstance(value, Mapping):
            return {k: self._walk(v, key=str(k)) for k, v in value.items()}
        if isinstance(value, Sequence) and not isinstance(value, str):
            # items of an array inherit its key: a list of ids is a list of volatile values
            return [self._walk(item, key=key) for item in value]
        if value is None or isinstance(value, bool):
            return value
        if rule is not None:
            return rule.token
        if isinstance(value, str):
            return self.normalise_text(value)
        return value


_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"

# Key names follow Aria's conventions: numbers it assigns end in _no (invoice_no, order_no,
# acct_no, out_billing_group_no, ...); times end in _date / _time or say "date"; amounts that
# depend on the day of the cycle are the proration figures and the computed line and tax
# amounts. Client-assigned identifiers (client_*_id) are stable and are not normalised.
DEFAULT_RULES = Rules(
    fields=(
        FieldRule(
            "aria-numbers",
            r"(?:.*_)?no|transaction_id|.*_seq_num|seq_num",
            "<id>",
            "Aria assigns invoice, order, account and transaction numbers on every run",
        ),
        FieldRule(
            "dates-and-times",
            r".*date.*|.*_time|virtual_time|system_time|.*_hours",
            "<date>",
            "the virtual clock moves between runs",
        ),
        FieldRule(
            "time-dependent-amounts",
            r"proration_.*|.*_amount|.*_amt|amount|debit|credit|rate_per_unit|units"
            r"|base_plan_units|.*_days|total_.*|balance.*",
            "<amount>",
            "prorated charges and taxes follow the day of the billing cycle",
        ),
    ),
    texts=(
        TextRule("timestamps", rf"{_DATE}(?:[ T]{_TIME})?", "<date>", "dates inside messages"),
        TextRule("clock-times", rf"\b{_TIME}\b", "<time>", "times inside messages"),
        TextRule(
            "long-numbers",
            r"(?<![\w.])\d{4,}(?![\w.])",
            "<n>",
            "ids and numbers quoted inside messages",
        ),
    ),
)

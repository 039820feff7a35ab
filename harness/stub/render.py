"""Stored invoice lines as each method shows them.

Each output shape's field list comes from the description's component schema (so every field
is present, in the description's order); only the mapping from the stored line is written here.
Each shape's mapping is compiled into one function that copies a row of Nones and sets the
mapped fields: rendering lines is on every invoicing call's path, and a loop of getters costs
several times more.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.spec import registry
from harness.stub.billing import TAX_LINE

__all__ = ["render_lines", "render_record", "render_tax_details"]

Row = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Key:
    """The stored line's value under one key; the builder compiles it into ``line.get(key)``."""

    name: str

    def __call__(self, line: Mapping[str, Any]) -> Any:
        return line.get(self.name)


_key = _Key


@dataclass(frozen=True, slots=True)
class _Expr:
    """A value computed from the stored line, compiled into the row as this expression over
    ``line`` and ``get`` (``line.get``): no call per field."""

    source: str


# a plan line's share of its period: 1.0 unless a plan change prorated it
_PRORATION_FACTOR = _Expr("get('proration_factor', 1.0) if get('plan_no') else None")
_IS_TAX = _Expr(f"int(line['line_type'] == {TAX_LINE})")

Getter = Callable[[Mapping[str, Any]], Any] | _Expr


_COMMON: dict[str, Getter] = {
    "plan_no": _key("plan_no"),
    "client_plan_id": _key("client_plan_id"),
    "plan_name": _key("plan_name"),
    "plan_instance_no": _key("plan_instance_no"),
    "client_plan_instance_id": _key("client_plan_instance_id"),
    "service_no": _key("service_no"),
    "client_service_id": _key("client_service_id"),
    "service_name": _key("service_name"),
    "rate_per_unit": _key("rate"),
    "line_type": _key("line_type"),
    "client_sku": _key("client_sku"),
    "order_no": _key("order_no"),
    "item_no": _key("item_no"),
    "client_item_id": _key("client_sku"),
    "rate_schedule_no": _key("rate_schedule_no"),
    "client_rate_schedule_id": _key("client_rate_schedule_id"),
    "credit_coupon_code": _key("coupon_cd"),
}

_MAPPINGS: dict[str, dict[str, Getter]] = {
    "InvoiceItem": {
        **_COMMON,
        "invoice_line_no": _key("line_no"),
        # the stub keeps one chart of accounts: every service posts to account 1, "4000"
        "service_coa_id": _Expr("1"),
        "client_service_coa_code": _Expr("'4000'"),
        "units": _key("units"),
        "line_amount": _key("amount"),
        "line_description": _key("description"),
        "start_date_range": _key("start"),
        "end_date_range": _key("end"),
        "base_plan_units": _key("plan_units"),
        "proration_factor": _PRORATION_FACTOR,
        "rate_schedule_tier_no": _Expr("1 if get('rate_schedule_no') else None"),
    },
    "InvoiceLineItem": {
        **_COMMON,
        "line_no": _key("line_no"),
        "service_is_tax_ind": _IS_TAX,
        "line_units": _key("units"),
        "line_amount": _key("amount"),
        "description": _key("description"),
        "date_range_start": _key("start"),
        "date_range_end": _key("end"),
        "schedule_name": _key("schedule_name"),
    },
    "InvoiceLineDetail": {
        **_COMMON,
        "line_no": _key("line_no"),
        "units": _key("units"),
        "amount": _key("amount"),
        "description": _key("description"),
        "date_range_start": _key("start"),
        "date_range_end": _key("end"),
        "base_plan_units": _key("plan_units"),
        "proration_factor": _PRORATION_FACTOR,
        "tax_related_ind": _IS_TAX,
        "master_plan_instance_no": _key("plan_instance_no"),
        "client_mp_instance_id": _key("client_plan_instance_id"),
        "rb_line_comments": _key("comments"),
    },
}
_MAPPINGS["RbInvoiceItem"] = _MAPPINGS["InvoiceItem"]
# edit_acct_plan_queued_changes_m's invoice_info[].invoice_items (Swagger 19)
_MAPPINGS["A7.InvoiceItem"] = _MAPPINGS["InvoiceItem"]


@functools.cache
def _row_builder(schema: str) -> Row:
    """One function turning a stored line into a row of the schema: a copy of the schema's row
    of Nones (its fields in the description's order) with the mapped fields set, which costs
    about half of building every field in a dict display."""
    mapping = _MAPPINGS[schema]
    fields = registry().schema(schema)["properties"]
    namespace: dict[str, Any] = {"_nones": dict.fromkeys(fields)}
    body = ["def row(line):", "    get = line.get", "    row = _nones.copy()"]
    for name in fields:
        getter = mapping.get(name)
        if getter is None:
            continue
        if isinstance(getter, _Key):
            value = f"get({getter.name!r})"
        elif isinstance(getter, _Expr):
            value = f"({getter.source})"
        else:
            function = f"_f{len(namespace)}"
            namespace[function] = getter
            value = f"{function}(line)"
        body.append(f"    row[{name!r}] = {value}")
    body.append("    return row\n")
    source = "\n".join(body)
    exec(compile(source, f"<render {schema}>", "exec"), namespace)  # noqa: S102 - our own names
    return namespace["row"]


def render_lines(schema: str, lines: Sequence[Mapping[str, Any]], **extra: Any) -> list[dict]:
    """Stored lines in the shape of one component schema (extra: fixed values per line)."""
    row = _row_builder(schema)
    out = [row(line) for line in lines]
    if extra:
        for rendered in out:
            for name, value in extra.items():
                if name in rendered:
                    rendered[name] = value
    return out


@functools.cache
def _detail_builder(schema: str) -> Row:
    fields = registry().schema(schema)["properties"]
    _MAPPINGS.setdefault(schema, {name: _key(name) for name in fields})
    return _row_builder(schema)


def render_tax_details(schema: str, details: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Stored tax details in the shape of TaxDetail or InvoiceTaxDetail."""
    row = _detail_builder(schema)
    return [row(detail) for detail in details]


@functools.cache
def _fields(schema: str) -> tuple[str, ...]:
    return tuple(registry().schema(schema)["properties"])


def render_record(schema: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """One object of a component schema: its fields in the description's order, unknown null."""
    return {name: values.get(name) for name in _fields(schema)}

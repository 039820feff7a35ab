"""Load and validate a stub fixture (YAML or a mapping) into the domain models.

The format is documented in ``docs/stub-fixtures.md`` and shown by ``fixtures/default.yaml``. A bad
fixture raises ``FixtureError`` naming the path of the offending entry and what was expected.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml

from harness.errors import FixtureError
from harness.facts import load_yaml
from harness.stub.models import (
    Account,
    BillingGroup,
    ClientParameters,
    Coupon,
    InventoryItem,
    MasterPlanInstance,
    PaymentMethod,
    Plan,
    RateSchedule,
    Service,
    Tenant,
    World,
)
from harness.stub.store import SEQUENCE_START

__all__ = ["FixtureError", "build_world", "default_fixture_text", "read_fixture"]


def default_fixture_text() -> str:
    """The bundled default fixture, as YAML text."""
    return (resources.files("harness.stub") / "fixtures" / "default.yaml").read_text("utf-8")


def read_fixture(source: str | os.PathLike[str] | Mapping[str, Any] | None) -> dict[str, Any]:
    """The raw fixture mapping from a path, YAML text, a mapping, or None for the default."""
    if source is None:
        text = default_fixture_text()
    elif isinstance(source, Mapping):
        return json.loads(json.dumps(source, default=str))
    elif isinstance(source, os.PathLike) or _looks_like_path(source):
        try:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise FixtureError(f"cannot read fixture file {os.fspath(source)!r}: {exc}") from None
    else:
        text = source
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise FixtureError(f"the fixture is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise FixtureError("the fixture must be a mapping with a 'tenants' list")
    return json.loads(json.dumps(data, default=str))


def _looks_like_path(source: str) -> bool:
    if os.path.isfile(source):
        return True
    return "\n" not in source and not source.lstrip().startswith(("{", "tenants"))


def _get(node: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: str) -> Any:
    if key not in node:
        raise FixtureError(f"{path}: missing required key {key!r}")
    return _check(node[key], kind, f"{path}.{key}")


def _opt(
    node: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: str, default: Any
) -> Any:
    if node.get(key) is None:
        return default
    return _check(node[key], kind, f"{path}.{key}")


def _check(value: Any, kind: type | tuple[type, ...], path: str) -> Any:
    if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
        raise FixtureError(f"{path}: expected {_name(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise FixtureError(f"{path}: expected {_name(kind)}, got {type(value).__name__}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _name(kind: type | tuple[type, ...]) -> str:
    names = {int: "an integer", str: "a string", bool: "true or false", list: "a list"}
    names |= {dict: "a mapping", float: "a number"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _money(node: Mapping[str, Any], key: str, path: str, default: str | None = None) -> Decimal:
    value = node.get(key, default)
    if value is None:
        raise FixtureError(f"{path}: missing required key {key!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FixtureError(f"{path}.{key}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise FixtureError(f"{path}.{key}: expected a finite number")
    return number


def _list(node: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
    items = _opt(node, key, list, path, [])
    for index, item in enumerate(items):
        _check(item, dict, f"{path}.{key}[{index}]")
    return items


def _params(node: Mapping[str, Any], path: str) -> ClientParameters:
    raw = _opt(node, "client_parameters", dict, path, {})
    path = f"{path}.client_parameters"
    known = set(ClientParameters.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FixtureError(f"{path}: unknown parameter(s) {unknown}; known: {sorted(known)}")
    base = ClientParameters()
    combine = _opt(raw, "combine_invoices_default", int, path, base.combine_invoices_default)
    if combine not in (1, 2):
        raise FixtureError(f"{path}.combine_invoices_default: expected 1 or 2, got {combine}")
    rounding = _opt(raw, "tax_rounding", str, path, base.tax_rounding)
    return ClientParameters(
        auto_bill_orders=_opt(raw, "auto_bill_orders", bool, path, base.auto_bill_orders),
        autocollect_on_rebill=_opt(
            raw, "autocollect_on_rebill", bool, path, base.autocollect_on_rebill
        ),
        pending_invoices=_opt(raw, "pending_invoices", bool, path, base.pending_invoices),
        collect_on_approve=_opt(raw, "collect_on_approve", bool, path, base.collect_on_approve),
        combine_invoices_default=combine,
        tax_rounding=rounding,
        tax_rate=_money(raw, "tax_rate", path, str(base.tax_rate)),
        tax_name=_opt(raw, "tax_name", str, path, base.tax_name),
        decline_card_number=str(
            _opt(raw, "decline_card_number", (str, int), path, base.decline_card_number)
        ),
        invoice_in_progress_seconds=_seconds(raw, "invoice_in_progress_seconds", path),
    )


def _seconds(raw: Mapping[str, Any], key: str, path: str) -> int:
    value = _opt(raw, key, int, path, 0)
    if value < 0:
        raise FixtureError(f"{path}.{key}: expected a whole number of seconds >= 0, got {value!r}")
    return value


def _plan(node: Mapping[str, Any], path: str) -> Plan:
    services = []
    for index, raw in enumerate(_list(node, "services", path)):
        spath = f"{path}.services[{index}]"
        line_type = _opt(raw, "line_type", int, spath, 1)
        if line_type not in range(1, 10) or line_type == 2:
            raise FixtureError(f"{spath}.line_type: expected 1 or 3..9 (2 is tax), got {line_type}")
        fulfillment_based = _opt(raw, "fulfillment_based", bool, spath, False)
        if fulfillment_based and line_type != 1:
            raise FixtureError(f"{spath}.fulfillment_based: only a recurring service (line_type 1)")
        services.append(
            Service(
                service_no=_get(raw, "service_no", int, spath),
                client_service_id=_get(raw, "client_service_id", str, spath),
                name=_get(raw, "name", str, spath),
                rate=_money(raw, "rate", spath),
                units=_money(raw, "units", spath, "1"),
                line_type=line_type,
                taxable=_opt(raw, "taxable", bool, spath, True),
                fulfillment_based=fulfillment_based,
            )
        )
    interval = _opt(node, "billing_interval_months", int, path, 1)
    if interval < 1:
        raise FixtureError(f"{path}.billing_interval_months: expected at least 1")
    return Plan(
        plan_no=_get(node, "plan_no", int, path),
        client_plan_id=_get(node, "client_plan_id", str, path),
        name=_get(node, "name", str, path),
        billing_interval_months=interval,
        services=tuple(services),
        early_cancel_fee=_money(node, "early_cancel_fee", path, "0"),
        early_cancel_min_months=_opt(node, "early_cancel_min_months", int, path, 0),
    )


def _item(node: Mapping[str, Any], path: str) -> InventoryItem:
    schedules = []
    for index, raw in enumerate(_list(node, "rate_schedules", path)):
        spath = f"{path}.rate_schedules[{index}]"
        schedules.append(
            RateSchedule(
                rate_schedule_no=_get(raw, "rate_schedule_no", int, spath),
                client_rate_schedule_id=_get(raw, "client_rate_schedule_id", str, spath),
                name=_opt(raw, "name", str, spath, ""),
                currency_cd=_get(raw, "currency_cd", str, spath).lower(),
                rate=_money(raw, "rate", spath),
                default=_opt(raw, "default", bool, spath, False),
            )
        )
    if not schedules:
        raise FixtureError(f"{path}.rate_schedules: an item needs at least one rate schedule")
    return InventoryItem(
        item_no=_get(node, "item_no", int, path),
        client_sku=_get(node, "client_sku", str, path),
        name=_get(node, "name", str, path),
        service_no=_get(node, "service_no", int, path),
        client_service_id=_opt(node, "client_service_id", str, path, ""),
        schedules=tuple(schedules),
        taxable=_opt(node, "taxable", bool, path, True),
    )


def _payment_method(node: Mapping[str, Any], path: str, decline: str) -> PaymentMethod:
    # the full number is read to decide the gateway's answer, then only the last four are kept
    number = str(_get(node, "cc_number", (str, int), path))
    from harness.stub.gateway import card_approves

    return PaymentMethod(
        seq=_get(node, "seq", int, path),
        kind=_opt(node, "kind", str, path, "credit_card"),
        last_four=number[-4:],
        approves=card_approves(number, decline_number=decline),
    )


def _account(
    node: Mapping[str, Any], path: str, plans: Mapping[int, Plan], params: ClientParameters
) -> Account:
    groups = tuple(
        BillingGroup(
            billing_group_no=_get(raw, "billing_group_no", int, f"{path}.billing_groups[{i}]"),
            client_billing_group_id=_get(
                raw, "client_billing_group_id", str, f"{path}.billing_groups[{i}]"
            ),
            name=_opt(raw, "name", str, f"{path}.billing_groups[{i}]", ""),
            payment_method_seq=_opt(raw, "payment_method_seq", int, f"{path}.bg[{i}]", None),
        )
        for i, raw in enumerate(_list(node, "billing_groups", path))
    )
    if not groups:
        raise FixtureError(f"{path}.billing_groups: an account needs at least one billing group")
    group_nos = {group.billing_group_no for group in groups}
    mpis = []
    for index, raw in enumerate(_list(node, "master_plan_instances", path)):
        mpath = f"{path}.master_plan_instances[{index}]"
        plan_no = _get(raw, "plan_no", int, mpath)
        if plan_no not in plans:
            raise FixtureError(f"{mpath}.plan_no: no plan {plan_no} in this tenant's plans")
        group = _opt(raw, "billing_group_no", int, mpath, groups[0].billing_group_no)
        if group not in group_nos:
            raise FixtureError(f"{mpath}.billing_group_no: {group} is not a group of the account")
        date = _opt(raw, "next_bill_date", str, mpath, None)
        mpis.append(
            MasterPlanInstance(
                mpi_no=_get(raw, "master_plan_instance_no", int, mpath),
                client_mpi_id=_get(raw, "client_master_plan_instance_id", str, mpath),
                plan_no=plan_no,
                billing_group_no=group,
                units=_money(raw, "units", mpath, "1"),
                next_bill_date=date,
                bill_in_days=_opt(raw, "bill_in_days", int, mpath, 0),
            )
        )
    methods = tuple(
        _payment_method(raw, f"{path}.payment_methods[{i}]", params.decline_card_number)
        for i, raw in enumerate(_list(node, "payment_methods", path))
    )
    return Account(
        acct_no=_get(node, "acct_no", int, path),
        client_acct_id=_get(node, "client_acct_id", str, path),
        userid=_opt(node, "userid", str, path, ""),
        currency_cd=_opt(node, "currency_cd", str, path, "usd").lower(),
        billing_groups=groups,
        mpis=tuple(mpis),
        payment_methods=methods,
    )


def _tenant(node: Mapping[str, Any], path: str) -> Tenant:
    params = _params(node, path)
    plans = {
        p.plan_no: p
        for p in (_plan(r, f"{path}.plans[{i}]") for i, r in enumerate(_list(node, "plans", path)))
    }
    items = {
        item.client_sku: item
        for item in (
            _item(raw, f"{path}.inventory_items[{i}]")
            for i, raw in enumerate(_list(node, "inventory_items", path))
        )
    }
    coupons = {
        str(raw["coupon_cd"]): Coupon(
            str(_get(raw, "coupon_cd", str, f"{path}.coupons[{i}]")),
            _money(raw, "amount", f"{path}.coupons[{i}]"),
        )
        for i, raw in enumerate(_list(node, "coupons", path))
    }
    accounts: dict[int, Account] = {}
    mpi_accounts: dict[int, Account] = {}
    for index, raw in enumerate(_list(node, "accounts", path)):
        account = _account(raw, f"{path}.accounts[{index}]", plans, params)
        if account.acct_no in accounts:
            raise FixtureError(f"{path}.accounts[{index}]: duplicate acct_no {account.acct_no}")
        accounts[account.acct_no] = account
        for mpi in account.mpis:
            if mpi.mpi_no in mpi_accounts:
                raise FixtureError(f"{path}: duplicate master_plan_instance_no {mpi.mpi_no}")
            mpi_accounts[mpi.mpi_no] = account
    auth_key = _get(node, "auth_key", str, path)
    if not auth_key:
        raise FixtureError(f"{path}.auth_key: must not be empty")
    return Tenant(
        client_no=_get(node, "client_no", int, path),
        auth_key=auth_key,
        name=_opt(node, "name", str, path, ""),
        offset_hours=_opt(node, "virtual_offset_hours", int, path, 0),
        params=params,
        plans=plans,
        items=items,
        coupons=coupons,
        accounts=accounts,
        accounts_by_client_id={a.client_acct_id: a for a in accounts.values()},
        accounts_by_userid={a.userid: a for a in accounts.values() if a.userid},
        mpi_accounts=mpi_accounts,
    )


def build_world(raw: Mapping[str, Any]) -> World:
    """Validate a raw fixture and build its domain objects."""
    tenants_raw = raw.get("tenants")
    if not isinstance(tenants_raw, list) or not tenants_raw:
        raise FixtureError("the fixture needs a non-empty 'tenants' list")
    tenants: dict[int, Tenant] = {}
    for index, node in enumerate(tenants_raw):
        tenant = _tenant(_check(node, dict, f"tenants[{index}]"), f"tenants[{index}]")
        if tenant.client_no in tenants:
            raise FixtureError(f"tenants[{index}]: duplicate client_no {tenant.client_no}")
        tenants[tenant.client_no] = tenant
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()
    return World(tenants=tenants, digest=digest, id_sequences=_id_sequences(raw))


def _id_sequences(raw: Mapping[str, Any]) -> dict[str, int]:
    starts = _opt(raw, "id_sequences", dict, "fixture", {})
    unknown = sorted(set(starts) - set(SEQUENCE_START))
    if unknown:
        raise FixtureError(
            f"id_sequences: unknown sequence(s) {unknown}; known: {sorted(SEQUENCE_START)}"
        )
    for name, value in starts.items():
        if _check(value, int, f"id_sequences.{name}") < 0:
            raise FixtureError(f"id_sequences.{name}: expected a number of at least 0")
    return dict(starts)

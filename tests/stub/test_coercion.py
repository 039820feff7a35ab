"""The coercion's fast paths give what the general checks give, value for value and error for
error: a typed JSON value skips the checks' calls, never their verdict."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.stub.coercion import (
    InputRule,
    RequestRules,
    _coerce_object,
    _coerce_value,
    coerce_params,
    rules_for,
)
from harness.stub.exceptions import AriaFault, MissingParameter
from harness.stub.routes import ROUTES

NUMBER_RULES = [
    InputRule(name="units", kind="number", max_digits=12),
    InputRule(name="amount", kind="number"),
    InputRule(name="wide", kind="number", max_digits=22),
    InputRule(name="tiny", kind="number", max_digits=1),
]

EDGES = [
    0,
    -0.0,
    0.5,
    9,
    10,
    -9.99,
    10**12 - 1,
    10**12,
    999999999999.9999,
    1e12,
    -(10**12) + 1,
    2**53 - 1,
    2**53,
    2**53 + 1,
    10**22 - 1,
    float(10**22),
    1e299,
    1e300,
    2**70,
    10**400,
    float("inf"),
    float("-inf"),
    float("nan"),
]


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        value = run()
    except AriaFault as fault:
        return ("fault", (type(fault), str(fault)))
    return ("value", (type(value), repr(value)))


def _both(rule: InputRule, value: Any) -> tuple[tuple[str, Any], tuple[str, Any]]:
    rules = RequestRules(fields={rule.name: rule}, required=())
    fast = _outcome(lambda: _coerce_object(rules, {rule.name: value}, prefix="")[rule.name])
    general = _outcome(lambda: _coerce_value(rule, value, rule.name))
    return fast, general


@pytest.mark.parametrize("rule", NUMBER_RULES, ids=lambda rule: rule.name)
@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_a_typed_number_at_an_edge_coerces_as_the_general_check_does(rule, value):
    fast, general = _both(rule, value)
    assert fast == general


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    rule=st.sampled_from(NUMBER_RULES),
    value=st.integers(-(2**80), 2**80) | st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_typed_number_coerces_as_the_general_check_does(rule, value):
    fast, general = _both(rule, value)
    assert fast == general


def test_the_number_fast_path_is_taken_for_a_plain_json_number():
    # the path under test must be the one the edges above compare, or they prove nothing
    assert NUMBER_RULES[0].plain_number == 10**12
    assert InputRule(name="n", kind="number", minimum=0).plain_number == 0
    assert InputRule(name="n", kind="number", enum=(1.0,)).plain_number == 0


ORDER = {"client_no": 1, "auth_key": "k", "account_no": 5}


@pytest.mark.parametrize(
    "items",
    [
        [{"client_sku": "WIDGET", "units": 2}],
        [MappingProxyType({"client_sku": "WIDGET", "units": 2})],
        ({"client_sku": "WIDGET", "units": "2"},),
        {"0": {"client_sku": "WIDGET", "units": 2.5}},
        {"client_sku": "WIDGET", "units": 1},
    ],
    ids=["list of dicts", "mapping item", "tuple", "indexed object", "bare object"],
)
def test_order_lines_in_any_accepted_shape_coerce_to_a_list_of_dicts(items):
    lines = coerce_params("create_order_m", {**ORDER, "order_line_items_list": items})[
        "order_line_items_list"
    ]
    assert type(lines) is list and all(type(line) is dict for line in lines)
    assert lines[0]["client_sku"] == "WIDGET" and type(lines[0]["units"]) is float


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([1], "order_line_items_list[0] must be an object"),
        ([{"client_sku": "W", "units": float("nan")}], "units must be a finite number"),
        ([{"client_sku": "W", "units": 10**12}], "order_line_items_list[0].units is out of range"),
        ("x", "must be an array of objects"),
    ],
)
def test_bad_order_lines_name_the_item_and_field(items, message):
    with pytest.raises(AriaFault, match=message.replace("[", r"\[").replace("]", r"\]")):
        coerce_params("create_order_m", {**ORDER, "order_line_items_list": items})


@pytest.mark.parametrize("empty", [None, "", "  ", [], {}], ids=repr)
def test_a_required_input_given_empty_is_missing(empty):
    with pytest.raises(MissingParameter, match="order_line_items_list"):
        coerce_params("create_order_m", {**ORDER, "order_line_items_list": empty})


@pytest.mark.parametrize("client_no", [0, -1], ids=repr)
def test_a_required_int_counts_as_given_whatever_its_value(client_no):
    lines = [{"client_sku": "WIDGET", "units": 1}]
    params = {**ORDER, "client_no": client_no, "order_line_items_list": lines}
    assert coerce_params("create_order_m", params)["client_no"] == client_no


def test_a_required_alternative_is_met_by_any_of_its_fields():
    base = {"client_no": 1, "auth_key": "k"}
    assert coerce_params("gen_invoice_m", {**base, "acct_no": " ", "userid": "acme"}) == {
        **base,
        "userid": "acme",
    }
    with pytest.raises(MissingParameter, match="acct_no"):
        coerce_params("gen_invoice_m", {**base, "client_acct_id": "", "userid": None})


def _int_enum_rules() -> list[InputRule]:
    found: list[InputRule] = []
    for method in sorted(ROUTES):
        pending = [rules_for(method)]
        while pending:
            rules = pending.pop()
            for rule in rules.fields.values():
                if rule.kind == "integer" and rule.enum is not None:
                    found.append(rule)
                if rule.items is not None:
                    pending.append(rule.items)
    return found


INT_ENUM_RULES = _int_enum_rules()


def test_integer_enums_are_found_and_their_values_take_the_fast_path():
    assert INT_ENUM_RULES, "no integer enum among the routed methods' inputs"
    assert all(rule.int_choices for rule in INT_ENUM_RULES)


@pytest.mark.parametrize("rule", INT_ENUM_RULES, ids=lambda rule: rule.name)
def test_an_integer_enum_coerces_as_the_general_check_does(rule):
    # a list: True, 1.0 and 1 would be one member of a set
    values = [*rule.enum, -1, 0, 1, 2, 4, 99, 2**64, True, False, 1.0, "1"]
    for value in values:
        fast, general = _both(rule, value)
        assert fast == general, value

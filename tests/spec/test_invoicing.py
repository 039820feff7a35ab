"""Invoicing rules: three-valued verdicts on a call's inputs, malformed rules refused."""

from __future__ import annotations

import pytest

from harness.errors import SpecError
from harness.spec.invoicing import judge, parse_rule


@pytest.mark.parametrize(
    ("rule", "params", "verdict"),
    [
        ({"state": "x"}, {}, None),
        ({"given": "a"}, {"a": 1}, True),
        ({"given": "a"}, {"a": ""}, False),
        ({"given": "a"}, {"a": []}, False),
        ({"is_true": "a"}, {"a": "true"}, True),
        ({"is_true": "a"}, {"a": "1"}, True),
        ({"is_true": "a"}, {"a": 1}, True),
        ({"is_true": "a"}, {"a": "false"}, False),
        ({"is_true": "a"}, {"a": 0}, False),
        ({"is_true": "a"}, {}, None),
        ({"is_true": "a"}, {"a": ""}, None),
        ({"is_true": "a"}, {"a": None}, None),
        ({"is_true": "a", "absent": False}, {}, False),
        ({"above": "a", "than": 0}, {"a": "2"}, True),
        ({"above": "a", "than": 0}, {"a": 0}, False),
        ({"above": "a", "than": 0}, {}, False),
        ({"above": "a", "than": 0}, {"a": "many"}, None),
        ({"above": "a", "than": 0}, {"a": "nan"}, None),
        ({"above": "a", "than": 0}, {"a": "0.0"}, None),
        ({"not_in": "a", "values": [2, 3]}, {"a": "2"}, False),
        ({"not_in": "a", "values": [2, 3]}, {"a": 1}, True),
        ({"not_in": "a", "values": [2, 3]}, {}, None),
        ({"not_in": "a", "values": [2, 3]}, {"a": 2}, False),
        ({"some": "xs", "where": {"given": "b"}}, {"xs": [{"b": 1}, {}]}, True),
        ({"some": "xs", "where": {"given": "b"}}, {"xs": [{}]}, False),
        ({"some": "xs", "where": {"given": "b"}}, {}, False),
        ({"some": "xs", "where": {"given": "b"}}, {"xs": "1|2"}, None),
        # a pipe column at the top level is one more item, as PHP reads it
        ({"some": "xs", "where": {"given": "b"}}, {"b": "1"}, True),
        (
            {"some": "xs", "where": {"not_in": "b", "values": [0]}},
            {"xs": [{"b": 0}], "b": "1"},
            True,
        ),
        ({"all": [{"given": "a"}, {"state": "x"}]}, {"a": 1}, None),
        ({"all": [{"given": "a"}, {"state": "x"}]}, {}, False),
        ({"any": [{"given": "a"}, {"state": "x"}]}, {}, None),
        ({"any": [{"given": "a"}, {"given": "b"}]}, {"b": 1}, True),
        ({"not": {"is_true": "a"}}, {"a": 1}, False),
        ({"not": {"state": "x"}}, {}, None),
    ],
)
def test_a_rule_judges_the_inputs_in_three_values(rule, params, verdict) -> None:
    assert judge(parse_rule(rule), params) is verdict


# Spellings Aria documents nowhere: unknown, never false, so ``not`` keeps them unknown.
UNDOCUMENTED_TRUE = ["2", "01", "1.0", "+1", "1e0", "0x1", "on", "-1", "１", ["1"], 2, 1.0, "TRUE"]
UNDOCUMENTED_NUMBER = ["04", 4.0, "4.0", "４", " 4", "4 ", "+4", True]


@pytest.mark.parametrize("value", UNDOCUMENTED_TRUE, ids=repr)
def test_an_undocumented_boolean_spelling_is_unknown_and_stays_so_under_not(value) -> None:
    assert judge(parse_rule({"is_true": "a"}), {"a": value}) is None
    assert judge(parse_rule({"not": {"is_true": "a"}}), {"a": value}) is None


@pytest.mark.parametrize("value", UNDOCUMENTED_NUMBER, ids=repr)
def test_an_undocumented_number_spelling_is_unknown_and_stays_so_under_not(value) -> None:
    assert judge(parse_rule({"not_in": "a", "values": [4]}), {"a": value}) is None
    assert judge(parse_rule({"not": {"not_in": "a", "values": [4]}}), {"a": value}) is None


def test_a_method_without_a_rule_generates_on_every_call() -> None:
    assert judge(None, {}) is True


def test_only_a_ruled_out_condition_lets_a_call_pass() -> None:
    rule = parse_rule({"all": [{"is_true": "bill_immediately"}, {"state": "total grows"}]})
    assert rule.may_hold({"bill_immediately": "true"})
    assert not rule.may_hold({"bill_immediately": "false"})


@pytest.mark.parametrize(
    "rule",
    [
        [],
        {},
        {"given": ""},
        {"given": "a", "is_true": "b"},
        {"all": []},
        {"bogus": 1},
        {"is_true": "a", "absent": True},
        {"not_in": "a", "values": ["x"]},
    ],
    ids=[
        "not-an-object",
        "empty",
        "blank-field",
        "two-kinds",
        "empty-all",
        "unknown-kind",
        "absent-true",
        "not-in-words",
    ],
)
def test_a_malformed_rule_is_a_spec_error_naming_where(rule) -> None:
    with pytest.raises(SpecError, match="update_order_m"):
        parse_rule(rule, where="update_order_m x-aria-invoicing.rule")


def _fields(rule: object, inputs: dict[str, tuple[str, ...]], top: tuple[str, ...]) -> list[str]:
    """Every input a rule names that the method lacks (item fields checked under ``some``)."""
    missing: list[str] = []
    if not isinstance(rule, dict):
        return missing
    for key in ("given", "is_true", "above", "not_in"):
        if key in rule and rule[key] not in top:
            missing.append(rule[key])
    if "some" in rule:
        if rule["some"] not in top:
            missing.append(rule["some"])
        items = inputs.get(rule["some"], ())
        missing += _fields(rule.get("where"), inputs, items)
    for part in [*rule.get("all", ()), *rule.get("any", ())]:
        missing += _fields(part, inputs, top)
    missing += _fields(rule.get("not"), inputs, top)
    return missing


def test_every_rule_names_inputs_the_method_has() -> None:
    from harness.spec import registry

    ruled = [spec for spec in registry().invoicing_methods() if spec.invoicing.rule is not None]
    assert len(ruled) == 19  # the page's 18 others and create_order_m
    for spec in ruled:
        source = dict(spec.invoicing.rule.source)
        assert _fields(source, dict(spec.array_fields), spec.input_fields) == [], spec.name

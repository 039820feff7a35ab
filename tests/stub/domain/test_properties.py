"""Property-based: any parameters, for every method, answer within the contract and never 1001."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.spec import registry
from harness.stub.coercion import rules_for
from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

# ids of the default fixture, so generated calls reach the rules and not only the 1009 path
KNOWN_INTS = [
    1000001,
    1000002,
    1000003,
    1000004,
    20001,
    20002,
    70001,
    70002,
    900001,
    900002,
    1,
    2,
    3,
    9001,
    9012,
    0,
    -1,
]
KNOWN_TEXT = [
    "ACME-1",
    "ACME-GOLD-1",
    "ACME-BG-2",
    "WIDGET",
    "GADGET",
    "EBOOK",
    "SAVE5",
    "true",
    "false",
    "1",
    "0",
    "4111111111111111",
    "4000000000000002",
    "gadget-promo",
]

scalar = st.one_of(
    st.sampled_from(KNOWN_INTS),
    st.sampled_from(KNOWN_TEXT),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.booleans(),
    st.none(),
    st.integers(min_value=-5, max_value=30).map(str),
)


def _typed(rule) -> st.SearchStrategy[Any]:
    """Mostly well-typed values, so calls get past validation into the rules."""
    if rule.items is not None:
        item_rules = rule.items
        item = st.fixed_dictionaries(
            {name: _typed(item_rules.fields[name]) for name in item_rules.required},
            optional={
                name: _value(sub)
                for name, sub in item_rules.fields.items()
                if name not in item_rules.required
            },
        )
        return st.lists(item, min_size=1, max_size=4)
    if rule.enum is not None:
        return st.sampled_from(rule.enum)
    if rule.kind == "integer":
        return st.sampled_from(KNOWN_INTS) | st.integers(min_value=-10, max_value=10**6)
    if rule.kind == "number":
        return st.floats(min_value=-100, max_value=10**4, allow_nan=False) | st.sampled_from(
            ["1", "2.5"]
        )
    return st.sampled_from(KNOWN_TEXT)


def _value(rule) -> st.SearchStrategy[Any]:
    if rule.items is not None:
        return _typed(rule) | scalar | st.dictionaries(st.text(max_size=3), scalar, max_size=2)
    return _typed(rule) | scalar


def _params(method: str) -> st.SearchStrategy[dict[str, Any]]:
    rules = rules_for(method)
    required = {
        name: _typed(rules.fields[name])
        for name in rules.required
        if name not in ("client_no", "auth_key")
    }
    for alternative in rules.required_alternatives:
        required.setdefault(alternative[0], _typed(rules.fields[alternative[0]]))
    optional = {
        name: _value(rule)
        for name, rule in rules.fields.items()
        if name not in ("client_no", "auth_key") and name not in required
    }
    valid = st.fixed_dictionaries(
        {"client_no": st.sampled_from([CLIENT_NO, str(CLIENT_NO)]), "auth_key": st.just(AUTH_KEY)}
    )
    anything = st.fixed_dictionaries({}, optional={"client_no": scalar, "auth_key": scalar})
    creds = st.integers(0, 9).flatmap(lambda n: valid if n < 8 else anything)
    body = st.integers(0, 9).flatmap(
        lambda n: st.fixed_dictionaries(required if n < 8 else {}, optional=optional)
    )
    extra = st.dictionaries(st.text(max_size=8), scalar, max_size=2)
    return st.tuples(creds, body, extra).map(lambda parts: {**parts[2], **parts[1], **parts[0]})


@pytest.fixture(scope="module")
def shared_stub():
    stub = StubService()
    yield stub
    stub.close()


@pytest.mark.parametrize("method", registry().names)
def test_random_parameters_never_break_the_contract(shared_stub, method):
    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(params=_params(method))
    def check(params):
        answer = shared_stub.call(method, params)
        check_answer(method, answer)

    check()


@given(
    method=st.one_of(st.text(max_size=20), st.integers(), st.none()),
    params=st.dictionaries(st.text(max_size=5), scalar, max_size=3),
)
@settings(max_examples=100, deadline=None, database=None)
def test_any_method_name_answers_an_envelope(method, params):
    answer = _SERVICE.call(method, params)  # type: ignore[arg-type]
    assert answer["error_code"] != 1001
    assert isinstance(answer["error_msg"], str)


_SERVICE = StubService()

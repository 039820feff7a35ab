"""Shared fixtures for the stub's domain tests.

Every answer a test gets through ``stub_call`` (and the ``ok`` / ``err`` helpers) is checked
against the method's contract: the stub is the reference implementation of our contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.contracts import validate
from harness.spec import registry
from harness.stub.fixtures import read_fixture
from harness.stub.service import StubService

CLIENT_NO = 7000001
AUTH_KEY = "stub-demo-auth-key-7000001"


def check_answer(method: str, answer: dict[str, Any]) -> dict[str, Any]:
    """Assert an answer passes its contract and uses only allowed codes; return it."""
    violations = validate(method, answer)
    assert violations == [], f"{method} answer breaks its contract: {violations}\n{answer}"
    if method in registry():
        assert answer["error_code"] in registry()[method].allowed_codes
        assert list(answer)[0] == "error_code"
    assert answer["error_code"] != 1001, f"unexpected error from {method}: {answer}"
    return answer


def check_invoicing(method: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
    """Assert a successful answer invoiced only where the method's rule allows, and that its
    after-tax total adds up."""
    if answer["invoice_no"] is not None:
        assert registry()[method].may_generate_invoice(params), (method, params)
    assert answer["total_charges_after_tax"] == pytest.approx(
        answer["total_charges_before_tax"] + answer["total_tax_charges"]
    )


def fixture_with_invoicing_held(seconds: int) -> dict[str, Any]:
    """The default fixture, its demo tenant keeping an invoiced group in progress that long."""
    fixture = read_fixture(None)
    fixture["tenants"][0].setdefault("client_parameters", {})["invoice_in_progress_seconds"] = (
        seconds
    )
    return fixture


@pytest.fixture
def service() -> Iterator[StubService]:
    stub = StubService()
    yield stub
    stub.close()


@pytest.fixture
def call(service: StubService) -> Callable[..., dict[str, Any]]:
    """call(method, **params) with the demo credentials, contract-checked."""

    def _call(method: str, /, **params: Any) -> dict[str, Any]:
        params.setdefault("client_no", CLIENT_NO)
        params.setdefault("auth_key", AUTH_KEY)
        return check_answer(method, service.call(method, params))

    return _call


@pytest.fixture
def ok(call: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A call that must succeed."""

    def _ok(method: str, /, **params: Any) -> dict[str, Any]:
        answer = call(method, **params)
        assert answer["error_code"] == 0, answer
        assert answer["error_msg"] == "OK"
        return answer

    return _ok


@pytest.fixture
def err(call: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A call that must fail with a given code: err(code, method, **params)."""

    def _err(code: int, method: str, /, **params: Any) -> dict[str, Any]:
        answer = call(method, **params)
        assert answer["error_code"] == code, answer
        fields = registry()[method].output_fields
        assert set(answer) == set(fields)
        assert list(answer)[-1] == "error_msg"
        assert all(
            answer[name] is None for name in fields if name not in ("error_code", "error_msg")
        )
        return answer

    return _err

"""Consumers fuzz from their own suite: aria_schema + call_and_validate runs the Aria checks."""

from __future__ import annotations

import traceback

import pytest
from hypothesis import HealthCheck, given, settings

from harness.fuzz.pytest import aria_schema
from tests.fuzz.conftest import AUTH_KEY, CLIENT_NO, MiniAria


def _fuzz(app: MiniAria, method: str) -> None:
    schema = aria_schema(app=app, credentials=(CLIENT_NO, AUTH_KEY), methods=[method])
    (operation,) = [result.ok() for result in schema.get_all_operations()]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: object) -> None:
        case.call_and_validate()  # type: ignore[attr-defined]

    run()


def test_correct_app_passes_call_and_validate() -> None:
    # Every answer is HTTP 200, most of them errors: only Aria-aware judgement passes this.
    _fuzz(MiniAria(), "get_invoice_details_m")


def test_broken_app_fails_call_and_validate_naming_the_check() -> None:
    app = MiniAria()
    app.faults["undocumented_code"] = "get_invoice_details_m"
    # schemathesis raises its failures as a FailureGroup (a BaseExceptionGroup), not one error.
    try:
        _fuzz(app, "get_invoice_details_m")
    except BaseException as exc:  # noqa: BLE001
        rendered = "".join(traceback.format_exception(exc))
    else:
        pytest.fail("the undocumented error code went unnoticed")
    assert "Custom check failed: `aria_documented_error_code`" in rendered
    assert "aria_contract" not in rendered

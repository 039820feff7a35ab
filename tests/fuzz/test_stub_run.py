"""The embedded stub passes a full fuzz run: every method, both modes, 200 examples each."""

from __future__ import annotations

import pytest

from harness.fuzz import ExitCode, FuzzConfig, run_fuzz


@pytest.mark.slow
def test_stub_passes_full_run_with_zero_failures() -> None:
    result = run_fuzz(FuzzConfig(max_examples=200, mode="all", seed=20261123))
    report = [f"{r.method} {r.check}: {r.message} {r.request}" for r in result.failures]
    assert result.exit_code == ExitCode.CLEAN, report + result.errors
    assert len(result.methods) == 8
    for name, stats in result.methods.items():
        assert stats.cases >= 200, name
        assert stats.successes >= 1, name


def test_stub_run_with_a_planted_stub_fault_names_its_check() -> None:
    from harness.stub import Stub

    stub = Stub()
    stub.faults.add(method="get_virtual_datetime_m", kind="error_code", code=4242, message="odd")
    result = run_fuzz(
        FuzzConfig(stub=stub, methods=["get_virtual_datetime_m"], max_examples=10, seed=3)
    )
    assert result.exit_code == ExitCode.FAILURES
    assert "aria_documented_error_code" in result.failed_checks

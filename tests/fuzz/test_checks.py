"""The Aria checks pass a correct Aria-like app and name the check that catches each fault."""

from __future__ import annotations

import pytest

from harness.fuzz import RUN_CHECK, ExitCode, run_fuzz
from harness.spec import registry
from tests.fuzz.conftest import MiniAria, fuzz_config


def test_correct_app_passes_with_successes_for_every_method(mini_aria: MiniAria) -> None:
    result = run_fuzz(fuzz_config(mini_aria, max_examples=20, phases=["examples", "fuzzing"]))
    assert result.exit_code == ExitCode.CLEAN, [f.message for f in result.failures]
    assert set(result.methods) == set(registry().names)
    assert all(stats.successes > 0 for stats in result.methods.values())
    # Every error the app answered was HTTP 200: schemathesis's own checks would have flagged
    # none of that, and the Aria checks accepted the rejections.
    assert all(stats.cases > stats.successes for stats in result.methods.values())


@pytest.mark.parametrize(
    ("fault", "method", "check"),
    [
        ("undocumented_code", "gen_invoice_m", "aria_documented_error_code"),
        ("http_500", "get_virtual_datetime_m", "aria_envelope"),
        ("wrong_type", "gen_invoice_m", "aria_contract"),
        ("bad_ok_msg", "gen_rb_m", "aria_error_msg_ok"),
        ("dry_run_writes", "create_order_m", "aria_dry_run_writes_nothing"),
    ],
    ids=["undocumented-code", "http-500", "contract-type", "error-msg-not-ok", "dry-run-writes"],
)
def test_planted_fault_fails_the_run_naming_its_check(
    mini_aria: MiniAria, fault: str, method: str, check: str
) -> None:
    mini_aria.faults[fault] = method
    result = run_fuzz(fuzz_config(mini_aria, methods=[method]))
    assert result.exit_code == ExitCode.FAILURES
    named = {record.check for record in result.failures}
    assert check in named
    # The finding is attributed to that check alone, not repeated under others.
    assert named <= {check, RUN_CHECK}
    assert all(record.method == method for record in result.failures)


def test_accepted_invalid_input_fails_negative_check(mini_aria: MiniAria) -> None:
    mini_aria.faults["accept_invalid"] = "gen_invoice_m"
    result = run_fuzz(fuzz_config(mini_aria, methods=["gen_invoice_m"], mode="negative"))
    assert "aria_negative_rejected" in result.failed_checks


def test_wrong_code_for_documented_enum_fails_negative_check(mini_aria: MiniAria) -> None:
    # invoice_mode 2 must be answered with 1059 (gen_invoice_m docs), not a generic 1016.
    mini_aria.faults["generic_enum_code"] = "gen_invoice_m"
    result = run_fuzz(fuzz_config(mini_aria, methods=["gen_invoice_m"], mode="negative"))
    messages = [r.message for r in result.failures if r.check == "aria_negative_rejected"]
    assert any("the docs name 10" in message for message in messages), messages


def test_method_that_never_succeeds_fails_the_run_level_check(mini_aria: MiniAria) -> None:
    result = run_fuzz(
        fuzz_config(mini_aria, methods=["get_virtual_datetime_m"], credentials=(1, "x"))
    )
    assert result.exit_code == ExitCode.FAILURES
    assert [record.check for record in result.failures] == [RUN_CHECK]

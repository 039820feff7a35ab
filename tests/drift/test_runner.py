from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from harness.drift import DriftConfig, DriftUsageError, Verdict, run_drift
from tests.drift.fakes import FakeAria, Reply, no_wait_policy, recorded, target_for, write_cassette

DATETIME = {
    "error_code": 0,
    "error_msg": "OK",
    "virtual_date": "2026-01-01",
    "virtual_time": "10:00:00",
    "system_date": "2026-01-01",
    "system_time": "10:00:00",
    "current_offset_hours": 0,
    "is_batch_running": None,
}
DETAILS_ERROR = {
    "error_code": 1002,
    "error_msg": "no data found for invoice 900001",
    "invoice_line_details": None,
}


def cassette(tmp_path: Path) -> Path:
    return write_cassette(
        tmp_path / "cassettes" / "nightly.yaml",
        [
            recorded("get_virtual_datetime_m", DATETIME),
            recorded("get_invoice_details_m", DETAILS_ERROR, params={"invoice_no": 900001}),
            recorded(
                "create_order_m",
                {"error_code": 0, "error_msg": "OK", "order_no": 4},
                params={"do_write": "true"},
            ),
            recorded("gen_invoice_m", {"error_code": 0, "error_msg": "OK", "invoice_no": 9}),
        ],
    )


def answers(overrides: dict[str, Any] | None = None):
    def respond(method: str, params: dict[str, Any]) -> Reply:
        if overrides and method in overrides:
            return overrides[method]
        if method == "get_virtual_datetime_m":
            live = dict(DATETIME, virtual_date="2026-03-09", current_offset_hours=1560)
            return Reply(live)
        if method == "get_invoice_details_m":
            return Reply(dict(DETAILS_ERROR, error_msg="no data found for invoice 931337"))
        if method == "create_order_m":
            return Reply({"error_code": 0, "error_msg": "OK", "order_no": 77})
        return Reply({"error_code": 0, "error_msg": "OK", "invoice_no": 10})

    return respond


def config(tmp_path: Path, fake: FakeAria, **kwargs: Any) -> DriftConfig:
    policy, _ = no_wait_policy(attempts=kwargs.pop("attempts", 2))
    return DriftConfig(
        cassettes=cassette(tmp_path),
        target=target_for(fake.url),
        retry=policy,
        timeout=5,
        **kwargs,
    )


def verdicts(result) -> dict[str, str]:
    return {r.method: r.verdict.value for r in result.interactions}


def test_only_ids_and_dates_changing_is_a_pass(fake_aria: FakeAria, tmp_path: Path) -> None:
    fake_aria.responder = answers()
    result = run_drift(config(tmp_path, fake_aria))
    assert verdicts(result) == {
        "get_virtual_datetime_m": "PASS",
        "get_invoice_details_m": "PASS",
        "create_order_m": "PASS",
        "gen_invoice_m": "SKIPPED",  # no dry-run field, no --allow-invoicing
    }
    assert result.exit_code == 0
    assert fake_aria.count("gen_invoice_m") == 0
    (order,) = [params for name, params, _ in fake_aria.calls if name == "create_order_m"]
    assert order["do_write"] == "false"


def test_a_renamed_field_is_drift_naming_method_kind_and_pointer(
    fake_aria: FakeAria, tmp_path: Path
) -> None:
    renamed = dict(DATETIME)
    renamed["virtual_datetime"] = renamed.pop("virtual_date")
    fake_aria.responder = answers({"get_virtual_datetime_m": Reply(renamed)})
    result = run_drift(config(tmp_path, fake_aria))
    (drift,) = [r for r in result.interactions if r.verdict is Verdict.DRIFT]
    assert drift.method == "get_virtual_datetime_m"
    found = {(f.kind, f.pointer) for f in drift.findings}
    assert {("field_removed", "/virtual_date"), ("field_added", "/virtual_datetime")} <= found
    assert result.exit_code == 1


def test_drift_wins_over_unavailable(fake_aria: FakeAria, tmp_path: Path) -> None:
    fake_aria.responder = answers(
        {
            "get_virtual_datetime_m": Reply("<html>maintenance</html>", content_type="text/html"),
            "get_invoice_details_m": Reply(dict(DETAILS_ERROR, error_code=1016)),
        }
    )
    result = run_drift(config(tmp_path, fake_aria))
    assert verdicts(result)["get_virtual_datetime_m"] == "UNAVAILABLE"
    assert verdicts(result)["get_invoice_details_m"] == "DRIFT"
    assert result.exit_code == 1


def test_an_authentication_error_is_unavailable_not_drift(
    fake_aria: FakeAria, tmp_path: Path
) -> None:
    fake_aria.responder = lambda method, params: Reply(
        {"error_code": 1004, "error_msg": "authentication error"}
    )
    result = run_drift(config(tmp_path, fake_aria))
    checked = [r for r in result.interactions if r.verdict is not Verdict.SKIPPED]
    assert {r.verdict for r in checked} == {Verdict.UNAVAILABLE}
    assert all("ARIA_AUTH_KEY" in (r.reason or "") for r in checked)
    assert result.exit_code == 3


def test_a_hanging_target_ends_by_the_deadline_and_the_rest_is_unavailable(
    hanging_server: str, tmp_path: Path
) -> None:
    path = write_cassette(
        tmp_path / "many.yaml", [recorded("get_virtual_datetime_m", DATETIME)] * 30
    )
    policy, _ = no_wait_policy(attempts=3)
    result = run_drift(
        DriftConfig(
            cassettes=path,
            target=target_for(hanging_server),
            retry=policy,
            timeout=0.4,
            deadline=1.0,
        )
    )
    # it returned; every interaction is unavailable and the tail never got a call
    assert {r.verdict for r in result.interactions} == {Verdict.UNAVAILABLE}
    assert result.interactions[-1].reason == "the run's deadline passed before this call"
    assert result.interactions[-1].attempts == 0
    assert result.exit_code == 3


def test_recorded_answers_that_are_not_aria_are_skipped(
    fake_aria: FakeAria, tmp_path: Path
) -> None:
    outage = recorded("get_virtual_datetime_m", {}, status=503)
    outage["response"]["body"]["string"] = "<html>down</html>"
    path = write_cassette(tmp_path / "c.yaml", [outage])
    result = run_drift(DriftConfig(cassettes=path, target=target_for(fake_aria.url)))
    assert [r.verdict for r in result.interactions] == [Verdict.SKIPPED]
    assert fake_aria.calls == []


def test_a_sandbox_run_needs_credentials_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARIA_CLIENT_NO", raising=False)
    monkeypatch.setenv("ARIA_AUTH_KEY", "x")
    path = write_cassette(tmp_path / "c.yaml", [recorded("get_virtual_datetime_m", DATETIME)])
    with pytest.raises(DriftUsageError, match="ARIA_CLIENT_NO"):
        run_drift(DriftConfig(cassettes=path, base_url="http://127.0.0.1:9"))


def test_a_sandbox_run_needs_its_own_cassettes() -> None:
    with pytest.raises(DriftUsageError, match="--cassettes"):
        run_drift(DriftConfig(base_url="http://127.0.0.1:9"))


def test_an_empty_cassette_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(DriftUsageError, match="no recorded interactions"):
        run_drift(DriftConfig(cassettes=tmp_path, target=target_for("http://127.0.0.1:9")))


def test_the_live_answer_is_scrubbed_of_credentials(fake_aria: FakeAria, tmp_path: Path) -> None:
    from tests.drift.fakes import AUTH_KEY

    echo = copy.deepcopy(DATETIME)
    echo["virtual_time"] = f"echo {AUTH_KEY}"
    fake_aria.responder = answers({"get_virtual_datetime_m": Reply(echo)})
    result = run_drift(config(tmp_path, fake_aria))
    assert AUTH_KEY not in repr([r.live for r in result.interactions])

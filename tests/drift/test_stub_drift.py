"""Drift against the embedded stub over loopback HTTP, with faults injected through the stub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.drift import DriftConfig, DriftResult, Target, Verdict, run_drift
from harness.drift.reports import write_reports
from harness.recording import scan_paths
from harness.spec import data_dir
from tests.drift.fakes import no_wait_policy

BUNDLED = Path(str(data_dir("cassettes")))


@pytest.fixture
def stub() -> Iterator[Any]:
    from harness.stub import running_stub

    with running_stub(control=False) as server:
        yield server


def against(server: Any, *, attempts: int = 2, timeout: float = 5.0, **kwargs: Any) -> DriftResult:
    policy, _ = no_wait_policy(attempts=attempts)
    target = Target(server.url, str(server.client_no), str(server.auth_key), is_stub=True)
    return run_drift(
        DriftConfig(cassettes=BUNDLED, target=target, retry=policy, timeout=timeout, **kwargs)
    )


def by_method(result: DriftResult) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for item in result.interactions:
        table.setdefault(item.method, set()).add(item.verdict.value)
    return table


def test_no_target_replays_the_bundled_cassettes_on_an_embedded_stub_cleanly() -> None:
    result = run_drift(DriftConfig())
    assert result.target.startswith("http://127.0.0.1:") and result.target_kind == "embedded stub"
    assert result.counts()["PASS"] == len(result.interactions) > 0
    assert result.exit_code == 0


def test_the_command_with_no_target_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    assert main(["drift"]) == 0
    assert "0 DRIFT" in capsys.readouterr().out


FAULTS = [
    ({"kind": "latency", "seconds": 0.6}, 1, 0.1),
    ({"kind": "drop"}, 2, 5.0),
    ({"kind": "malformed"}, 2, 5.0),
    ({"kind": "http_status", "status": 503}, 2, 5.0),
    ({"kind": "html"}, 2, 5.0),
]


@pytest.mark.parametrize(
    ("fault", "attempts", "timeout"),
    FAULTS,
    ids=["latency-beyond-timeout", "dropped-connection", "malformed-body", "503", "html-page"],
)
def test_an_unwell_target_is_unavailable_never_drift(
    stub: Any, fault: dict[str, Any], attempts: int, timeout: float
) -> None:
    stub.stub.faults.add(method="*", **fault)
    result = against(stub, attempts=attempts, timeout=timeout)
    skipped = [r for r in result.interactions if r.verdict is Verdict.SKIPPED]
    assert {r.verdict for r in result.interactions} == {Verdict.UNAVAILABLE, Verdict.SKIPPED}
    # only the calls naming an invoice that the unavailable gen_invoice_m made are skipped
    assert skipped and all("was UNAVAILABLE" in str(r.reason) for r in skipped)
    assert result.exit_code == 3


@pytest.mark.parametrize(
    ("fault", "kind", "pointer"),
    [
        (
            {"kind": "field", "rename": {"virtual_date": "virtual_day"}},
            "field_removed",
            "/virtual_date",
        ),
        (
            {"kind": "field", "set": {"/current_offset_hours": "0"}},
            "type_changed",
            "/current_offset_hours",
        ),
        (
            {"kind": "error_code", "code": 1016, "message": "invalid input"},
            "error_code_changed",
            "/error_code",
        ),
    ],
    ids=["renamed-field", "retyped-field", "other-error-code"],
)
def test_a_changed_api_is_drift_naming_method_kind_and_pointer(
    stub: Any, fault: dict[str, Any], kind: str, pointer: str
) -> None:
    stub.stub.faults.add(method="get_virtual_datetime_m", **fault)
    result = against(stub)
    drifted = [r for r in result.interactions if r.verdict is Verdict.DRIFT]
    assert drifted and {r.method for r in drifted} == {"get_virtual_datetime_m"}
    assert (kind, pointer) in {(f.kind, f.pointer) for r in drifted for f in r.findings}
    assert result.exit_code == 1


def test_a_second_night_with_other_ids_and_another_day_passes() -> None:
    from harness.stub import running_stub
    from harness.stub.fixtures import default_fixture_text, read_fixture

    # the second night: Aria hands out other numbers and its clock has moved on
    fixture = read_fixture(default_fixture_text())
    fixture["id_sequences"] = {"invoice_no": 4_400_000, "order_no": 6_600_000}
    with running_stub(fixtures=fixture) as night:
        new_day = {"/virtual_date": "2027-02-14", "/virtual_time": "08:05:59"}
        night.stub.faults.add(method="get_virtual_datetime_m", kind="field", set=new_day, times=1)
        second = against(night)
    assert second.exit_code == 0, [(r.id, r.reason, r.findings) for r in second.interactions]
    assert second.counts()["SKIPPED"] == 0


def test_reports_of_a_drifted_stub_run_hold_no_secret(stub: Any, tmp_path: Path) -> None:
    stub.stub.faults.add(method="gen_invoice_m", kind="field", rename={"invoice_no": "inv_no"})
    result = against(stub)
    out = tmp_path / "reports"
    paths = {k: out / f"drift.{k}" for k in ("json", "junit", "markdown", "html")}
    write_reports(result, **paths)
    assert result.exit_code == 1
    for path in paths.values():
        assert str(stub.auth_key).encode() not in path.read_bytes()
    assert scan_paths([out]) == []

"""A consumer's suite recorded against one stub replays against a fresh stub with other ids.

The suite: an order paid with a test card, its invoice's details, a rebill of that invoice and
the rebill's details, a pending invoice approved and read back, and a cassette recorded last
whose name sorts first (the order's details read again). The target is a second stub whose id
sequences start elsewhere, as a sandbox's do, served over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.drift import DriftConfig, DriftResult, Target, Verdict, run_drift
from harness.stub.fixtures import default_fixture_text, read_fixture
from tests.drift.fakes import no_wait_policy

ACCT, MPI = 1000001, 20001
TEST_CARD = {
    "alt_pay_method": 1,
    "cc_number": "4111111111111111",
    "cc_expire_mm": 12,
    "cc_expire_yyyy": 2031,
    "cvv": "123",
}


def _fixture(**starts: int) -> dict[str, Any]:
    fixture = read_fixture(default_fixture_text())
    if starts:
        fixture["id_sequences"] = starts
    return fixture


def _order_suite(client: Any, state: dict[str, Any]) -> None:
    order = client.call(
        "create_order_m",
        account_no=ACCT,
        order_line_items_list=[{"client_sku": "WIDGET", "units": 2}],
        bill_immediately=1,
        **TEST_CARD,
    )
    assert order["error_code"] == 0 and order["invoice_no"], order
    state["order_invoice"] = order["invoice_no"]
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=order["invoice_no"])
    rebill = client.call(
        "gen_rb_m",
        acct_no=ACCT,
        orig_invoice_no=order["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1, "rb_units": 1}],
    )
    assert rebill["error_code"] == 0 and rebill["invoice_no"], rebill
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=rebill["invoice_no"])


def _pending_suite(client: Any, state: dict[str, Any]) -> None:
    pending = client.call(
        "gen_invoice_m", acct_no=ACCT, master_plan_instance_no=MPI, force_pending="true"
    )
    assert pending["error_code"] == 0 and pending["invoice_no"], pending
    approved = client.call(
        "manage_pending_invoice_m", acct_no=ACCT, invoice_no=pending["invoice_no"]
    )
    assert approved["error_code"] == 0, approved
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=pending["invoice_no"])


def _details_again(client: Any, state: dict[str, Any]) -> None:
    client.call("get_invoice_details_m", acct_no=ACCT, invoice_no=state["order_invoice"])
    client.call("get_virtual_datetime_m")


# recorded in this order; "a_..." sorts first but needs the order's invoice
SUITE = (
    ("order_paid_with_card.yaml", "json", _order_suite),
    ("pending_invoice_approved.yaml", "form", _pending_suite),
    ("a_order_invoice_read_again.yaml", "json", _details_again),
)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer suite's cassettes, recorded against a stub with the default ids."""
    from tests.drift.record_demo import record_scenarios

    folder = tmp_path_factory.mktemp("suite")
    record_scenarios(folder, SUITE, fixtures=_fixture())
    return folder


@pytest.fixture
def tonight() -> Iterator[Any]:
    """A fresh stub whose invoice, order and transaction numbers differ from the recording's."""
    from harness.stub import running_stub

    starts = {"invoice_no": 1_200_000, "order_no": 7_700_000, "transaction_id": 91_000_000}
    with running_stub(fixtures=_fixture(**starts)) as server:
        yield server


def replay(suite: Path, server: Any, *, is_stub: bool = True, **kwargs: Any) -> DriftResult:
    policy, _ = no_wait_policy(attempts=1)
    target = Target(server.url, str(server.client_no), str(server.auth_key), is_stub=is_stub)
    return run_drift(DriftConfig(cassettes=suite, target=target, retry=policy, **kwargs))


def explain(result: DriftResult) -> list[tuple[str, str, Any]]:
    return [
        (r.id, r.verdict.value, r.reason or [str(f) for f in r.findings])
        for r in result.interactions
        if r.verdict is not Verdict.PASS
    ]


def test_the_recording_holds_placeholders_not_the_card(suite: Path) -> None:
    text = (suite / "order_paid_with_card.yaml").read_text()
    assert "4111111111111111" not in text and '"123"' not in text
    assert "ARIA_CARD_LAST4_1111" in text and "ARIA_REDACTED" in text


@pytest.mark.parametrize(
    ("is_stub", "allow_invoicing"),
    [(True, False), (False, True)],
    ids=["embedded-stub-target", "sandbox-target-invoicing-allowed"],
)
def test_the_suite_replays_with_other_ids_without_drift_or_skips(
    suite: Path, tonight: Any, is_stub: bool, allow_invoicing: bool
) -> None:
    result = replay(suite, tonight, is_stub=is_stub, allow_invoicing=allow_invoicing)
    assert explain(result) == []
    assert result.counts()["PASS"] == len(result.interactions) == 9
    # memory stays flat over a long run: a passing interaction keeps no bodies
    assert all(r.request is r.recorded is r.live is None for r in result.interactions)
    # the order was replayed first even though its cassette's name sorts after its reader
    order = [r.cassette for r in result.interactions]
    assert order.index("order_paid_with_card.yaml") < order.index("a_order_invoice_read_again.yaml")


def test_ids_sent_tonight_are_tonights_not_the_recorded_ones(suite: Path, tonight: Any) -> None:
    result = replay(suite, tonight)
    assert result.exit_code == 0
    invoices = tonight.stub.service.dump_state()["tables"]["invoices"]
    numbers = {row["invoice_no"] for row in invoices}
    assert numbers and all(n > 1_200_000 for n in numbers)


def test_a_guarded_sandbox_skips_only_what_the_guard_stopped_and_says_why(
    suite: Path, tonight: Any
) -> None:
    result = replay(suite, tonight, is_stub=False, allow_invoicing=False)
    assert result.counts()["DRIFT"] == 0
    reasons = {r.id: str(r.reason) for r in result.interactions if r.verdict is Verdict.SKIPPED}
    # create_order_m and gen_rb_m ran as dry runs; gen_invoice_m has no dry run
    assert "refused gen_invoice_m against" in reasons["pending_invoice_approved.yaml#0"]
    assert "dry run" in reasons["order_paid_with_card.yaml#1"]  # details of the order invoice
    assert "SKIPPED" in reasons["pending_invoice_approved.yaml#1"]  # approving that invoice
    forced = [r.method for r in result.interactions if r.dry_run_forced]
    assert forced == ["create_order_m"]  # the rebill names the order's invoice: skipped
    (clock,) = [r for r in result.interactions if r.method == "get_virtual_datetime_m"]
    assert clock.verdict is Verdict.PASS  # the clock needs nothing
    rebill_details = reasons["order_paid_with_card.yaml#3"]
    assert rebill_details.endswith("SKIPPED too, as it needed ids from order_paid_with_card.yaml#0")


PLANTED = [
    ({"kind": "field", "rename": {"from_date": "from_day"}}, "field_removed", "/from_date"),
    (
        {"kind": "error_code", "code": 1016, "message": "invalid input"},
        "error_code_changed",
        "/error_code",
    ),
    ({"kind": "field", "set": {"/error_msg": "Success"}}, "error_message_changed", "/error_msg"),
    ({"kind": "field", "set": {"/invoice_type_cd": 1}}, "type_changed", "/invoice_type_cd"),
]


@pytest.mark.parametrize(
    ("fault", "kind", "pointer"),
    PLANTED,
    ids=["renamed-field", "changed-code", "changed-message", "changed-type"],
)
def test_a_real_change_in_the_middle_of_a_chain_is_still_drift(
    suite: Path, tonight: Any, fault: dict[str, Any], kind: str, pointer: str
) -> None:
    # the first details call sits between the order and the rebill that needs its invoice
    tonight.stub.faults.add(method="get_invoice_details_m", times=1, **fault)
    result = replay(suite, tonight)
    drifted = [r for r in result.interactions if r.verdict is Verdict.DRIFT]
    assert [(r.id, r.method) for r in drifted] == [
        ("order_paid_with_card.yaml#1", "get_invoice_details_m")
    ]
    assert (kind, pointer) in {(f.kind, f.pointer) for f in drifted[0].findings}
    assert result.counts()["SKIPPED"] == 0  # the rest of the chain still ran and passed
    assert result.exit_code == 1


def test_a_producer_that_drifted_leaves_its_dependants_skipped_not_drift(
    suite: Path, tonight: Any
) -> None:
    tonight.stub.faults.add(
        method="create_order_m", kind="field", rename={"invoice_no": "inv_no"}, times=1
    )
    result = replay(suite, tonight)
    verdicts = {r.id: r for r in result.interactions}
    assert verdicts["order_paid_with_card.yaml#0"].verdict is Verdict.DRIFT
    for dependant in ("order_paid_with_card.yaml#1", "a_order_invoice_read_again.yaml#0"):
        assert verdicts[dependant].verdict is Verdict.SKIPPED
        assert "drifted" in str(verdicts[dependant].reason)
    assert [r.method for r in result.interactions if r.verdict is Verdict.DRIFT] == [
        "create_order_m"
    ]


def test_reports_of_a_replay_with_stand_ins_hold_no_card_and_no_secret(
    suite: Path, tonight: Any, tmp_path: Path
) -> None:
    from harness.drift.reports import write_reports
    from harness.recording import scan_paths

    tonight.stub.faults.add(method="create_order_m", kind="field", rename={"order_no": "ord"})
    result = replay(suite, tonight)
    assert result.exit_code == 1  # the order drifted, so its request and answers are kept
    out = tmp_path / "reports"
    paths = {kind: out / f"drift.{kind}" for kind in ("json", "junit", "markdown", "html")}
    write_reports(result, **paths)
    for path in paths.values():
        text = path.read_text()
        assert "4111111111111111" not in text and str(tonight.auth_key) not in text
    assert scan_paths([out]) == []


def test_cassettes_recorded_against_fresh_stubs_each_keep_their_own_ids(
    tmp_path: Path, tonight: Any
) -> None:
    from tests.drift.record_demo import record_scenarios

    # two tests, each recorded against its own fresh stub: both orders were invoice 900001
    for name in ("first_test.yaml", "second_test.yaml"):
        record_scenarios(tmp_path, [(name, "json", _order_suite)], fixtures=_fixture())
    result = replay(tmp_path, tonight)
    assert explain(result) == []
    rebilled = [
        row["orig_invoice_no"]
        for row in tonight.stub.service.dump_state()["tables"]["invoices"]
        if row["orig_invoice_no"]
    ]
    assert len(set(rebilled)) == 2  # each test rebilled its own order (a memo and an invoice)

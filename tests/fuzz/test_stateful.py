"""Stateful sequences: the description's links are followed and the invariants judge them."""

from __future__ import annotations

import io

import pytest

from harness.fuzz import ExitCode, FuzzConfig, run_fuzz
from harness.fuzz.report import render_summary
from tests.fuzz.conftest import INVOICE_NO, MiniAria, fuzz_config

REBILL_CHAIN = ["create_order_m", "gen_rb_m", "get_invoice_details_m"]
PENDING_CHAIN = ["gen_invoice_m", "manage_pending_invoice_m"]


def _calls(app: MiniAria, method: str) -> list[dict]:
    return [params for params in app.received if params.get("rest_call") == method]


def _numbers(app: MiniAria, kind: str) -> set[int]:
    return {row["invoice_no"] for row in app.ledger() if row["kind"] == kind}


def test_rebill_receives_the_invoice_an_earlier_order_created(mini_aria: MiniAria) -> None:
    result = run_fuzz(
        fuzz_config(mini_aria, methods=REBILL_CHAIN, phases=["stateful"], max_examples=25)
    )
    assert result.exit_code == ExitCode.CLEAN, [f.message for f in result.failures]
    assert result.linked_steps > 0
    assert result.stateful_steps > result.linked_steps
    orders = _numbers(mini_aria, "order")
    assert orders, "no order created an invoice"
    # Order invoices are numbered as they are made and are no known value of the run: only the
    # link from create_order_m's answer can have put one into a gen_rb_m request.
    rebilled = {_int(call.get("orig_invoice_no")) for call in _calls(mini_aria, "gen_rb_m")}
    assert rebilled & orders


def test_approval_follows_the_pending_invoice_and_checks_the_next_call(
    mini_aria: MiniAria,
) -> None:
    result = run_fuzz(
        fuzz_config(mini_aria, methods=PENDING_CHAIN, phases=["stateful"], max_examples=25)
    )
    assert result.exit_code == ExitCode.CLEAN, [f.message for f in result.failures]
    pending = {row["invoice_no"] for row in mini_aria.ledger() if "mpi" in row}
    approved = {_int(c.get("invoice_no")) for c in _calls(mini_aria, "manage_pending_invoice_m")}
    assert approved & pending
    # The invariant's own next call: plain gen_invoice_m on the plan instance, no force_pending.
    probes = [c for c in _calls(mini_aria, "gen_invoice_m") if set(c) == _PROBE_KEYS]
    assert probes


_PROBE_KEYS = {"rest_call", "acct_no", "master_plan_instance_no", "client_no", "auth_key"}


@pytest.mark.parametrize(
    ("fault", "method", "chain", "check"),
    [
        ("memo_short", "gen_rb_m", REBILL_CHAIN, "aria_rebill_offsets"),
        (
            "approval_keeps_block",
            "manage_pending_invoice_m",
            PENDING_CHAIN,
            "aria_approval_unblocks",
        ),
    ],
    ids=["credit-memo-does-not-offset", "approval-leaves-the-block"],
)
def test_broken_invariant_fails_the_run_naming_its_check(
    mini_aria: MiniAria, fault: str, method: str, chain: list[str], check: str
) -> None:
    mini_aria.faults[fault] = method
    result = run_fuzz(fuzz_config(mini_aria, methods=chain, phases=["stateful"], max_examples=25))
    assert result.exit_code == ExitCode.FAILURES
    named = {(record.method, record.check) for record in result.failures}
    assert named == {(method, check)}, [r.message for r in result.failures]


def test_url_target_follows_links_only_with_dry_runs(
    served_mini_aria: tuple[str, MiniAria],
) -> None:
    url, app = served_mini_aria
    result = run_fuzz(
        fuzz_config(
            app, app=None, base_url=url, state_digest=None, phases=["stateful"], max_examples=15
        )
    )
    assert result.exit_code == ExitCode.CLEAN, [f.message for f in result.failures]
    assert result.stateful_steps > 0
    for name in ("create_order_m", "gen_rb_m"):
        calls = _calls(app, name)
        assert calls, name
        assert all(call.get("do_write") == "false" for call in calls), name
    assert not _calls(app, "gen_invoice_m") and not _calls(app, "manage_pending_invoice_m")
    # Dry runs create nothing, so the target's invoices are as they started.
    assert [row["invoice_no"] for row in app.ledger()] == [INVOICE_NO]


def test_stub_passes_the_sequences_and_its_rebills_are_judged() -> None:
    from harness.stub import Stub

    # Schemathesis picks which link to follow at random, so one run may never carry an
    # order's invoice into a rebill that succeeds (about one seed in eight here). Each run
    # must be clean; within a few seeded runs one must have rebilled an order's invoice
    # through the link, so the offset check judged it.
    rebilled_an_order = False
    for seed in (11, 1, 3, 4):
        stub = Stub()
        result = run_fuzz(
            FuzzConfig(
                stub=stub, methods=REBILL_CHAIN, phases=["stateful"], max_examples=30, seed=seed
            )
        )
        assert result.exit_code == ExitCode.CLEAN, [f.message for f in result.failures]
        out = io.StringIO()
        render_summary(result, out)
        assert f"stateful: {result.stateful_steps} steps, {result.linked_steps}" in out.getvalue()
        invoices = stub.service.dump_state()["tables"]["invoices"]
        orders = {row["invoice_no"] for row in invoices if row["kind"] == "order"}
        memos = [row for row in invoices if row["kind"] == "credit_memo"]
        if any(memo["orig_invoice_no"] in orders for memo in memos):
            rebilled_an_order = True
            break
    assert rebilled_an_order, "no run rebilled an order's invoice through the link"


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None

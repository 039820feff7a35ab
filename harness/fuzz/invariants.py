"""Invariants of Aria's invoice sequences, checked on the calls that should uphold them.

The description's links chain the calls (create_order_m -> gen_rb_m -> get_invoice_details_m,
gen_invoice_m -> manage_pending_invoice_m), so the stateful phase makes these calls one after
another on data the previous call created; the checks below then judge what the sequence did:

- ``aria_rebill_offsets``: a rebill's credit memo offsets the original invoice (gen_rb_m.txt: "It
  creates a credit memo to offset the charges in the original invoice"). The credit memo's
  number is in no answer, so this needs the target's ledger (the embedded stub's invoices table);
  without one the check stands aside.
- ``aria_approval_unblocks``: once a pending invoice is approved, the next gen_invoice_m on its
  master plan instance is not refused as blocked (gen_invoice_m.txt: "no other invoice can be
  applied to the master plan instance until the current pending invoice is approved"). The check
  sends that next call itself, as a child of the approval, so the run records it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import schemathesis

from harness.fuzz.context import context_of, method_of
from harness.fuzz.envelope import parse_envelope
from harness.spec import documented_error

__all__ = [
    "INVARIANT_CHECKS",
    "aria_approval_unblocks",
    "aria_rebill_offsets",
]


# manage_pending_invoice_m.action_directive: null means "approve pending invoice" (the swagger's
# default); 1 is approve in the order Aria lists the actions.
_APPROVE = (None, 1, "1", "")


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _as_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _succeeded(response: Any) -> dict[str, Any] | None:
    body = parse_envelope(response)
    return body if body is not None and body.get("error_code") == 0 else None


def _body(case: Any) -> dict[str, Any]:
    return case.body if isinstance(case.body, dict) else {}


@schemathesis.check
def aria_rebill_offsets(ctx: Any, response: Any, case: Any) -> bool | None:
    """After a rebill, a credit memo on the target's ledger offsets the original in full."""
    spec = method_of(case)
    context = context_of(case) if spec is not None else None
    if spec is None or spec.name != "gen_rb_m" or context is None or context.ledger is None:
        return None
    body = _body(case)
    if _succeeded(response) is None or spec.is_dry_run(body):
        return None
    original_no = _as_int(body.get("orig_invoice_no"))
    if original_no is None:
        return None
    rows = list(context.ledger())
    original = next((r for r in rows if _as_int(r.get("invoice_no")) == original_no), None)
    if original is None:
        raise AssertionError(f"gen_rb_m rebilled invoice {original_no}, which the target lacks")
    memos = [
        r
        for r in rows
        if r.get("kind") == "credit_memo" and _as_int(r.get("orig_invoice_no")) == original_no
    ]
    if not memos:
        raise AssertionError(f"gen_rb_m rebilled invoice {original_no} without a credit memo")
    total = _as_decimal(original.get("total"))
    for memo in memos:
        amount = _as_decimal(memo.get("total"))
        if total is None or amount is None or total + amount != 0:
            raise AssertionError(
                f"credit memo {memo.get('invoice_no')} ({memo.get('total')}) does not offset "
                f"invoice {original_no} ({original.get('total')}): they sum to "
                f"{(total or 0) + (amount or 0)}, not 0"
            )
    return None


@schemathesis.check
def aria_approval_unblocks(ctx: Any, response: Any, case: Any) -> bool | None:
    """After a pending invoice is approved, gen_invoice_m on its plan instance is not blocked."""
    spec = method_of(case)
    if spec is None or spec.name != "manage_pending_invoice_m" or _succeeded(response) is None:
        return None
    body = _body(case)
    if body.get("action_directive") not in _APPROVE:
        return None
    found = _pending_origin(ctx, case)
    if found is None:
        return None
    acct_no, mpi_no = found
    next_call = _send_next_invoice(ctx, case, acct_no=acct_no, mpi_no=mpi_no)
    answer = parse_envelope(next_call) if next_call is not None else None
    # gen_invoice_m's "another invoice in progress for the same billing group": how a pending
    # invoice that has not been approved refuses the next one.
    blocked = documented_error("InvoiceInProgress").code
    if answer is not None and answer.get("error_code") == blocked:
        raise AssertionError(
            f"after manage_pending_invoice_m approved invoice {body.get('invoice_no')}, "
            f"gen_invoice_m on master plan instance {mpi_no} is still refused with "
            f"{blocked} ({answer.get('error_msg')!r})"
        )
    return None


def _pending_origin(ctx: Any, case: Any) -> tuple[Any, int] | None:
    """The account and plan instance of the pending invoice the approval names, if known.

    Known when the approval followed the gen_invoice_m call that created the invoice for one
    master plan instance (the link's parent) and names that call's invoice.
    """
    parent = ctx.internals.find_parent(case_id=case.id)
    if parent is None or (spec := method_of(parent)) is None or spec.name != "gen_invoice_m":
        return None
    created = ctx.internals.find_response(case_id=parent.id)
    answer = _succeeded(created) if created is not None else None
    request = _body(parent)
    mpi_no = _as_int(request.get("master_plan_instance_no"))
    if answer is None or mpi_no is None or answer.get("invoice_no") is None:
        return None
    if _as_int(_body(case).get("invoice_no")) != _as_int(answer["invoice_no"]):
        return None
    acct_no = answer.get("out_acct_no") or request.get("acct_no")
    return (acct_no, mpi_no) if acct_no is not None else None


def _send_next_invoice(ctx: Any, case: Any, *, acct_no: Any, mpi_no: int) -> Any:
    try:
        operation = case.operation.schema.find_operation_by_id("gen_invoice_m")
    except Exception:  # an operation left out of this run cannot be called
        return None
    body = {
        "rest_call": "gen_invoice_m",
        "acct_no": acct_no,
        "master_plan_instance_no": mpi_no,
    }
    sent = _body(case)
    for key in ("client_no", "auth_key"):
        if key in sent:
            body[key] = sent[key]
    probe = operation.Case(body=body, media_type="application/json")
    ctx.internals.record_case(parent_id=case.id, case=probe)
    # Through case.call, so the run's before_call hook (budget, guard) sees it like any call.
    response = probe.call(**dict(ctx.internals.transport_kwargs or {}))
    ctx.internals.record_response(case_id=probe.id, response=response)
    return response


INVARIANT_CHECKS: tuple[str, ...] = ("aria_rebill_offsets", "aria_approval_unblocks")

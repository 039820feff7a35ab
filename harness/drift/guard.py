"""Drift's call policy in one place: send, send as a dry run, or refuse; and may it be re-sent.

Both decisions take what the project's shared call policy takes (the method, its parameters,
whether the target is the embedded stub, whether invoicing is allowed), so they can be
replaced by it without touching the replay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Decision", "decide", "is_read", "may_resend"]


@dataclass(frozen=True)
class Decision:
    """What to do with one call: send it, send it with ``dry_run_field`` false, or refuse."""

    refuse: str | None = None  # the reason, when refused
    dry_run_field: str | None = None  # set to force a dry run
    state_changing: bool = True  # False for reads and dry runs: safe to re-send


def is_read(method: str) -> bool:
    """Aria names its read-only methods get_*; everything else may write."""
    return method.startswith("get_")


def decide(
    method: str, params: Mapping[str, Any], *, target_is_stub: bool, allow_invoicing: bool
) -> Decision:
    """The guard's decision on one recorded call about to be replayed."""
    from harness.client import invoice_condition
    from harness.spec import registry

    spec = registry()[method] if method in registry() else None
    asks_dry_run = spec is not None and spec.is_dry_run(params)
    reads = is_read(method) or asks_dry_run
    if target_is_stub or allow_invoicing:
        return Decision(state_changing=not reads)
    if spec is None:
        condition = invoice_condition(method, params)
        if condition is not None or not is_read(method):
            # Not in the bundled description: nothing says it cannot generate an invoice
            # (Aria lists 22 methods that can), so only reads are replayed unguarded.
            return Decision(
                refuse=f"{method} is not in the bundled description, so whether it generates "
                "an invoice is unknown; replay it with --allow-invoicing"
            )
        return Decision(state_changing=False)
    if not spec.may_generate_invoice(params):
        return Decision(state_changing=not reads)
    dry = spec.invoicing.dry_run_field
    if dry is None:
        return Decision(
            refuse=f"{method} can generate an invoice ({spec.invoicing.when}) and has no "
            "dry-run field; replay it against a sandbox with --allow-invoicing"
        )
    return Decision(dry_run_field=dry, state_changing=False)


def may_resend(decision: Decision, *, never_sent: bool) -> bool:
    """A failed attempt is re-sent if it never left, or if sending it twice changes nothing."""
    return never_sent or not decision.state_changing

"""What happens to a generated call just before it is sent: credentials, the guard, the budget.

``before_call`` is the last point every request passes, in every phase (coverage, fuzzing,
stateful), so the sandbox guard lives there rather than in generation: whatever produced a
case, an invoice-generating call to a guarded target leaves with its dry-run field false.
Schemathesis dispatches ``before_call`` only from its global hook registry; the hook is
registered while a run needs it (``harness.fuzz.hooks``) and does nothing for schemas that
were not loaded through ``aria_schema``.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from harness.errors import BudgetExhausted
from harness.fuzz.context import FuzzContext, context_of, method_of
from harness.policy import DRY_RUN_VALUE, Action, Target, decide
from harness.spec import MethodSpec

__all__ = ["BudgetExhausted", "prepare_call", "substitute_known_values", "DRY_RUN_VALUE"]

# Generated card numbers are random, not anybody's card, and a fuzz run writes no cassette.
_SANDBOX = Target("a sandbox", protect_cards=False)
_CREDENTIALS = ("client_no", "auth_key")


def prepare_call(hook_context: HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    """Spend budget, inject credentials, force dry runs on guarded targets, note the state."""
    context = context_of(case)
    spec = method_of(case)
    if context is None or spec is None:
        return
    if not context.budget.take():
        raise BudgetExhausted(limit=context.budget.limit or 0)
    if context.guarded and spec.invoicing.generates:
        _guard(context, spec, case)
    body = case.body
    if not isinstance(body, dict):
        return
    if context.credentials is not None and not _is_credential_probe(context, case):
        body["client_no"], body["auth_key"] = context.credentials
    if context.state_digest is not None and spec.is_dry_run(body):
        context.remember_state(case.id)


def _guard(context: FuzzContext, spec: MethodSpec, case: Any) -> None:
    # A body that is not an object cannot carry the dry-run field: send an empty call with
    # only the dry run rather than something a lenient parser might act on.
    body = case.body if isinstance(case.body, dict) else {}
    # Methods without a dry-run field are left out of a guarded run; a refusal here is the
    # last line of defence.
    decision = decide(spec.name, body, _SANDBOX, prefer_dry_run=True)
    decision.enforce()
    case.body = body
    if decision.action is Action.DRY_RUN and decision.dry_run_field is not None:
        body[decision.dry_run_field] = DRY_RUN_VALUE
        context.count_rewrite()


def _is_credential_probe(context: FuzzContext, case: Any) -> bool:
    # Some negative cases keep the credentials they were generated with, so the run still
    # shows that bad credentials are rejected (1004) rather than only that good ones work.
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    description = (getattr(meta.phase.data, "description", None) or "").lower()
    if any(name in description for name in _CREDENTIALS):
        return True
    every = context.credential_probe_every
    return every > 0 and zlib.crc32(case.id.encode()) % every == 0


def substitute_known_values(hook_context: HookContext, case: Any) -> Any:
    """Put identifiers known to exist on the target into some positive cases (map_case hook)."""
    context = context_of(case)
    spec = method_of(case)
    meta = case.meta
    body = case.body
    if (
        context is None
        or spec is None
        or not context.known_values
        or not isinstance(body, dict)
        or (meta is not None and meta.generation.mode.is_negative)
    ):
        return case
    # Decided from the generated data itself, so a replayed example is substituted the same way.
    seed = zlib.crc32(json.dumps(body, sort_keys=True, default=str).encode())
    if seed % 4 == 0:
        return case
    wanted = set(spec.required) | {alt[0] for alt in spec.alternatives}
    for field, values in context.known_values.items():
        if values and field in spec.input_fields and (field in body or field in wanted):
            body[field] = values[seed % len(values)]
    for array, item_fields in spec.array_fields.items():
        items = body.get(array)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            for field in item_fields:
                item_values = context.known_values.get(f"{array}.{field}")
                if item_values and field in item:
                    item[field] = item_values[seed % len(item_values)]
    return case


def register_call_hook() -> None:
    """Put ``prepare_call`` in schemathesis's global hooks (see ``harness.fuzz.hooks``)."""
    if prepare_call not in GLOBAL_HOOK_DISPATCHER.get_all_by_name("before_call"):
        GLOBAL_HOOK_DISPATCHER.register_hook_with_name(prepare_call, "before_call")


def unregister_call_hook() -> None:
    """Take ``prepare_call`` out of schemathesis's global hooks."""
    GLOBAL_HOOK_DISPATCHER.unregister(prepare_call)

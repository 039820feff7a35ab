"""Aria-aware schemathesis checks: judge answers by error_code, not by HTTP status.

Aria answers every call, errors included, with HTTP 200 and an envelope (``error_code``,
``error_msg``, the method's output fields). Schemathesis's own checks would call every correct
rejection a bug and every error dressed as 200 a success, so a run enables only these. Each
is registered under its own name, and a failure names the check that found it. When the
envelope itself is broken only ``aria_envelope`` reports it; the other checks stand aside.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

from harness.contracts import validate
from harness.fuzz import invariants as _invariants  # noqa: F401  (registers the invariants)
from harness.fuzz.context import context_of, method_of
from harness.fuzz.envelope import NOT_JSON, decoded_body, parse_envelope
from harness.fuzz.inputs import expected_codes, invalid_inputs

__all__ = [
    "ARIA_CHECKS",
    "aria_contract",
    "aria_documented_error_code",
    "aria_dry_run_writes_nothing",
    "aria_envelope",
    "aria_error_msg_ok",
    "aria_negative_rejected",
    "parse_envelope",
]

# Owned by their own checks, so a contract failure does not repeat them under another name.
_OWNED_POINTERS = {"/error_code", "/error_msg"}


def _sent_body(case: Any) -> Any:
    body = case.body
    return body if isinstance(body, dict | list | str | int | float) else None


@schemathesis.check
def aria_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """An answer is HTTP 200 with a JSON object carrying error_code and error_msg."""
    if method_of(case) is None:
        return None
    status = response.status_code
    if status >= 500:
        raise AssertionError(f"HTTP {status}: Aria answers every call, errors included, with 200")
    if status != 200:
        raise AssertionError(f"HTTP {status}: Aria answers every call with 200 and an envelope")
    body = decoded_body(response)
    if body is NOT_JSON:
        snippet = response.content[:80].decode("utf-8", "replace")
        raise AssertionError(f"the body is not JSON: {snippet!r}")
    if not isinstance(body, dict):
        raise AssertionError(f"the body is JSON but not an object: {type(body).__name__}")
    missing = [key for key in ("error_code", "error_msg") if key not in body]
    if missing:
        raise AssertionError(f"the envelope lacks {', '.join(missing)}")
    return None


@schemathesis.check
def aria_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    """The answer conforms to the method's contract for its error code."""
    spec = method_of(case)
    body = parse_envelope(response) if spec is not None else None
    if spec is None or body is None:
        return None
    violations = [v for v in validate(spec.name, body) if v.pointer not in _OWNED_POINTERS]
    if violations:
        lines = "\n".join(f"  - {violation}" for violation in violations[:10])
        raise AssertionError(
            f"{len(violations)} violation(s) of the {spec.name} contract:\n{lines}"
        )
    return None


@schemathesis.check
def aria_documented_error_code(ctx: Any, response: Any, case: Any) -> bool | None:
    """The error code is 0, one the method documents, or one of Aria's generic codes."""
    spec = method_of(case)
    body = parse_envelope(response) if spec is not None else None
    if spec is None or body is None:
        return None
    code = body["error_code"]
    if not isinstance(code, int) or isinstance(code, bool):
        raise AssertionError(f"error_code is {json.dumps(code)}, not an integer")
    if code not in spec.allowed_codes:
        documented = ", ".join(str(c) for c in sorted(spec.allowed_codes - {0}))
        raise AssertionError(
            f"{spec.name} answered error_code {code} ({body.get('error_msg')!r}), which it does "
            f"not document; documented and generic codes: {documented}"
        )
    return None


@schemathesis.check
def aria_error_msg_ok(ctx: Any, response: Any, case: Any) -> bool | None:
    """error_msg is "OK" exactly when error_code is 0."""
    spec = method_of(case)
    body = parse_envelope(response) if spec is not None else None
    if spec is None or body is None:
        return None
    code, message = body["error_code"], body["error_msg"]
    if code == 0 and message != "OK":
        raise AssertionError(f'error_code 0 with error_msg {message!r}; a success says "OK"')
    if code != 0 and message == "OK":
        raise AssertionError(f'error_code {code} with error_msg "OK"; "OK" means success')
    return None


@schemathesis.check
def aria_negative_rejected(ctx: Any, response: Any, case: Any) -> bool | None:
    """An invalid input is rejected with a non-zero code, the documented one where named."""
    spec = method_of(case)
    body = parse_envelope(response) if spec is not None else None
    meta = case.meta
    if spec is None or body is None or meta is None or not meta.generation.mode.is_negative:
        return None
    invalid = invalid_inputs(spec, _sent_body(case))
    if not invalid:  # negative by the schema's letter, acceptable as Aria reads it
        return None
    code = body["error_code"]
    reasons = "; ".join(f"{item.field or 'body'}: {item.message}" for item in invalid[:3])
    if code == 0:
        raise AssertionError(f"{spec.name} accepted invalid input with error_code 0 ({reasons})")
    expected = expected_codes(spec, invalid)
    if expected is not None and code not in expected and not _bad_credentials(case, code):
        wanted = " or ".join(str(c) for c in sorted(expected))
        raise AssertionError(
            f"{spec.name} rejected invalid input with {code} ({body['error_msg']!r}); "
            f"the docs name {wanted} for it ({reasons})"
        )
    return None


def _bad_credentials(case: Any, code: int) -> bool:
    # Authentication comes before input validation, so a call with wrong or missing
    # credentials is answered about them (1004, or 1010 naming one) whatever else is wrong.
    context = context_of(case)
    body = case.body if isinstance(case.body, dict) else {}
    if context is None or context.credentials is None:
        return True
    client_no, auth_key = context.credentials
    return str(body.get("client_no")) != str(client_no) or body.get("auth_key") != auth_key


@schemathesis.check
def aria_dry_run_writes_nothing(ctx: Any, response: Any, case: Any) -> bool | None:
    """A call with its dry-run field false (do_write=false) leaves the target's state as it was."""
    spec = method_of(case)
    context = context_of(case) if spec is not None else None
    if spec is None or context is None or context.state_digest is None:
        return None
    if context.state_changed(case.id):
        field = spec.invoicing.dry_run_field
        raise AssertionError(f"{spec.name} with {field}=false changed the target's state")
    return None


ARIA_CHECKS: tuple[str, ...] = (
    "aria_envelope",
    "aria_contract",
    "aria_documented_error_code",
    "aria_error_msg_ok",
    "aria_negative_rejected",
    "aria_dry_run_writes_nothing",
    # The sequence invariants (harness.fuzz.invariants), judged on the stateful phase's chains.
    "aria_rebill_offsets",
    "aria_approval_unblocks",
)

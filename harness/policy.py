"""The one policy for every Aria call that leaves the harness: send, send as a dry run, or refuse;
and which failed sends may be sent again.

``AriaClient``, the interception of the consumer's own calls, fuzzing and drift all ask
``decide`` before a byte is sent, and ``may_resend`` after a send failed. The rules:

- Invoices: against any target that is not the embedded stub, a call that can generate an
  invoice (its documented condition holds and its dry-run field does not say false) is refused
  with ``InvoiceGuardError`` unless invoicing is allowed. A caller that prefers a dry run
  (fuzzing, drift) gets the call back with the method's dry-run field set to false instead,
  when the method has one. The method is judged by its name as Aria may read it (case-folded,
  stripped of blanks and control characters, a legacy name as its ``_m`` method); a name the
  description lacks may be an invoicing method, so only a read (get_*) of that kind passes.
  A call Aria may read several ways (query string and body, pipe columns, a body whose type
  lies) is refused when any reading may invoice, and a body that cannot be read is refused.
- Cards: where cards are protected (by default every target but the stub), a call carrying a
  Luhn-valid card number that is not a published test card is refused with ``RealCardError``.
- Re-sending: a request that never reached the target may always be sent again; once it may
  have arrived (no answer, or an answer that is not Aria's), only a call that changes nothing
  (a read, or a dry run) is sent again.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError, InvoiceGuardError, RealCardError
from harness.facts import DOCUMENTED_FALSE

if TYPE_CHECKING:
    from harness.recording.cards import Wire

__all__ = [
    "DRY_RUN_VALUE",
    "RESEND_BACKOFF",
    "RESEND_LIMIT",
    "Action",
    "Decision",
    "NO_METHOD",
    "Failure",
    "Target",
    "decide",
    "failure_of",
    "invoice_condition",
    "is_read",
    "may_resend",
    "method_as_read",
]

# The dry-run field's value the policy sends and trusts: the description's enum "false".
DRY_RUN_VALUE = DOCUMENTED_FALSE
# How often, and after how long a first pause (doubling), a failed send is tried again.
RESEND_LIMIT = 2
RESEND_BACKOFF = 0.2
# The name of a request with no rest_call in any reading: Aria's dispatcher runs nothing.
NO_METHOD = "(no rest_call)"


@dataclass(frozen=True)
class Target:
    """Where a call goes, as far as the policy cares: its label and what is guarded there."""

    label: str
    is_stub: bool = False
    allow_invoicing: bool = False
    protect_cards: bool | None = None  # None: protected everywhere but the stub

    @property
    def guards_cards(self) -> bool:
        """True when real card numbers are refused on this target."""
        return (not self.is_stub) if self.protect_cards is None else self.protect_cards

    @property
    def guards_invoices(self) -> bool:
        """True when invoice-generating calls are refused (or made dry runs) on this target."""
        return not self.is_stub and not self.allow_invoicing


class Action(enum.StrEnum):
    """What happens to a call."""

    SEND = "send"
    DRY_RUN = "dry_run"  # sent, with the method's dry-run field set to false
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    """The policy's answer for one call: what to do, what to send, and why."""

    action: Action
    method: str
    params: Mapping[str, Any]  # what to send: the call's own, or with the dry-run field set
    state_changing: bool  # False for reads and dry runs: safe to send again
    error: HarnessError | None = None
    dry_run_field: str | None = None

    def enforce(self) -> Mapping[str, Any]:
        """The parameters to send; raises the refusal when the call is refused."""
        __tracebackhide__ = True  # pytest prints frame arguments: the params
        if self.error is not None:
            raise self.error
        return self.params

    def may_resend(self, failure: Failure) -> bool:
        """True when this call may be sent again after ``failure``."""
        return may_resend(failure, state_changing=self.state_changing)


def is_read(method: str) -> bool:
    """True for Aria's read-only methods, which Aria names get_*."""
    return method.startswith("get_")


def method_as_read(method: str) -> str:
    """The method Aria may run for ``method``: PHP finds functions whatever their case, the
    name may arrive with blanks or control characters around it, and a legacy name (no
    ``_m``) is judged as its ``_m`` method."""
    from harness.spec import registry

    name = unicodedata.normalize("NFKC", method)
    name = "".join(char for char in name if not _is_blank(char)).casefold()
    specs = registry()
    if name not in specs and f"{name}_m" in specs:
        return f"{name}_m"
    return name


def _is_blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}


def invoice_condition(method: str, params: Mapping[str, Any]) -> str | None:
    """The documented condition under which this call can generate an invoice, or None."""
    from harness.spec import registry

    specs = registry()
    name = method_as_read(method)
    if method == NO_METHOD:
        return None
    if name in specs:
        spec = specs[name]
        if not spec.may_generate_invoice(params):
            return None
        return spec.invoicing.when or f"{name} is documented as generating invoices"
    if name in specs.other_invoicing_methods:
        return specs.other_invoicing_methods[name]
    if is_read(name):
        return None
    # Not in the bundled description: nothing says it cannot generate an invoice.
    return f"{method!r} is not in the bundled description, so it may"


def decide(
    method: str,
    params: Mapping[str, Any],
    target: Target,
    *,
    prefer_dry_run: bool = False,
    wire: Wire | None = None,
    readings: Iterable[tuple[str, Mapping[str, Any]]] = (),
    unread: str | None = None,
) -> Decision:
    """Send, send as a dry run, or refuse one call to ``target``; nothing is sent here.

    ``wire``: the raw request when the caller has it (the interception does), searched for
    real cards in its URL, headers and body beyond the parameters read from it.
    ``readings``: other (method, params) the target may read the same request as; where
    invoices are guarded, the call is refused when any of them may invoice. ``unread``: why
    part of the request could not be read, which refuses it where invoices are guarded.
    """
    __tracebackhide__ = True
    from harness.spec import registry

    specs = registry()
    name = method_as_read(method)
    spec = specs[name] if name in specs else None
    dry_run = spec is not None and spec.asks_dry_run(params)
    state_changing = not (is_read(name) or dry_run)
    if target.guards_invoices:
        refusal = _refusal(method, params, target, readings, unread, state_changing)
        if refusal is not None:
            return refusal
        if prefer_dry_run and spec is not None and spec.invoicing.generates:
            dry_field = spec.invoicing.dry_run_field
            # Only the documented spelling is trusted (MethodSpec.asks_dry_run): a lenient
            # reading of "0" or " FALSE" here could be a strict write on the target.
            if dry_field is not None and params.get(dry_field) != DRY_RUN_VALUE:
                dry_params = {**params, dry_field: DRY_RUN_VALUE}
                return _with_cards(
                    Decision(Action.DRY_RUN, method, dry_params, False, dry_run_field=dry_field),
                    target,
                    wire,
                )
        condition = invoice_condition(method, params)
        if condition is not None:
            condition += _dry_run_hint(spec, params)
            error = InvoiceGuardError(method, condition=condition, target=target.label)
            return Decision(Action.REFUSE, method, params, state_changing, error=error)
    return _with_cards(Decision(Action.SEND, method, params, state_changing), target, wire)


def _spec_of(method: str) -> Any:
    """The bundled description's entry for ``method`` as Aria reads its name, or None."""
    from harness.spec import registry

    specs = registry()
    name = method_as_read(method)
    return specs[name] if name in specs else None


def _dry_run_hint(spec: Any, params: Mapping[str, Any]) -> str:
    # Aria's docs name only 'false' ("If 'false' is passed in this field ..."); "False" (what
    # requests makes of Python's False in a form), "0" or "FALSE" may be a write there.
    dry_field = spec.invoicing.dry_run_field if spec is not None else None
    if dry_field is None or params.get(dry_field) is None:
        return ""
    return (
        f"; {dry_field}={params[dry_field]!r} is not Aria's documented dry-run spelling:"
        f" only {dry_field}={DRY_RUN_VALUE} (or JSON false) passes"
    )


def _refusal(
    method: str,
    params: Mapping[str, Any],
    target: Target,
    readings: Iterable[tuple[str, Mapping[str, Any]]],
    unread: str | None,
    state_changing: bool,
) -> Decision | None:
    # The refusals that no dry run can avoid: an unreadable request, another reading that
    # may invoice (its dry-run field is not the one the policy would set).
    condition = f"{unread}, so it may generate an invoice" if unread is not None else None
    for other_method, other_params in readings:
        if condition is not None:
            break
        if method_as_read(other_method) != method_as_read(method):
            condition = f"the request also reads as {other_method!r}, which may invoice"
            if invoice_condition(other_method, other_params) is None:
                condition = f"the request names both {method!r} and {other_method!r}"
        else:
            condition = invoice_condition(other_method, other_params)
            if condition is not None:
                condition += _dry_run_hint(_spec_of(other_method), other_params)
    if condition is None:
        return None
    error = InvoiceGuardError(method, condition=condition, target=target.label)
    return Decision(Action.REFUSE, method, params, state_changing, error=error)


def decide_cards(method: str, params: Mapping[str, Any], target: Target, wire: Wire) -> Decision:
    """Send, or refuse a request that carries a real card: for a request that names no call."""
    __tracebackhide__ = True
    return _with_cards(Decision(Action.SEND, method, params, True), target, wire)


def _with_cards(decision: Decision, target: Target, wire: Wire | None) -> Decision:
    __tracebackhide__ = True
    if not target.guards_cards:
        return decision
    from harness.recording.cards import find_real_cards, find_real_cards_on_wire

    fields = find_real_cards(decision.params)
    if not fields and wire is not None:
        fields = find_real_cards_on_wire(wire)
    if not fields:
        return decision
    error = RealCardError(decision.method, fields=fields)
    return Decision(
        Action.REFUSE, decision.method, decision.params, decision.state_changing, error=error
    )


class Failure(enum.StrEnum):
    """How a send failed, as far as re-sending is concerned."""

    NOT_CONNECTED = "not_connected"  # the request never left: refused, unreachable, connect timeout
    NO_ANSWER = "no_answer"  # it may have arrived: read timeout, connection dropped
    NOT_ARIA = "not_aria"  # the target answered, but not as Aria (429, 5xx, an HTML page)


def may_resend(failure: Failure, *, state_changing: bool) -> bool:
    """True when a call may be sent again after ``failure``."""
    return failure is Failure.NOT_CONNECTED or not state_changing


def failure_of(exc: BaseException) -> Failure:
    """How a transport exception (requests, httpx, urllib3, aiohttp, socket) failed."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if _never_connected(item):
            return Failure.NOT_CONNECTED
        if isinstance(item, BaseException):
            stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
            stack.extend(arg for arg in item.args if isinstance(arg, BaseException))
    return Failure.NO_ANSWER


# Exception class names that mean "no connection was made", per library: matched by name so
# that no HTTP library is imported to classify another one's error.
_NOT_CONNECTED_NAMES = frozenset(
    {
        "NewConnectionError",  # urllib3 (and requests through it)
        "ConnectTimeout",  # requests, httpx
        "ConnectTimeoutError",  # urllib3
        "ConnectError",  # httpx
        "ClientConnectorError",  # aiohttp
        "ConnectionRefusedError",  # the socket itself
    }
)


def _never_connected(item: Any) -> bool:
    if not isinstance(item, BaseException):
        return False
    return any(cls.__name__ in _NOT_CONNECTED_NAMES for cls in type(item).__mro__)

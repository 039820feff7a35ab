"""``AriaClient``: a thin requests-based client that checks every answer against its contract.

Calls go to ``{base_url}/api/ws/api_ws_class_dispatcher.php`` with ``rest_call`` and the
credentials in the body, JSON by default or Aria6 form encoding (pipe columns). Before a call
is sent, the invoice guard refuses invoice-generating methods against real targets, and a real
card number is refused when the client protects cards (recording against a sandbox).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import AriaError, RealCardError
from harness.intercept.answers import CallRecord, check_answer, error_code_of, invoices_generated
from harness.policy import RESEND_BACKOFF, RESEND_LIMIT, Decision, Target, decide, failure_of
from harness.policy import invoice_condition as invoice_condition
from harness.secrets import shown_url

__all__ = ["AriaClient", "CallRecord", "RealCardError", "invoice_condition"]


@dataclass
class AriaClient:
    """A client for one Aria target (a sandbox or the embedded stub)."""

    base_url: str
    client_no: int | str | None = None
    auth_key: str | None = None
    encoding: str = "json"
    timeout: float = 30.0
    session: Any = None
    validate: bool = True
    allow_invoicing: bool = False
    is_stub: bool = False
    raise_on_error: bool = False
    protect_cards: bool | None = None
    calls: list[CallRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.encoding not in {"json", "form"}:
            raise ValueError(f"unknown encoding {self.encoding!r}; expected 'json' or 'form'")
        if self.protect_cards is None:
            self.protect_cards = not self.is_stub

    @property
    def url(self) -> str:
        """The dispatcher URL every call goes to."""
        from harness.spec import DISPATCHER_PATH

        return self.base_url.rstrip("/") + DISPATCHER_PATH

    def __repr__(self) -> str:
        # The credentials never reach output: a repr lands in tracebacks and test reports.
        return (
            f"AriaClient(base_url={shown_url(self.base_url)!r}, "
            f"client_no={_masked(self.client_no)}, "
            f"auth_key={_masked(self.auth_key)}, encoding={self.encoding!r}, "
            f"is_stub={self.is_stub}, allow_invoicing={self.allow_invoicing})"
        )

    @property
    def target(self) -> Target:
        """This client's target as the call policy sees it."""
        return Target(
            shown_url(self.base_url),
            is_stub=self.is_stub,
            allow_invoicing=self.allow_invoicing,
            protect_cards=self.protect_cards,
        )

    def check(self, method: str, params: Mapping[str, Any]) -> Decision:
        """Refuse a call before it is sent: invoices against real targets, real card numbers."""
        __tracebackhide__ = True  # pytest prints frame arguments: the params
        if "rest_call" in params:
            # the body would carry this one, not the method the guard judged
            raise ValueError("rest_call is the method, the first argument, not a parameter")
        _refuse_rest_call_spellings(params)
        readings: list[tuple[str, Mapping[str, Any]]] = []
        if self.encoding == "form":
            from harness.formcodec import form_pairs, php_fields

            # Pipe columns put item fields at the top level, where Aria reads them too.
            readings.append((method, php_fields(form_pairs(params))))
        decision = decide(method, params, self.target, readings=readings)
        decision.enforce()
        return decision

    def call(self, method: str, /, *, raise_on_error: bool | None = None, **params: Any) -> dict:
        """Call one Aria method; the answer is checked against the method's contract."""
        __tracebackhide__ = True
        decision = self.check(method, params)
        body: dict[str, Any] = {"rest_call": method, "output_format": "json"}
        if self.client_no is not None:
            body["client_no"] = self.client_no
        if self.auth_key is not None:
            body["auth_key"] = self.auth_key
        body.update(params)
        response = self._send(decision, body)
        checked = check_answer(
            method,
            status=response.status_code,
            content_type=response.headers.get("Content-Type"),
            body=response.content,
            sent=body,
        )
        record = CallRecord(method, error_code_of(checked.answer), checked=checked.checked)
        self.calls.append(record)
        violation = checked.violation
        if violation is not None and (self.validate or checked.answer is None):
            # an answer that is not Aria's envelope is refused even when validation is off
            record.violations += len(violation.violations)
            raise violation
        answer = checked.answer or {}
        record.invoices = invoices_generated(method, params, answer)
        wants_raise = self.raise_on_error if raise_on_error is None else raise_on_error
        if wants_raise and record.error_code not in (0, None):
            raise AriaError(
                method, code=record.error_code, message=str(answer.get("error_msg")), sent=body
            )
        return answer

    def _send(self, decision: Decision, body: Mapping[str, Any]) -> Any:
        __tracebackhide__ = True
        import requests

        session = self.session or requests.Session()
        if self.encoding == "json":
            kwargs: dict[str, Any] = {"json": dict(body)}
        else:
            from harness.formcodec import encode_form

            kwargs = {
                "data": encode_form(body),
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            }
        attempt = 0
        while True:
            try:
                return session.post(self.url, timeout=self.timeout, **kwargs)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempt >= RESEND_LIMIT or not decision.may_resend(failure_of(exc)):
                    raise
            time.sleep(RESEND_BACKOFF * 2**attempt)
            attempt += 1


def _refuse_rest_call_spellings(params: Mapping[str, Any]) -> None:
    # PHP rewrites names ("rest.call", " rest_call", "rest[call" are rest_call) and keeps the
    # last duplicate, so such a parameter (or an item field a pipe column lifts to the top
    # level) would replace the method the guard judged. JSON keys may be read the same way.
    from harness.formcodec import php_key

    names = list(params)
    for value in params.values():
        if isinstance(value, list | tuple):
            names += [field for item in value if isinstance(item, Mapping) for field in item]
    for name in names:
        if php_key(str(name)).split("[", 1)[0] == "rest_call":
            raise ValueError(
                f"parameter {name!r}: PHP reads it as rest_call; the method is the first"
                " argument, not a parameter"
            )


def _masked(value: Any) -> str:
    return "None" if value is None else "'***'"

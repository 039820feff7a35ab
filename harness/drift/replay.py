"""Re-send a recorded interaction: credentials back in, the invoice guard, retries, and the
line between "the target answered" and "the target was unavailable".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from harness.drift.cassettes import RecordedInteraction
from harness.drift.ids import IdMap
from harness.drift.retry import Deadline, RetryPolicy
from harness.drift.standins import StandIns, is_scrubbed
from harness.policy import (
    DRY_RUN_VALUE,
    Action,
    Failure,
    decide,
    failure_of,
    may_resend,
)
from harness.policy import Target as PolicyTarget
from harness.recording.sensitive import ARIA_AUTH_KEY_PLACEHOLDER, ARIA_CLIENT_NO_PLACEHOLDER
from harness.spec import DISPATCHER_PATH

__all__ = [
    "CLIENT_NO_PLACEHOLDER",
    "AUTH_KEY_PLACEHOLDER",
    "LiveAnswer",
    "Prepared",
    "Skip",
    "Target",
    "prepare",
    "send",
]

CLIENT_NO_PLACEHOLDER = ARIA_CLIENT_NO_PLACEHOLDER
AUTH_KEY_PLACEHOLDER = ARIA_AUTH_KEY_PLACEHOLDER
USER_AGENT = "aria-harness-drift"


@dataclass(frozen=True)
class Target:
    """Where interactions are replayed, with the credentials the placeholders stand for."""

    base_url: str
    client_no: str
    auth_key: str = field(repr=False)
    is_stub: bool = False

    @property
    def label(self) -> str:
        """The target's URL as reports show it: no credentials, query or fragment."""
        from harness.secrets import shown_url

        return shown_url(self.base_url)

    @property
    def kind(self) -> str:
        """ "embedded stub" or "target", for reports."""
        return "embedded stub" if self.is_stub else "target"


@dataclass(frozen=True)
class Prepared:
    """A request ready to send, and what the guard decided about it."""

    http_method: str
    url: str
    body: bytes | None
    headers: Mapping[str, str]
    state_changing: bool  # False for reads and dry runs, which are safe to send twice
    dry_run_forced: bool = False  # the call policy set the method's dry-run field


@dataclass(frozen=True)
class Skip:
    """Why an interaction is not sent: the guard, a missing stand-in, or a missing id."""

    reason: str
    depends_on: str | None = None  # the interaction whose ids it needed


@dataclass
class LiveAnswer:
    """What came back: a parsed Aria envelope, or why the target counts as unavailable."""

    attempts: int = 0
    status: int | None = None
    body: dict[str, Any] | None = None
    unavailable: str | None = None


def prepare(
    interaction: RecordedInteraction,
    target: Target,
    *,
    allow_invoicing: bool,
    stand_ins: StandIns | None = None,
    ids: IdMap | None = None,
) -> Prepared | Skip:
    """The live request for a recorded interaction, or the reason it is not sent.

    Placeholders become the target's credentials or the declared stand-ins, recorded ids
    become tonight's (``ids``); then the call policy decides: send, send as a dry run (the
    method's dry-run field set false), or refuse.
    """
    request = interaction.request
    method = interaction.method
    params = request.params()
    if ids is not None:
        blocked = ids.missing(params)
        if blocked is not None:
            return Skip(*blocked)
    filler = _Filler(target, stand_ins or StandIns(), ids)
    try:
        to_send = filler.params(params)
    except _NoStandIn as missing:
        return Skip(StandIns.missing_reason(missing.field))
    decision = decide(
        method,
        to_send,
        PolicyTarget(
            target.label,
            is_stub=target.is_stub,
            allow_invoicing=allow_invoicing,
        ),
        prefer_dry_run=True,
    )
    if decision.action is Action.REFUSE:
        return Skip(str(decision.error))
    forced_dry = decision.dry_run_field if decision.action is Action.DRY_RUN else None
    parts = urlsplit(request.uri)
    in_query = request.encoding == "query"  # a GET, or a POST with everything in the URL
    query = filler.pairs(
        parse_qsl(parts.query, keep_blank_values=True), forced_dry if in_query else None
    )
    body: bytes | None = None
    if request.encoding == "json":
        body = _fill_json(request.body or "", filler, forced_dry).encode("utf-8")
    elif request.encoding == "form":
        pairs = parse_qsl(request.body or "", keep_blank_values=True)
        body = urlencode(filler.pairs(pairs, forced_dry)).encode("utf-8")
    path = parts.path
    if DISPATCHER_PATH in path:  # the base URL may carry its own prefix
        path = path[path.index(DISPATCHER_PATH) :]
    url = target.base_url.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")
    headers = {"User-Agent": USER_AGENT}
    content_type = request.header("Content-Type")
    if body is not None and content_type:
        headers["Content-Type"] = content_type
    return Prepared(
        http_method=request.http_method,
        url=url,
        body=body,
        headers=headers,
        state_changing=decision.state_changing,
        dry_run_forced=forced_dry is not None,
    )


class _NoStandIn(Exception):
    def __init__(self, field: str) -> None:
        self.field = field


class _Filler:
    """Puts usable values where the recording has placeholders or recorded ids."""

    def __init__(self, target: Target, stand_ins: StandIns, ids: IdMap | None) -> None:
        self._credentials = {
            CLIENT_NO_PLACEHOLDER: target.client_no,
            AUTH_KEY_PLACEHOLDER: target.auth_key,
        }
        self._stand_ins = stand_ins
        self._ids = ids

    def value(self, key: str, value: Any) -> Any:
        """The value to send for one recorded field."""
        if isinstance(value, str) and value in self._credentials:
            return _credential(self._credentials[value], value)
        if is_scrubbed(value):
            found = self._stand_ins.value(key)
            if found is None:
                raise _NoStandIn(key)
            return found
        if self._ids is not None:
            return self._ids.translate({key: value})[key]
        return value

    def params(self, params: dict[str, Any]) -> dict[str, Any]:
        """A filled copy of the flat call parameters (what the call policy judges)."""
        return {
            key: dict(self.pairs([(key, value)], None))[key]
            if isinstance(value, str)
            else self.walk(value, key)
            for key, value in params.items()
        }

    def walk(self, value: Any, key: str = "") -> Any:
        """A filled copy of a JSON body."""
        if isinstance(value, dict):
            return {k: self.walk(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, key) for v in value]
        return self.value(key, value)

    def pairs(self, pairs: list[tuple[str, str]], dry_field: str | None) -> list[tuple[str, str]]:
        """Filled form or query pairs (bracketed keys and pipe columns too)."""
        filled = []
        for key, value in pairs:
            name = _form_field(key)
            parts = value.split("|") if "|" in value else [value]
            filled.append((key, "|".join(str(self.value(name, part)) for part in parts)))
        if dry_field is not None:
            filled = [(key, value) for key, value in filled if key != dry_field]
            filled.append((dry_field, DRY_RUN_VALUE))
        return filled


def _form_field(key: str) -> str:
    # order_line_items_list[0][client_sku] -> client_sku
    return key.rstrip("]").rsplit("[", 1)[-1] if key.endswith("]") else key


def _credential(value: str, key: str) -> Any:
    # client_no is an integer in Aria's request schemas; a JSON body sends it as one
    return int(value) if key == CLIENT_NO_PLACEHOLDER and value.isdigit() else value


def _fill_json(body: str, filler: _Filler, dry_field: str | None) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body  # not JSON after all: send it as recorded
    filled = filler.walk(data)
    if dry_field is not None and isinstance(filled, dict):
        filled[dry_field] = DRY_RUN_VALUE
    return json.dumps(filled)


def send(
    session: requests.Session,
    prepared: Prepared,
    *,
    timeout: float,
    deadline: Deadline,
    policy: RetryPolicy,
) -> LiveAnswer:
    """Send with bounded retries; a state-changing call is retried only if it never left."""
    answer = LiveAnswer()
    for attempt in range(1, policy.attempts + 1):
        if deadline.expired:
            answer.unavailable = answer.unavailable or "the run's deadline passed before this call"
            return answer
        answer.attempts = attempt
        retry_after: float | None = None
        per_call = max(deadline.cap(timeout), 0.001)
        try:
            response = session.request(
                prepared.http_method,
                prepared.url,
                data=prepared.body,
                headers=dict(prepared.headers),
                timeout=(per_call, per_call),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            failure = failure_of(exc)
            answer.status, answer.body = None, None
            answer.unavailable = _transport_failure(exc, per_call, failure)
        else:
            answer.status = response.status_code
            answer.body, answer.unavailable = classify(response)
            if answer.unavailable is None:
                return answer
            retry_after = _retry_after(response)
            failure = Failure.NOT_ARIA
        retryable = may_resend(failure, state_changing=prepared.state_changing)
        if not retryable or attempt == policy.attempts:
            return answer
        wait = deadline.cap(policy.delay(attempt, retry_after=retry_after))
        if wait > 0:
            policy.sleep(wait)
    return answer


def classify(response: requests.Response) -> tuple[dict[str, Any] | None, str | None]:
    """The Aria envelope of a response, or the reason the target counts as unavailable."""
    status = response.status_code
    content_type = response.headers.get("Content-Type", "").lower()
    if status == 429:
        return None, "HTTP 429 Too Many Requests: the target is rate limiting"
    if status >= 500:
        return None, f"HTTP {status}: the target is failing or down"
    text = response.text
    if "html" in content_type or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return None, f"an HTML page (HTTP {status}) instead of an Aria answer, e.g. maintenance"
    try:
        body = json.loads(text)
    except ValueError:
        return None, f"a body that is not JSON (HTTP {status}, {len(response.content)} bytes)"
    if not isinstance(body, dict) or "error_code" not in body:
        # Every Aria answer carries error_code; JSON without it comes from whatever stands
        # in front of Aria (a gateway or proxy), not from the API.
        return None, f"JSON that is not an Aria answer (no error_code; HTTP {status})"
    return body, None


def _transport_failure(exc: requests.RequestException, timeout: float, failure: Failure) -> str:
    """A secret-free description of a transport error."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {timeout:.3g} s"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:.3g} s"
    if failure is Failure.NOT_CONNECTED:
        return "connection refused or host unreachable"
    if isinstance(exc, requests.ConnectionError):
        return "the connection was dropped without an answer"
    return f"the request failed ({type(exc).__name__})"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None

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

from harness.drift.cassettes import Interaction
from harness.drift.retry import Deadline, RetryPolicy
from harness.recording.sensitive import ARIA_AUTH_KEY_PLACEHOLDER, ARIA_CLIENT_NO_PLACEHOLDER
from harness.spec import DISPATCHER_PATH, registry

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
        """The target as reports show it: scheme, host and port only."""
        parts = urlsplit(self.base_url)
        kind = "embedded stub" if self.is_stub else "target"
        return f"{kind} {parts.scheme}://{parts.hostname}" + (
            f":{parts.port}" if parts.port else ""
        )


@dataclass(frozen=True)
class Prepared:
    """A request ready to send, and what the guard decided about it."""

    http_method: str
    url: str
    body: bytes | None
    headers: Mapping[str, str]
    state_changing: bool
    dry_run_forced: bool = False


@dataclass(frozen=True)
class Skip:
    """The guard's refusal to send an interaction."""

    reason: str


@dataclass
class LiveAnswer:
    """What came back: a parsed Aria envelope, or why the target counts as unavailable."""

    attempts: int = 0
    status: int | None = None
    body: dict[str, Any] | None = None
    unavailable: str | None = None


def prepare(interaction: Interaction, target: Target, *, allow_invoicing: bool) -> Prepared | Skip:
    """The live request for a recorded interaction, or the guard's reason to skip it."""
    request = interaction.request
    method = interaction.method
    forced_dry = None
    if not target.is_stub and not allow_invoicing:
        spec = registry()[method] if method in registry() else None
        if spec is not None and spec.invoicing.generates:
            dry = spec.invoicing.dry_run_field
            if dry is None:
                return Skip(
                    f"{method} can generate an invoice ({spec.invoicing.when}) and has no "
                    "dry-run field; replay it against a sandbox with --allow-invoicing"
                )
            if not spec.is_dry_run(request.params()):
                forced_dry = dry
        elif spec is None and not _is_read(method):
            # Not in the bundled description: nothing says it cannot generate an invoice
            # (Aria lists 22 methods that can), so only reads are replayed unguarded.
            return Skip(
                f"{method} is not in the bundled description, so whether it generates an "
                "invoice is unknown; replay it with --allow-invoicing"
            )
    credentials = {
        CLIENT_NO_PLACEHOLDER: target.client_no,
        AUTH_KEY_PLACEHOLDER: target.auth_key,
    }
    parts = urlsplit(request.uri)
    query = _fill_pairs(parse_qsl(parts.query, keep_blank_values=True), credentials, None)
    body: bytes | None = None
    encoding = request.encoding
    if encoding == "json":
        body = _fill_json(request.body or "", credentials, forced_dry).encode("utf-8")
    elif encoding == "form":
        pairs = parse_qsl(request.body or "", keep_blank_values=True)
        body = urlencode(_fill_pairs(pairs, credentials, forced_dry)).encode("utf-8")
    else:
        query = _fill_pairs(query, credentials, forced_dry) if forced_dry else query
    path = parts.path
    if DISPATCHER_PATH in path:  # the base URL may carry its own prefix
        path = path[path.index(DISPATCHER_PATH) :]
    url = target.base_url.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")
    headers = {"User-Agent": USER_AGENT}
    content_type = request.header("Content-Type")
    if body is not None and content_type:
        headers["Content-Type"] = content_type
    dry_run = forced_dry is not None or _asks_dry_run(method, request.params())
    return Prepared(
        http_method=request.http_method,
        url=url,
        body=body,
        headers=headers,
        state_changing=not (_is_read(method) or dry_run),
        dry_run_forced=forced_dry is not None,
    )


def _is_read(method: str) -> bool:
    # Aria names its read-only methods get_*; everything else may write.
    return method.startswith("get_")


def _asks_dry_run(method: str, params: Mapping[str, Any]) -> bool:
    return method in registry() and registry()[method].is_dry_run(params)


def _credential(value: str, key: str) -> Any:
    # client_no is an integer in Aria's request schemas; a JSON body sends it as one
    return int(value) if key == CLIENT_NO_PLACEHOLDER and value.isdigit() else value


def _fill_json(body: str, credentials: Mapping[str, str], dry_field: str | None) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body  # not JSON after all: send it as recorded

    def walk(value: Any) -> Any:
        if isinstance(value, str) and value in credentials:
            return _credential(credentials[value], value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    filled = walk(data)
    if dry_field is not None and isinstance(filled, dict):
        filled[dry_field] = "false"  # a string enum ("true"/"false") in Aria's schemas
    return json.dumps(filled)


def _fill_pairs(
    pairs: list[tuple[str, str]], credentials: Mapping[str, str], dry_field: str | None
) -> list[tuple[str, str]]:
    filled = [(key, credentials.get(value, value)) for key, value in pairs]
    if dry_field is not None:
        filled = [(key, value) for key, value in filled if key != dry_field]
        filled.append((dry_field, "false"))
    return filled


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
            reason, never_sent = _transport_failure(exc, per_call)
            answer.status, answer.body, answer.unavailable = None, None, reason
            retryable = never_sent or not prepared.state_changing
        else:
            answer.status = response.status_code
            answer.body, answer.unavailable = classify(response)
            if answer.unavailable is None:
                return answer
            retry_after = _retry_after(response)
            # the target answered: a state-changing call may have run, so it is not re-sent
            retryable = not prepared.state_changing
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


def _transport_failure(exc: requests.RequestException, timeout: float) -> tuple[str, bool]:
    """A secret-free description of a transport error, and whether the request never left."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {timeout:.3g} s", True
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:.3g} s", False
    if isinstance(exc, requests.ConnectionError) and _never_connected(exc):
        return "connection refused or host unreachable", True
    if isinstance(exc, requests.ConnectionError):
        return "the connection was dropped without an answer", False
    return f"the request failed ({type(exc).__name__})", False


def _never_connected(exc: BaseException) -> bool:
    from urllib3.exceptions import NewConnectionError

    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, NewConnectionError):
            return True
        if isinstance(item, BaseException):
            stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
            stack.extend(arg for arg in item.args if isinstance(arg, BaseException))
    return False


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None

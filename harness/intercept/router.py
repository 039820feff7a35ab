"""The object vcrpy's patched HTTP libraries consult for every request while interception is on.

vcrpy's stubs for http.client (and so urllib.request), urllib3, requests, httpx (sync and
async) and aiohttp all ask their cassette the same three questions: ``can_play_response_for``
(answer without sending?), ``play_response`` (the answer) and, after a real send, ``append``.
``Router`` answers them for Aria calls by target, after the call policy: a refused call is
"played" by raising its refusal into the sender before any byte leaves; the stub answers
in-process; a cassette replays; record and live let the request go and see the answer in
``append``. Every answer is checked against its method's contract on the way back.
Requests that are not Aria calls pass through untouched, or are blocked on request.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from harness.errors import CassetteError, NetworkBlockedError
from harness.intercept.answers import CallRecord, Ledger, check_answer, invoices_generated
from harness.intercept.calls import AriaCall, AriaUrls, read_call, recordable
from harness.intercept.readings import header
from harness.policy import Action, Target, decide

__all__ = ["AriaTarget", "NetworkBlockedError", "Router"]


class AriaTarget(enum.StrEnum):
    """Where intercepted Aria calls go: one per test run, the test's code unchanged."""

    STUB = "stub"  # the embedded stub, in-process: no socket, whatever host the code names
    CASSETTE = "cassette"  # replayed from a cassette; nothing is sent
    RECORD = "record"  # sent to the live target and written, scrubbed
    LIVE = "live"  # sent to the live target; nothing is written

    @classmethod
    def parse(cls, value: str | AriaTarget) -> AriaTarget:
        """A target from its name; the error lists the valid ones."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(target.value for target in cls)
            raise ValueError(f"unknown Aria target {value!r}; expected one of: {valid}") from None

    @property
    def sends(self) -> bool:
        """True when calls leave the process."""
        return self in (AriaTarget.RECORD, AriaTarget.LIVE)


class Router:
    """Decides, for each request vcrpy's patchers see, what answers it."""

    # vcrpy's patcher builder reads these from its "cassette"
    skip_patchers: tuple[str, ...] = ()
    custom_patches: tuple[Any, ...] = ()

    def __init__(
        self,
        *,
        target: AriaTarget,
        policy_target: Target,
        ledger: Ledger,
        urls: AriaUrls,
        stub: Any = None,
        cassette: Any = None,
        closed_network: bool = False,
        strict_credentials: bool = False,
        raise_on_violation: bool = False,
        live_url: str | None = None,
    ) -> None:
        from urllib.parse import urlsplit

        # the live target's host: every request to it is searched for real cards
        self.live_host = urlsplit(live_url).netloc.rpartition("@")[2].lower() if live_url else None
        self._path = f"aria-{target.value}"
        self.target = target
        self.policy_target = policy_target
        self.ledger = ledger
        self.urls = urls
        self.stub = stub
        self.cassette = cassette
        self.closed_network = closed_network
        self.strict_credentials = strict_credentials
        self.raise_on_violation = raise_on_violation

    # --- the cassette protocol vcrpy's stubs speak -----------------------------------------

    @property
    def write_protected(self) -> bool:
        """Never: what may be sent is decided in ``can_play_response_for``."""
        return False

    def filter_request(self, request: Any) -> Any:
        """Every request may be "recorded": ``append`` picks what it keeps."""
        return request

    def find_requests_with_most_matches(self, request: Any) -> list[Any]:
        """Redirects are not followed through the interception."""
        return []

    def can_play_response_for(self, request: Any) -> bool:
        """True when the answer comes from here (stub, cassette, a refusal, a block)."""
        __tracebackhide__ = True  # pytest prints frame arguments: the request
        _unchunked(request)
        if not self.urls.matches(request.uri):
            return self.closed_network or self._refused_elsewhere(request) is not None
        call = self._decided(request)
        if call.decision.action is Action.REFUSE:
            return True
        if self.target is AriaTarget.RECORD:
            return self._replays_when_recording(request)
        return not self.target.sends

    def play_response(self, request: Any) -> Mapping[str, Any]:
        """The answer without sending: raises a refusal, a block or a cassette miss instead."""
        __tracebackhide__ = True
        if not self.urls.matches(request.uri):
            refused = self._refused_elsewhere(request)
            if refused is not None:
                self.ledger.add(CallRecord(refused.name, None, checked=False, refused=True))
                raise refused.decision.error
            error = NetworkBlockedError(request.uri)
            self.ledger.problem(str(error))
            raise error
        call = self._decided(request)
        if call.decision.action is Action.REFUSE:
            self.ledger.add(CallRecord(call.name, None, checked=False, refused=True))
            raise call.decision.error
        if self.target is AriaTarget.STUB:
            response = self._ask_stub(call)
        else:
            response = self._replay(request, call)
        self._check(call, response)
        return response

    def append(self, request: Any, response: Mapping[str, Any]) -> None:
        """A sent request's answer: checked, counted, and written when recording."""
        __tracebackhide__ = True
        if not self.urls.matches(request.uri):
            return  # passed through; not ours to keep
        call = self._decided(request)
        if self.target is AriaTarget.RECORD and self.cassette is not None:
            self.cassette.append(recordable(request), response)
        self._check(call, response)

    # --- the answers ------------------------------------------------------------------------

    def _replays_when_recording(self, request: Any) -> bool:
        # vcrpy's record modes: "all" always sends; "once" replays an existing cassette and
        # refuses new calls; "new_episodes" replays what it has and sends the rest.
        cassette = self.cassette
        if cassette is None or cassette.record_mode == "all":
            return False
        return recordable(request) in cassette or cassette.write_protected

    def _refused_elsewhere(self, request: Any) -> AriaCall | None:
        """A request off the dispatcher path that names a method, when the guard refuses it.

        Aria's hosts run other PHP entry points (AdminTools, object queries) that may read a
        rest_call too: whatever the path, a call sent to a real target is judged.
        """
        __tracebackhide__ = True
        if not self.target.sends:
            return None
        call = read_call(request)
        if not call.readings.calls:
            if not self._on_live_host(request.uri):
                return None
            # no call to judge, but a real card must not reach the live host by any path
            call.decision = self._cards_decided(request, call)
        else:
            call = self._decided(request)
        return call if call.decision.action is Action.REFUSE else None

    def _on_live_host(self, uri: str) -> bool:
        from urllib.parse import urlsplit

        host = urlsplit(uri).netloc.rpartition("@")[2].lower()
        return host != "" and host == self.live_host

    def _cards_decided(self, request: Any, call: AriaCall) -> Any:
        __tracebackhide__ = True
        from harness.policy import decide_cards
        from harness.recording.cards import Wire

        wire = Wire(request.uri, request.headers or {}, recordable(request).body)
        return decide_cards(call.name, call.params, self.policy_target, wire)

    def _decided(self, request: Any) -> AriaCall:
        __tracebackhide__ = True
        from harness.recording.cards import Wire

        call = read_call(request)
        if call.decision is None:
            from harness.recording.logs import hunt_in_logs
            from harness.recording.scrub import sensitive_values

            hunt_in_logs(sensitive_values(call.params))
            wire = Wire(request.uri, request.headers or {}, recordable(request).body)
            call.decision = decide(
                call.name,
                call.params,
                self.policy_target,
                wire=wire,
                readings=call.readings.calls,
                unread=call.readings.unread,
            )
        return call

    def _ask_stub(self, call: AriaCall) -> dict[str, Any]:
        __tracebackhide__ = True
        from harness.stub.wire import JSON_CONTENT_TYPE, render

        params = call.params
        if not self.strict_credentials:
            # Production code configured for a sandbox runs unchanged: the stub answers as
            # its first tenant whatever credentials the code sends.
            params = {**params, **self.stub.credentials}
        if self.stub.faults:
            return self._ask_stub_over_the_wire(call, params)
        body = render(self.stub.call(call.method or "", **params))
        return _response(200, JSON_CONTENT_TYPE, body)

    def _ask_stub_over_the_wire(self, call: AriaCall, params: dict[str, Any]) -> dict[str, Any]:
        __tracebackhide__ = True
        # Injected faults include transport ones (an HTTP status, an HTML page, a cut body, a
        # dropped connection): the stub's HTTP core answers exactly what its server would.
        import json
        import time

        from harness.spec import DISPATCHER_PATH
        from harness.stub.wire import JSON_CONTENT_TYPE, WireRequest

        body = json.dumps({**params, "rest_call": call.method or ""}, default=str).encode()
        answer = self.stub.handle(WireRequest("POST", DISPATCHER_PATH, "", JSON_CONTENT_TYPE, body))
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            raise ConnectionResetError(f"the stub dropped the connection on {call.name}")
        return _response(answer.status, answer.content_type, answer.body)

    def _replay(self, request: Any, call: AriaCall) -> Any:
        __tracebackhide__ = True
        from vcr.errors import UnhandledHTTPRequestError

        try:
            return self.cassette.play_response(recordable(request))
        except UnhandledHTTPRequestError as exc:
            error = CassetteError(str(exc))  # the miss's description is masked where it is made
            self.ledger.problem(str(error))
            raise error from None

    def _check(self, call: AriaCall, response: Mapping[str, Any]) -> None:
        __tracebackhide__ = True
        status = response.get("status", {}).get("code", 200)
        headers = response.get("headers") or {}
        content_type = header(headers, "Content-Type")
        body = (response.get("body") or {}).get("string", b"")
        checked = check_answer(
            call.name, status=status, content_type=content_type, body=body, sent=call.params
        )
        record = CallRecord(call.name, None, checked=checked.checked)
        if checked.answer is not None:
            from harness.intercept.answers import error_code_of

            record.error_code = error_code_of(checked.answer)
            if call.method is not None:
                record.invoices = invoices_generated(call.method, call.params, checked.answer)
        if checked.violation is not None:
            record.violations = len(checked.violation.violations)
        self.ledger.add(record, checked.violation)
        if checked.violation is not None and self.raise_on_violation:
            raise checked.violation


def _unchunked(request: Any) -> None:
    # vcrpy's http.client stub (requests, urllib3, urllib) lists a generator body and sends it
    # joined in one piece, but keeps "Transfer-Encoding: chunked": the server would read the
    # unframed body as chunks (an empty request). Without the header a length is sent instead.
    headers = getattr(request, "headers", None)
    if not getattr(request, "_was_iter", False) or headers is None:
        return
    for name in [key for key in headers if str(key).lower() == "transfer-encoding"]:
        del headers[name]


def _response(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return {
        "status": {"code": status, "message": reason},
        "headers": {"Content-Type": [content_type], "Content-Length": [str(len(body))]},
        "body": {"string": body},
    }

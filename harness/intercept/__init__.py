"""Interception of the code under test's own Aria calls, whatever HTTP library makes them.

``intercept`` (a context manager and a decorator) routes every request to an Aria dispatcher,
made through requests, httpx (sync and async), urllib3, urllib.request or aiohttp, to the
selected target: the embedded stub in-process, a cassette, or the live target (recording or
not). Every call passes the one call policy (``harness.policy``) first and every answer is
checked against its method's contract. The pytest plugin uses the same machinery.
"""

from __future__ import annotations

from harness.intercept.answers import CallRecord, Ledger, check_answer
from harness.intercept.calls import AriaCall, AriaUrls, read_call
from harness.intercept.router import AriaTarget, NetworkBlockedError, Router
from harness.intercept.session import (
    CREDENTIAL_VARIABLES,
    REPLAY_CLIENT_NO,
    Connection,
    Interception,
    MissingCredentialsError,
    intercept,
    live_connection,
)

__all__ = [
    "CREDENTIAL_VARIABLES",
    "REPLAY_CLIENT_NO",
    "AriaCall",
    "AriaTarget",
    "AriaUrls",
    "CallRecord",
    "Connection",
    "Interception",
    "Ledger",
    "MissingCredentialsError",
    "NetworkBlockedError",
    "Router",
    "check_answer",
    "intercept",
    "live_connection",
    "read_call",
]

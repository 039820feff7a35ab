"""``intercept``: catch the code under test's own Aria calls, like moto's ``mock_aws``.

    with intercept():                       # the embedded stub, in-process
        billing.charge(...)                 # the app's own requests / httpx / aiohttp code

    @intercept(target="cassette", cassette="cassettes/charge.yaml")
    def test_charge(): ...

While active, vcrpy's patchers route every request the HTTP libraries make through a
``Router``; nothing else of vcrpy's cassette machinery is needed for the stub and live targets.
Leaving the block restores the libraries, writes the cassette when recording, and raises when
an answer broke its contract or a call found no recorded answer, even if the code caught it.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from harness.errors import CassetteError, ContractViolation, MissingCredentialsError
from harness.intercept.answers import Ledger
from harness.intercept.calls import AriaUrls
from harness.intercept.router import AriaTarget, Router
from harness.policy import Target
from harness.secrets import shown_url
from harness.spec import documented_error

__all__ = [
    "CREDENTIAL_VARIABLES",
    "REPLAY_CLIENT_NO",
    "Connection",
    "credential_errors_message",
    "only_credential_errors",
    "Interception",
    "MissingCredentialsError",
    "intercept",
    "live_connection",
]

F = TypeVar("F", bound=Callable[..., Any])

CREDENTIAL_VARIABLES = ("ARIA_CLIENT_NO", "ARIA_AUTH_KEY")
# What the code under test is given on replay: an int, as a real client_no is (the cassette
# matcher ignores credentials, so any value replays). No real tenant uses it.
REPLAY_CLIENT_NO = 9000001
REPLAY_AUTH_KEY = "replayed-auth-key"
REPLAY_URL = "https://aria-replay.invalid"
STUB_URL = "https://aria-stub.invalid"
# Aria's authentication error (AuthenticationError in the description), and the invalid-input
# answer to credentials that are not even shaped right (client_no not an integer): an answer
# that says the call never ran.
_CREDENTIAL_WORDS = re.compile(r"client_no|auth_key", re.IGNORECASE)


@dataclass(frozen=True)
class Connection:
    """Where the code under test should send its Aria calls on the selected target."""

    base_url: str
    client_no: int
    auth_key: str = field(repr=False)

    @property
    def url(self) -> str:
        """The dispatcher URL."""
        from harness.spec import DISPATCHER_PATH

        return self.base_url.rstrip("/") + DISPATCHER_PATH


def live_connection(base_url: str | None = None) -> Connection:
    """The sandbox from ARIA_BASE_URL/ARIA_CLIENT_NO/ARIA_AUTH_KEY; refuses without them."""
    missing = [name for name in CREDENTIAL_VARIABLES if not os.environ.get(name)]
    url = base_url or os.environ.get("ARIA_BASE_URL")
    if not url:
        missing.insert(0, "ARIA_BASE_URL")
    if missing:
        raise MissingCredentialsError(missing)
    client_no = os.environ["ARIA_CLIENT_NO"]
    if not client_no.strip().isdigit():
        raise MissingCredentialsError(["ARIA_CLIENT_NO (an integer)"])
    return Connection(str(url), int(client_no), os.environ["ARIA_AUTH_KEY"])


class Interception:
    """An active (or ready) interception; a context manager and a decorator."""

    def __init__(
        self,
        target: str | AriaTarget = AriaTarget.STUB,
        *,
        cassette: str | os.PathLike[str] | None = None,
        record_mode: str | None = None,
        cassette_format: str | None = None,
        base_url: str | None = None,
        stub: Any = None,
        patterns: Iterable[str | re.Pattern[str]] = (),
        closed_network: bool = False,
        allow_invoicing: bool = False,
        strict_credentials: bool = False,
        raise_on_violation: bool = False,
        fail_on_exit: bool = True,
    ) -> None:
        self.target = AriaTarget.parse(target)
        if self.target in (AriaTarget.CASSETTE, AriaTarget.RECORD) and cassette is None:
            raise ValueError(f"the {self.target.value} target needs a cassette path")
        self.cassette_path = None if cassette is None else _existing_cassette(cassette)
        self.record_mode = record_mode
        self.cassette_format = cassette_format
        self.base_url = base_url
        self.stub = stub
        self.urls = AriaUrls(patterns)
        self.closed_network = closed_network
        self.allow_invoicing = allow_invoicing
        self.strict_credentials = strict_credentials
        self.raise_on_violation = raise_on_violation
        self.fail_on_exit = fail_on_exit
        self.ledger = Ledger()
        self.connection: Connection | None = None
        self._stack: contextlib.ExitStack | None = None
        self._cassette: Any = None

    # --- context manager --------------------------------------------------------------------

    def __enter__(self) -> Interception:
        if self._stack is not None:
            raise RuntimeError("this interception is already active")
        from harness.recording.logs import mask_logs

        mask_logs()  # the HTTP clients log request lines, query-string credentials included
        self.ledger = Ledger()
        self.connection = self._connect()
        self._cassette = self._open_cassette()
        router = Router(
            target=self.target,
            policy_target=Target(
                shown_url(self.connection.base_url),
                is_stub=self.target is AriaTarget.STUB,
                allow_invoicing=self.allow_invoicing,
            ),
            ledger=self.ledger,
            urls=self.urls,
            stub=self.stub,
            cassette=self._cassette,
            closed_network=self.closed_network,
            strict_credentials=self.strict_credentials,
            raise_on_violation=self.raise_on_violation,
            live_url=self.connection.base_url if self.target.sends else None,
        )
        from vcr.patch import CassettePatcherBuilder

        stack = contextlib.ExitStack()
        try:
            for patcher in CassettePatcherBuilder(router).build():
                stack.enter_context(patcher)
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(self, *exc_info: Any) -> None:
        __tracebackhide__ = True  # pytest prints frame arguments: the call's params
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()
        self._save()
        if self.fail_on_exit and exc_info[0] is None:
            self.raise_for_failures()

    def raise_for_failures(self) -> None:
        """Raise when an answer broke its contract or a call went unanswered."""
        __tracebackhide__ = True
        message = self.ledger.failure()
        if message is None:
            return
        if self.ledger.violations and not self.ledger.problems:
            raise ContractViolation.merged(self.ledger.violations)
        raise CassetteError(message)

    # --- decorator --------------------------------------------------------------------------

    def __call__(self, function: F) -> F:
        """Run ``function`` (sync or async) inside this interception."""
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                __tracebackhide__ = True
                with self._copy():
                    return await function(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            with self._copy():
                return function(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _copy(self) -> Interception:
        # A decorated function may run again (or concurrently): each run gets its own state.
        clone = object.__new__(Interception)
        clone.__dict__.update(self.__dict__)
        clone._stack = None
        return clone

    # --- targets ----------------------------------------------------------------------------

    def _connect(self) -> Connection:
        if self.target is AriaTarget.STUB:
            if self.stub is None:
                from harness.stub import Stub

                self.stub = Stub()
            client_no, auth_key = self.stub.service.default_credentials
            return Connection(self.base_url or STUB_URL, int(client_no), auth_key)
        if self.target is AriaTarget.CASSETTE:
            return Connection(self.base_url or REPLAY_URL, REPLAY_CLIENT_NO, REPLAY_AUTH_KEY)
        return live_connection(self.base_url)

    def _open_cassette(self) -> Any:
        if self.cassette_path is None or self.target in (AriaTarget.STUB, AriaTarget.LIVE):
            return None
        from harness.recording.config import aria_vcr
        from harness.recording.index import AriaCassette
        from harness.recording.persist import format_of_path

        if self.target is AriaTarget.CASSETTE:
            if not self.cassette_path.exists():
                raise CassetteError(
                    "the cassette does not exist; record it with --aria-target=record",
                    path=str(self.cassette_path),
                )
            mode = "none"
        else:
            mode = self.record_mode or "all"
        fmt = format_of_path(self.cassette_path, self.cassette_format)
        config = aria_vcr(record_mode=mode, fmt=fmt).get_merged_config(
            path=os.fspath(self.cassette_path)
        )
        for key in ("path_transformer", "func_path_generator", "record_on_exception"):
            config.pop(key, None)
        return AriaCassette.load(**config)

    def _save(self) -> None:
        cassette, self._cassette = self._cassette, None
        if cassette is None or self.target is not AriaTarget.RECORD:
            return
        if only_credential_errors(cassette):
            self.ledger.problem(credential_errors_message(self.cassette_path))
            return
        cassette._save()


def credential_errors_message(path: Any) -> str:
    """Why a recording of only credential errors was not written."""
    return (
        f"{path}: not written: every recorded answer is a credential error; "
        f"check {' and '.join(CREDENTIAL_VARIABLES)}"
    )


def only_credential_errors(cassette: Any) -> bool:
    """True when a cassette recorded answers in this session and every one is a credential
    error: such a recording says nothing about the target and must not be written."""
    import json

    recorded = cassette.data[cassette._loaded_count :]
    if not recorded:
        return False
    for _, response in recorded:
        try:
            answer = json.loads((response.get("body") or {}).get("string") or b"")
            code = int(answer.get("error_code"))
        except (TypeError, ValueError, AttributeError):
            return False
        message = str(answer.get("error_msg") or "")
        auth_error = documented_error("AuthenticationError").code
        if code != auth_error and not _CREDENTIAL_WORDS.search(message):
            return False
    return True


def intercept(
    function: Callable[..., Any] | None = None,
    /,
    *,
    target: str | AriaTarget = AriaTarget.STUB,
    **options: Any,
) -> Any:
    """Catch the code's own Aria calls: ``with intercept(...)`` or as a decorator."""
    interception = Interception(target, **options)
    if function is not None:
        return interception(function)
    return interception


def _existing_cassette(path: str | os.PathLike[str]) -> Path:
    # a recording made as name.yaml keeps replaying when the name asked for is name.json
    from harness.recording.config import existing_cassette

    return existing_cassette(path)

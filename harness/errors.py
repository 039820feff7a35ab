"""Every error the harness raises.

    HarnessError
    ├── SpecError            the bundled description or a contract cannot be loaded
    ├── UnknownMethodError   a method name the registry does not know (also a KeyError)
    ├── ContractViolation    a response breaks its method's contract (also an AssertionError)
    ├── AriaError            Aria answered with a non-zero error_code (raise_on_error=True)
    ├── InvoiceGuardError    an invoice-generating call was refused before it was sent
    ├── RealCardError        a call carrying a real card number was refused before it was sent
    ├── CassetteError        a cassette cannot be read, matched, scrubbed or written
    ├── DescriptionError     an API description (or a methods list) given is missing or malformed
    ├── FetchError           an API description URL could not be fetched
    ├── MissingCredentialsError  recording or a live run without the sandbox's credentials
    ├── NetworkBlockedError  a request to another host while the network is closed
    │                        (also a ConnectionError)
    ├── DriftUsageError      a drift run that cannot start as configured
    ├── BudgetExhausted      a fuzz run's request budget is spent
    ├── FixtureError         a stub fixture that cannot be read or breaks the format
    ├── StoreError           the stub's database file cannot be opened or is not the stub's
    └── InjectedTransportFault  an in-process stub call hit a wire-only injected fault

Context is keyword-only, so messages stay readable and fields stay inspectable. Messages that
quote what a server answered (``AriaError``, ``ContractViolation``) pass through the one masker,
``harness.secrets.mask_text``: an echoed card, key or e-mail never reaches a traceback;
given ``sent=`` (the call's parameters), values sent in sensitive fields are hunted too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.contracts.violations import Violation

__all__ = [
    "AriaError",
    "BudgetExhausted",
    "CassetteError",
    "ContractViolation",
    "DescriptionError",
    "DriftUsageError",
    "FetchError",
    "FixtureError",
    "HarnessError",
    "InjectedTransportFault",
    "InvoiceGuardError",
    "MissingCredentialsError",
    "NetworkBlockedError",
    "RealCardError",
    "SpecError",
    "StoreError",
    "UnknownMethodError",
]


def _sent_secrets(sent: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The values a call sent in sensitive fields (credentials included): hunted in messages."""
    if not sent:
        return ()
    from harness.echoes import sensitive_values

    return sensitive_values(sent)


def _masked(text: str, secrets: Sequence[str] = ()) -> str:
    """Secret shapes masked, and echoes of what the call sent in sensitive fields."""
    from harness.echoes import mask_message

    return mask_message(text, secrets)


class HarnessError(Exception):
    """The root of every error aria-harness raises."""


class SpecError(HarnessError):
    """The bundled OpenAPI description or a contract is missing or malformed."""


class UnknownMethodError(HarnessError, KeyError):
    """A method name that the registry does not describe."""

    def __init__(self, method: str, *, known: Sequence[str]) -> None:
        self.method = method
        self.known = tuple(known)
        super().__init__(f"unknown Aria method {method!r}; known methods: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


class ContractViolation(HarnessError, AssertionError):
    """A response that breaks its method's contract; pytest shows it as a plain assertion."""

    def __init__(
        self,
        method: str,
        *,
        violations: Sequence[Violation],
        sent: Mapping[str, Any] | None = None,
    ) -> None:
        self.method = method
        self.violations = tuple(violations)
        # kept (not the params themselves) so that merged violations stay masked
        self.secrets = _sent_secrets(sent)
        lines = [f"{method}: {len(self.violations)} contract violation(s)"]
        lines += [f"  - {v}" for v in self.violations]
        super().__init__(_masked("\n".join(lines), self.secrets))

    @classmethod
    def merged(cls, errors: Sequence[ContractViolation]) -> ContractViolation:
        """One violation of several calls' (the first call's method), each masked as before."""
        merged = cls(errors[0].method, violations=[v for error in errors for v in error.violations])
        merged.secrets = tuple(sorted({s for error in errors for s in error.secrets}))
        merged.args = (_masked(str(merged.args[0]), merged.secrets),)
        return merged


class AriaError(HarnessError):
    """Aria answered with a non-zero error_code."""

    def __init__(
        self, method: str, *, code: int, message: str, sent: Mapping[str, Any] | None = None
    ) -> None:
        self.method = method
        self.code = code
        self.message = _masked(str(message), _sent_secrets(sent))
        super().__init__(f"{method} failed with error_code {code}: {self.message}")


class InvoiceGuardError(HarnessError):
    """An invoice-generating call to a real Aria target was refused before it was sent."""

    def __init__(self, method: str, *, condition: str, target: str) -> None:
        self.method = method
        self.condition = condition
        self.target = target
        super().__init__(
            f"refused {method} against {target}: it can generate an invoice ({condition}). "
            "Allow it with --aria-allow-invoicing, the aria_generates_invoice marker, "
            "or --allow-invoicing on the CLI; or pass do_write=false where the method has it."
        )


class RealCardError(HarnessError):
    """A call carried a real card number (Luhn-valid, not a published test card)."""

    def __init__(self, method: str, *, fields: list[str]) -> None:
        self.method = method
        self.fields = tuple(fields)
        super().__init__(
            f"refused {method}: {', '.join(fields)} holds a Luhn-valid card number that is not a "
            "published test card; use a test card number against a sandbox"
        )


class CassetteError(HarnessError):
    """A cassette that cannot be read, matched, scrubbed or written."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class DescriptionError(HarnessError):
    """An API description (a file, a URL's answer) or a methods list, missing or malformed."""


class FetchError(HarnessError):
    """An API description URL that did not answer, or answered with an error."""


class MissingCredentialsError(HarnessError):
    """Recording or a live run was asked for without the sandbox's credentials."""

    def __init__(self, missing: Iterable[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"set {' and '.join(self.missing)} to the sandbox's credentials before recording "
            "or running against a live Aria target"
        )


class NetworkBlockedError(HarnessError, ConnectionError):
    """A request to a host other than Aria while the network is closed."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"blocked a request to {url}: the network is closed to everything but Aria calls"
        )


class DriftUsageError(HarnessError):
    """A drift run that cannot start as configured (missing credentials, no cassettes)."""


class BudgetExhausted(HarnessError):
    """The run's request budget is spent; no further request is sent."""

    def __init__(self, *, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the request budget of {limit} requests is spent")


class FixtureError(HarnessError):
    """A stub fixture that cannot be read or does not follow the format."""


class StoreError(HarnessError):
    """The stub's database file cannot be opened or is not a stub database."""


class InjectedTransportFault(HarnessError):
    """An in-process call hit a fault that only exists on the wire (drop, html, ...)."""

    def __init__(self, kind: str, *, method: str | None) -> None:
        self.kind = kind
        self.method = method
        super().__init__(f"injected {kind} fault on {method or 'the request'}")

"""Aria's errors as the stub raises them, and the one place they become an envelope.

    AriaFault                       any error the stub answers with (code, message)
    ├── MethodNotFound
    ├── UnexpectedError
    │   └── NotSimulated            a described method the stub does not simulate
    ├── NoDataFound
    ├── AuthenticationError
    ├── AccountNotFound
    ├── MissingParameter            "Missing required parameter: <name>"
    ├── InvalidInput                "invalid input: <detail>"
    ├── InvalidInvoiceMode          (gen_invoice_m)
    ├── InvalidCombineInvoices      (gen_invoice_m)
    ├── InvoiceInProgress           (gen_invoice_m)
    ├── InvalidPlanInstance         (gen_invoice_m)
    ├── InvalidClientPlanInstance   (gen_invoice_m)
    ├── InvalidBillingGroup         (gen_invoice_m)
    └── InvalidClientBillingGroup   (gen_invoice_m)

A class's code and default message are not written here: the description names each code
(``x-aria-error-names`` in openapi/aria.yaml) after the class that raises it, and gives its
documented text. Rules raise these; ``error_envelope`` turns one into the method's answer.
"""

from __future__ import annotations

import functools
from typing import Any

from harness.spec import ErrorCode, documented_error, registry

__all__ = [
    "AccountNotFound",
    "AriaFault",
    "AuthenticationError",
    "InvalidBillingGroup",
    "InvalidClientBillingGroup",
    "InvalidClientPlanInstance",
    "InvalidCombineInvoices",
    "InvalidInput",
    "InvalidInvoiceMode",
    "InvalidPlanInstance",
    "InvoiceInProgress",
    "MethodNotFound",
    "MissingParameter",
    "NoDataFound",
    "NotSimulated",
    "UnexpectedError",
    "error_envelope",
    "fault_for_code",
]


class AriaFault(Exception):
    """An error the stub answers with: Aria's error_code and error_msg.

    A subclass named in the description takes its code and message from there; ``code=``
    answers any other code (an injected fault) with the message given.
    """

    def __init__(self, message: str | None = None, *, code: int | None = None) -> None:
        if code is None:
            documented = self.documented()
            code, message = documented.code, message or documented.message
        self.code: int = code
        self.message: str = message or ""
        super().__init__(self.message)

    @classmethod
    def documented(cls) -> ErrorCode:
        """The description's entry for this class (or the nearest base it names)."""
        # found once per class: every error answer raises one, and the walk up its bases and
        # the registry's names gives the same entry each time
        found = _DOCUMENTED.get(cls)
        if found is None:
            named = registry().named_codes
            entry = next((named[k.__name__] for k in cls.__mro__ if k.__name__ in named), None)
            found = _DOCUMENTED[cls] = (
                entry if entry is not None else documented_error("UnexpectedError")
            )
        return found


_DOCUMENTED: dict[type[AriaFault], ErrorCode] = {}


class MethodNotFound(AriaFault):
    """The rest_call names no method the stub knows."""

    def __init__(self, detail: str | None = None) -> None:
        base = self.documented().message
        super().__init__(f"{base}: {detail}" if detail else None)


class UnexpectedError(AriaFault):
    """A bug in the stub, never bad input."""


class NotSimulated(UnexpectedError):
    """A method the description has (so it is real Aria's) that the stub does not simulate.

    Aria has no such answer; 1001 is the generic code every method may answer with, so the
    envelope still passes the method's contract, and the message says what happened.
    """

    def __init__(self, method: str) -> None:
        super().__init__(
            f"{method} is described but not simulated by the aria-harness stub: replay it from "
            "a cassette or call a sandbox"
        )


class NoDataFound(AriaFault):
    """Nothing matches the request (no invoice, nothing to bill)."""


class AuthenticationError(AriaFault):
    """Unknown client_no or wrong auth_key."""


class AccountNotFound(AriaFault):
    """The account fields resolve to no account of this client."""


class MissingParameter(AriaFault):
    """A required input is absent or empty."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(self.documented().message.replace("<name>", name))


class InvalidInput(AriaFault):
    """An input of the wrong type, too long, out of range or not one of its values."""

    def __init__(self, detail: str | None = None) -> None:
        base = self.documented().message
        super().__init__(f"{base}: {detail}" if detail else None)


class InvalidInvoiceMode(AriaFault):
    """gen_invoice_m: invoice_mode is neither 0 nor 1."""


class InvalidCombineInvoices(AriaFault):
    """gen_invoice_m: combine_invoices is not 1, 2 or 3."""


class InvoiceInProgress(AriaFault):
    """gen_invoice_m: another invoice of the billing group is still being generated."""


class InvalidPlanInstance(AriaFault):
    """gen_invoice_m: no such master plan instance."""


class InvalidClientPlanInstance(AriaFault):
    """gen_invoice_m: no such client-defined master plan instance."""


class InvalidBillingGroup(AriaFault):
    """gen_invoice_m: no such billing group."""


class InvalidClientBillingGroup(AriaFault):
    """gen_invoice_m: no such client-defined billing group."""


def error_envelope(method: str | None, fault: AriaFault) -> dict[str, Any]:
    """The answer to a failed call: error_code first, every output field null, error_msg last.

    ``method`` is None or not described when the request named no method the stub knows;
    the answer then carries the code and message alone.
    """
    answer: dict[str, Any] = {"error_code": fault.code}
    if method is not None and method in registry():
        answer.update(_null_outputs(method))
    answer["error_msg"] = fault.message
    return answer


@functools.cache
def _null_outputs(method: str) -> dict[str, None]:
    """A described method's output fields but the two envelope keys, each null (built once per
    method, only for described ones: a request's made-up name never enters the cache)."""
    fields = registry()[method].output_fields
    return {name: None for name in fields if name not in ("error_code", "error_msg")}


@functools.cache
def fault_for_code(code: int) -> type[AriaFault] | None:
    """The class the description names for ``code``, if the stub has one."""
    pending: list[type[AriaFault]] = [AriaFault]
    while pending:
        klass = pending.pop()
        pending.extend(klass.__subclasses__())
        named = registry().named_codes.get(klass.__name__)
        if named is not None and named.code == code:
            return klass
    return None

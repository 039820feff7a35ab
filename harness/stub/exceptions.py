"""Aria's errors as the stub raises them, and the one place they become an envelope.

    AriaFault                       any error the stub answers with (code, message)
    ├── MethodNotFound          -1
    ├── UnexpectedError       1001
    ├── NoDataFound           1002
    ├── AuthenticationError   1004
    ├── AccountNotFound       1009
    ├── MissingParameter      1010  "Missing required parameter: <name>"
    ├── InvalidInput          1016
    ├── InvalidInvoiceMode    1059  (gen_invoice_m)
    ├── InvalidCombineInvoices 1068 (gen_invoice_m)
    ├── InvoiceInProgress     3108  (gen_invoice_m)
    ├── InvalidPlanInstance   14046 (gen_invoice_m)
    ├── InvalidClientPlanInstance 14047 (gen_invoice_m)
    ├── InvalidBillingGroup   26010 (gen_invoice_m)
    └── InvalidClientBillingGroup 26012 (gen_invoice_m)

Rules raise these; ``error_envelope`` turns one into the method's answer. Messages are the
documented texts (aria-docs/gen_invoice_m.txt, the generic codes of DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

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
]


class AriaFault(Exception):
    """An error the stub answers with: Aria's error_code and error_msg."""

    code: ClassVar[int] = 1001
    default_message: ClassVar[str] = "unexpected error"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class MethodNotFound(AriaFault):
    """The rest_call names no method the stub knows."""

    code = -1
    default_message = "method not found"


class UnexpectedError(AriaFault):
    """A bug in the stub, never bad input."""

    code = 1001
    default_message = "unexpected error"


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

    code = 1002
    default_message = "no data found"


class AuthenticationError(AriaFault):
    """Unknown client_no or wrong auth_key."""

    code = 1004
    default_message = "authentication error"


class AccountNotFound(AriaFault):
    """The account fields resolve to no account of this client."""

    code = 1009
    default_message = "account does not exist"


class MissingParameter(AriaFault):
    """A required input is absent or empty."""

    code = 1010
    default_message = "Missing required parameter"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Missing required parameter: {name}")


class InvalidInput(AriaFault):
    """An input of the wrong type, too long, out of range or not one of its values."""

    code = 1016
    default_message = "invalid input"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(f"invalid input: {detail}" if detail else None)


class InvalidInvoiceMode(AriaFault):
    code = 1059
    default_message = "Invalid input: invoice_mode should be either 0 or 1"


class InvalidCombineInvoices(AriaFault):
    code = 1068
    default_message = (
        "Combine invoices must be either 1-Long Cycle or 2-Short Cycle or 3-Consider Client Param."
    )


class InvoiceInProgress(AriaFault):
    code = 3108
    default_message = (
        "The invoice for this account cannot be generated at this time, since there is another "
        "invoice in progress for the same billing group."
    )


class InvalidPlanInstance(AriaFault):
    code = 14046
    default_message = "Invalid master_plan_instance_id"


class InvalidClientPlanInstance(AriaFault):
    code = 14047
    default_message = "Invalid client_master_plan_instance_id"


class InvalidBillingGroup(AriaFault):
    code = 26010
    default_message = "Invalid billing group number"


class InvalidClientBillingGroup(AriaFault):
    code = 26012
    default_message = "Invalid client-defined billing group ID."


def error_envelope(output_fields: Sequence[str], fault: AriaFault) -> dict[str, Any]:
    """The answer to a failed call: error_code first, every output field null, error_msg last."""
    answer: dict[str, Any] = {"error_code": fault.code}
    for name in output_fields:
        if name not in ("error_code", "error_msg"):
            answer[name] = None
    answer["error_msg"] = fault.message
    return answer

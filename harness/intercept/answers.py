"""Check one answer against its method's contract, whoever carried it, and count what it did.

``AriaClient`` and the interception both read answers through ``check_answer``, so a planted
``"error_code": 0`` or an undocumented code fails the same way on either path.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ContractViolation

__all__ = ["CallRecord", "CheckedAnswer", "Ledger", "check_answer"]


@dataclass
class CallRecord:
    """What one call did: for the plugin's per-test summary."""

    method: str
    error_code: int | None
    invoices: int = 0
    violations: int = 0
    checked: bool = True  # False when the description lacks the method: no contract to check
    refused: bool = False


@dataclass
class CheckedAnswer:
    """An answer read as Aria's envelope, and how it breaks the contract (if it does)."""

    answer: dict[str, Any] | None
    violation: ContractViolation | None
    checked: bool


def check_answer(
    method: str,
    *,
    status: int,
    content_type: str | None,
    body: bytes | str,
    sent: Mapping[str, Any] | None = None,
) -> CheckedAnswer:
    """Read an answer as Aria's envelope and validate it against the method's contract.

    ``sent`` (the call's parameters, credentials included): echoes of its sensitive values are
    masked in the violation's message.
    """
    __tracebackhide__ = True  # pytest would print the answer and what was sent as arguments
    from harness.contracts import Violation
    from harness.spec import registry

    problem: tuple[str, str] | None = None
    answer: Any = None
    if status != 200:
        # Aria answers every call, errors included, with HTTP 200
        problem = ("HTTP status 200", f"HTTP status {status}")
    else:
        try:
            answer = json.loads(body)
        except ValueError:
            kind = content_type or "no content type"
            problem = ("a JSON body", f"a {kind} body of {len(body)} bytes")
        else:
            if not isinstance(answer, dict):
                problem = ("a JSON object", type(answer).__name__)
    if problem is not None:
        expected, actual = problem
        envelope = Violation(
            method, "", expected, actual, "the answer is not Aria's envelope", "envelope"
        )
        return CheckedAnswer(
            None, ContractViolation(method, violations=[envelope], sent=sent), True
        )
    if method not in registry():
        return CheckedAnswer(answer, None, False)
    from harness.contracts import validate

    violations = validate(method, answer)
    violation = ContractViolation(method, violations=violations, sent=sent) if violations else None
    return CheckedAnswer(answer, violation, True)


def error_code_of(answer: Mapping[str, Any] | None) -> int | None:
    """The answer's error_code as an int, or None."""
    try:
        return int(answer.get("error_code")) if answer is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def invoices_generated(method: str, params: Mapping[str, Any], answer: Mapping[str, Any]) -> int:
    """How many invoices a successful call generated, as far as its answer names them."""
    from harness.policy import invoice_condition
    from harness.spec import registry

    if error_code_of(answer) != 0 or invoice_condition(method, params) is None:
        return 0
    specs = registry()
    # a method only the guard's list names: its answer's invoice_no, if any
    fields = specs[method].invoicing.invoice_fields if method in specs else ("invoice_no",)
    numbers: set[str] = set()
    for field in fields:
        array, _, item_field = field.partition("[].")
        if item_field:
            items = answer.get(array)
            values = (
                [i.get(item_field) for i in items if isinstance(i, Mapping)]
                if isinstance(items, list)
                else []
            )
        else:
            values = [answer.get(field)]
        numbers.update(str(v) for v in values if v not in (None, "", 0, "0"))
    return len(numbers)


@dataclass
class Ledger:
    """Every intercepted call of one test (or one ``with`` block): counts and failures."""

    calls: list[CallRecord] = field(default_factory=list)
    violations: list[ContractViolation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, record: CallRecord, violation: ContractViolation | None = None) -> None:
        """Count one call, and keep its violation for the end of the test."""
        with self._lock:
            self.calls.append(record)
            if violation is not None:
                self.violations.append(violation)

    def problem(self, message: str) -> None:
        """Keep a failure the sender may have swallowed (a cassette miss, a blocked host)."""
        with self._lock:
            self.problems.append(message)

    def summary(self) -> dict[str, int]:
        """The per-test counts the plugin reports."""
        return {
            "calls": len(self.calls),
            "invoices": sum(call.invoices for call in self.calls),
            "violations": sum(call.violations for call in self.calls),
            # methods the description lacks; a refused call has no answer to check
            "unchecked": sum(not call.checked and not call.refused for call in self.calls),
            "refused": sum(call.refused for call in self.calls),
        }

    def failure(self) -> str | None:
        """Why the test fails although the code under test may have caught it, or None."""
        if not self.violations and not self.problems:
            return None
        lines = [str(violation) for violation in self.violations] + self.problems
        return "Aria calls made by the code under test failed:\n" + "\n".join(lines)

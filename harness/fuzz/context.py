"""What the Aria checks and hooks know about one fuzzed target, attached to its schema.

Schemathesis hands a check only ``(ctx, response, case)``; the Aria facts about the run (the
credentials to inject, whether the target is a sandbox, the request budget, how to read the
stub's state digest) live in a ``FuzzContext`` found from ``case.operation.schema``. A schema
loaded without our helper has no context: the checks then judge responses with defaults.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.spec import MethodSpec, registry

__all__ = ["Budget", "FuzzContext", "attach", "context_of", "context_of_schema", "method_of"]

# A schema's raw document is shared by every filtered copy schemathesis makes of the schema
# (include/exclude), so it is the key that survives filtering.
_CONTEXTS: dict[int, FuzzContext] = {}
_LOCK = threading.Lock()


class Budget:
    """A thread-safe count of the requests a run may still send (None: unlimited)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Spend one request; False when the budget is exhausted (nothing is spent)."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                return False
            self.used += 1
            return True

    @property
    def exhausted(self) -> bool:
        """True once every request of the budget has been spent."""
        return self.limit is not None and self.used >= self.limit


@dataclass
class FuzzContext:
    """The Aria facts about one fuzzed target."""

    credentials: tuple[int, str] | None = None
    # A target that is not the embedded stub: invoice-generating calls need a dry run.
    guarded: bool = False
    budget: Budget = field(default_factory=lambda: Budget(None))
    state_digest: Callable[[], str] | None = None
    # A counter that moves whenever the state may have changed (the stub's change count): while
    # it stands still the last digest still holds, so the digest is taken only after a write.
    change_count: Callable[[], int] | None = None
    # Every invoice of the target (invoice_no, kind, orig_invoice_no, total), for the invariants
    # that need what no answer carries (a rebill's credit memo); None where it cannot be read.
    ledger: Callable[[], Sequence[Mapping[str, Any]]] | None = None
    # Identifier values known to exist on the target, so some generated calls can succeed.
    known_values: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    # Bodies that fit the target, per method, for the stateful phase to start from.
    sequence_seeds: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    # One generated case in this many keeps its own (usually wrong) credentials.
    credential_probe_every: int = 10
    skipped: dict[str, str] = field(default_factory=dict)
    guard_rewrites: int = 0
    _digests: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    _last_digest: tuple[int, str] | None = None
    _raw: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember_state(self, case_id: str) -> None:
        """Note the target's state just before a dry-run call."""
        count, digest = self._current_digest()
        with self._lock:
            self._digests[case_id] = (count, digest)

    def state_changed(self, case_id: str) -> bool | None:
        """Whether the state differs from the one noted before a call; None if none was noted."""
        with self._lock:
            before = self._digests.pop(case_id, None)
        if before is None:
            return None
        count_before, digest_before = before
        if count_before is not None and self.change_count is not None:
            if self.change_count() == count_before:
                return False  # nothing was written at all
        return self._current_digest()[1] != digest_before

    def _current_digest(self) -> tuple[int | None, str]:
        assert self.state_digest is not None, "only called where a digest is available"
        if self.change_count is None:
            return None, self.state_digest()
        count = self.change_count()
        last = self._last_digest
        if last is not None and last[0] == count:
            return last
        digest = self.state_digest()
        with self._lock:
            self._last_digest = (count, digest)
        return count, digest

    def count_rewrite(self) -> None:
        """Note that the guard forced a dry run on a call."""
        with self._lock:
            self.guard_rewrites += 1


def attach(schema: Any, context: FuzzContext) -> None:
    """Make a context the one the checks and hooks see for a schema and its filtered copies."""
    context._raw = schema.raw_schema
    with _LOCK:
        _CONTEXTS[id(schema.raw_schema)] = context


def context_of(case: Any) -> FuzzContext | None:
    """The context of the schema a case belongs to, if it was loaded through our helper."""
    return context_of_schema(case.operation.schema)


def context_of_schema(schema: Any) -> FuzzContext | None:
    """The context attached to a schema (or to the schema it was filtered from)."""
    raw = getattr(schema, "raw_schema", None)
    context = _CONTEXTS.get(id(raw))
    return context if context is not None and context._raw is raw else None


def method_of(case: Any) -> MethodSpec | None:
    """The Aria method a case calls, or None for an operation that is not an Aria method."""
    name = case.operation.definition.raw.get("x-aria-method")
    if name is None or name not in registry():
        return None
    return registry()[name]

"""``StubService``: the stub's domain behind one call, ``call(method, params) -> envelope``.

Every answer is a whole Aria envelope: error_code, error_msg and every output field of the
method. On an error the output fields are null, error_code first and error_msg last, as in real
traffic. Nothing raises out of ``call``: bad input gets the fitting Aria code and a bug in the
stub 1001 "unexpected error" (logged with its traceback, never returned).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.spec import registry
from harness.stub.coercion import coerce_params
from harness.stub.context import CallContext
from harness.stub.exceptions import (
    AriaFault,
    AuthenticationError,
    InvalidInput,
    MethodNotFound,
    NotSimulated,
    UnexpectedError,
    error_envelope,
)
from harness.stub.fixtures import build_world, read_fixture
from harness.stub.models import Tenant, World
from harness.stub.routes import ROUTES
from harness.stub.store import Store, Transaction

__all__ = ["StubService"]

log = logging.getLogger(__name__)

FixtureSource = str | os.PathLike[str] | Mapping[str, Any] | None


class _Envelope:
    """A method's successful answer: error_code 0, every output field, error_msg "OK"."""

    __slots__ = ("_fields", "_template")

    def __init__(self, outputs: tuple[str, ...]) -> None:
        # every output field in the envelope's order, null until the handler's answer fills it
        self._template: dict[str, Any] = {
            name: 0 if name == "error_code" else "OK" if name == "error_msg" else None
            for name in outputs
        }
        self._fields = frozenset(outputs) - {"error_code", "error_msg"}

    def fill(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        """The envelope around a handler's answer: its output fields, nothing else it holds."""
        if answer.keys() <= self._fields:
            # the usual answer names only output fields: copying the template and updating it
            # keeps the envelope's order at C speed, where a comprehension over the fields
            # costs a Python step per field (27 for create_order_m)
            envelope = self._template.copy()
            envelope.update(answer)
            return envelope
        fields = self._fields
        return {
            name: answer.get(name) if name in fields else value
            for name, value in self._template.items()
        }


class StubService:
    """The stateful Aria stub without HTTP: tenants, accounts, invoices and a virtual clock."""

    def __init__(self, *, fixtures: FixtureSource = None, db: str | os.PathLike | None = None):
        self._world: World = build_world(read_fixture(fixtures))
        # each routed method's answer template, built on its first call: the methods generated
        # from Swagger live in a layer that only a call of one of them should load
        self._outputs: dict[str, _Envelope] = {}
        # Calls of described methods the stub does not simulate, by method (for summaries).
        self.not_simulated: Counter[str] = Counter()
        self._store = Store(db)
        with self._store.transaction() as tx:
            # a file database written with the same fixture keeps its state across restarts
            if tx.get_meta("fixture_digest") != self._world.digest:
                self._store.wipe(tx)
                self._seed(tx)

    def call(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Answer one Aria call with its whole envelope; never raises."""
        outputs = self._outputs.get(method) if isinstance(method, str) else None
        if outputs is None and isinstance(method, str) and method in ROUTES:
            outputs = self._outputs[method] = _Envelope(registry()[method].output_fields)
        if outputs is None:
            if isinstance(method, str) and method in registry():
                return self._not_simulated(method, params)
            name = method if isinstance(method, str) else repr(method)
            return error_envelope(None, MethodNotFound(name[:100]))
        try:
            # a dict (every wire format's) answers by its type before the Mapping ABC's check
            if type(params) is not dict and not isinstance(params, Mapping):
                raise InvalidInput("the request parameters must be an object")
            coerced = coerce_params(method, params)
            tenant = self._authenticate(coerced)
            answer = ROUTES[method](CallContext(tenant, self._store), coerced)
        except AriaFault as fault:
            return error_envelope(method, fault)
        except Exception:
            log.exception("stub: unexpected error in %s", method)
            return error_envelope(method, UnexpectedError())
        return outputs.fill(answer)

    def _not_simulated(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """A described method without a route: inputs and credentials checked, then 1001."""
        self.not_simulated[method] += 1
        try:
            if not isinstance(params, Mapping):
                raise InvalidInput("the request parameters must be an object")
            self._authenticate(coerce_params(method, params))
            raise NotSimulated(method)
        except AriaFault as fault:
            return error_envelope(method, fault)

    def _authenticate(self, params: Mapping[str, Any]) -> Tenant:
        tenant = self._world.tenants.get(params.get("client_no"))  # type: ignore[arg-type]
        key = params.get("auth_key")
        if tenant is None or not isinstance(key, str):
            raise AuthenticationError()
        if not hmac.compare_digest(tenant.auth_key.encode(), key.encode("utf-8", "replace")):
            raise AuthenticationError()
        return tenant

    def _seed(self, tx: Transaction) -> None:
        tx.set_meta("fixture_digest", self._world.digest)
        tx.start_sequences(dict(self._world.id_sequences))
        for tenant in self._world.tenants.values():
            now = datetime.now(UTC) + timedelta(hours=tenant.offset_hours)
            for account in tenant.accounts.values():
                tx.execute(
                    "INSERT INTO accounts (client_no, acct_no) VALUES (?, ?)",
                    (tenant.client_no, account.acct_no),
                )
                for mpi in account.mpis:
                    due = mpi.next_bill_date or (
                        (now + timedelta(days=mpi.bill_in_days)).date().isoformat()
                    )
                    tx.execute(
                        "INSERT INTO plan_instances (client_no, mpi_no, acct_no, next_bill_date) "
                        "VALUES (?, ?, ?, ?)",
                        (tenant.client_no, mpi.mpi_no, account.acct_no, due),
                    )

    def reset(self) -> None:
        """Back to the loaded fixtures: every invoice, order, payment and clock change dropped.

        An in-memory stub starts on a new database, so the memory its state took is given back.
        """
        if self._store.path == ":memory:":
            self._store.renew(self._seed)
            return
        with self._store.transaction() as tx:
            self._store.wipe(tx)
            self._seed(tx)

    def load_fixtures(self, fixtures: FixtureSource) -> None:
        """Replace the fixtures (validated first; a bad one changes nothing) and reset."""
        self._world = build_world(read_fixture(fixtures))
        self.reset()

    def dump_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot of every table."""
        return {"fixture_digest": self._world.digest, "tables": self._store.dump()}

    def state_digest(self) -> str:
        """sha256 of dump_state, to prove that a dry run wrote nothing."""
        text = json.dumps(self.dump_state(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def change_count(self) -> int:
        """A counter that moves on every write: while it stands still, state_digest does too."""
        return self._store.change_count()

    def plan_instances(self) -> list[dict[str, int]]:
        """Every master plan instance as ``client_no``, ``acct_no`` and ``mpi_no``."""
        rows = self._store.dump()["plan_instances"]
        return [{key: row[key] for key in ("client_no", "acct_no", "mpi_no")} for row in rows]

    def invoices(self) -> list[dict[str, Any]]:
        """Every invoice: invoice_no, acct_no, kind, status, orig_invoice_no and total."""
        keys = ("invoice_no", "acct_no", "kind", "status", "orig_invoice_no", "total")
        return [{key: row[key] for key in keys} for row in self._store.dump()["invoices"]]

    def identifiers(self) -> dict[str, list[Any]]:
        """Values a call may name and find, by Aria field (accounts, instances, invoices, SKUs)."""
        tenants = self._world.tenants.values()
        accounts = [account for tenant in tenants for account in tenant.accounts.values()]
        found: dict[str, list[Any]] = {
            "acct_no": [account.acct_no for account in accounts],
            "client_acct_id": [account.client_acct_id for account in accounts],
            "master_plan_instance_no": [mpi.mpi_no for a in accounts for mpi in a.mpis],
            "invoice_no": [row["invoice_no"] for row in self.invoices()],
            "client_sku": [sku for tenant in tenants for sku in tenant.items],
        }
        return {field: sorted(set(values), key=str) for field, values in found.items()}

    @property
    def default_credentials(self) -> tuple[int, str]:
        """(client_no, auth_key) of the fixture's first tenant."""
        tenant = next(iter(self._world.tenants.values()))
        return tenant.client_no, tenant.auth_key

    def close(self) -> None:
        """Release the store; a file database keeps its state."""
        self._store.close()

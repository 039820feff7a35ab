"""Shared fixtures for the stub tests: a Stub over the real service, a client, a live server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from harness.contracts import validate
from harness.spec import DISPATCHER_PATH, registry
from harness.stub import Stub, running_stub
from harness.stub.server import StubServer
from harness.stub.service import StubService

DISPATCHER = DISPATCHER_PATH


def wsgi_call(
    stub: Stub,
    *,
    method: str = "POST",
    path: str = DISPATCHER_PATH,
    query: str = "",
    content_type: str | None = None,
    body: bytes = b"",
    environ: dict[str, Any] | None = None,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Drive the WSGI callable directly; returns (status line, headers, body)."""
    import io

    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        captured["status"], captured["headers"] = status, headers

    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    if content_type is not None:
        env["CONTENT_TYPE"] = content_type
    env.update(environ or {})
    chunks = stub.wsgi_app(env, start_response)
    return captured["status"], captured["headers"], b"".join(chunks)


@pytest.fixture
def stub() -> Iterator[Stub]:
    """A fresh stub on the bundled default fixture, control endpoints on."""
    instance = Stub(control=True)
    yield instance
    instance.service.close()


@pytest.fixture
def credentials(stub: Stub) -> dict[str, Any]:
    """The demo tenant's client_no and auth_key."""
    return stub.credentials


@pytest.fixture(scope="module")
def live() -> Iterator[StubServer]:
    """One stub served over loopback HTTP for the module; reset by the ``server`` fixture."""
    with running_stub(control=True) as server:
        yield server


@pytest.fixture
def server(live: StubServer) -> StubServer:
    """The module's live stub, reset to its fixtures with no faults in force."""
    live.stub.service.reset()
    live.stub.faults.clear()
    return live


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A requests session, closed after the test."""
    with requests.Session() as session:
        yield session


class FakeService:
    """A small stand-in honouring the StubService interface, for wire tests without the domain."""

    def __init__(self, *, fixtures: Any = None, db: Any = None) -> None:
        import json
        import pathlib

        self._path = pathlib.Path(db) if db is not None else None
        self._orders: list[dict[str, Any]] = []
        if self._path is not None and self._path.exists():
            self._orders = json.loads(self._path.read_text())["orders"]
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @property
    def default_credentials(self) -> tuple[int, str]:
        return 7000001, "stub-demo-auth-key-7000001"

    def call(self, method: str, params: Any) -> dict[str, Any]:
        from harness.spec import registry
        from harness.stub.wire import error_envelope

        spec = registry()[method]
        self.calls.append((method, dict(params)))
        if str(params.get("client_no")) != "7000001" or params.get("auth_key") != (
            "stub-demo-auth-key-7000001"
        ):
            return error_envelope(method, 1004, "authentication error")
        for name in spec.required:
            if params.get(name) in (None, ""):
                return error_envelope(method, 1010, f"Missing required parameter: {name}")
        if method == "create_order_m":
            items = params["order_line_items_list"]
            envelope = error_envelope(method, 0, "OK")
            envelope.update(
                invoice_line_items_list=[],
                total_charges_before_tax=0.0,
                total_tax_charges=0.0,
                total_charges_after_tax=0.0,
            )
            if not spec.is_dry_run(params):
                self._orders.append({"items": items})
                envelope["order_no"] = len(self._orders)
                self._save()
            return envelope
        return error_envelope(method, 1002, "no data found")

    def _save(self) -> None:
        import json

        if self._path is not None:
            self._path.write_text(json.dumps({"orders": self._orders}))

    def reset(self) -> None:
        self._orders = []
        self._save()

    def load_fixtures(self, fixtures: Any) -> None:
        if "tenants" not in fixtures:
            raise ValueError("fixtures need a tenants list")
        self.reset()

    def dump_state(self) -> dict[str, Any]:
        return {"orders": list(self._orders)}

    def state_digest(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.dump_state(), sort_keys=True).encode()).hexdigest()

    def close(self) -> None:
        pass


def _install_fake_until_domain_lands() -> None:
    import importlib.util
    import sys
    import types

    if importlib.util.find_spec("harness.stub.service") is None:
        module = types.ModuleType("harness.stub.service")
        module.StubService = FakeService  # type: ignore[attr-defined]
        sys.modules["harness.stub.service"] = module


_install_fake_until_domain_lands()


# Domain fixtures (StubService without the wire).

CLIENT_NO = 7000001
AUTH_KEY = "stub-demo-auth-key-7000001"


def check_answer(method: str, answer: dict[str, Any]) -> dict[str, Any]:
    """Assert an answer passes its contract and uses only allowed codes; return it."""
    violations = validate(method, answer)
    assert violations == [], f"{method} answer breaks its contract: {violations}\n{answer}"
    if method in registry():
        assert answer["error_code"] in registry()[method].allowed_codes
        assert list(answer)[0] == "error_code"
    assert answer["error_code"] != 1001, f"unexpected error from {method}: {answer}"
    return answer


@pytest.fixture
def service() -> Iterator[StubService]:
    stub = StubService()
    yield stub
    stub.close()


@pytest.fixture
def call(service: StubService) -> Callable[..., dict[str, Any]]:
    """call(method, **params) with the demo credentials, contract-checked."""

    def _call(method: str, /, **params: Any) -> dict[str, Any]:
        params.setdefault("client_no", CLIENT_NO)
        params.setdefault("auth_key", AUTH_KEY)
        return check_answer(method, service.call(method, params))

    return _call


@pytest.fixture
def ok(call: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A call that must succeed."""

    def _ok(method: str, /, **params: Any) -> dict[str, Any]:
        answer = call(method, **params)
        assert answer["error_code"] == 0, answer
        assert answer["error_msg"] == "OK"
        return answer

    return _ok


@pytest.fixture
def err(call: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """A call that must fail with a given code: err(code, method, **params)."""

    def _err(code: int, method: str, /, **params: Any) -> dict[str, Any]:
        answer = call(method, **params)
        assert answer["error_code"] == code, answer
        fields = registry()[method].output_fields
        assert set(answer) == set(fields)
        assert list(answer)[-1] == "error_msg"
        assert all(
            answer[name] is None for name in fields if name not in ("error_code", "error_msg")
        )
        return answer

    return _err

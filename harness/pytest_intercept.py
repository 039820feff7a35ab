"""The plugin's interception fixtures: ``aria_intercept``, ``aria_target`` and the autouse switch.

Loaded by ``harness.pytest_plugin`` (``pytest_plugins``). Which target a test gets:
``--aria-target`` > the ``aria`` marker's ``target=`` > ``aria_config["target"]`` > the older
settings mapped (an ``aria_cassette`` marker replays, or records under a record mode other
than ``none``; a base URL without a cassette is live) > the stub.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.pytest_plugin import (
    DEFAULT_CONFIG,
    SUMMARY_KEY,
    TARGETS,
    allows_invoicing,
    cassette_folder,
    cassette_path,
    default_cassette_name,
    setting,
)
from harness.recordmodes import parse_record_mode

__all__ = ["aria_intercept", "aria_target", "intercepted_client", "wants_interception"]

_INTERCEPT_OPTIONS = ("patterns", "closed_network", "strict_credentials", "raise_on_violation")


def wants_interception(request: pytest.FixtureRequest) -> bool:
    """True when this test's own Aria calls are to be intercepted."""
    if request.node.get_closest_marker("aria") is not None:
        return True
    if request.config.getini("aria_intercept"):
        return True
    if "aria_intercept" in request.fixturenames or "aria_target" in request.fixturenames:
        return True
    return bool(request.getfixturevalue("aria_config").get("intercept"))


def _aria_marker_option(request: pytest.FixtureRequest, name: str) -> Any:
    marker = request.node.get_closest_marker("aria")
    return None if marker is None else marker.kwargs.get(name)


def _resolve_target(request: pytest.FixtureRequest, config: dict[str, Any]) -> tuple[str, str]:
    """The target for this test, and the record mode when it records."""
    mode = setting(request, config, "record_mode") or "none"
    try:
        parse_record_mode(mode)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    target = (
        request.config.getoption("aria_target")
        or _aria_marker_option(request, "target")
        or config.get("target")
    )
    if target is None:
        # the older settings, mapped: a cassette replays (or records), a base URL is live
        if request.node.get_closest_marker("aria_cassette") is not None:
            target = "cassette" if mode == "none" else "record"
        elif request.config.getoption("aria_base_url") or config.get("base_url"):
            target = "live"
        else:
            target = "stub"
    if target not in TARGETS:
        raise pytest.UsageError(f"unknown Aria target {target!r}; expected one of: {TARGETS}")
    return target, ("all" if mode == "none" else mode)


def _intercept_cassette(request: pytest.FixtureRequest, config: dict[str, Any]) -> Path:
    named = _aria_marker_option(request, "cassette")
    marker = request.node.get_closest_marker("aria_cassette")
    if named is None and marker is not None:
        return cassette_path(request, config, marker)
    fmt = config.get("cassette_format", DEFAULT_CONFIG["cassette_format"])
    return cassette_folder(request, config) / (named or default_cassette_name(request.node, fmt))


@pytest.fixture
def aria_intercept(request: pytest.FixtureRequest, aria_config: dict[str, Any]) -> Iterator[Any]:
    """The code under test's own Aria calls, routed to the selected target and checked."""
    from harness.errors import CassetteError
    from harness.intercept import Interception, MissingCredentialsError

    target, mode = _resolve_target(request, aria_config)
    options = {
        name: _pick(_aria_marker_option(request, name), aria_config.get(name))
        for name in _INTERCEPT_OPTIONS
    }
    stub = None
    if target == "stub":
        stub = request.getfixturevalue("_aria_stub_app")
        stub.reset()
    interception = Interception(
        target,
        cassette=_intercept_cassette(request, aria_config) if target != "stub" else None,
        record_mode=mode,
        cassette_format=aria_config.get("cassette_format", DEFAULT_CONFIG["cassette_format"]),
        base_url=request.config.getoption("aria_base_url") or aria_config.get("base_url"),
        stub=stub,
        allow_invoicing=allows_invoicing(request, aria_config),
        fail_on_exit=False,
        patterns=tuple(options["patterns"] or ()),
        closed_network=bool(options["closed_network"]),
        strict_credentials=bool(options["strict_credentials"]),
        raise_on_violation=bool(options["raise_on_violation"]),
    )
    try:
        interception.__enter__()
    except (CassetteError, MissingCredentialsError) as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield interception
    finally:
        interception.__exit__(None, None, None)
        request.node.user_properties.append((SUMMARY_KEY, interception.ledger.summary()))
    failure = interception.ledger.failure()
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def _pick(marker_value: Any, config_value: Any) -> Any:
    return config_value if marker_value is None else marker_value


@pytest.fixture(autouse=True)
def _aria_autointercept(request: pytest.FixtureRequest) -> None:
    if wants_interception(request):
        request.getfixturevalue("aria_intercept")


@pytest.fixture
def aria_target(aria_intercept: Any) -> Any:
    """Where the code under test should send its Aria calls: ``.base_url``, ``.url``,
    ``.client_no`` (an int) and ``.auth_key`` for the selected target."""
    return aria_intercept.connection


def intercepted_client(request: pytest.FixtureRequest, config: dict[str, Any]) -> Any:
    """An AriaClient for the intercepted target; its calls are intercepted like the code's."""
    from harness.client import AriaClient

    interception = request.getfixturevalue("aria_intercept")
    connection = interception.connection
    return AriaClient(
        connection.base_url,
        client_no=connection.client_no,
        auth_key=connection.auth_key,
        encoding=config.get("encoding", "json"),
        timeout=float(config.get("timeout", 30.0)),
        is_stub=interception.target.value == "stub",
        allow_invoicing=allows_invoicing(request, config),
    )


@pytest.fixture
def _aria_intercepted_client(request: pytest.FixtureRequest, aria_config: dict[str, Any]) -> Any:
    """``aria_client``'s client when this test's calls are intercepted, else None."""
    return intercepted_client(request, aria_config) if wants_interception(request) else None

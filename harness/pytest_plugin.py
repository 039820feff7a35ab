"""The pytest plugin (registered through the ``pytest11`` entry point as ``aria_harness``).

Options live in one ``aria`` group (``--aria-*``, dests ``aria_*``). Fixtures: ``aria_stub``
(one embedded stub per session, and so per xdist worker, reset before each test),
``aria_client`` (an AriaClient for the selected target, recording or replaying as configured)
and ``aria_config`` (defaults a project may override at any scope).

Precedence, for every setting: command line > marker > ``aria_config`` fixture > built-in
default. A plain ``pytest`` run uses record mode ``none``: tests marked ``aria_cassette``
replay and never reach the network; unmarked tests talk to the embedded stub on 127.0.0.1.

Under pytest-xdist each test records to its own cassette file, files are replaced atomically,
and a cassette shared by several tests is saved under a folder lock that merges what other
workers wrote, so parallel workers never lose or clobber each other's interactions.

Heavy modules (requests, vcrpy, the stub, jsonschema-rs) are imported inside fixtures only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DEFAULT_CONFIG"]

RECORD_MODES = ("none", "once", "new_episodes", "all")
DEFAULT_CONFIG: dict[str, Any] = {
    "base_url": None,  # None: the embedded stub (and, when recording, ARIA_BASE_URL if set)
    "record_mode": "none",
    "cassette_dir": "cassettes",
    "cassette_format": "yaml",
    "allow_invoicing": False,
    "encoding": "json",
    "timeout": 30.0,
}
_REPLAY_URL = "http://aria-replay.invalid"
_SUMMARY_KEY = "aria"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--aria-*`` options in one group."""
    group = parser.getgroup("aria", "aria-harness: Aria stub, record/replay and invoice guard")
    group.addoption(
        "--aria-base-url",
        dest="aria_base_url",
        default=None,
        help="Aria target (sandbox) URL; default: the embedded stub, or ARIA_BASE_URL when "
        "recording. Credentials come from ARIA_CLIENT_NO and ARIA_AUTH_KEY.",
    )
    group.addoption(
        "--aria-record-mode",
        dest="aria_record_mode",
        default=None,
        choices=RECORD_MODES,
        help="cassette record mode (default: none, replay only, never the network)",
    )
    group.addoption(
        "--aria-cassette-dir",
        dest="aria_cassette_dir",
        default=None,
        help="folder of cassettes (default: cassettes/)",
    )
    group.addoption(
        "--aria-allow-invoicing",
        dest="aria_allow_invoicing",
        action="store_true",
        default=None,
        help="let calls that can generate invoices reach a real Aria target",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers with their descriptions."""
    config.addinivalue_line(
        "markers",
        "aria_cassette(path=None, *, record_mode=None): replay (or record) this test's Aria "
        "calls through a cassette; path is relative to the cassette folder.",
    )
    config.addinivalue_line(
        "markers",
        "aria_generates_invoice: this test may make calls that generate invoices against a "
        "real Aria target.",
    )


def _target_label(config: pytest.Config) -> str:
    url = config.getoption("aria_base_url")
    mode = config.getoption("aria_record_mode") or "none"
    if url:
        return url
    if mode != "none" and os.environ.get("ARIA_BASE_URL"):
        return f"{os.environ['ARIA_BASE_URL']} (ARIA_BASE_URL)"
    return "embedded stub"


def pytest_report_header(config: pytest.Config) -> str:
    """One line that says where Aria calls go and how to reproduce the run."""
    mode = config.getoption("aria_record_mode") or "none"
    folder = config.getoption("aria_cassette_dir") or DEFAULT_CONFIG["cassette_dir"]
    return (
        f"aria-harness: target={_target_label(config)}, record mode={mode}, "
        f"cassettes={folder} (CLI record mode wins over markers and aria_config)"
    )


@pytest.fixture
def aria_config() -> dict[str, Any]:
    """Project defaults for the Aria fixtures; override this fixture to change them."""
    return dict(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def _aria_stub_server() -> Iterator[Any]:
    from harness.stub import running_stub

    with running_stub(control=False) as server:
        yield server


@pytest.fixture
def aria_stub(_aria_stub_server: Any) -> Any:
    """The session's embedded stub (``.url``, ``.client_no``, ``.auth_key``), reset per test."""
    _aria_stub_server.stub.service.reset()
    _aria_stub_server.stub.faults.clear()
    return _aria_stub_server


def _setting(request: pytest.FixtureRequest, config: dict[str, Any], name: str) -> Any:
    """CLI > marker > aria_config > default."""
    cli = request.config.getoption(f"aria_{name}")
    if cli is not None:
        return cli
    marker = request.node.get_closest_marker("aria_cassette")
    if marker is not None and marker.kwargs.get(name) is not None:
        return marker.kwargs[name]
    return config.get(name, DEFAULT_CONFIG.get(name))


def _default_cassette_name(node: pytest.Item, fmt: str) -> str:
    module = Path(str(node.path)).stem if getattr(node, "path", None) else "tests"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_")
    return f"{module}/{name}.{fmt}"


def _cassette_path(request: pytest.FixtureRequest, config: dict[str, Any], marker: Any) -> Path:
    fmt = config.get("cassette_format", "yaml")
    folder = Path(_setting(request, config, "cassette_dir"))
    if not folder.is_absolute():
        folder = Path(str(request.config.rootpath)) / folder
    name = (marker.args[0] if marker.args else marker.kwargs.get("path")) or _default_cassette_name(
        request.node, fmt
    )
    return folder / name


def _live_client(request: pytest.FixtureRequest, config: dict[str, Any], url: str) -> Any:
    from harness.client import AriaClient

    allow = bool(_setting(request, config, "allow_invoicing")) or bool(
        request.node.get_closest_marker("aria_generates_invoice")
    )
    return AriaClient(
        url,
        client_no=os.environ.get("ARIA_CLIENT_NO"),
        auth_key=os.environ.get("ARIA_AUTH_KEY"),
        encoding=config.get("encoding", "json"),
        timeout=float(config.get("timeout", 30.0)),
        allow_invoicing=allow,
    )


def _stub_client(request: pytest.FixtureRequest, config: dict[str, Any]) -> Any:
    from harness.client import AriaClient

    stub = request.getfixturevalue("aria_stub")
    return AriaClient(
        stub.url,
        client_no=stub.client_no,
        auth_key=stub.auth_key,
        encoding=config.get("encoding", "json"),
        timeout=float(config.get("timeout", 30.0)),
        is_stub=True,
    )


@pytest.fixture
def aria_client(request: pytest.FixtureRequest, aria_config: dict[str, Any]) -> Iterator[Any]:
    """An AriaClient for the selected target: the stub, a cassette, or the sandbox."""
    marker = request.node.get_closest_marker("aria_cassette")
    if marker is None:
        # without a cassette only an explicit --aria-base-url / aria_config target is live;
        # ARIA_BASE_URL alone never sends an unrecorded test to the network
        url = request.config.getoption("aria_base_url") or aria_config.get("base_url")
        client = (
            _live_client(request, aria_config, url) if url else _stub_client(request, aria_config)
        )
        yield client
        _summarise(request, client)
        return
    from harness.recording import ARIA_AUTH_KEY_PLACEHOLDER, ARIA_CLIENT_NO_PLACEHOLDER
    from harness.recording.config import RecordMode, use_cassette

    try:
        mode = RecordMode.parse(_setting(request, aria_config, "record_mode")).value
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    path = _cassette_path(request, aria_config, marker)
    if mode == "none":
        if not path.exists():
            pytest.fail(
                f"cassette {path} does not exist; record it with --aria-record-mode=once",
                pytrace=False,
            )
        from harness.client import AriaClient

        # Replay sends nothing anywhere, so the invoice guard has nothing to protect
        client = AriaClient(
            _REPLAY_URL,
            client_no=ARIA_CLIENT_NO_PLACEHOLDER,
            auth_key=ARIA_AUTH_KEY_PLACEHOLDER,
            encoding=aria_config.get("encoding", "json"),
            is_stub=True,
            protect_cards=False,
        )
    else:
        url = (
            request.config.getoption("aria_base_url")
            or aria_config.get("base_url")
            or os.environ.get("ARIA_BASE_URL")
        )
        client = (
            _live_client(request, aria_config, url) if url else _stub_client(request, aria_config)
        )
    with use_cassette(path, record_mode=mode, fmt=aria_config.get("cassette_format", "yaml")):
        yield client
    _summarise(request, client)


def _summarise(request: pytest.FixtureRequest, client: Any) -> None:
    calls = client.calls
    request.node.user_properties.append(
        (
            _SUMMARY_KEY,
            {
                "calls": len(calls),
                "invoices": sum(call.invoices for call in calls),
                "violations": sum(call.violations for call in calls),
            },
        )
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Per test: Aria calls, invoices generated, contract violations (xdist workers included)."""
    rows: dict[str, dict[str, int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == _SUMMARY_KEY:
                    rows[report.nodeid] = value
    if not rows:
        return
    terminalreporter.write_sep("-", "aria-harness: Aria calls per test")
    for nodeid in sorted(rows):
        row = rows[nodeid]
        terminalreporter.write_line(
            f"{nodeid}: {row['calls']} Aria calls, {row['invoices']} invoices generated, "
            f"{row['violations']} contract violations"
        )

"""The pytest plugin (registered through the ``pytest11`` entry point as ``aria_harness``).

Options live in one ``aria`` group (``--aria-*``, dests ``aria_*``). Fixtures: ``aria_stub``
(one embedded stub per session, and so per xdist worker, reset before each test),
``aria_client`` (an AriaClient for the selected target, recording or replaying as configured),
``aria_intercept`` (the code under test's own Aria calls routed to the selected target, see
``harness.intercept``), ``aria_target`` (where that code should send its calls) and
``aria_config`` (defaults a project may override at any scope).

Interception is on for tests marked ``@pytest.mark.aria``, for every test with
``aria_intercept = true`` in the ini, and for tests that ask for ``aria_intercept`` or
``aria_target``. The target (stub, cassette, record, live) comes from ``--aria-target``, the
marker's ``target=``, ``aria_config["target"]``, or else from the older settings: a test
marked ``aria_cassette`` replays (records under ``--aria-record-mode`` once/new_episodes/all),
a test with ``--aria-base-url`` runs live, anything else runs on the stub.

Precedence, for every setting: command line > marker > ``aria_config`` fixture > built-in
default. A plain ``pytest`` run uses record mode ``none``: tests marked ``aria_cassette``
replay and never reach the network; unmarked tests talk to the embedded stub.

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

from harness.recordmodes import RECORD_MODES, parse_record_mode

__all__ = ["DEFAULT_CONFIG"]

# The interception's fixtures (aria_intercept, aria_target) live in their own module.
pytest_plugins = ["harness.pytest_intercept"]

TARGETS = ("stub", "cassette", "record", "live")
DEFAULT_CONFIG: dict[str, Any] = {
    "base_url": None,  # None: the embedded stub (and, when recording, ARIA_BASE_URL if set)
    "record_mode": "none",
    "cassette_dir": "cassettes",
    "cassette_format": "json",
    "allow_invoicing": False,
    "encoding": "json",
    "timeout": 30.0,
    "target": None,  # None: from the settings above (see the module docstring)
    "intercept": False,  # True: every test's own Aria calls are intercepted
    "patterns": (),  # extra URL patterns (regular expressions) that are Aria calls
    "closed_network": False,  # True: requests to other hosts fail while intercepting
    "strict_credentials": False,  # True: the stub checks credentials (to exercise 1004)
    "raise_on_violation": False,  # True: a contract violation also raises into the caller
}
SUMMARY_KEY = "aria"


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
        "--aria-target",
        dest="aria_target",
        default=None,
        choices=TARGETS,
        help="where intercepted Aria calls go: stub (in-process, the default), cassette "
        "(replay), record (live, written scrubbed) or live (sent, nothing written)",
    )
    group.addoption(
        "--aria-allow-invoicing",
        dest="aria_allow_invoicing",
        action="store_true",
        default=None,
        help="let calls that can generate invoices reach a real Aria target",
    )
    parser.addini(
        "aria_intercept",
        type="bool",
        default=False,
        help="intercept every test's own Aria calls (as @pytest.mark.aria does for one test)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers with their descriptions."""
    config.addinivalue_line(
        "markers",
        "aria(*, target=None, cassette=None, strict_credentials=False, closed_network=False, "
        "raise_on_violation=False, patterns=()): intercept this test's own Aria calls, "
        "whatever HTTP library makes them, and route them to the target.",
    )
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
    from harness.secrets import shown_url

    url = config.getoption("aria_base_url")
    mode = config.getoption("aria_record_mode") or "none"
    target = config.getoption("aria_target")
    if target in ("stub", "cassette"):
        return "embedded stub" if target == "stub" else "cassette"
    if url:
        return shown_url(url)
    if (mode != "none" or target) and os.environ.get("ARIA_BASE_URL"):
        return f"{shown_url(os.environ['ARIA_BASE_URL'])} (ARIA_BASE_URL)"
    return "embedded stub"


def pytest_report_header(config: pytest.Config) -> str:
    """One line that says where Aria calls go and how to reproduce the run."""
    mode = config.getoption("aria_record_mode") or "none"
    folder = config.getoption("aria_cassette_dir") or DEFAULT_CONFIG["cassette_dir"]
    target = config.getoption("aria_target")
    chosen = f", --aria-target={target}" if target else ""
    return (
        f"aria-harness: target={_target_label(config)}, record mode={mode}, "
        f"cassettes={folder}{chosen} (CLI record mode wins over markers and aria_config)"
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Recording or running live needs the sandbox's credentials: refuse to start without."""
    config = session.config
    target = config.getoption("aria_target")
    mode = config.getoption("aria_record_mode") or "none"
    url = config.getoption("aria_base_url") or os.environ.get("ARIA_BASE_URL")
    # recording without any URL records the embedded stub, which needs no credentials
    if target in ("record", "live") or (mode != "none" and url):
        from harness.intercept import MissingCredentialsError, live_connection

        try:
            live_connection(config.getoption("aria_base_url"))
        except MissingCredentialsError as exc:
            raise pytest.UsageError(str(exc)) from None


@pytest.fixture
def aria_config() -> dict[str, Any]:
    """Project defaults for the Aria fixtures; override this fixture to change them."""
    return dict(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def _aria_stub_app() -> Iterator[Any]:
    from harness.stub import Stub

    stub = Stub()
    yield stub
    stub.service.close()


@pytest.fixture(scope="session")
def _aria_stub_server(_aria_stub_app: Any) -> Iterator[Any]:
    from harness.stub import running_stub

    with running_stub(stub=_aria_stub_app) as server:
        yield server


@pytest.fixture
def aria_stub(_aria_stub_server: Any) -> Any:
    """The session's embedded stub (``.url``, ``.client_no``, ``.auth_key``), reset per test."""
    _aria_stub_server.stub.reset()
    return _aria_stub_server


def setting(request: pytest.FixtureRequest, config: dict[str, Any], name: str) -> Any:
    """CLI > marker > aria_config > default."""
    cli = request.config.getoption(f"aria_{name}")
    if cli is not None:
        return cli
    marker = request.node.get_closest_marker("aria_cassette")
    if marker is not None and marker.kwargs.get(name) is not None:
        return marker.kwargs[name]
    return config.get(name, DEFAULT_CONFIG.get(name))


def default_cassette_name(node: pytest.Item, fmt: str) -> str:
    """``<module>/<test name>.<fmt>``: one cassette per test by default."""
    module = Path(str(node.path)).stem if getattr(node, "path", None) else "tests"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_")
    return f"{module}/{name}.{fmt}"


def cassette_folder(request: pytest.FixtureRequest, config: dict[str, Any]) -> Path:
    """The cassette folder, relative to the rootdir unless absolute."""
    folder = Path(setting(request, config, "cassette_dir"))
    if not folder.is_absolute():
        folder = Path(str(request.config.rootpath)) / folder
    return folder


def cassette_path(request: pytest.FixtureRequest, config: dict[str, Any], marker: Any) -> Path:
    """The cassette an ``aria_cassette`` marker names (or the default one)."""
    fmt = config.get("cassette_format", DEFAULT_CONFIG["cassette_format"])
    name = (marker.args[0] if marker.args else marker.kwargs.get("path")) or default_cassette_name(
        request.node, fmt
    )
    return cassette_folder(request, config) / name


def _live_client(request: pytest.FixtureRequest, config: dict[str, Any], url: str) -> Any:
    from harness.client import AriaClient

    allow = allows_invoicing(request, config)
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


def allows_invoicing(request: pytest.FixtureRequest, config: dict[str, Any]) -> bool:
    """True when this test may make invoice-generating calls against a real target."""
    return bool(setting(request, config, "allow_invoicing")) or bool(
        request.node.get_closest_marker("aria_generates_invoice")
    )


@pytest.fixture
def aria_client(request: pytest.FixtureRequest, aria_config: dict[str, Any]) -> Iterator[Any]:
    """An AriaClient for the selected target: the stub, a cassette, or the sandbox."""
    # a fixture of harness.pytest_intercept, asked by name: that module imports this one
    intercepted = request.getfixturevalue("_aria_intercepted_client")
    if intercepted is not None:
        # its calls are intercepted (and counted) like the code under test's own
        yield intercepted
        return
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
    from harness.recording.config import use_cassette

    try:
        mode = parse_record_mode(setting(request, aria_config, "record_mode"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    path = cassette_path(request, aria_config, marker)
    if mode == "none":
        if not path.exists():
            pytest.fail(
                f"cassette {path} does not exist; record it with --aria-record-mode=once",
                pytrace=False,
            )
        from harness.client import AriaClient
        from harness.intercept.session import REPLAY_AUTH_KEY, REPLAY_CLIENT_NO, REPLAY_URL

        # Replay sends nothing anywhere, so the invoice guard has nothing to protect; the
        # credentials are shaped like real ones (the matcher ignores them).
        client = AriaClient(
            REPLAY_URL,
            client_no=REPLAY_CLIENT_NO,
            auth_key=REPLAY_AUTH_KEY,
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
    with use_cassette(
        path,
        record_mode=mode,
        fmt=aria_config.get("cassette_format", DEFAULT_CONFIG["cassette_format"]),
    ) as cassette:
        yield client
        from harness.intercept.session import credential_errors_message, only_credential_errors

        refused = mode != "none" and only_credential_errors(cassette)
        if refused:
            cassette.dirty = False  # vcrpy writes a cassette only when it is dirty
    _summarise(request, client)
    if refused:
        pytest.fail(credential_errors_message(path), pytrace=False)


def _summarise(request: pytest.FixtureRequest, client: Any) -> None:
    from harness.intercept import Ledger

    request.node.user_properties.append((SUMMARY_KEY, Ledger(calls=client.calls).summary()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Per test: Aria calls, invoices generated, contract violations (xdist workers included)."""
    rows: dict[str, dict[str, int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "teardown":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == SUMMARY_KEY:
                    rows[report.nodeid] = value
    if not rows:
        return
    terminalreporter.write_sep("-", "aria-harness: Aria calls per test")
    for nodeid in sorted(rows):
        row = rows[nodeid]
        terminalreporter.write_line(
            f"{nodeid}: {row['calls']} Aria calls, {row['invoices']} invoices generated, "
            f"{row['violations']} contract violations, {row.get('unchecked', 0)} unchecked "
            f"(undescribed methods), {row.get('refused', 0)} refused"
        )

"""``aria-harness stub``: the real command in a subprocess, started, stopped and restarted."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
import requests

from harness.cli import main
from harness.spec import DISPATCHER_PATH

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0


class Running:
    """A started ``aria-harness stub`` and what it printed."""

    def __init__(self, process: subprocess.Popen[str], banner: list[str]) -> None:
        self.process = process
        self.banner = banner
        self.url = banner[0].rsplit(" ", 1)[-1]

    def field(self, name: str) -> str:
        return next(
            line.split(":", 1)[1].strip()
            for line in self.banner
            if line.strip().startswith(name + ":")
        )


@contextmanager
def aria_stub(*args: str) -> Iterator[Running]:
    """Run the command on a free loopback port until the block ends, then stop it with SIGINT."""
    command = [sys.executable, "-m", "harness", "stub", "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = _read_banner(process)
        yield Running(process, lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _read_banner(process: subprocess.Popen[str]) -> list[str]:
    lines: queue.Queue[str | None] = queue.Queue()

    def pump(stream: IO[str]) -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    assert process.stdout is not None
    threading.Thread(target=pump, args=(process.stdout,), daemon=True).start()
    banner: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line is None:
            stderr = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"aria-harness stub exited early: {stderr}")
        banner.append(line)
        if line.startswith("Press Ctrl-C"):
            return banner
    raise AssertionError(f"no banner within {START_TIMEOUT} s: {banner}")


def order(client_no: str, auth_key: str) -> dict[str, object]:
    return {
        "rest_call": "create_order_m",
        "client_no": int(client_no),
        "auth_key": auth_key,
        "account_no": 1000001,
        "order_line_items_list": [{"client_sku": "WIDGET", "units": 1}],
    }


def test_stub_with_no_arguments_serves_the_bundled_fixture() -> None:
    with aria_stub() as running:
        assert running.url.startswith("http://127.0.0.1:")
        assert running.field("dispatcher") == running.url + DISPATCHER_PATH
        assert running.field("client_no") == "7000001"
        assert running.field("auth_key") == "stub-demo-auth-key-7000001"
        answer = requests.post(
            running.field("dispatcher"),
            json={
                "rest_call": "get_virtual_datetime_m",
                "client_no": 7000001,
                "auth_key": "stub-demo-auth-key-7000001",
            },
            timeout=5,
        ).json()
        assert answer["error_code"] not in (1001, 1004)
    assert running.process.returncode == 0


def test_state_written_with_db_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "stub.db"
    with aria_stub("--db", str(db), "--control") as first:
        fresh = requests.get(first.url + "/_stub/digest", timeout=5).json()["digest"]
        written = requests.post(
            first.field("dispatcher"),
            json=order(first.field("client_no"), first.field("auth_key")),
            timeout=5,
        ).json()
        assert written["error_code"] == 0, written
        after_write = requests.get(first.url + "/_stub/state", timeout=5).json()
    assert first.process.returncode == 0
    with aria_stub("--db", str(db), "--control") as second:
        assert second.url != "" and db.exists()
        state = requests.get(second.url + "/_stub/state", timeout=5).json()
        digest = requests.get(second.url + "/_stub/digest", timeout=5).json()["digest"]
    assert state == after_write
    assert digest != fresh


def test_sigterm_stops_the_stub_cleanly() -> None:
    with aria_stub() as running:
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(timeout=10) == 0


@pytest.fixture(autouse=True)
def never_serve(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs of the command must fail before serving; a started server fails the test."""
    if "capsys" not in request.fixturenames:
        return

    class Refuse:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pytest.fail("the stub started serving despite the bad input")

    monkeypatch.setattr("harness.stub.server.make_server", Refuse)


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("aria-harness: error: ")
    return lines[0]


def test_missing_fixtures_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _one_line_error(capsys, main(["stub", "--fixtures", str(tmp_path / "nope.yaml")]))
    assert "nope.yaml" in line


@pytest.mark.parametrize(
    "content",
    ["tenants: [unclosed\n", "just a string\n", "tenants:\n  - client_no: x\n"],
    ids=["yaml-error", "not-a-mapping", "bad-tenant"],
)
def test_unusable_fixtures_are_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    fixtures = tmp_path / "fixtures.yaml"
    fixtures.write_text(content)
    line = _one_line_error(capsys, main(["stub", "--fixtures", str(fixtures)]))
    assert "cannot start the stub" in line


def test_a_file_that_is_not_a_database_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "stub.db"
    db.write_bytes(b"this is not an SQLite database, it is a grocery list" * 20)
    line = _one_line_error(capsys, main(["stub", "--db", str(db)]))
    assert "cannot start the stub" in line


def test_db_in_a_missing_directory_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _one_line_error(capsys, main(["stub", "--db", str(tmp_path / "no" / "such" / "x.db")]))
    assert "cannot start the stub" in line


def test_a_port_in_use_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line_error(capsys, main(["stub", "--port", str(port)]))
    assert "cannot start the stub" in line

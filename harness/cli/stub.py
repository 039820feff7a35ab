"""``aria-harness stub``: serve the stateful Aria stub over HTTP until interrupted."""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["stub_command", "run_stub"]


def run_stub(
    *,
    host: str,
    port: int,
    db: Path | None,
    fixtures: Path | None,
    control: bool,
) -> int:
    """Serve the stub in the foreground; 0 after Ctrl-C, 2 when it cannot start."""
    from harness.stub.server import StubServer, serve

    def announce(server: StubServer) -> None:
        click.echo(f"Aria stub listening on {server.url}")
        click.echo(f"  dispatcher: {server.dispatcher_url}")
        click.echo(f"  client_no:  {server.client_no}")
        # The bundled fixture's key is a published demo value; a user's fixture holds a stub key.
        click.echo(f"  auth_key:   {server.auth_key}")
        click.echo(f"  storage:    {db if db is not None else 'in memory'}")
        click.echo(f"  control:    {'/_stub/ endpoints on' if control else 'off'}")
        click.echo("Press Ctrl-C to stop.")
        sys.stdout.flush()

    _stop_on_sigterm()
    try:
        serve(host=host, port=port, fixtures=fixtures, db=db, control=control, on_ready=announce)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # bad fixtures, a file that is not a database, a port in use
        raise click.ClickException(f"cannot start the stub: {_one_line(exc)}") from None
    return 0


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop the server like Ctrl-C does, so the store is closed cleanly."""
    import signal
    import threading

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0] if text else type(exc).__name__
    return detail if type(exc).__module__ == "builtins" else f"{type(exc).__name__}: {detail}"


@click.command("stub")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 picks a free one (printed).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file that keeps the state across restarts (default: in memory).",
)
@click.option(
    "--fixtures",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML fixture file (default: the bundled demo tenant).",
)
@click.option("--control", is_flag=True, help="Enable the /_stub/ control endpoints.")
def stub_command(
    host: str, port: int, db: Path | None, fixtures: Path | None, control: bool
) -> None:
    """Serve the stateful Aria stub over HTTP until Ctrl-C."""
    raise SystemExit(run_stub(host=host, port=port, db=db, fixtures=fixtures, control=control))

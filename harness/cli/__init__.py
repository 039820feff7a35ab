"""The ``aria-harness`` command: a root group and one module per subcommand.

Each subcommand parses its options and calls a library function that returns an exit code;
errors the user can fix become a one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from harness.cli._commands import COMMANDS, LazyGroup

__all__ = ["main", "cli"]


@click.group(
    cls=LazyGroup, commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="aria-harness", prog_name="aria-harness")
def cli() -> None:
    """Contract tests, a stateful stub, record/replay and fuzzing for the Aria billing API."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting."""
    from harness.errors import HarnessError

    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:  # bad options, unreadable files: a usage error
        click.echo(f"aria-harness: error: {exc.format_message()}", err=True)
        return 2
    except click.Abort:
        click.echo("aria-harness: aborted", err=True)
        return 130
    except HarnessError as exc:
        click.echo(f"aria-harness: error: {exc}", err=True)
        return 2
    except SystemExit as exc:  # a subcommand that exits with its own code
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

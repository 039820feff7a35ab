"""The subcommands, imported only when invoked so ``aria-harness --help`` stays quick."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click

# name -> "module:attribute" of a click command
COMMANDS: dict[str, str] = {
    "diff": "harness.cli.diff:diff_command",
    "drift": "harness.cli.drift:drift_command",
    "fuzz": "harness.cli.fuzz:fuzz_command",
    "import": "harness.cli.import_:import_command",
    "scan": "harness.cli.scan:scan_command",
    "scrub": "harness.cli.scrub:scrub_command",
    "stub": "harness.cli.stub:stub_command",
    "validate": "harness.cli.validate:validate_command",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def __init__(self, *args: Any, commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = dict(commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            module, attribute = self._lazy[cmd_name].split(":")
            try:
                return getattr(import_module(module), attribute)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
                raise click.UsageError(f"'{cmd_name}' is not available in this build") from None
        return super().get_command(ctx, cmd_name)

"""``aria-harness validate``: check one response against its method's contract."""

from __future__ import annotations

import json
import sys
from typing import IO

import click

__all__ = ["validate_command", "run_validate"]


def run_validate(method: str, stream: IO[str], *, name: str, out: IO[str] | None = None) -> int:
    """Validate the JSON response read from a stream; 0 conforms, 1 violations, 2 unusable."""
    from harness.contracts import validate
    from harness.spec import registry

    out = out or sys.stdout
    if method not in registry():
        raise click.UsageError(
            f"unknown method {method!r}; known methods: {', '.join(registry().names)}"
        )
    try:
        response = json.load(stream)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"{name} is not JSON: {exc}") from None
    violations = validate(method, response)
    for violation in violations:
        print(f"{name}: {violation}", file=out)
    if violations:
        print(f"{name}: {len(violations)} violation(s) of the {method} contract", file=out)
        return 1
    print(f"{name}: conforms to the {method} contract", file=out)
    return 0


@click.command("validate")
@click.option("--method", "-m", required=True, help="Aria method whose contract applies.")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def validate_command(method: str, source: IO[str]) -> None:
    """Check a JSON response (FILE, or - for standard input) against a method's contract."""
    name = getattr(source, "name", None) or "<stdin>"
    name = "<stdin>" if name in {"-", "<stdin>"} else name
    raise SystemExit(run_validate(method, source, name=name))

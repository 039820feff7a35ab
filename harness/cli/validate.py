"""``aria-harness validate``: check a response, or every recorded answer, against the contracts.

``validate -m METHOD FILE`` checks one JSON response against its method's contract.
``validate --cassettes DIR`` checks every recorded answer against its method's contract and
against the description, and proposes a change to ``openapi/aria.yaml`` for the fields the
answers carry that the description lacks or types it gets wrong.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import IO

import click

__all__ = ["run_validate", "run_validate_cassettes", "validate_command"]


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


def run_validate_cassettes(root: Path, *, out: IO[str] | None = None) -> int:
    """Check every recorded answer; 0 all conform and are described, 1 otherwise."""
    from harness.drift.description import DescriptionGaps, check_cassettes, proposal_yaml
    from harness.errors import CassetteError

    out = out or sys.stdout
    gaps = DescriptionGaps()
    answers: Counter[str] = Counter()
    violations: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    try:
        for check in check_cassettes(root):
            if not check.known:
                unknown[check.method] += 1
                continue
            answers[check.method] += 1
            violations[check.method] += len(check.violations)
            for violation in check.violations:
                print(f"{check.interaction}: {violation}", file=out)
            gaps.add(check.gaps)
    except CassetteError as exc:
        raise click.ClickException(str(exc)) from None
    if not answers and not unknown:
        raise click.ClickException(f"no recorded Aria answers under {root}")
    for row in gaps.rows():
        print(f"{row['message']} [{row['count']} answer(s)]", file=out)
    for method, count in sorted(answers.items()):
        found = [row for row in gaps.rows() if method in row["methods"]]
        print(
            f"{method}: {count} answer(s), {violations[method]} contract violation(s), "
            f"{len(found)} difference(s) from the description",
            file=out,
        )
    for method, count in sorted(unknown.items()):
        print(f"{method}: {count} answer(s), not in the description (not checked)", file=out)
    proposal = proposal_yaml(gaps)
    if proposal:
        print("\nProposed change to openapi/aria.yaml (merge under its top level):", file=out)
        print(proposal.rstrip("\n"), file=out)
    return 1 if gaps or sum(violations.values()) else 0


@click.command("validate")
@click.option("--method", "-m", default=None, help="Aria method whose contract applies.")
@click.option(
    "--cassettes",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Check every recorded answer in this folder (or file) of cassettes instead, and "
    "propose changes to the description.",
)
@click.argument("source", type=click.File("r", encoding="utf-8"), required=False)
def validate_command(method: str | None, cassettes: Path | None, source: IO[str] | None) -> None:
    """Check a JSON response (FILE, or - for standard input) against a method's contract.

    With --cassettes DIR, check every recorded answer against its contract and the
    description instead. Exit codes: 0 conforms, 1 violations or differences, 2 usage error.
    """
    if cassettes is not None:
        if method is not None or source is not None:
            raise click.UsageError("--cassettes takes no --method and no FILE")
        raise SystemExit(run_validate_cassettes(cassettes))
    if method is None:
        raise click.UsageError("give --method METHOD (and a FILE or -), or --cassettes DIR")
    if source is None:
        source = click.File("r", encoding="utf-8").convert("-", None, None)
    name = getattr(source, "name", None) or "<stdin>"
    name = "<stdin>" if name in {"-", "<stdin>"} else name
    raise SystemExit(run_validate(method, source, name=name))

"""``aria-harness diff``: compare two Aria API releases for the methods you call."""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["diff_command"]

_FORMATS = ("text", "markdown", "json", "junit", "github")


@click.command("diff")
@click.argument("sides", nargs=-1, metavar="OLD NEW")
@click.option(
    "--bundled",
    is_flag=True,
    help="Compare the bundled description (openapi/aria.yaml) with the one side given, "
    "and say per disagreement which is newer and what to change in aria.yaml.",
)
@click.option(
    "--methods",
    "methods_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only these methods: a file with one method name a line.",
)
@click.option(
    "--cassettes",
    type=click.Path(path_type=Path),
    help="Report only the methods your cassettes under this folder call.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="Report printed on standard output.",
)
@click.option("--report-markdown", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report-json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report-junit", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a URL.",
)
def diff_command(
    sides: tuple[str, ...],
    bundled: bool,
    methods_file: Path | None,
    cassettes: Path | None,
    fmt: str,
    report_markdown: Path | None,
    report_json: Path | None,
    report_junit: Path | None,
    timeout: float,
) -> None:
    """Diff two Aria API releases, per method, for the methods you call.

    OLD and NEW are Aria Swagger 2.0 or OpenAPI 3.x descriptions, paths or URLs.
    Exit codes: 0 no breaking change for the selected methods, 1 breaking changes,
    2 usage error, 3 a side could not be fetched.
    """
    from harness.releases import DiffConfig, run_diff
    from harness.releases.reports import render
    from harness.releases.usage import methods_from_cassettes, methods_from_file
    from harness.swagger import BUNDLED

    expected = 1 if bundled else 2
    if len(sides) != expected:
        raise click.UsageError(
            "give OLD and NEW, or --bundled and one side (a path or a URL)"
            if not bundled
            else "--bundled takes exactly one other side (a path or a URL)"
        )
    if methods_file is not None and cassettes is not None:
        raise click.UsageError("give --methods or --cassettes, not both")
    selected = None
    if methods_file is not None:
        selected = methods_from_file(methods_file)
    elif cassettes is not None:
        selected = methods_from_cassettes(cassettes)
    old, new = (BUNDLED, sides[0]) if bundled else sides
    result = run_diff(DiffConfig(old=old, new=new, methods=selected, timeout=timeout))
    if result.error is not None:
        click.echo(f"aria-harness: error: {result.error}", err=True)
        raise SystemExit(int(result.exit_code))
    for path, kind in (
        (report_markdown, "markdown"),
        (report_json, "json"),
        (report_junit, "junit"),
    ):
        if path is not None:
            try:
                path.write_text(render(result, kind), encoding="utf-8")
            except OSError as exc:
                raise click.UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    sys.stdout.write(render(result, fmt))
    raise SystemExit(int(result.exit_code))

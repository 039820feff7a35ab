"""``aria-harness fuzz``: fuzz the embedded stub (default) or a target URL with the Aria checks."""

from __future__ import annotations

import os
import sys

import click

__all__ = ["fuzz_command"]


def _credentials_from_env() -> tuple[int, str] | None:
    client_no, auth_key = os.environ.get("ARIA_CLIENT_NO"), os.environ.get("ARIA_AUTH_KEY")
    if not client_no or not auth_key:
        return None
    try:
        return int(client_no), auth_key
    except ValueError:
        raise click.UsageError("ARIA_CLIENT_NO must be an integer") from None


def _progress(event: object) -> None:
    from harness.fuzz.runner import Progress

    assert isinstance(event, Progress)
    if event.done:
        click.echo("", err=True)
        return
    what = f"{event.phase}: {event.method}" if event.method else event.phase
    click.echo(f"\r  {event.cases:>6} cases  {what:<48}", nl=False, err=True)


@click.command("fuzz")
@click.option(
    "--base-url",
    help="Target URL (a stub over HTTP or a sandbox); default: the embedded stub in-process.",
)
@click.option("--method", "methods", multiple=True, help="Fuzz only this method (repeatable).")
@click.option("--max-examples", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--seed", type=int, help="Seed for a reproducible run.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--mode", type=click.Choice(["positive", "negative", "all"]), default="all", show_default=True
)
@click.option("--report-junit", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--report-markdown", type=click.Path(dir_okay=False), help="Write a Markdown report.")
@click.option(
    "--allow-invoicing",
    is_flag=True,
    help="Send invoice-generating calls for real to a target URL.",
)
@click.option(
    "--request-budget", type=click.IntRange(min=1), help="Send at most this many requests."
)
@click.option(
    "--changed-since",
    metavar="OLD",
    help="Fuzz only the methods that changed between OLD (a release's description: a path, "
    "a URL or 'bundled') and the target's current description.",
)
@click.option(
    "--current",
    metavar="DESCRIPTION",
    help="The target's current description for --changed-since. Default: the bundled one for "
    "the embedded stub, {base-url}/v1/core/a7/api-docs/all_A7_swagger.json for a target URL.",
)
@click.option("--no-progress", is_flag=True, help="Do not show progress while running.")
def fuzz_command(
    base_url: str | None,
    methods: tuple[str, ...],
    max_examples: int,
    seed: int | None,
    workers: int,
    mode: str,
    report_junit: str | None,
    report_markdown: str | None,
    allow_invoicing: bool,
    request_budget: int | None,
    changed_since: str | None,
    current: str | None,
    no_progress: bool,
) -> None:
    """Fuzz the Aria methods with schemathesis and Aria-aware checks.

    Credentials for --base-url come from ARIA_CLIENT_NO and ARIA_AUTH_KEY. Exit codes:
    0 clean, 1 failures found, 2 usage error, 3 target unavailable.
    """
    try:
        from harness.fuzz import FuzzConfig, run_fuzz
    except ModuleNotFoundError as exc:  # installed without the fuzz extra
        if exc.name not in ("schemathesis", "hypothesis"):
            raise
        raise click.UsageError(str(exc)) from None
    from harness.fuzz.report import render_summary, write_junit, write_markdown
    from harness.spec import registry

    unknown = [name for name in methods if name not in registry()]
    if unknown:
        raise click.UsageError(
            f"unknown method {unknown[0]!r}; known methods: {', '.join(registry().names)}"
        )
    skipped: dict[str, str] = {}
    if changed_since is not None:
        methods, skipped = _changed_methods(changed_since, current, base_url, methods)
        if not methods:
            for name, reason in skipped.items():
                click.echo(f"skipped {name}: {reason}")
            click.echo(
                f"aria-harness fuzz: nothing to fuzz: no method changed since {changed_since}"
            )
            raise SystemExit(0)
    elif current is not None:
        raise click.UsageError("--current goes with --changed-since")
    credentials = None
    if base_url is not None:
        credentials = _credentials_from_env()
        if credentials is None:
            raise click.UsageError(
                "--base-url needs ARIA_CLIENT_NO and ARIA_AUTH_KEY in the environment"
            )
    config = FuzzConfig(
        base_url=base_url,
        methods=methods,
        max_examples=max_examples,
        seed=seed,
        workers=workers,
        mode=mode,
        allow_invoicing=allow_invoicing,
        request_budget=request_budget,
        credentials=credentials,
        progress=None if no_progress or not sys.stderr.isatty() else _progress,
        skipped=skipped,
    )
    result = run_fuzz(config)
    if result.exit_code in (2, 3):
        click.echo(f"aria-harness: error: {'; '.join(result.errors)}", err=True)
        raise SystemExit(result.exit_code)
    render_summary(result, sys.stdout)
    if report_junit:
        write_junit(result, report_junit)
    if report_markdown:
        write_markdown(result, report_markdown)
    raise SystemExit(result.exit_code)


def _changed_methods(
    old: str, current: str | None, base_url: str | None, chosen: tuple[str, ...]
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The described methods that changed since ``old``, and the others with why they are left."""
    from harness.errors import FetchError
    from harness.releases import changed_methods
    from harness.spec import registry
    from harness.swagger import BUNDLED, PUBLISHED_PATH

    if current is None:
        current = BUNDLED if base_url is None else base_url.rstrip("/") + PUBLISHED_PATH
    try:
        changed, unchanged = changed_methods(old, current)
    except FetchError as exc:
        click.echo(f"aria-harness: error: {exc}", err=True)
        raise SystemExit(3) from None
    described = set(chosen) if chosen else set(registry().names)
    skipped = {name: f"unchanged since {old}" for name in unchanged if name in described}
    undescribed = [name for name in changed if name not in registry()]
    if undescribed:
        click.echo(
            f"{len(undescribed)} changed method(s) are not in the bundled description and "
            f"cannot be fuzzed: {', '.join(undescribed)}",
            err=True,
        )
    return tuple(name for name in changed if name in described and name in registry()), skipped

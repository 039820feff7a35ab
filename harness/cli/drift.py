"""``aria-harness drift``: replay recorded interactions against a target and report drift."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

if TYPE_CHECKING:
    from harness.drift.runner import DriftResult

__all__ = ["drift_command"]


@click.command("drift")
@click.option(
    "--cassettes",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Folder (or file) of vcrpy cassettes to replay. Default: the bundled cassettes/.",
)
@click.option(
    "--base-url",
    envvar="ARIA_BASE_URL",
    default=None,
    help="Aria target, e.g. your sandbox (env ARIA_BASE_URL). Credentials come from "
    "ARIA_CLIENT_NO and ARIA_AUTH_KEY. Default: an embedded stub started for the run.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=900.0,
    show_default=True,
    help="Seconds for the whole run; interactions not replayed by then are UNAVAILABLE.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for one answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=10),
    default=2,
    show_default=True,
    help="Retries of a transient failure (state-changing calls: only if never sent).",
)
@click.option(
    "--allow-invoicing",
    is_flag=True,
    help="Replay invoice-generating calls as recorded instead of as dry runs / skipping them.",
)
@click.option("--report-json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report-junit", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report-markdown", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report-html", type=click.Path(dir_okay=False, path_type=Path))
def drift_command(
    cassettes: Path | None,
    base_url: str | None,
    deadline: float,
    timeout: float,
    retries: int,
    allow_invoicing: bool,
    report_json: Path | None,
    report_junit: Path | None,
    report_markdown: Path | None,
    report_html: Path | None,
) -> None:
    """Replay recorded interactions and report drift.

    Exit codes: 0 no drift, 1 drift found, 2 usage error, 3 target unavailable
    (drift wins when both occur).
    """
    from harness.drift import DriftConfig, RetryPolicy, run_drift
    from harness.drift.reports import write_reports

    config = DriftConfig(
        cassettes=cassettes,
        base_url=base_url or None,
        timeout=timeout,
        deadline=deadline,
        allow_invoicing=allow_invoicing,
        retry=RetryPolicy(attempts=retries + 1),
    )
    result = run_drift(config)
    write_reports(
        result, json=report_json, junit=report_junit, markdown=report_markdown, html=report_html
    )
    _summary(result, sys.stdout)
    raise SystemExit(result.exit_code)


def _summary(result: DriftResult, out: IO[str]) -> None:
    from harness.drift.runner import Verdict

    for first, others in result.drift_groups():
        also = f" (and {len(others)} more alike)" if others else ""
        for finding in first.findings:
            click.echo(f"DRIFT {first.method} {first.id}{also}: {finding}", file=out)
    for item in result.interactions:
        if item.verdict is Verdict.UNAVAILABLE:
            click.echo(f"UNAVAILABLE {item.method} {item.id}: {item.reason}", file=out)
    if result.description_gaps:
        click.echo(
            f"{len(result.description_gaps)} difference(s) between tonight's answers and the "
            "description (not drift); the reports propose a change to openapi/aria.yaml",
            file=out,
        )
    counts = ", ".join(f"{n} {verdict}" for verdict, n in result.counts().items())
    click.echo(
        f"aria-harness drift: {len(result.interactions)} interaction(s) against "
        f"{result.target} ({result.target_kind}): {counts} (exit {result.exit_code})",
        file=out,
    )

"""``aria-harness scan PATH...``: find secrets in cassettes, reports, logs and docs."""

from __future__ import annotations

import os

import click

__all__ = ["scan_command"]


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Accepted findings (default: .aria-scan-baseline.json when it exists).",
)
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Accept every current finding: write them to the baseline file and exit 0.",
)
def scan_command(paths: tuple[str, ...], baseline_path: str | None, update_baseline: bool) -> None:
    """Report secret-shaped values as file:line and kind (never the value); exit 1 on findings.

    A line with ``pragma: allowlist secret`` (or after ``pragma: allowlist nextline secret``)
    is skipped; findings in the baseline file are not reported again.
    """
    from harness.recording.baseline import DEFAULT_BASELINE, Baseline
    from harness.recording.scan import scan_paths

    path = baseline_path or DEFAULT_BASELINE
    baseline = None
    if not update_baseline and (baseline_path or os.path.exists(DEFAULT_BASELINE)):
        try:
            baseline = Baseline.load(path)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    # the baseline file itself holds only fingerprints; never scan it
    listed = [p for p in paths if os.path.abspath(p) != os.path.abspath(path)]
    findings = [
        f for f in scan_paths(listed, baseline=baseline)
        if os.path.abspath(f.path) != os.path.abspath(path)
    ]  # fmt: skip
    if update_baseline:
        Baseline.of(findings).write(path)
        click.echo(f"aria-harness scan: {len(findings)} finding(s) accepted in {path}", err=True)
        raise SystemExit(0)
    for finding in findings:
        click.echo(str(finding))
    if findings:
        click.echo(f"aria-harness scan: {len(findings)} finding(s)", err=True)
    raise SystemExit(1 if findings else 0)

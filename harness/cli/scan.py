"""``aria-harness scan PATH...``: find secrets in cassettes, reports and logs."""

from __future__ import annotations

import click

__all__ = ["scan_command"]


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def scan_command(paths: tuple[str, ...]) -> None:
    """Report secret-shaped values as file:line and kind (never the value); exit 1 on findings."""
    from harness.recording.scan import scan_paths

    findings = scan_paths(list(paths))
    for finding in findings:
        click.echo(str(finding))
    if findings:
        click.echo(f"aria-harness scan: {len(findings)} finding(s)", err=True)
    raise SystemExit(1 if findings else 0)

"""``aria-harness scrub PATH...``: scrub existing cassettes in place, as recording does."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["scrub_command"]


def _cassettes(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            files += sorted(
                p for p in entry.rglob("*") if p.suffix.lower() in {".yaml", ".yml", ".json"}
            )
        else:
            files.append(entry)
    return files


@click.command("scrub")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def scrub_command(paths: tuple[str, ...]) -> None:
    """Scrub cassettes (files, or folders of .yaml/.json) in place, atomically.

    Prints what was replaced per file as field and kind, never a value. A file that cannot be
    fully read (damaged, binary or compressed bodies) is refused and left as it was: exit 1.
    """
    from harness.errors import CassetteError
    from harness.recording.rewrite import scrub_cassette
    from harness.secrets import mask_text

    refused = 0
    for path in _cassettes(paths):
        try:
            result = scrub_cassette(path)
        except CassetteError as exc:
            refused += 1
            click.echo(f"{path}: refused: {mask_text(str(exc))}", err=True)
            continue
        replaced = result.lines()
        click.echo(f"{path}: {result.interactions} interaction(s), {len(replaced) or 'nothing'}"
                   f"{' field(s)' if replaced else ''} replaced")  # fmt: skip
        for line in replaced:
            click.echo(f"  {line}")
    raise SystemExit(1 if refused else 0)

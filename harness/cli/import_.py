"""``aria-harness import FILE... --to DIR``: Ruby VCR and HAR cassettes as harness cassettes."""

from __future__ import annotations

import click

__all__ = ["import_command"]


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--to",
    "folder",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the harness cassettes (one per file, same name).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
def import_command(files: tuple[str, ...], folder: str, fmt: str) -> None:
    """Import Ruby VCR (2.x, 3.x) or HAR 1.2 files, scrubbed, as cassettes that replay here.

    Prints what was replaced per file as field and kind, never a value; a file that cannot be
    read or scrubbed is refused (nothing written for it): exit 1.
    """
    from harness.errors import CassetteError
    from harness.recording.rewrite import import_cassette
    from harness.secrets import mask_text

    refused = 0
    for path in files:
        try:
            result = import_cassette(path, folder, fmt=fmt)
        except CassetteError as exc:
            refused += 1
            click.echo(f"{path}: refused: {mask_text(str(exc))}", err=True)
            continue
        click.echo(f"{path} -> {result.target}: {result.interactions} interaction(s)")
        for line in result.lines():
            click.echo(f"  {line}")
    raise SystemExit(1 if refused else 0)

"""Which methods a team calls: from a list file or from its recorded cassettes."""

from __future__ import annotations

import re
from pathlib import Path

from harness.errors import CassetteError, DescriptionError

__all__ = ["methods_from_cassettes", "methods_from_file"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def methods_from_file(path: str | Path) -> frozenset[str]:
    """Method names, one a line (blank lines and ``#`` comments ignored)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DescriptionError(f"cannot read the methods file {path}: {reason}") from None
    names: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not _NAME.fullmatch(name):
            raise DescriptionError(f"{path}:{number}: {name!r} is not a method name")
        names.add(name)
    if not names:
        raise DescriptionError(f"the methods file {path} names no method")
    return frozenset(names)


def methods_from_cassettes(root: str | Path) -> frozenset[str]:
    """The methods named by ``rest_call`` in every cassette under ``root``."""
    from harness.drift.cassettes import load_cassettes

    try:
        interactions = load_cassettes(root)
    except CassetteError as exc:
        raise DescriptionError(str(exc)) from None
    names = {i.request.aria_method for i in interactions if i.request.aria_method}
    if not names:
        raise DescriptionError(f"no cassette under {root} records a call naming rest_call")
    return frozenset(str(name) for name in names)

"""Accepted scanner findings, kept in a baseline file so they are not reported again.

As detect-secrets' ``.secrets.baseline``: one entry per accepted finding, by file, kind and
line, with a fingerprint of the value so a different secret on the same line is still reported.
The fingerprint is a salted scrypt digest (a card number has few enough possible values that a
plain hash could be reversed); the salt is written with the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.recording.persist import write_atomic
from harness.recording.scan import Finding

__all__ = ["DEFAULT_BASELINE", "Baseline"]

DEFAULT_BASELINE = ".aria-scan-baseline.json"
_VERSION = 1


def _relative(path: str) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()


class Baseline:
    """The findings a team has accepted (a docs example, a published sample)."""

    def __init__(self, *, salt: str | None = None, entries: Iterable[dict[str, Any]] = ()) -> None:
        self.salt = salt or secrets.token_hex(16)
        self.entries = list(entries)
        self._accepted = {(e["path"], e["kind"], e["fingerprint"]) for e in self.entries}

    def fingerprint(self, finding: Finding) -> str:
        """A digest of the finding's value that cannot be turned back into it."""
        digest = hashlib.scrypt(
            finding.secret.encode("utf-8"), salt=self.salt.encode(), n=2**12, r=8, p=1, dklen=16
        )
        return digest.hex()

    def accepts(self, finding: Finding) -> bool:
        """True when the baseline holds this finding (the line may have moved)."""
        key = (_relative(finding.path), finding.kind)
        if not any(entry[:2] == key for entry in self._accepted):
            return False
        return (*key, self.fingerprint(finding)) in self._accepted

    @classmethod
    def of(cls, findings: Iterable[Finding], *, salt: str | None = None) -> Baseline:
        """A baseline accepting these findings."""
        baseline = cls(salt=salt)
        for finding in sorted(findings):
            baseline.entries.append(
                {
                    "path": _relative(finding.path),
                    "line": finding.line,
                    "kind": finding.kind,
                    "fingerprint": baseline.fingerprint(finding),
                }
            )
        return cls(salt=baseline.salt, entries=baseline.entries)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        """A baseline file; ValueError naming the file when it is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if data.get("version") != _VERSION:
                raise ValueError("unknown version")
            return cls(salt=str(data["salt"]), entries=data["results"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not an aria-harness scan baseline ({exc})") from None

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the baseline (sorted, so it diffs well)."""
        data = {"version": _VERSION, "salt": self.salt, "results": self.entries}
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")

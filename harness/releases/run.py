"""``run_diff``: load two descriptions, compare them, narrow to the methods a team calls."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from harness.exitcodes import ExitCode
from harness.releases.bundled import Disagreement
from harness.releases.changes import Change, ChangeKind
from harness.swagger.model import ApiModel

__all__ = ["DiffConfig", "DiffResult", "ExitCode", "changed_methods", "run_diff"]


@dataclass(frozen=True)
class DiffConfig:
    """The two sides (a path, a URL or "bundled") and which methods matter."""

    old: str
    new: str
    # The methods the team calls; None: every method.
    methods: frozenset[str] | None = None
    timeout: float = 30.0


@dataclass
class DiffResult:
    """The changes for the selected methods, and the exit code they earn."""

    exit_code: ExitCode
    old: ApiModel | None = None
    new: ApiModel | None = None
    changes: list[Change] = field(default_factory=list)
    selected: frozenset[str] | None = None
    bundled: list[Disagreement] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> list[str]:
        """Methods with at least one change, in name order."""
        return sorted({change.method for change in self.changes})

    @property
    def breaking(self) -> list[str]:
        """Methods with at least one breaking change, in name order."""
        return sorted({change.method for change in self.changes if change.breaking})

    @property
    def unknown(self) -> list[str]:
        """Selected methods that neither side describes."""
        if self.selected is None or self.old is None or self.new is None:
            return []
        return sorted(
            name for name in self.selected if name not in self.old and name not in self.new
        )

    def counts(self) -> Counter[str]:
        """Changes per kind."""
        return Counter(change.kind.value for change in self.changes)

    def summary(self) -> str:
        """One line: what was compared and what changed."""
        if self.error is not None:
            return f"aria-harness diff: error: {self.error}"
        assert self.old is not None and self.new is not None
        sides = f"{_label(self.old)} -> {_label(self.new)}"
        breaking = len([c for c in self.changes if c.breaking])
        if self.selected is not None:
            scope = (
                f"{len(self.changed)} of the {len(self.selected)} selected methods changed, "
                f"{len(self.breaking)} with breaking changes"
            )
        else:
            added = sum(1 for c in self.changes if c.kind is ChangeKind.METHOD_ADDED)
            removed = sum(1 for c in self.changes if c.kind is ChangeKind.METHOD_REMOVED)
            scope = (
                f"{len(self.changed)} methods changed ({added} added, {removed} removed), "
                f"{len(self.breaking)} with breaking changes"
            )
        return (
            f"aria-harness diff {sides}: {scope}; {len(self.changes)} change(s), "
            f"{breaking} breaking (exit {int(self.exit_code)})"
        )


def _label(model: ApiModel) -> str:
    version = f" (release {model.version})" if model.version else ""
    return f"{model.location}{version}"


def run_diff(config: DiffConfig) -> DiffResult:
    """Compare ``config.old`` with ``config.new``; the result carries the exit code."""
    from harness.errors import DescriptionError, FetchError
    from harness.releases.bundled import disagreements
    from harness.releases.compare import diff_models
    from harness.swagger.source import BUNDLED, load_description

    try:
        old = load_description(config.old, timeout=config.timeout)
        new = load_description(config.new, timeout=config.timeout)
    except FetchError as exc:
        return DiffResult(ExitCode.UNAVAILABLE, error=str(exc))
    except DescriptionError as exc:
        return DiffResult(ExitCode.USAGE, error=str(exc))
    changes = diff_models(old, new)
    against_bundled = old.location == BUNDLED and new.location != BUNDLED
    selected = config.methods
    if selected is None and against_bundled:
        # The bundled description covers a few methods: what matters is where it disagrees.
        selected = frozenset(old.methods)
    if selected is not None:
        changes = [change for change in changes if change.method in selected]
    result = DiffResult(ExitCode.CLEAN, old=old, new=new, changes=changes, selected=selected)
    if against_bundled:
        result.bundled = disagreements(old, new, changes)
    if result.breaking:
        result.exit_code = ExitCode.BREAKING
    return result


def changed_methods(old: str, new: str, *, timeout: float = 30.0) -> tuple[list[str], list[str]]:
    """The methods present in ``new`` that changed since ``old``, and those that did not.

    Raises DescriptionError or FetchError when a side cannot be loaded.
    """
    from harness.releases.compare import diff_methods
    from harness.swagger.source import load_description

    before = load_description(old, timeout=timeout)
    after = load_description(new, timeout=timeout)
    changed, unchanged = [], []
    for name, method in after.methods.items():
        if name not in before.methods or diff_methods(before.methods[name], method):
            changed.append(name)
        else:
            unchanged.append(name)
    return sorted(changed), sorted(unchanged)

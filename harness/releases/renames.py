"""Pair a removed field with an added one when the release only renamed it.

Seen in Aria's releases: an array renamed with the same item fields (``out_invoices`` ->
``out_invoices_list``); release 19's ``_2`` artifact, sometimes on a shortened name
(``address_verification_code`` -> ``address_verification_cd_2``); the same words reordered
(``client_custom_rate_service_id`` -> ``custom_rate_client_service_id``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from harness.swagger.model import Field
from harness.swagger.quirks import is_suffix_artifact

__all__ = ["Rename", "pair_renames"]

# How alike a shortened name must be to the removed one (difflib ratio).
_SIMILAR_NAME = 0.8
# How many item fields two arrays must share (Jaccard index) to be one array renamed.
_SIMILAR_ITEMS = 0.5


@dataclass(frozen=True)
class Rename:
    """A removed field that reappears under a new name, and why we think so."""

    old: str
    new: str
    reason: str
    artifact: bool  # the new or the old name carries release 19's _2 artifact


def pair_renames(removed: Mapping[str, Field], added: Mapping[str, Field]) -> list[Rename]:
    """The renames among fields removed from and added to one parent, best evidence first."""
    left, right = dict(removed), dict(added)
    renames: list[Rename] = []

    def take(old: str, new: str, reason: str, artifact: bool) -> None:
        renames.append(Rename(old, new, reason, artifact))
        del left[old], right[new]

    # The _2 artifact either way round (old -> old_2, or bundled old_2 -> release old).
    for new in sorted(right):
        if is_suffix_artifact(new, added) and new[:-2] in left:
            take(new[:-2], new, "release 19's _2 suffix (an artifact of the published file)", True)
    for old in sorted(left):
        if is_suffix_artifact(old, removed) and old[:-2] in right:
            take(old, old[:-2], "the plain spelling of release 19's _2 artifact", True)
    for new in sorted(right):
        if not is_suffix_artifact(new, added):
            continue
        best = _most_similar(new[:-2], left)
        if best is not None:
            take(best, new, f"release 19's _2 suffix on a shortened name ({best} -> {new})", True)
    for old in sorted(left):
        if not is_suffix_artifact(old, removed):
            continue
        best = _most_similar(old[:-2], right)
        if best is not None:
            take(
                old, best, "the plain spelling of release 19's _2 artifact (a shortened name)", True
            )
    for new in sorted(right):
        if right[new].children:
            best = _same_items(right[new], left)
            if best is not None:
                take(best, new, "an array renamed: the same item fields", False)
    for new in sorted(right):
        words = sorted(new.split("_"))
        for old in sorted(left):
            if sorted(old.split("_")) == words and left[old].type == right[new].type:
                take(old, new, "the same words reordered", False)
                break
    return renames


def _most_similar(stem: str, candidates: Mapping[str, Field]) -> str | None:
    # No type condition: release 19 retyped most of the fields it suffixed.
    scored = sorted(
        (difflib.SequenceMatcher(None, stem, name).ratio(), name) for name in candidates
    )
    if not scored or scored[-1][0] < _SIMILAR_NAME:
        return None
    if len(scored) > 1 and scored[-2][0] == scored[-1][0]:
        return None  # two equally good candidates: not a rename we can name
    return scored[-1][1]


def _same_items(field: Field, candidates: Mapping[str, Field]) -> str | None:
    names = set(field.children)
    best: tuple[float, str] | None = None
    for name, other in candidates.items():
        if other.type != field.type or not other.children:
            continue
        others = set(other.children)
        score = len(names & others) / len(names | others)
        if score >= _SIMILAR_ITEMS and (best is None or score > best[0]):
            best = (score, name)
    return None if best is None else best[1]

"""Ids the live side hands out, and the map from recorded ids to tonight's.

A recording names the invoice, order, transaction, plan instance or credit numbers that the
recorded target handed out; tonight the target hands out others. Replay keeps a map per run:
when an answer first shows an id (not named by its own request or anything earlier in its
cassette), the recorded and the live value at the same place are paired (a later cassette
creating the same recorded number pairs it anew); a later request naming the recorded
id is sent with tonight's, and the recorded answer is translated the same way before it is
compared. An id whose producing call was skipped, failed or ran as a dry run cannot be
translated, so a call naming it is SKIPPED with that reason instead of being judged.

Which fields carry such ids comes from the description: the output fields of its response
schemas whose names say they are one of the kinds below.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ID_KINDS", "IdMap", "assigned_id_fields", "id_kind", "order_by_dependency"]

# Kinds of number Aria assigns when something is created (names as Aria's Swagger spells
# them: invoice_no, orig_invoice_no, order_no, nso_order_no, transaction_id,
# invoice_trans_id, master_plan_instance_no, credit_no ...). field_order_no is a position.
ID_KINDS: dict[str, re.Pattern[str]] = {
    "invoice": re.compile(r"(?:.*_)?invoice_no"),
    "order": re.compile(r"(?!field_)(?:.*_)?order_no"),
    "transaction": re.compile(r"(?:.*_)?trans(?:action)?_id"),
    "plan instance": re.compile(r"(?:.*_)?plan_instance_no"),
    "credit": re.compile(r"(?:.*_)?credit_(?:no|id)"),
}


def id_kind(key: str) -> str | None:
    """The kind of id a field name carries, or None (form keys: their last bracket)."""
    if key.endswith("]"):  # order_line_items_list[0][invoice_no] -> invoice_no
        key = key.rstrip("]").rsplit("[", 1)[-1]
    return next((kind for kind, rule in ID_KINDS.items() if rule.fullmatch(key)), None)


@functools.cache
def assigned_id_fields() -> frozenset[str]:
    """Output fields of the description that carry an assigned id."""
    from harness.spec import registry

    names: set[str] = set()
    schemas = registry().document.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            names.update(key for key in schema.get("properties", {}) if id_kind(key))
    return frozenset(names)


def _is_id(value: Any) -> bool:
    # 0 and "" mean "none" in Aria's answers; booleans are flags
    return isinstance(value, int | str) and not isinstance(value, bool) and value not in (0, "")


def walk_ids(value: Any, *, fields: frozenset[str] | None = None) -> Iterator[tuple[str, str, Any]]:
    """(pointer, kind, value) of every id in a JSON value (by field name)."""
    # decoded JSON holds dict and list (checked directly: cheaper than the ABCs); a pointer
    # is built only for containers and for the ids found, answers being mostly other values
    stack: list[tuple[str, str | None, Any]] = [("", None, value)]
    while stack:
        pointer, key, item = stack.pop()
        if isinstance(item, dict):
            steps: Iterable[tuple[Any, Any]] = item.items()
        elif isinstance(item, list):
            steps = enumerate(item)
        else:
            continue
        for step, child in steps:
            name = key if isinstance(item, list) else str(step)
            if isinstance(child, dict | list):
                stack.append((f"{pointer}/{step}", name, child))
                continue
            if name is None or not _is_id(child) or (fields is not None and name not in fields):
                continue
            kind = _kind(name)
            if kind is None:
                continue
            where = f"{pointer}/{step}"
            if isinstance(child, str) and "|" in child:  # an Aria6 pipe column of ids
                yield from ((where, kind, part) for part in child.split("|") if part)
            else:
                yield where, kind, child


_kind = functools.lru_cache(maxsize=4096)(id_kind)


@dataclass(frozen=True)
class Origin:
    """Where a recorded id came from, and what became of that call tonight."""

    interaction: str
    method: str
    live: Any = None  # tonight's id; None when there is none
    why_missing: str | None = None


class IdMap:
    """Recorded ids -> tonight's, for one run; what a request needs, and from where."""

    def __init__(self) -> None:
        self._origins: dict[tuple[str, str], Origin] = {}
        self._seen: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self._origins)

    def start_session(self) -> None:
        """A new cassette: an id it creates is its own, even if another recording had it.

        Cassettes recorded against fresh targets reuse numbers (each test's first invoice
        may be 900001); a later cassette that creates the number again means its own.
        """
        self._seen.clear()

    def see_request(self, params: Mapping[str, Any]) -> None:
        """Ids a request names exist already: an answer echoing them did not make them."""
        self._seen.update((kind, str(value)) for _, kind, value in walk_ids(params))

    def missing(self, params: Mapping[str, Any]) -> tuple[str, str] | None:
        """Why a request cannot be sent (it names an id tonight's run does not have) and the
        interaction that id came from; None when it can be sent."""
        for _, kind, value in walk_ids(params):
            origin = self._origins.get((kind, str(value)))
            if origin is not None and origin.live is None:
                return (
                    f"it names {kind} {value}, which {origin.interaction} ({origin.method}) "
                    f"handed out in the recording; tonight {origin.why_missing}",
                    origin.interaction,
                )
        return None

    def translate(self, value: Any) -> Any:
        """A copy of a request or a recorded answer with every mapped id replaced."""
        if not self._origins:
            return value
        return self._translate(value, None)

    def _translate(self, value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._translate(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._translate(v, key) for v in value]
        if key is None or not _is_id(value):
            return value
        kind = _kind(key)
        origin = self._origins.get((kind, str(value))) if kind else None
        if origin is None or origin.live is None:
            return value
        # keep the recorded JSON type: a form body or a string-typed field stays a string
        return str(origin.live) if isinstance(value, str) else origin.live

    def learn(
        self,
        *,
        interaction: str,
        method: str,
        recorded: Any,
        live: Any,
        why_missing: str | None = None,
    ) -> None:
        """Pair the ids a recorded answer handed out with tonight's at the same place."""
        fields = assigned_id_fields()
        live_at = {} if live is None else {p: v for p, _, v in walk_ids(live, fields=fields)}
        for pointer, kind, value in walk_ids(recorded, fields=fields):
            key = (kind, str(value))
            if key in self._seen:
                continue  # named before: an echo, not something this call created
            self._seen.add(key)
            now = live_at.get(pointer)
            reason = why_missing or (
                f"its answer has no {pointer.rsplit('/', 1)[-1]} at {pointer}"
                if now is None
                else None
            )
            self._origins[key] = Origin(interaction, method, now, None if now else reason)


def order_by_dependency(
    cassettes: Iterable[tuple[str, Iterable[tuple[Any, Any]]]],
) -> list[str]:
    """Cassette names so that one naming ids another recorded first comes after it.

    ``cassettes`` gives each cassette's name and its (request params, recorded answer) pairs,
    in name order; ties and cycles keep name order, so the order is deterministic.
    """
    import heapq

    fields = assigned_id_fields()
    made_by: dict[tuple[str, str], str] = {}
    needs: dict[str, set[tuple[str, str]]] = {}
    names: list[str] = []
    for name, pairs in cassettes:
        names.append(name)
        named: set[tuple[str, str]] = set()
        wanted: set[tuple[str, str]] = set()
        for params, answer in pairs:
            asked = {(kind, str(v)) for _, kind, v in walk_ids(params)}
            wanted |= asked - named
            named |= asked
            for _, kind, value in walk_ids(answer, fields=fields):
                key = (kind, str(value))
                if key not in named:
                    named.add(key)
                    made_by.setdefault(key, name)
        needs[name] = wanted
    rank = {name: index for index, name in enumerate(names)}
    waiting_on: dict[str, int] = {}
    unblocks: dict[str, list[str]] = {name: [] for name in names}
    for name, wanted in needs.items():
        before = {made_by[k] for k in wanted if made_by.get(k, name) != name}
        waiting_on[name] = len(before)
        for other in before:
            unblocks[other].append(name)
    ready = [rank[name] for name in names if not waiting_on[name]]
    heapq.heapify(ready)
    order: list[str] = []
    placed: set[str] = set()
    cursor = 0
    while len(order) < len(names):
        if not ready:  # a cycle: the first remaining cassette by name goes next
            while names[cursor] in placed:
                cursor += 1
            heapq.heappush(ready, cursor)
        chosen = names[heapq.heappop(ready)]
        if chosen in placed:
            continue
        order.append(chosen)
        placed.add(chosen)
        for other in unblocks[chosen]:
            waiting_on[other] -= 1
            if waiting_on[other] == 0 and other not in placed:
                heapq.heappush(ready, rank[other])
    return order

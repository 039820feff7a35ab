"""A vcrpy Cassette that finds recorded answers through a hash index.

vcrpy compares an incoming request with every recorded one, with every matcher, several
times per request (``connect``, ``can_play_response_for``, ``play_response``), so replaying
n interactions costs O(n^2). Here each interaction is filed under the hash of its canonical
request (``matcher.request_key``) when it is appended, and each key keeps a cursor to its next
unplayed answer, so a lookup is one hash and a dict access whatever the cassette size. The
file format, record modes and vcrpy's public behaviour stay as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from vcr.cassette import Cassette, CassetteContextDecorator
from vcr.errors import UnhandledHTTPRequestError
from vcr.record_mode import RecordMode

from harness.recording.matcher import canonical_request, describe_difference, request_key

__all__ = ["AriaCassette", "CassetteIndex", "key_of_dict"]


def key_of_dict(request: Mapping[str, Any]) -> str:
    """The index key of a request in vcrpy's dict form (as cassettes store it)."""
    from vcr.request import Request

    return request_key(
        Request(
            request.get("method", "POST"),
            request.get("uri", ""),
            request.get("body"),
            request.get("headers") or {},
        )
    )


class CassetteIndex:
    """Positions of recorded requests by key, with a cursor to the next unplayed one."""

    def __init__(self) -> None:
        self._positions: dict[str, list[int]] = defaultdict(list)
        self._cursor: dict[str, int] = defaultdict(int)

    def add(self, key: str, position: int) -> None:
        """File one recorded request."""
        self._positions[key].append(position)

    def positions(self, key: str) -> list[int]:
        """Every position recorded under a key, oldest first."""
        return self._positions.get(key, [])

    def next_unplayed(self, key: str, *, repeats: bool) -> int | None:
        """The position to play for a key (advancing past played ones), or None."""
        positions = self._positions.get(key)
        if not positions:
            return None
        if repeats:
            return positions[0]
        cursor = self._cursor[key]
        return positions[cursor] if cursor < len(positions) else None

    def mark_played(self, key: str, position: int) -> None:
        """Move a key's cursor past a played position."""
        positions = self._positions[key]
        cursor = self._cursor[key]
        if cursor < len(positions) and positions[cursor] == position:
            self._cursor[key] = cursor + 1

    def rewind(self) -> None:
        """Every recorded answer playable again."""
        self._cursor.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._positions


class _Unprinted(dict):
    """Cassette data whose repr names no value: a refused save's traceback shows its frames."""

    def __repr__(self) -> str:
        return f"<cassette data: {len(self.get('requests', ()))} interaction(s), not shown>"


_FINISH = "_CassetteContextDecorator__finish"


class _UnpatchingContext(CassetteContextDecorator):
    """vcrpy's cassette context, which also unpatches the HTTP libraries when saving fails.

    vcrpy undoes its patches only after ``_save`` returned; a save the scrubber refuses raises
    first, and every later request of the process would still go through the cassette.
    """

    def __exit__(self, *exc_info: Any) -> None:
        finish = getattr(self, _FINISH, None)  # vcrpy's patch generator, name-mangled
        try:
            super().__exit__(*exc_info)
        except BaseException:
            if finish is not None:
                finish.close()  # runs the patch generator's ExitStack: the originals return
            setattr(self, _FINISH, None)
            raise


class AriaCassette(Cassette):
    """A Cassette with O(1) lookups; interactions loaded from disk are not re-filtered."""

    @classmethod
    def use_arg_getter(cls, arg_getter: Any) -> CassetteContextDecorator:
        """vcrpy's context for this cassette class, unpatching even when saving fails."""
        return _UnpatchingContext(cls, arg_getter)

    @classmethod
    def use(cls, **kwargs: Any) -> CassetteContextDecorator:
        """vcrpy's context for this cassette class, unpatching even when saving fails."""
        return _UnpatchingContext.from_args(cls, **kwargs)

    def _persist(self, cassette_dict: Any) -> None:
        __tracebackhide__ = True  # pytest prints frame arguments: the unscrubbed interactions
        super()._persist(_Unprinted(cassette_dict))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._index = CassetteIndex()
        self._loading = False

    def _load(self) -> None:
        self._loading = True
        try:
            super()._load()
        finally:
            self._loading = False

    def append(self, request: Any, response: Any) -> None:
        """Add a pair; loaded pairs skip the record hooks (they were scrubbed when written)."""
        if self._loading:
            self.data.append((request, response))
            self.dirty = True
        else:
            before = len(self.data)
            super().append(request, response)
            if len(self.data) == before:
                return
        position = len(self.data) - 1
        self._index.add(request_key(self.data[position][0]), position)

    def _key(self, request: Any) -> str | None:
        filtered = self._before_record_request(request)
        return request_key(filtered) if filtered else None

    def _responses(self, request: Any) -> Any:
        key = self._key(request)
        if key is None:
            return
        for position in self._index.positions(key):
            yield position, self.data[position][1]

    def __contains__(self, request: Any) -> bool:
        key = self._key(request)
        return key is not None and (
            self._index.next_unplayed(key, repeats=self.allow_playback_repeats) is not None
        )

    def play_response(self, request: Any) -> Any:
        """The next unplayed answer recorded for this request."""
        key = self._key(request)
        position = (
            None
            if key is None
            else self._index.next_unplayed(key, repeats=self.allow_playback_repeats)
        )
        if position is None:
            raise UnhandledHTTPRequestError(self.describe_miss(request))
        if self.play_counts[position] == 0 and position < self._loaded_count:
            self._played_interactions.append(self.data[position])
        self.play_counts[position] += 1
        self._index.mark_played(key, position)  # type: ignore[arg-type]
        return self.data[position][1]

    def rewind(self) -> None:
        """Every answer playable again."""
        super().rewind()
        self._index.rewind()

    def _closest(self, request: Any) -> Any:
        wanted = canonical_request(request)
        best: tuple[int, Any] | None = None
        for stored, _ in self.data:
            same_call = canonical_request(stored).get("rest_call") == wanted.get("rest_call")
            score = same_call * 1000 - len(describe_difference(request, stored))
            if best is None or score > best[0]:
                best = (score, stored)
        return None if best is None else best[1]

    def describe_miss(self, request: Any) -> str:
        """Why a request has no answer: the closest recorded call and what differs."""
        wanted = canonical_request(request)
        head = (
            f"cassette {self._path} has no unplayed answer for "
            f"{wanted.get('rest_call') or request.method + ' ' + request.uri}"
        )
        closest = self._closest(request)
        if closest is None:
            return f"{head}; the cassette is empty"
        differences = describe_difference(request, closest) or [
            "none: its recorded answers were all played (the call is made more often now)"
        ]
        name = canonical_request(closest).get("rest_call") or closest.uri
        return f"{head}; closest recorded call: {name}; differing parameters: " + "; ".join(
            differences
        )

    def find_requests_with_most_matches(self, request: Any) -> list[Any]:
        """vcrpy's hint for CannotOverwriteExistingCassetteException, with parameter diffs."""
        closest = self._closest(request)
        if closest is None:
            return []
        differences = describe_difference(request, closest)
        name = canonical_request(closest).get("rest_call") or closest.uri
        failed = [("aria_call", f"{name} with " + "; ".join(differences))] if differences else []
        return [(closest, [] if failed else ["aria_call"], failed)]

    def _new_interactions(self) -> list[Any]:
        old = {request_key(request) for request, _ in self._old_interactions}
        return [(rq, rs) for rq, rs in self.data if request_key(rq) not in old]

    def _rerecorded_interactions(self) -> list[Any]:
        loaded = self.data[: self._loaded_count]
        recorded = self.data[self._loaded_count :]
        if self.drop_unused_requests:
            return recorded
        fresh = {request_key(request) for request, _ in recorded}
        return [(rq, rs) for rq, rs in loaded if request_key(rq) not in fresh] + recorded

    @property
    def write_protected(self) -> bool:
        """As vcrpy: NONE never writes, ONCE writes only a cassette that did not exist."""
        return (self.rewound and self.record_mode == RecordMode.ONCE) or (
            self.record_mode == RecordMode.NONE
        )

"""Cassette files: written atomically and durably, read strictly, merged under a lock.

A cassette on disk is always either the previous file or the complete new one: the new text
goes to a temporary file in the same folder, is fsynced, replaces the old name with
``os.replace`` and the folder is fsynced so the rename survives a crash. Reading fails loudly
(CassetteError naming the file) on an empty, truncated or undecodable cassette, where vcrpy
would log a warning and record over it. The format is vcrpy's own (``version: 1``,
``interactions``), JSON (indented, one field a line, so it diffs well) or YAML (safe loader),
with sorted keys, so the same interactions always give the same bytes.

JSON is the default for new cassettes because it loads about ten times faster than YAML, even
with PyYAML's C loader (``benchmarks/bench_replay.py`` measures both). A cassette is read in
the format its content shows (JSON starts with ``{``), so YAML cassettes keep loading whatever
format is configured; a new one is written in the format its file suffix names (``.json``,
``.yaml``/``.yml``), else the configured one.

Saving scrubs every interaction again and scans the text about to be written; a cassette
that still holds something secret-shaped is not written.

Parallel writers (pytest-xdist workers sharing one cassette name) take an exclusive lock on
the cassette's folder, re-read the file and keep the interactions another process wrote
that this one does not have, so no worker's recording is lost or clobbered.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.errors import CassetteError

__all__ = [
    "CASSETTE_SUFFIXES",
    "DEFAULT_FORMAT",
    "AriaPersister",
    "JsonSerializer",
    "YamlSerializer",
    "load_interactions",
    "format_of_path",
    "serializer_for",
    "write_cassette",
    "write_atomic",
]

FORMAT_VERSION = 1
DEFAULT_FORMAT = "json"
_SUFFIX_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
CASSETTE_SUFFIXES = tuple(_SUFFIX_FORMATS)
Interaction = tuple[dict[str, Any], dict[str, Any]]


class YamlSerializer:
    """vcrpy's YAML format, read with vcrpy's safe loader, keys sorted."""

    name = "yaml"

    @staticmethod
    def deserialize(text: str) -> Any:
        """Parse cassette text with the safe loader."""
        from vcr.serializers import yamlserializer

        return yamlserializer.deserialize(text)

    @staticmethod
    def serialize(data: Mapping[str, Any]) -> str:
        """Cassette text; vcrpy's dumper sorts keys, so ``version`` comes last."""
        from vcr.serializers import yamlserializer

        return yamlserializer.serialize(data)


class JsonSerializer:
    """vcrpy's JSON format with sorted keys (vcrpy's own keeps insertion order)."""

    name = "json"

    @staticmethod
    def deserialize(text: str) -> Any:
        """Parse cassette JSON."""
        return json.loads(text)

    @staticmethod
    def serialize(data: Mapping[str, Any]) -> str:
        """Cassette JSON, sorted and indented."""
        try:
            return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        except TypeError as exc:
            raise CassetteError(f"cassette data is not JSON-serialisable: {exc}") from None


def serializer_for(fmt: str | None) -> Any:
    """The serializer of a cassette format name ("yaml" or "json"; None: the default)."""
    try:
        return {"yaml": YamlSerializer, "json": JsonSerializer}[fmt or DEFAULT_FORMAT]
    except KeyError:
        raise CassetteError(f"unknown cassette format {fmt!r}; expected 'yaml' or 'json'") from None


def format_of_path(path: str | os.PathLike[str], default: str | None = None) -> str:
    """The format a cassette file's suffix names, else ``default`` (else the default format)."""
    named = _SUFFIX_FORMATS.get(Path(path).suffix.lower())
    return named or serializer_for(default).name


def _serializer_of_text(text: str) -> Any:
    # JSON cassettes (ours and vcrpy's) open with "{"; YAML ones with a key
    return JsonSerializer if text.lstrip()[:1] == "{" else YamlSerializer


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace a file with new text so a crash leaves the old file or the whole new one."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; os.replace is enough
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on a cassette folder (no lock files left next to cassettes)."""
    try:
        import fcntl
    except ImportError:  # no flock on Windows: writes stay atomic, merges are not serialised
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CassetteError("is not UTF-8 text; a cassette was damaged", path=str(path)) from None
    if not text.strip():
        raise CassetteError(
            "is empty (an interrupted write?); delete it to record it again", path=str(path)
        )
    try:
        data = _serializer_of_text(text).deserialize(text)
    except Exception as exc:  # every parser error means the same thing here
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CassetteError(
            f"cannot be decoded ({first}); it may be truncated", path=str(path)
        ) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("interactions"), list):
        raise CassetteError("is not a cassette (no 'interactions' list)", path=str(path))
    if "version" not in data:
        # keys are written sorted, so ``version`` is the last line: without it the file was cut
        raise CassetteError("is truncated (no 'version' at its end)", path=str(path))
    if data["version"] != FORMAT_VERSION:
        raise CassetteError(f"has format version {data['version']!r}, expected 1", path=str(path))
    for number, entry in enumerate(data["interactions"], 1):
        if not (
            isinstance(entry, Mapping)
            and isinstance(entry.get("request"), Mapping)
            and isinstance(entry.get("response"), Mapping)
            and {"method", "uri"} <= set(entry["request"])
            and "status" in entry["response"]
        ):
            raise CassetteError(f"interaction {number} is incomplete", path=str(path))
    return dict(data)


def load_interactions(
    path: str | os.PathLike[str], *, fmt: str | None = None
) -> tuple[list[Interaction], dict[str, Any]]:
    """The interactions (request and response dicts) and metadata of a cassette file.

    The file's content decides its format; ``fmt`` is accepted for older callers and ignored.
    """
    data = _parse(Path(path))
    pairs = [(dict(e["request"]), dict(e["response"])) for e in data["interactions"]]
    return pairs, dict(data.get("metadata") or {})


def _to_text_body(message: dict[str, Any], *, response: bool) -> dict[str, Any]:
    from vcr.serializers import compat

    return compat.convert_to_unicode(message) if response else _request_text(message)


def _request_text(request: dict[str, Any]) -> dict[str, Any]:
    body = request.get("body")
    if isinstance(body, bytes | bytearray):
        try:
            request["body"] = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise CassetteError("a request body is not UTF-8 text; not written") from None
    return request


def render_cassette(
    interactions: Sequence[Interaction],
    *,
    serializer: Any = JsonSerializer,
    metadata: Mapping[str, Any] | None = None,
    path: str | None = None,
) -> str:
    """Scrub, serialise and scan interactions; the text of the cassette to write."""
    from harness.recording.scan import locate_secrets
    from harness.recording.scrub import scrub_interaction, scrub_json

    __tracebackhide__ = True  # pytest would print the unscrubbed interactions as arguments

    from harness.recording.scrub import collect_secrets

    # every request's secrets are hunted in every answer: call 2 may echo what call 1 sent
    shared = tuple(
        sorted({value for request, _ in interactions for value in collect_secrets(request)})
    )
    rendered = []
    for request, response in interactions:
        try:
            clean_request, clean_response = scrub_interaction(request, response, also=shared)
        except CassetteError as exc:
            raise CassetteError(str(exc), path=path) from None
        rendered.append(
            {
                "request": _to_text_body(clean_request, response=False),
                "response": _to_text_body(clean_response, response=True),
            }
        )
    data: dict[str, Any] = {"interactions": rendered, "version": FORMAT_VERSION}
    if metadata:
        data["metadata"] = scrub_json(dict(metadata))
    places = locate_secrets(data["interactions"])
    if places:
        # the field and the kind, never the value
        raise CassetteError(f"not written: it would still contain {'; '.join(places)}", path=path)
    return serializer.serialize(data)


def _merge(new: list[Interaction], on_disk: list[Interaction]) -> list[Interaction]:
    """The new interactions plus those another process wrote meanwhile that we lack."""
    from harness.recording.index import key_of_dict

    ours = {key_of_dict(request) for request, _ in new}
    return new + [(rq, rs) for rq, rs in on_disk if key_of_dict(rq) not in ours]


def write_cassette(
    path: str | os.PathLike[str],
    interactions: Sequence[Interaction],
    *,
    fmt: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    merge: bool = True,
) -> None:
    """Scrub and write interactions (vcrpy dict form) to a cassette, atomically."""
    __tracebackhide__ = True
    _save(Path(path), list(interactions), serializer_for(fmt), metadata, merge=merge)


def _save(
    path: Path,
    interactions: list[Interaction],
    serializer: Any,
    metadata: Mapping[str, Any] | None,
    *,
    merge: bool,
) -> None:
    __tracebackhide__ = True
    with _folder_lock(path.parent):
        if merge and path.exists():
            on_disk = [
                (dict(e["request"]), dict(e["response"])) for e in _parse(path)["interactions"]
            ]
            interactions = _merge(interactions, on_disk)
        # the suffix names the format (.json, .yaml); the configured one is for other names
        fmt = format_of_path(path, getattr(serializer, "name", None))
        text = render_cassette(
            interactions, serializer=serializer_for(fmt), metadata=metadata, path=str(path)
        )
        write_atomic(path, text)
        # a writer killed mid-write leaves its temporary file; under the lock none is live
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


class AriaPersister:
    """A vcrpy persister: strict loading, scrubbed atomic saving, merging under a lock."""

    @classmethod
    def load_cassette(cls, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        """Requests and responses of a cassette, in the format its content shows."""
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.request import Request
        from vcr.serializers import compat

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        data = _parse(path)
        requests = [Request._from_dict(dict(e["request"])) for e in data["interactions"]]
        responses = [compat.convert_to_bytes(dict(e["response"])) for e in data["interactions"]]
        if data.get("metadata"):
            return requests, responses, data["metadata"]
        return requests, responses

    @staticmethod
    def save_cassette(
        cassette_path: str | os.PathLike[str], cassette_dict: Mapping[str, Any], serializer: Any
    ) -> None:
        """Scrub, merge with what is on disk, and write atomically."""
        __tracebackhide__ = True
        pairs = [
            (request._to_dict(), dict(response))
            for request, response in zip(
                cassette_dict["requests"], cassette_dict["responses"], strict=True
            )
        ]
        _save(Path(cassette_path), pairs, serializer, cassette_dict.get("metadata"), merge=True)

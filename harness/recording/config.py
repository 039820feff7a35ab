"""The vcrpy configuration for Aria: the body-aware matcher, the index, the strict persister."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import vcr

from harness.recording.index import AriaCassette
from harness.recording.matcher import aria_call
from harness.recording.persist import (
    CASSETTE_SUFFIXES,
    DEFAULT_FORMAT,
    AriaPersister,
    JsonSerializer,
    YamlSerializer,
    format_of_path,
    serializer_for,
)
from harness.recordmodes import parse_record_mode

__all__ = ["AriaVCR", "aria_vcr", "existing_cassette", "use_cassette"]


class AriaVCR(vcr.VCR):
    """A vcr.VCR whose cassettes are AriaCassettes (vcrpy hard-codes its own class)."""

    def _use_cassette(self, with_current_defaults: bool = False, **kwargs: Any) -> Any:
        import functools

        if with_current_defaults:
            return AriaCassette.use(**self.get_merged_config(**kwargs))
        return AriaCassette.use_arg_getter(functools.partial(self.get_merged_config, **kwargs))


def aria_vcr(*, record_mode: str = "none", fmt: str = DEFAULT_FORMAT) -> AriaVCR:
    """A VCR configured for Aria's RPC dispatcher; record mode ``none`` unless told."""
    from harness.recording.logs import mask_logs

    mask_logs()  # vcrpy logs raw responses at INFO while a cassette is active
    recorder = AriaVCR(
        record_mode=parse_record_mode(record_mode),
        serializer=serializer_for(fmt).name,
        match_on=("aria_call",),
        # gzip bodies are decoded before scrubbing; whatever stays encoded is refused
        decode_compressed_response=True,
        # a failing test still writes what it recorded (scrubbed), as vcrpy does by default
        record_on_exception=True,
    )
    recorder.register_matcher("aria_call", aria_call)
    recorder.register_serializer("yaml", YamlSerializer)
    recorder.register_serializer("json", JsonSerializer)
    recorder.register_persister(AriaPersister)
    return recorder


def existing_cassette(path: str | os.PathLike[str]) -> Path:
    """The cassette file to use for ``path``: itself, or a recording of it in another format.

    A cassette recorded as ``name.yaml`` before JSON became the default keeps replaying when
    the configured name is now ``name.json`` (and the other way round); it is also re-recorded
    in place, in its own format.
    """
    wanted = Path(path)
    if wanted.exists() or wanted.suffix.lower() not in CASSETTE_SUFFIXES:
        return wanted
    for suffix in CASSETTE_SUFFIXES:
        other = wanted.with_suffix(suffix)
        if other.is_file():
            return other
    return wanted


def use_cassette(
    path: str | os.PathLike[str], *, record_mode: str = "none", fmt: str | None = None
) -> Any:
    """A context manager that records to or replays from one Aria cassette.

    The format of a new cassette is the one its suffix names, else ``fmt``, else JSON; an
    existing one is read in the format its content shows.
    """
    target = existing_cassette(path)
    recorder = aria_vcr(record_mode=record_mode, fmt=format_of_path(target, fmt))
    return recorder.use_cassette(os.fspath(target))

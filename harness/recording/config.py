"""The vcrpy configuration for Aria: the body-aware matcher, the index, the strict persister."""

from __future__ import annotations

import enum
import os
from typing import Any

import vcr

from harness.recording.index import AriaCassette
from harness.recording.matcher import aria_call
from harness.recording.persist import AriaPersister, JsonSerializer, YamlSerializer

__all__ = ["AriaVCR", "RecordMode", "aria_vcr", "use_cassette"]


class RecordMode(enum.StrEnum):
    """vcrpy's record modes, under the names the ``--aria-record-mode`` option takes."""

    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"

    @classmethod
    def parse(cls, value: str | RecordMode) -> RecordMode:
        """A record mode from its name; the error lists the valid ones."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(mode.value for mode in cls)
            raise ValueError(f"unknown record mode {value!r}; expected one of: {valid}") from None


class AriaVCR(vcr.VCR):
    """A vcr.VCR whose cassettes are AriaCassettes (vcrpy hard-codes its own class)."""

    def _use_cassette(self, with_current_defaults: bool = False, **kwargs: Any) -> Any:
        import functools

        if with_current_defaults:
            return AriaCassette.use(**self.get_merged_config(**kwargs))
        return AriaCassette.use_arg_getter(functools.partial(self.get_merged_config, **kwargs))


def aria_vcr(*, record_mode: str = "none", fmt: str = "yaml") -> AriaVCR:
    """A VCR configured for Aria's RPC dispatcher; record mode ``none`` unless told."""
    from harness.recording.logs import mask_logs

    mask_logs()  # vcrpy logs raw responses at INFO while a cassette is active
    recorder = AriaVCR(
        record_mode=RecordMode.parse(record_mode).value,
        serializer=fmt,
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


def use_cassette(
    path: str | os.PathLike[str], *, record_mode: str = "none", fmt: str = "yaml"
) -> Any:
    """A context manager that records to or replays from one Aria cassette."""
    return aria_vcr(record_mode=record_mode, fmt=fmt).use_cassette(os.fspath(path))

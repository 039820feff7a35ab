"""Record and replay Aria calls with vcrpy, without a secret ever reaching disk.

``secrets`` is the one model of what is secret and ``mask_text`` the one masker; ``scrub_*``
clean interactions on deep copies; ``aria_call`` matches requests by rest_call and normalised
parameters; ``AriaCassette`` replays through a hash index; ``AriaPersister`` writes cassettes
atomically and reads them strictly; ``scan_paths`` finds secrets in files;
``scrub_cassette`` and ``import_cassette`` rewrite existing and foreign cassettes.
Heavy modules (vcrpy) load only when a name that needs them is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from harness.recording.sensitive import (
    ARIA_AUTH_KEY_PLACEHOLDER,
    ARIA_CLIENT_NO_PLACEHOLDER,
    PLACEHOLDER,
    SENSITIVE_FIELDS,
    VOLATILE_FIELDS,
)

if TYPE_CHECKING:
    from harness.recording.config import aria_vcr, use_cassette
    from harness.recording.index import AriaCassette, CassetteIndex
    from harness.recording.matcher import aria_call, canonical_request, request_key
    from harness.recording.persist import AriaPersister, load_interactions, write_cassette
    from harness.recording.rewrite import import_cassette, scrub_cassette
    from harness.recording.scan import Finding, scan_paths
    from harness.recording.scrub import scrub_body, scrub_interaction
    from harness.secrets import mask_text

__all__ = [
    "ARIA_AUTH_KEY_PLACEHOLDER",
    "ARIA_CLIENT_NO_PLACEHOLDER",
    "PLACEHOLDER",
    "SENSITIVE_FIELDS",
    "VOLATILE_FIELDS",
    "AriaCassette",
    "AriaPersister",
    "CassetteIndex",
    "Finding",
    "aria_call",
    "aria_vcr",
    "canonical_request",
    "import_cassette",
    "load_interactions",
    "mask_text",
    "request_key",
    "scan_paths",
    "scrub_body",
    "scrub_cassette",
    "scrub_interaction",
    "use_cassette",
    "write_cassette",
]

_LAZY = {
    "AriaCassette": "harness.recording.index",
    "CassetteIndex": "harness.recording.index",
    "AriaPersister": "harness.recording.persist",
    "load_interactions": "harness.recording.persist",
    "write_cassette": "harness.recording.persist",
    "Finding": "harness.recording.scan",
    "scan_paths": "harness.recording.scan",
    "aria_vcr": "harness.recording.config",
    "use_cassette": "harness.recording.config",
    "aria_call": "harness.recording.matcher",
    "canonical_request": "harness.recording.matcher",
    "request_key": "harness.recording.matcher",
    "import_cassette": "harness.recording.rewrite",
    "scrub_cassette": "harness.recording.rewrite",
    "mask_text": "harness.secrets",
    "scrub_body": "harness.recording.scrub",
    "scrub_interaction": "harness.recording.scrub",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness.recording' has no attribute {name!r}")

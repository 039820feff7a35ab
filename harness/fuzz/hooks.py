"""Schemathesis's process-wide extension points a fuzz run needs, installed only while needed.

Schemathesis dispatches ``before_call`` only from its global hook registry and keeps one
serializer per media type for all transports, so what a run adds there applies to every
schemathesis run in the process. Importing ``harness.fuzz`` therefore changes nothing:
``run_fuzz`` installs the call hook (``guard.prepare_call``) and the Aria form serializer for
the length of its run and puts back what was there before; ``aria_schema`` (a consumer's own
pytest fuzzing, whose tests run after it returns) installs them for the rest of the process.

Hypothesis keeps its caches (the Unicode tables, constants found in local modules) under
``./.hypothesis`` even with the example database off, so ``run_fuzz`` points them at the user's
cache folder for its run: a fuzz run writes nothing into the folder it is started from, and a
second run anywhere reuses the tables.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["hooks_installed", "hypothesis_storage_outside_working_folder", "install_hooks"]

_permanent = False


def _aria_form(ctx: Any, value: Any) -> bytes | None:
    from harness.fuzz.forms import encode_form_body

    return encode_form_body(value)


def _transports() -> tuple[Any, ...]:
    from schemathesis.transport.asgi import ASGI_TRANSPORT
    from schemathesis.transport.requests import REQUESTS_TRANSPORT
    from schemathesis.transport.wsgi import WSGI_TRANSPORT

    return ASGI_TRANSPORT, REQUESTS_TRANSPORT, WSGI_TRANSPORT


def _install() -> list[tuple[Any, Any]]:
    """Install the hook and the serializer; what each transport had before, to restore it."""
    import schemathesis

    from harness.fuzz.forms import FORM_MEDIA_TYPE
    from harness.fuzz.guard import register_call_hook

    previous = [
        (transport, (transport.get_first_matching_media_type(FORM_MEDIA_TYPE) or (None, None))[1])
        for transport in _transports()
    ]
    register_call_hook()
    # Aria6 form bodies: arrays of objects as pipe columns (schemathesis's own cannot)
    schemathesis.serializer(FORM_MEDIA_TYPE)(_aria_form)
    return previous


def install_hooks() -> None:
    """Install the call hook and the form serializer for the rest of the process."""
    global _permanent
    if not _permanent:
        _install()
        _permanent = True


@contextlib.contextmanager
def hooks_installed() -> Iterator[None]:
    """The call hook and the form serializer for one run; what was there before afterwards."""
    if _permanent:
        yield
        return
    from harness.fuzz.forms import FORM_MEDIA_TYPE
    from harness.fuzz.guard import unregister_call_hook

    previous = _install()
    try:
        yield
    finally:
        unregister_call_hook()
        for transport, serializer in previous:
            if serializer is None:
                transport.unregister_serializer(FORM_MEDIA_TYPE)
            else:
                transport.serializer(FORM_MEDIA_TYPE)(serializer)


def _cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aria-harness" / "hypothesis"


@contextlib.contextmanager
def hypothesis_storage_outside_working_folder() -> Iterator[None]:
    """Hypothesis's caches in the user's cache folder for one run (unless the user chose one)."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(_cache_folder())
    try:
        yield
    finally:
        set_hypothesis_home_dir(None)  # back to Hypothesis's own choice

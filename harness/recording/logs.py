"""Log records pass through the masker: vcrpy's INFO log of a raw response, the harness's own,
and the HTTP clients' debug lines (a GET's query string carries the auth_key).

A filter on a logger sees only the records logged to that very logger, not its children's, so
the filter is attached to every logger of vcrpy, the HTTP clients and the harness by name, and
to every child logger of theirs that exists when masking starts (the interception and every
recording start it). Values the interception saw sent in sensitive fields are hunted too.
vcrpy's "Appending request ... and response ..." record carries the raw interaction: it is
scrubbed with the recorder's own scrubbers (echo hunting included) before it is formatted.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["MaskingFilter", "hunt_in_logs", "mask_logs"]

_LOGGERS = (
    "vcr", "vcr.cassette", "vcr.stubs", "vcr.stubs.httpx_stubs", "vcr.stubs.aiohttp_stubs",
    "vcr.stubs.requests_stubs", "vcr.matchers", "vcr.request", "vcr.patch", "vcr.persisters",
    "harness", "harness.stub", "harness.stub.service", "harness.stub.app", "harness.client",
    "harness.drift", "harness.fuzz",
    # the HTTP clients' own debug logs print request lines, query strings included
    "urllib3.connectionpool", "httpx", "httpcore.http11", "httpcore.connection", "aiohttp.client",
)  # fmt: skip
# packages whose every logger (present when masking starts) is masked
_PACKAGES = ("vcr", "harness", "urllib3", "requests", "httpx", "httpcore", "aiohttp")
# sensitive values sent during this process's interceptions; bounded, newest kept
_HUNTED: dict[str, None] = {}
_HUNTED_LIMIT = 4096


def hunt_in_logs(values: tuple[str, ...] | list[str]) -> None:
    """Mask these values (sent in sensitive fields) wherever a masked log record echoes them."""
    for value in values:
        _HUNTED.pop(value, None)
        _HUNTED[value] = None
    while len(_HUNTED) > _HUNTED_LIMIT:
        _HUNTED.pop(next(iter(_HUNTED)))


def _scrubbed_args(args: Any) -> Any:
    """vcrpy's (request, response) pair scrubbed as the cassette would be."""
    if not (isinstance(args, tuple) and len(args) == 2 and isinstance(args[1], dict)):
        return args
    request, response = args
    to_dict = getattr(request, "_to_dict", None)
    if to_dict is None:
        return args
    from harness.errors import CassetteError
    from harness.recording.scrub import scrub_interaction

    try:
        return scrub_interaction(to_dict(), response)
    except CassetteError:
        return ("<request not shown: it cannot be scrubbed>", "<response not shown>")


class MaskingFilter(logging.Filter):
    """Formats a record's message, scrubbed and masked, before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_aria_masked", False):
            return True
        try:
            if record.name.startswith("vcr"):
                record.args = _scrubbed_args(record.args)
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is shown without its arguments
            message = str(record.msg)
        record.msg, record.args = _masked(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _masked(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record._aria_masked = True
        return True


def _masked(text: str) -> str:
    from harness.recording.scrub import scrub_text

    return scrub_text(text, secrets=tuple(_HUNTED))


_FILTER = MaskingFilter()


def mask_logs(*names: str) -> None:
    """Attach the masking filter to vcrpy's and the harness's loggers (and any named)."""
    children = [
        name for name in list(logging.root.manager.loggerDict) if name.split(".", 1)[0] in _PACKAGES
    ]
    for name in (*_LOGGERS, *children, *names):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)

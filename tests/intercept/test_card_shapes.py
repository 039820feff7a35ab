"""A real card is refused before any byte leaves, wherever the raw request carries it.

Each case is a request as the code under test could write it: the card in the URL's path or
query, a header (a cookie, the Referer, a custom one) or the body, encoded as the masker knows
(fullwidth digits, base64, HTML entities, percent-encoded twice), compressed or in another
charset. Every HTTP library the interception patches sends it; the fake sandbox must see none.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from harness import RealCardError
from harness.intercept import intercept
from harness.spec import DISPATCHER_PATH
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer

CARD = "4539237301631479"  # Luhn-valid Visa, not a published test card
FULLWIDTH = "".join(chr(0xFF10 + int(digit)) for digit in CARD)
BASE = {
    "rest_call": "get_acct_notes_m",
    "output_format": "json",
    "client_no": CLIENT_NO,
    "auth_key": AUTH_KEY,
    "account_no": "1",
}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BOUNDARY = "aria-boundary-7"
MULTIPART = (
    "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in {**BASE, "cc_number": CARD}.items()
    )
    + f"--{BOUNDARY}--\r\n"
)


def _json(**extra: Any) -> bytes:
    return json.dumps({**BASE, **extra}).encode()


def _form(**extra: Any) -> bytes:
    return urlencode({**BASE, **extra}).encode()


# name -> (what follows the dispatcher path, headers, body)
SHAPES: dict[str, tuple[str, dict[str, str], bytes]] = {
    "cc_number fullwidth": ("", JSON, _json(cc_number=FULLWIDTH)),
    "notes fullwidth": ("", JSON, _json(notes=f"card {FULLWIDTH}")),
    "notes base64": ("", JSON, _json(notes=base64.b64encode(CARD.encode()).decode())),
    "notes HTML entities": ("", JSON, _json(notes="".join(f"&#{ord(c)};" for c in CARD))),
    "notes percent-encoded twice": ("", FORM, _form(notes=quote(f"{CARD[:4]} {CARD[4:]}"))),
    "cc_number underscore-separated": (
        "",
        FORM,
        _form(cc_number="_".join(CARD[i : i + 4] for i in range(0, 16, 4))),
    ),
    "a custom header": ("", {**FORM, "X-Card-Number": CARD}, _form()),
    "a cookie": ("", {**JSON, "Cookie": f"cc_number={CARD}"}, _json()),
    "the Referer's query": (
        "",
        {**JSON, "Referer": f"https://shop.example/checkout?cc_number={CARD}"},
        _json(),
    ),
    "a gzip body": ("", {**FORM, "Content-Encoding": "gzip"}, gzip.compress(_form(cc_number=CARD))),
    "a UTF-16 JSON body": (
        "",
        {"Content-Type": "application/json; charset=utf-16"},
        json.dumps({**BASE, "cc_number": CARD}).encode("utf-16"),
    ),
    "an XML body": (
        "",
        {"Content-Type": "application/xml"},
        f"<req><rest_call>get_acct_notes_m</rest_call><cc_number>{CARD}</cc_number></req>".encode(),
    ),
    "a multipart body": (
        "",
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        MULTIPART.encode(),
    ),
    "the URL path": (f"/{CARD}", JSON, _json()),
    "a path parameter": (f";cc_number={CARD}", JSON, _json()),
}


def _requests(url: str, headers: dict[str, str], body: bytes) -> None:
    import requests

    requests.post(url, data=body, headers=headers, timeout=5)


def _httpx(url: str, headers: dict[str, str], body: bytes) -> None:
    import httpx

    with httpx.Client(timeout=5) as client:
        client.post(url, content=body, headers=headers)


def _httpx_async(url: str, headers: dict[str, str], body: bytes) -> None:
    import httpx

    async def send() -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            await client.post(url, content=body, headers=headers)

    asyncio.run(send())


def _urllib3(url: str, headers: dict[str, str], body: bytes) -> None:
    import urllib3

    with urllib3.PoolManager() as pool:
        pool.request("POST", url, body=body, headers=headers, retries=False)


def _urllib(url: str, headers: dict[str, str], body: bytes) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=5):
        pass


def _aiohttp(url: str, headers: dict[str, str], body: bytes) -> None:
    import aiohttp

    async def send() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()

    asyncio.run(send())


LIBRARIES: dict[str, Callable[[str, dict[str, str], bytes], None]] = {
    "requests": _requests,
    "httpx": _httpx,
    "httpx_async": _httpx_async,
    "urllib3": _urllib3,
    "urllib": _urllib,
    "aiohttp": _aiohttp,
}


def send_live(library: str, url: str, headers: dict[str, str], body: bytes) -> BaseException | None:
    """Send raw bytes through one library under ``intercept(target="live")``; what it raised."""
    try:
        with intercept(target="live", fail_on_exit=False):
            LIBRARIES[library](url, headers, body)
    except Exception as exc:  # the library may wrap the refusal in its own error
        return exc
    return None


def _refusal_in(error: BaseException | None) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, RealCardError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_real_card_anywhere_in_the_request_is_refused_before_sending(
    shape: str, library: str, sandbox: FakeServer
) -> None:
    suffix, headers, body = SHAPES[shape]
    caught = send_live(library, sandbox.url + DISPATCHER_PATH + suffix, headers, body)
    assert sandbox.app.arrived == [], "the request reached the sandbox"
    assert _refusal_in(caught), f"no RealCardError: {caught!r}"

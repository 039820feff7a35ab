"""The code under test's own Aria calls, one sender per HTTP library.

Each sender posts one call the way an integration would, swallows every exception (as
application code that logs and carries on does) and returns the decoded answer or None.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Callable
from typing import Any

from harness.formcodec import encode_form

Sender = Callable[[str, dict[str, Any]], Any]
# Every sender keeps the last exception it swallowed here, so a test can see what the app saw.
swallowed: list[BaseException] = []


def swallowed_chain() -> list[BaseException]:
    """Every exception the senders swallowed, with their causes and contexts."""
    seen: list[BaseException] = []
    for error in swallowed:
        current: BaseException | None = error
        while current is not None and current not in seen:
            seen.append(current)
            current = current.__cause__ or current.__context__
    return seen


def _encode(body: dict[str, Any], form: bool) -> tuple[bytes, str]:
    if form:
        return encode_form(body).encode(), "application/x-www-form-urlencoded"
    return json.dumps(body).encode(), "application/json"


def _swallow(send: Callable[[], Any]) -> Any:
    try:
        return send()
    except Exception as exc:  # the app logs and carries on
        swallowed.append(exc)
        return None


def with_requests(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    import requests

    data, kind = _encode(body, form)
    with requests.Session() as session:
        return _swallow(
            lambda: session.post(url, data=data, headers={"Content-Type": kind}, timeout=5).json()
        )


def with_httpx(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    import httpx

    data, kind = _encode(body, form)
    with httpx.Client(timeout=5) as client:
        return _swallow(
            lambda: client.post(url, content=data, headers={"Content-Type": kind}).json()
        )


def with_httpx_async(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    import httpx

    data, kind = _encode(body, form)

    async def send() -> Any:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.post(url, content=data, headers={"Content-Type": kind})
            return response.json()

    return _swallow(lambda: asyncio.run(send()))


def with_urllib3(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    import urllib3

    data, kind = _encode(body, form)
    with urllib3.PoolManager() as pool:
        return _swallow(
            lambda: json.loads(
                pool.request("POST", url, body=data, headers={"Content-Type": kind}).data
            )
        )


def with_urllib(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    data, kind = _encode(body, form)
    request = urllib.request.Request(url, data=data, headers={"Content-Type": kind})

    def send() -> Any:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    return _swallow(send)


def with_aiohttp(url: str, body: dict[str, Any], *, form: bool = False) -> Any:
    import aiohttp

    data, kind = _encode(body, form)

    async def send() -> Any:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=data, headers={"Content-Type": kind}) as response:
                return json.loads(await response.read())

    return _swallow(lambda: asyncio.run(send()))


ALL: dict[str, Sender] = {
    "requests": with_requests,
    "httpx": with_httpx,
    "httpx_async": with_httpx_async,
    "urllib3": with_urllib3,
    "urllib": with_urllib,
    "aiohttp": with_aiohttp,
}
# The libraries the issue asks to cover on every target; the rest at least on the stub.
MAIN = ("requests", "httpx", "httpx_async")

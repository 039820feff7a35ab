"""Reporting through httpx (JSON bodies), sync and async."""

from __future__ import annotations

from typing import Any

import httpx

from billing.config import AriaSettings


def _body(settings: AriaSettings, method: str, **params: Any) -> dict[str, Any]:
    return {
        "rest_call": method,
        "client_no": settings.client_no,
        "auth_key": settings.auth_key,
        **params,
    }


def invoice_lines(invoice_no: int, acct_no: int, settings: AriaSettings | None = None) -> int:
    """How many lines an invoice has."""
    settings = settings or AriaSettings.from_env()
    body = _body(settings, "get_invoice_details_m", acct_no=acct_no, invoice_no=invoice_no)
    with httpx.Client(timeout=30) as client:
        answer = client.post(settings.url, json=body).json()
    return len(answer.get("invoice_line_details") or [])


async def billing_date(settings: AriaSettings | None = None) -> str:
    """Aria's (virtual) date, for the billing calendar."""
    settings = settings or AriaSettings.from_env()
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(settings.url, json=_body(settings, "get_virtual_datetime_m"))
    return response.json()["virtual_date"]

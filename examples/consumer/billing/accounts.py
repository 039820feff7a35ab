"""Orders and invoices through requests, with Aria6 form bodies (pipe-separated columns)."""

from __future__ import annotations

import logging
from typing import Any

import requests

from billing.config import AriaSettings

log = logging.getLogger(__name__)


class BillingError(Exception):
    """Aria said no."""


class Accounts:
    """The app's account operations."""

    def __init__(self, settings: AriaSettings | None = None) -> None:
        self.settings = settings or AriaSettings.from_env()
        self.session = requests.Session()

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        form = {
            "rest_call": method,
            "output_format": "json",
            "client_no": self.settings.client_no,
            "auth_key": self.settings.auth_key,
            **params,
        }
        response = self.session.post(self.settings.url, data=form, timeout=30)
        response.raise_for_status()
        answer = response.json()
        if answer["error_code"] != 0:
            raise BillingError(f"{method}: {answer['error_code']} {answer['error_msg']}")
        return answer

    def quote(self, acct_no: int, lines: dict[str, int]) -> float:
        """The total an order would cost, without placing it (do_write=false)."""
        answer = self._call(
            "create_order_m",
            account_no=acct_no,
            do_write="false",
            client_sku="|".join(lines),
            units="|".join(str(units) for units in lines.values()),
        )
        return float(answer["total_charges_after_tax"])

    def bill_now(self, acct_no: int, plan_instance_no: int) -> list[int]:
        """Invoice a plan instance whose billing date has passed; the new invoice numbers."""
        answer = self._call(
            "gen_invoice_m", acct_no=acct_no, master_plan_instance_no=plan_instance_no
        )
        return [invoice["invoice_no"] for invoice in answer["out_invoices_list"]]

    def try_quote(self, acct_no: int, lines: dict[str, int]) -> float | None:
        """A quote for a web page: any failure is logged and the page shows no price."""
        try:
            return self.quote(acct_no, lines)
        except Exception:
            log.exception("no quote for account %s", acct_no)
            return None

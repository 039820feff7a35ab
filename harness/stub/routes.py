"""The explicit route table: Aria method name -> handler. Nothing is dispatched by getattr."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.stub.context import CallContext
from harness.stub.methods.clock import advance_virtual_datetime_m, get_virtual_datetime_m
from harness.stub.methods.invoices import gen_invoice, gen_invoice_m

__all__ = ["ROUTES", "Handler"]

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]

ROUTES: dict[str, Handler] = {
    "gen_invoice_m": gen_invoice_m,
    "gen_invoice": gen_invoice,
    "get_virtual_datetime_m": get_virtual_datetime_m,
    "advance_virtual_datetime_m": advance_virtual_datetime_m,
}

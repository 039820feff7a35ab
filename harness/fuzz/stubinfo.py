"""Identifiers that exist in a stub's state, so some generated calls can succeed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["prime_stub", "stub_known_values", "stub_ledger"]

# Input field -> the stub's identifier kinds (``StubService.identifiers``) whose values it takes.
_SOURCES: dict[str, str] = {
    "acct_no": "acct_no",
    "account_no": "acct_no",
    "client_acct_id": "client_acct_id",
    "master_plan_instance_no": "master_plan_instance_no",
    "invoice_no": "invoice_no",
    "orig_invoice_no": "invoice_no",
    "order_line_items_list.client_sku": "client_sku",
}


def stub_known_values(stub: Any) -> dict[str, list[Any]]:
    """Identifier values an in-process stub knows, by the input fields that may name them."""
    identifiers = stub.service.identifiers()
    return {field: identifiers[kind] for field, kind in _SOURCES.items() if identifiers.get(kind)}


def stub_ledger(stub: Any) -> Callable[[], list[dict[str, Any]]]:
    """A reader of the stub's invoices (number, kind, what it replaces, total)."""
    return stub.service.invoices


def prime_stub(stub: Any) -> dict[str, list[dict[str, Any]]]:
    """Give the stub invoices to refer to and return one known-good call per method.

    The examples phase sends these first, so every method has a call that can succeed:
    the first master plan instance gets an invoice (for rebills and lookups), the last a
    pending one (for manage_pending_invoice_m); the second and third are left due for
    gen_invoice_m and gen_invoice.
    """
    client_no, auth_key = stub.service.default_credentials
    creds = {"client_no": client_no, "auth_key": auth_key}
    rows = stub.service.plan_instances()
    examples: dict[str, list[dict[str, Any]]] = {
        "get_virtual_datetime_m": [dict(creds)],
        "advance_virtual_datetime_m": [{**creds, "offset_hours": 1}],
    }
    if len(rows) < 4:
        return examples
    first, second, third, last = rows[0], rows[1], rows[2], rows[-1]
    billed = stub.call(
        "gen_invoice_m", **creds, acct_no=first["acct_no"], master_plan_instance_no=first["mpi_no"]
    )
    pending = stub.call(
        "gen_invoice_m",
        **creds,
        acct_no=last["acct_no"],
        master_plan_instance_no=last["mpi_no"],
        force_pending="true",
    )
    examples["gen_invoice_m"] = [
        {**creds, "acct_no": second["acct_no"], "master_plan_instance_no": second["mpi_no"]}
    ]
    examples["gen_invoice"] = [{**creds, "acct_no": third["acct_no"]}]
    skus = stub_known_values(stub).get("order_line_items_list.client_sku", [])
    if skus:
        examples["create_order_m"] = [
            {
                **creds,
                "account_no": first["acct_no"],
                "order_line_items_list": [{"client_sku": skus[0], "units": 1}],
            }
        ]
    if billed.get("error_code") == 0:
        invoice = {**creds, "acct_no": first["acct_no"], "invoice_no": billed["invoice_no"]}
        examples["get_invoice_details_m"] = [invoice]
        examples["gen_rb_m"] = [
            {
                **creds,
                "acct_no": first["acct_no"],
                "orig_invoice_no": billed["invoice_no"],
                "reason_cd": 1,
                "rb_line_items": [{"line_no": 1, "rb_units": 1}],
            }
        ]
    if pending.get("error_code") == 0:
        examples["manage_pending_invoice_m"] = [
            {
                **creds,
                "acct_no": last["acct_no"],
                "invoice_no": pending["invoice_no"],
                "action_directive": 1,
            }
        ]
    return examples

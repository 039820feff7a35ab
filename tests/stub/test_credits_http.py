"""The credit methods over loopback HTTP, as an Aria6-style form client sends them."""

from __future__ import annotations

from typing import Any

import requests

from harness.contracts import validate
from harness.stub.server import StubServer
from tests.stub.conftest import order


def _form(server: StubServer, http: requests.Session, method: str, **fields: str) -> dict:
    """POST a form (pipe columns for arrays); the contract-checked answer."""
    body: dict[str, Any] = {
        "rest_call": method,
        "client_no": str(server.client_no),
        "auth_key": server.auth_key,
        "output_format": "json",
        **fields,
    }
    answer = http.post(server.dispatcher_url, data=body, timeout=30).json()
    assert validate(method, answer) == []
    return answer


def test_memo_refund_and_balance_over_form_posts(server: StubServer, http: requests.Session):
    placed = http.post(server.dispatcher_url, json=order(server, bill_immediately=1), timeout=30)
    paid = placed.json()
    invoice_no = str(paid["invoice_no"])
    memo = _form(
        server,
        http,
        "create_cm_m",
        orig_invoice_no=invoice_no,
        cm_comments="form client",
        line_no="1|2",
        cm_line_amount="1.50|0.10",
    )
    assert memo["error_code"] == 0
    assert [line["cm_line_amount_out"] for line in memo["cm_details"]] == [1.5, 0.1]
    refund = _form(
        server,
        http,
        "issue_refund_to_acct_m",
        payment_transaction_id=str(paid["transaction_id"]),
        reason_code="1",
        auto_calc_refund="true",
        invoice_no=invoice_no,
        invoice_line_no="1",
    )
    assert refund["error_code"] == 0 and refund["applied_total_reversal_amount"] > 0
    # paid in full, refund and reversal cancel out: what remains is the memo's credit
    balance = _form(server, http, "get_acct_balance_m", acct_no="1000001")
    assert balance["acct_balance"] == "-1.60"

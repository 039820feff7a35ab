"""Concurrent callers over loopback HTTP see Aria's 3108 while a billing group is invoicing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from harness.contracts import validate
from harness.stub import running_stub
from tests.stub.domain.conftest import fixture_with_invoicing_held

CALLERS = 50


def test_fifty_concurrent_gen_invoice_m_over_http_make_one_invoice_and_49_answers_3108() -> None:
    with running_stub(fixtures=fixture_with_invoicing_held(3600)) as server:
        params = {
            "rest_call": "gen_invoice_m",
            "client_no": server.client_no,
            "auth_key": server.auth_key,
            "acct_no": 1000001,
            "billing_group_no": 70001,
        }
        barrier = threading.Barrier(CALLERS)

        def call(_: int) -> dict[str, Any]:
            barrier.wait(timeout=30)
            # a connection of its own per caller, as separate application instances would
            response = requests.post(server.dispatcher_url, json=params, timeout=30)
            return response.json()

        with ThreadPoolExecutor(max_workers=CALLERS) as pool:
            answers = list(pool.map(call, range(CALLERS), timeout=120))
        other_group = requests.post(
            server.dispatcher_url, json={**params, "billing_group_no": 70002}, timeout=30
        ).json()
        invoices = server.stub.service.dump_state()["tables"]["invoices"]

    assert all(validate("gen_invoice_m", answer) == [] for answer in answers)
    codes = sorted(answer["error_code"] for answer in answers)
    assert codes == [0] + [3108] * (CALLERS - 1)
    assert [row["billing_group_no"] for row in invoices] == [70001, 70002]
    assert other_group["error_code"] == 0

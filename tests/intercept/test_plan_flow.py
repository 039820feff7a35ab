"""An account's plan lifecycle driven by the code under test's own HTTP calls, offline.

The app below is what a consumer writes: its own ``requests`` session posting JSON to Aria's
production URL. Under ``intercept()`` every call reaches the stub in-process, every answer is
contract-checked, and the ledger counts exactly the invoices the plan changes generated.
"""

from __future__ import annotations

from typing import Any

import requests

from harness.intercept import intercept
from tests.intercept.conftest import PRODUCTION_URL
from tests.stub.domain.test_consumer_flow import silver_account


class BillingApp:
    """A consumer's thin Aria wrapper: credentials from its config, one POST per call."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def call(self, rest_call: str, **params: Any) -> dict[str, Any]:
        body = {"rest_call": rest_call, "client_no": 77, "auth_key": "app-config-key", **params}
        answer: dict[str, Any] = self.session.post(PRODUCTION_URL, json=body, timeout=5).json()
        if answer["error_code"] != 0:
            raise RuntimeError(f"{rest_call}: {answer['error_code']} {answer['error_msg']}")
        return answer


def test_a_plan_lifecycle_through_the_apps_own_session_is_checked_and_counted(
    no_sockets: list[tuple],
) -> None:
    app = BillingApp()
    with intercept() as active:
        created = app.call("create_acct_complete_m", acct=silver_account("APP-FLOW-1"))
        created = created["out_acct"][0]
        acct_no = created["acct_no"]
        silver = created["master_plans_assigned"][0]["plan_instance_no"]
        first = app.call("gen_invoice_m", acct_no=acct_no)
        app.call("advance_virtual_datetime_m", offset_hours=24 * 5)
        # a dry run of a mid-cycle assignment: the answer prices it, nothing is invoiced
        app.call("assign_acct_plan_m", acct_no=acct_no, new_client_plan_id="gold", do_write="false")
        gold = app.call("assign_acct_plan_m", acct_no=acct_no, new_client_plan_id="gold")
        app.call("advance_virtual_datetime_m", offset_hours=24 * 3)
        more = app.call(
            "modify_acct_plan_unit_instances_m",
            acct_no=acct_no,
            plan_inst_no=silver,
            new_plan_units=2,
        )
        history = app.call("get_invoice_history_m", acct_no=acct_no)["invoice_hist"]

    assert no_sockets == []
    assert [entry["invoice_no"] for entry in history] == [
        first["out_invoices_list"][0]["invoice_no"],
        gold["invoice_no"],
        more["invoice_no"],
    ]
    assert active.ledger.summary() == {
        "calls": 8,
        "invoices": 3,
        "violations": 0,
        "unchecked": 0,
        "refused": 0,
    }
    assert [call.method for call in active.ledger.calls if call.invoices] == [
        "gen_invoice_m",
        "assign_acct_plan_m",
        "modify_acct_plan_unit_instances_m",
    ]

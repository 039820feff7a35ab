"""The explicit route table: Aria method name -> handler. Nothing is dispatched by getattr."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.stub.context import CallContext
from harness.stub.methods.accounts import (
    create_acct_complete_m,
    get_acct_details_all_m,
    get_acct_plans_all_m,
    get_invoice_history_m,
)
from harness.stub.methods.balances import calc_credit_reference_line_m, get_acct_balance_m
from harness.stub.methods.billing_dates import update_acct_complete_m
from harness.stub.methods.clock import advance_virtual_datetime_m, get_virtual_datetime_m
from harness.stub.methods.credits import apply_cm_m, create_cm_m, get_cm_details_m, unapply_cm_m
from harness.stub.methods.details import get_invoice_details_m
from harness.stub.methods.disputes import (
    create_writeoff_or_dispute_m,
    get_acct_writeoff_or_disputes_m,
    settle_dispute_hold_m,
)
from harness.stub.methods.invoices import gen_invoice, gen_invoice_m
from harness.stub.methods.order_changes import create_order_with_plan_m, update_order_m
from harness.stub.methods.orders import create_order_m
from harness.stub.methods.pending import manage_pending_invoice_m
from harness.stub.methods.plans import (
    assign_acct_plan_m,
    cancel_acct_plan_m,
    modify_acct_plan_unit_instances_m,
    replace_acct_plan_m,
    update_acct_plan_m,
)
from harness.stub.methods.plans_multi import update_acct_plan_multi_m
from harness.stub.methods.queued_changes import (
    edit_acct_plan_queued_changes_m,
    get_acct_plan_queued_changes_m,
)
from harness.stub.methods.rebill import gen_rb_m
from harness.stub.methods.refunds import get_refund_details_m, issue_refund_to_acct_m
from harness.stub.methods.unit_instances import (
    get_acct_plan_unit_instance_all_m,
    update_acct_plan_unit_instance_m,
)

__all__ = ["ROUTES", "Handler"]

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]

ROUTES: dict[str, Handler] = {
    "gen_invoice_m": gen_invoice_m,
    "gen_invoice": gen_invoice,
    "gen_rb_m": gen_rb_m,
    "create_order_m": create_order_m,
    "manage_pending_invoice_m": manage_pending_invoice_m,
    "get_invoice_details_m": get_invoice_details_m,
    "get_virtual_datetime_m": get_virtual_datetime_m,
    "advance_virtual_datetime_m": advance_virtual_datetime_m,
    "create_acct_complete_m": create_acct_complete_m,
    "get_acct_details_all_m": get_acct_details_all_m,
    "get_acct_plans_all_m": get_acct_plans_all_m,
    "get_invoice_history_m": get_invoice_history_m,
    "assign_acct_plan_m": assign_acct_plan_m,
    "cancel_acct_plan_m": cancel_acct_plan_m,
    "replace_acct_plan_m": replace_acct_plan_m,
    "update_acct_plan_m": update_acct_plan_m,
    "modify_acct_plan_unit_instances_m": modify_acct_plan_unit_instances_m,
    "update_acct_complete_m": update_acct_complete_m,
    "update_acct_plan_multi_m": update_acct_plan_multi_m,
    "create_order_with_plan_m": create_order_with_plan_m,
    "update_order_m": update_order_m,
    # queued plan changes
    "get_acct_plan_queued_changes_m": get_acct_plan_queued_changes_m,
    "edit_acct_plan_queued_changes_m": edit_acct_plan_queued_changes_m,
    # plan unit instances and their fulfillment
    "get_acct_plan_unit_instance_all_m": get_acct_plan_unit_instance_all_m,
    "update_acct_plan_unit_instance_m": update_acct_plan_unit_instance_m,
    # credit memos, disputes, write-offs, refunds, balances
    "create_cm_m": create_cm_m,
    "apply_cm_m": apply_cm_m,
    "unapply_cm_m": unapply_cm_m,
    "get_cm_details_m": get_cm_details_m,
    "calc_credit_reference_line_m": calc_credit_reference_line_m,
    "create_writeoff_or_dispute_m": create_writeoff_or_dispute_m,
    "settle_dispute_hold_m": settle_dispute_hold_m,
    "get_acct_writeoff_or_disputes_m": get_acct_writeoff_or_disputes_m,
    "issue_refund_to_acct_m": issue_refund_to_acct_m,
    "get_refund_details_m": get_refund_details_m,
    "get_acct_balance_m": get_acct_balance_m,
}

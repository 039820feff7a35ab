"""Well-formed Aria responses, shaped like real traffic, for the contract tests and benchmarks."""

from __future__ import annotations

import copy
from typing import Any

_TAX_DETAIL = {
    "tax_detail_line": 1,
    "seq_num": 3,
    "taxed_seq_num": 1,
    "debit": 2.5,
    "tax_authority_level": 1,
    "tax_rate": 0.05,
    "orig_was_tax_inclusive": 0,
    "tax_srv_tax_type_id": "ST",
    "tax_srv_tax_type_desc": "State sales tax",
    "tax_srv_cat_text": "Sales",
    "tax_srv_juris_nm": "California",
    "tax_srv_tax_sum_text": "CA sales tax",
    "unrounded_tax_amt": 2.4975,
    "carryover_from_prev_amt": 0.0021,
    "before_round_adjusted_tax_amt": 2.4996,
    "carryover_from_current_amt": -0.0004,
}


def _line(line_no: int, line_type: int, amount: float, description: str) -> dict[str, Any]:
    return {
        "invoice_line_no": line_no,
        "plan_no": 10001,
        "client_plan_id": "gold",
        "plan_instance_no": 20001,
        "client_plan_instance_id": "gold-1",
        "plan_name": "Gold",
        "service_no": 30001 + line_no,
        "client_service_id": f"svc-{line_no}",
        "service_name": description,
        "service_coa_id": 1,
        "client_service_coa_code": "4000",
        "units": 1.0,
        "rate_per_unit": amount,
        "line_amount": amount,
        "line_description": description,
        "start_date_range": "2026-11-01",
        "end_date_range": "2026-11-30",
        "line_type": line_type,
        "base_plan_units": 1.0,
        "proration_factor": 1.0,
        "proration_text": "30/30",
        "proration_remaining_days": 30,
        "proration_description": None,
        "credit_coupon_code": None,
        "client_sku": None,
        "order_no": None,
        "item_no": None,
        "client_item_id": None,
        "adv_billing_period_total_days": 30,
        "rate_schedule_no": 501,
        "rate_schedule_tier_no": 1,
        "bill_from_address_no": None,
        "ship_from_address_no": None,
        "bill_to_address_no": 1,
        "ship_to_address_no": 1,
    }


GEN_INVOICE_M_SUCCESS: dict[str, Any] = {
    "error_code": 0,
    "error_msg": "OK",
    "invoice_no": 900001,
    "out_acct_no": 1000001,
    "out_client_acct_id": "acme-1",
    "out_billing_group_no": 70001,
    "out_client_billing_group_id": "acme-bg-1",
    "third_party_errors": None,
    "out_invoices_list": [
        {
            "invoicing_error_code": 0,
            "invoicing_error_msg": "OK",
            "invoice_no": 900001,
            "billing_group_no": 70001,
            "client_billing_group_id": "acme-bg-1",
            "invoice_charges_before_tax": 50.0,
            "invoice_tax_charges": 2.5,
            "invoice_charges_after_tax": 52.5,
            "invoice_credit_amount": 0.0,
            "invoice_total_amount": 52.5,
            "invoice_items": [
                _line(1, 1, 30.0, "Gold monthly fee"),
                _line(2, 6, 20.0, "API calls"),
                _line(3, 2, 2.5, "State sales tax"),
            ],
            "tax_details": [dict(_TAX_DETAIL)],
            "third_party_errors": None,
        }
    ],
}

GEN_INVOICE_M_ERROR: dict[str, Any] = {
    "error_code": 1009,
    "invoice_no": None,
    "out_acct_no": None,
    "out_client_acct_id": None,
    "out_billing_group_no": None,
    "out_client_billing_group_id": None,
    "third_party_errors": None,
    "out_invoices_list": None,
    "error_msg": "account does not exist",
}


def gen_invoice_m_success() -> dict[str, Any]:
    """A fresh copy of a full gen_invoice_m success response (one invoice, three lines)."""
    return copy.deepcopy(GEN_INVOICE_M_SUCCESS)


def gen_invoice_m_error() -> dict[str, Any]:
    """A fresh copy of a gen_invoice_m error as real Aria sends it: outputs present and null."""
    return copy.deepcopy(GEN_INVOICE_M_ERROR)

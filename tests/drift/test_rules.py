from __future__ import annotations

import pytest

from harness.drift import DEFAULT_RULES, FieldRule, Rules


@pytest.mark.parametrize(
    ("key", "value", "token"),
    [
        ("invoice_no", 900001, "<id>"),
        ("out_billing_group_no", 70001, "<id>"),
        ("transaction_id", 55, "<id>"),
        ("virtual_date", "2026-11-01", "<date>"),
        ("start_date_range", "2026-11-01", "<date>"),
        ("proration_factor", 0.5, "<amount>"),
        ("line_amount", 12.5, "<amount>"),
    ],
    ids=["invoice-no", "nested-no", "transaction-id", "date", "date-range", "proration", "amount"],
)
def test_volatile_fields_become_tokens(key: str, value: object, token: str) -> None:
    assert DEFAULT_RULES.normalise({key: value}) == {key: token}


def test_stable_fields_keep_their_values_and_nulls_stay_null() -> None:
    value = {"client_plan_id": "gold", "error_code": 0, "invoice_no": None, "plan_name": "Gold"}
    assert DEFAULT_RULES.normalise(value) == value


def test_rules_reach_inside_arrays() -> None:
    value = {"out_invoices_list": [{"invoice_no": 1}, {"invoice_no": 2}]}
    assert DEFAULT_RULES.normalise(value) == {
        "out_invoices_list": [{"invoice_no": "<id>"}, {"invoice_no": "<id>"}]
    }


def test_messages_lose_their_ids_and_dates() -> None:
    one = DEFAULT_RULES.normalise_text("invoice 900001 of 2026-11-01 12:30:00 is not pending")
    two = DEFAULT_RULES.normalise_text("invoice 900417 of 2027-02-14 08:05:59 is not pending")
    assert one == two == "invoice <n> of <date> is not pending"


def test_short_numbers_in_messages_are_kept() -> None:
    assert DEFAULT_RULES.normalise_text("error 12 on line 3") == "error 12 on line 3"


def test_custom_rules_are_declared_the_same_way() -> None:
    rules = Rules(fields=(FieldRule("mine", r"custom_status_label", "<label>", "ours"),))
    assert rules.normalise({"custom_status_label": "x", "invoice_no": 1}) == {
        "custom_status_label": "<label>",
        "invoice_no": 1,
    }

"""The id map: which fields carry assigned ids, pairing, translation, and cassette order."""

from __future__ import annotations

import pytest

from harness.drift.ids import IdMap, assigned_id_fields, id_kind, order_by_dependency


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("invoice_no", "invoice"),
        ("orig_invoice_no", "invoice"),
        ("order_no", "order"),
        ("field_order_no", None),  # a position, not an order
        ("invoice_transaction_id", "transaction"),
        ("svc_credit_source_trans_id", "transaction"),
        ("master_plan_instance_no", "plan instance"),
        ("acct_no", None),  # accounts exist before the suite runs
        ("line_no", None),
        ("rb_line_items[0][invoice_no]", "invoice"),  # a bracketed form key
    ],
)
def test_id_kinds_by_field_name(key: str, kind: str | None) -> None:
    assert id_kind(key) == kind


def test_assigned_id_fields_come_from_the_descriptions_output_fields() -> None:
    fields = assigned_id_fields()
    assert {"invoice_no", "order_no", "transaction_id", "new_invoice_no"} <= fields
    assert "orig_invoice_no" in fields  # an output of get_invoice_details_m
    assert all(id_kind(name) for name in fields)


def test_a_recorded_id_is_sent_and_compared_as_tonights() -> None:
    ids = IdMap()
    ids.see_request({"acct_no": 1000001})
    ids.learn(
        interaction="a#0",
        method="gen_invoice_m",
        recorded={"invoice_no": 900001, "out_invoices_list": [{"invoice_no": 900001}]},
        live={"invoice_no": 1200001, "out_invoices_list": [{"invoice_no": 1200001}]},
    )
    assert ids.missing({"invoice_no": 900001}) is None
    assert ids.translate({"invoice_no": 900001, "reason_cd": 900001}) == {
        "invoice_no": 1200001,
        "reason_cd": 900001,  # not an id field: left alone
    }
    assert ids.translate({"orig_invoice_no": "900001"}) == {"orig_invoice_no": "1200001"}


def test_a_pipe_column_of_ids_is_each_of_them() -> None:
    ids = IdMap()
    ids.learn(
        interaction="a#0",
        method="create_order_m",
        recorded={"order_no": 5000001},
        live=None,
        why_missing="that call was SKIPPED",
    )
    assert ids.missing({"order_no": "5000009|5000001"}) is not None


def test_an_echo_of_a_requested_id_is_not_something_the_call_made() -> None:
    ids = IdMap()
    ids.see_request({"invoice_no": 1})
    ids.learn(
        interaction="a#0",
        method="get_invoice_details_m",
        recorded={"invoice_no": 1},
        live=None,
        why_missing="that call was SKIPPED",
    )
    assert ids.missing({"invoice_no": 1}) is None


def test_an_id_whose_producer_made_none_tonight_blocks_its_users_with_the_reason() -> None:
    ids = IdMap()
    ids.learn(
        interaction="a#0",
        method="create_order_m",
        recorded={"order_no": 5000001},
        live={"order_no": None},
        why_missing="that call ran as a dry run",
    )
    reason, origin = ids.missing({"order_no": 5000001}) or ("", "")
    assert origin == "a#0"
    assert reason == (
        "it names order 5000001, which a#0 (create_order_m) handed out in the recording; "
        "tonight that call ran as a dry run"
    )


def test_cassettes_naming_anothers_ids_replay_after_it_else_in_name_order() -> None:
    order = order_by_dependency(
        [
            ("a_reads.yaml", [({"invoice_no": 7}, {"error_code": 0})]),
            ("b_clock.yaml", [({}, {"error_code": 0})]),
            ("c_makes.yaml", [({}, {"invoice_no": 7})]),
        ]
    )
    assert order == ["b_clock.yaml", "c_makes.yaml", "a_reads.yaml"]


def test_a_cycle_falls_back_to_name_order() -> None:
    order = order_by_dependency(
        [
            ("a.yaml", [({"invoice_no": 2}, {"invoice_no": 1})]),
            ("b.yaml", [({"invoice_no": 1}, {"invoice_no": 2})]),
        ]
    )
    assert order == ["a.yaml", "b.yaml"]

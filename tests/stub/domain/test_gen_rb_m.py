"""gen_rb_m: credit memo plus rebill invoice, line order, dry run, collection setting."""

from __future__ import annotations

import pytest

ACME = 1000001


@pytest.fixture
def original(ok):
    answer = ok("gen_invoice_m", acct_no=ACME, master_plan_instance_no=20001)
    return answer["out_invoices_list"][0]


def test_rebill_creates_credit_memo_and_new_invoice(ok, original, service):
    answer = ok(
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=7,
        rb_line_items=[{"line_no": 1, "rb_units": 2}, {"line_no": 2, "rb_rate_per_unit": 0.01}],
    )
    items = answer["invoice_items"]
    assert items[0]["units"] == 2 and items[0]["line_amount"] == pytest.approx(99.98)
    assert items[1]["rate_per_unit"] == 0.01
    assert answer["reason_code"] == 7
    assert answer["amount"] == pytest.approx(
        sum(i["line_amount"] for i in items if i["line_type"] != 2)
        + sum(d["debit"] for d in answer["tax_details"])
    )
    invoices = {row["invoice_no"]: row for row in service.dump_state()["tables"]["invoices"]}
    memo = [row for row in invoices.values() if row["kind"] == "credit_memo"]
    assert len(memo) == 1 and memo[0]["orig_invoice_no"] == original["invoice_no"]
    assert float(memo[0]["total"]) == pytest.approx(-original["invoice_total_amount"])
    assert invoices[original["invoice_no"]]["status"] == "rebilled"
    details = ok("get_invoice_details_m", invoice_no=answer["invoice_no"])
    assert details["orig_invoice_no"] == original["invoice_no"] and details["rb_flag"] == 1


def test_blank_rate_takes_the_original_line_rate(ok, original):
    answer = ok(
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 2, "rb_units": 100, "rb_rate_per_unit": ""}],
    )
    assert (
        answer["invoice_items"][0]["rate_per_unit"] == original["invoice_items"][1]["rate_per_unit"]
    )
    assert answer["invoice_items"][0]["line_amount"] == pytest.approx(1.25)


def test_lines_out_of_order_are_refused_clearly(err, original):
    answer = err(
        1016,
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 2}, {"line_no": 1}],
    )
    assert "ascending line_no" in answer["error_msg"]


def test_dry_run_returns_the_answer_and_stores_nothing(ok, original, service):
    before = service.state_digest()
    answer = ok(
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1}],
        do_write="false",
        do_collect=1,
    )
    assert answer["invoice_no"] is None
    assert answer["invoice_items"] and answer["amount"] > 0
    assert service.state_digest() == before


@pytest.mark.parametrize(("do_collect", "collected"), [(1, True), (0, False), (None, False)])
def test_do_collect_and_the_autocollect_setting(ok, original, service, do_collect, collected):
    params = {} if do_collect is None else {"do_collect": do_collect}
    answer = ok(
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1}],
        **params,
    )
    assert (answer["proc_payment_id"] is not None) is collected
    assert bool(service.dump_state()["tables"]["payments"]) is collected


def test_autocollect_on_rebill_setting_on():
    from harness.stub.fixtures import read_fixture
    from harness.stub.service import StubService
    from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

    raw = read_fixture(None)
    raw["tenants"][0]["client_parameters"]["autocollect_on_rebill"] = True
    stub = StubService(fixtures=raw)
    creds = {"client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    inv = stub.call("gen_invoice_m", {**creds, "acct_no": ACME, "master_plan_instance_no": 20001})[
        "invoice_no"
    ]
    answer = check_answer(
        "gen_rb_m",
        stub.call(
            "gen_rb_m",
            {
                **creds,
                "acct_no": ACME,
                "orig_invoice_no": inv,
                "reason_cd": 1,
                "rb_line_items": [{"line_no": 1}],
            },
        ),
    )
    assert answer["proc_status_code"] == "1"


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"line_no": 99}], 1016),
        ([{"line_no": 4}], 1016),
        ([{"line_no": 1, "service_no": 1}], 1016),
    ],
    ids=["no-such-line", "tax-line", "service-mismatch"],
)
def test_bad_lines(err, original, items, code):
    err(
        code,
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=items,
    )


def test_unknown_invoice_is_no_data(err):
    err(
        1002,
        "gen_rb_m",
        acct_no=ACME,
        orig_invoice_no=5,
        reason_cd=1,
        rb_line_items=[{"line_no": 1}],
    )


def test_a_rebilled_invoice_cannot_be_rebilled_again(ok, err, original):
    params = {
        "acct_no": ACME,
        "orig_invoice_no": original["invoice_no"],
        "reason_cd": 1,
        "rb_line_items": [{"line_no": 1}],
    }
    ok("gen_rb_m", **params)
    answer = err(1016, "gen_rb_m", **params)
    assert f"invoice {original['invoice_no']} cannot be rebilled" in answer["error_msg"]


def test_a_declined_rebill_collection_answers_its_error_code(ok):
    invoice = ok("gen_invoice_m", acct_no=1000003)["invoice_no"]  # INITECH: a declining card
    answer = ok(
        "gen_rb_m",
        acct_no=1000003,
        orig_invoice_no=invoice,
        reason_cd=1,
        do_collect=1,
        rb_line_items=[{"line_no": 1}],
    )
    assert answer["proc_status_code"] == "2"
    assert answer["collection_error_cd"] == 4011
    assert answer["collection_error_msg"] == answer["proc_status_text"]


def test_without_an_account_the_original_invoice_names_it(ok, err, original):
    answer = ok(
        "gen_rb_m",
        orig_invoice_no=original["invoice_no"],
        reason_cd=1,
        rb_line_items=[{"line_no": 1}],
    )
    assert answer["invoice_no"] != original["invoice_no"]
    err(1002, "gen_rb_m", orig_invoice_no=987654, reason_cd=1, rb_line_items=[{"line_no": 1}])

"""Response contracts: they accept what real Aria sends and reject what it must not."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harness import ContractViolation
from harness.contracts import assert_valid, contract_for, validate
from harness.contracts.validator import OPENAPI_URI, codes_uri
from harness.spec import load_document, registry
from tests.samples import gen_invoice_m_error, gen_invoice_m_success

METHODS = registry().all_names


def _error_answer(method: str, code: int = 1004, message: str = "authentication error") -> dict:
    """An error as real Aria sends it: every output present and null."""
    answer: dict[str, Any] = {"error_code": code}
    answer.update(dict.fromkeys(registry()[method].output_fields))
    answer["error_code"], answer["error_msg"] = code, message
    return answer


def _rules(violations: list) -> list[tuple[str, str]]:
    return [(v.pointer, v.rule) for v in violations]


def test_full_success_response_conforms() -> None:
    assert validate("gen_invoice_m", gen_invoice_m_success()) == []


def test_real_error_shape_with_null_outputs_conforms() -> None:
    assert validate("gen_invoice_m", gen_invoice_m_error()) == []


@pytest.mark.parametrize("method", METHODS)
def test_every_method_accepts_a_generic_error_with_null_outputs(method: str) -> None:
    assert validate(method, _error_answer(method)) == []


_ENVELOPE_ONLY = [
    name for name in METHODS if set(registry()[name].output_fields) <= {"error_code", "error_msg"}
]


@pytest.mark.parametrize("method", [name for name in METHODS if name not in _ENVELOPE_ONLY])
def test_every_method_requires_its_outputs_on_success(method: str) -> None:
    violations = validate(method, {"error_code": 0, "error_msg": "OK"})
    assert violations, f"{method}: a bare OK must not satisfy the contract"
    assert {v.rule for v in violations} == {"required"}


@pytest.mark.parametrize("method", _ENVELOPE_ONLY)
def test_a_method_answering_only_the_envelope_accepts_a_bare_ok(method: str) -> None:
    assert validate(method, {"error_code": 0, "error_msg": "OK"}) == []
    assert validate(method, {"error_code": 0, "error_msg": "failed"}) != []


def test_wrong_type_is_rejected_with_pointer_expected_and_actual() -> None:
    answer = gen_invoice_m_success()
    answer["out_invoices_list"][0]["invoice_items"][1]["units"] = "1.0"
    (violation,) = validate("gen_invoice_m", answer)
    assert violation.method == "gen_invoice_m"
    assert violation.pointer == "/out_invoices_list/0/invoice_items/1/units"
    assert violation.rule == "type"
    assert "number" in violation.expected and "null" in violation.expected
    assert violation.actual == "string"


def test_missing_required_field_on_success_is_rejected() -> None:
    answer = gen_invoice_m_success()
    del answer["out_acct_no"]
    assert _rules(validate("gen_invoice_m", answer)) == [("", "required")]


def test_null_where_success_needs_a_value_is_rejected() -> None:
    answer = gen_invoice_m_success()
    answer["out_acct_no"] = None
    assert _rules(validate("gen_invoice_m", answer)) == [("/out_acct_no", "type")]


def test_undocumented_error_code_is_rejected() -> None:
    answer = gen_invoice_m_error()
    answer["error_code"] = 1060
    (violation,) = validate("gen_invoice_m", answer)
    assert (violation.pointer, violation.rule, violation.actual) == ("/error_code", "enum", "1060")
    assert "1059" in violation.expected and "1068" in violation.expected


def test_a_code_documented_for_another_method_only_is_rejected() -> None:
    # 1059 is gen_invoice_m's invoice_mode error; create_order_m documents no such code.
    assert validate("create_order_m", _error_answer("create_order_m", 1059, "Invalid input")) != []
    assert validate("gen_invoice_m", _error_answer("gen_invoice_m", 1059, "Invalid input")) == []


def test_error_msg_other_than_ok_on_success_is_rejected() -> None:
    answer = gen_invoice_m_success()
    answer["error_msg"] = "Success"
    assert _rules(validate("gen_invoice_m", answer)) == [("/error_msg", "const")]


def test_ok_on_an_error_is_rejected() -> None:
    answer = gen_invoice_m_error()
    answer["error_msg"] = "OK"
    assert _rules(validate("gen_invoice_m", answer)) == [("/error_msg", "not")]


def test_totals_that_do_not_add_up_are_rejected() -> None:
    answer = gen_invoice_m_success()
    answer["out_invoices_list"][0]["invoice_charges_after_tax"] = 55.0
    rules = _rules(validate("gen_invoice_m", answer))
    assert (
        "/out_invoices_list/0/invoice_charges_after_tax",
        "invariant:charges_after_tax",
    ) in rules
    # the invoice total is checked against the (wrong) after-tax figure too
    assert ("/out_invoices_list/0/invoice_total_amount", "invariant:invoice_total") in rules


def test_tax_rounding_carryover_must_add_up() -> None:
    answer = gen_invoice_m_success()
    answer["out_invoices_list"][0]["tax_details"][0]["before_round_adjusted_tax_amt"] = 2.6
    (violation,) = validate("gen_invoice_m", answer)
    assert violation.rule == "invariant:tax_rounding_carryover"
    assert "unrounded_tax_amt + carryover_from_prev_amt" in violation.expected


def test_create_order_totals_must_add_up() -> None:
    answer = {
        "error_code": 0,
        "error_msg": "OK",
        "invoice_line_items_list": [],
        "total_charges_before_tax": 10.0,
        "total_tax_charges": 1.0,
        "total_charges_after_tax": 12.0,
        "total_credit": 0.0,
    }
    assert _rules(validate("create_order_m", answer)) == [
        ("/total_charges_after_tax", "invariant:charges_after_tax")
    ]
    answer["total_charges_after_tax"] = 11.0
    assert validate("create_order_m", answer) == []


def test_line_type_outside_one_to_nine_is_rejected() -> None:
    answer = gen_invoice_m_success()
    answer["out_invoices_list"][0]["invoice_items"][0]["line_type"] = 10
    assert _rules(validate("gen_invoice_m", answer)) == [
        ("/out_invoices_list/0/invoice_items/0/line_type", "enum")
    ]


def test_a_response_that_is_not_an_object_is_one_violation() -> None:
    (violation,) = validate("gen_invoice_m", ["not", "an", "object"])
    assert (violation.pointer, violation.expected, violation.actual) == (
        "",
        "a JSON object",
        "array",
    )


def test_assert_valid_raises_an_assertion_error_naming_the_method() -> None:
    answer = gen_invoice_m_success()
    answer["error_msg"] = "Success"
    with pytest.raises(AssertionError) as caught:
        assert_valid("gen_invoice_m", answer)
    assert isinstance(caught.value, ContractViolation)
    assert "gen_invoice_m /error_msg" in str(caught.value)
    assert '"OK"' in str(caught.value)


def test_validators_are_compiled_once() -> None:
    assert contract_for("gen_invoice_m") is contract_for("gen_invoice_m")


@pytest.mark.parametrize("method", METHODS)
def test_contracts_are_standard_json_schema_and_jsonschema_agrees(method: str) -> None:
    schema = load_document("contracts", f"{method}.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    resources = [(OPENAPI_URI, Resource(json.loads(json.dumps(registry().document)), DRAFT202012))]
    resources += [
        (codes_uri(s.name), DRAFT202012.create_resource({"enum": sorted(s.allowed_codes)}))
        for s in registry()
    ]
    reference = jsonschema.Draft202012Validator(
        schema, registry=Registry().with_resources(resources)
    )
    samples = [
        _error_answer(method),
        _error_answer(method, 7, "no such code"),
        {"error_code": 0, "error_msg": "OK"},
        {"error_code": 0, "error_msg": "Fine"},
    ]
    for sample in samples:
        ours = {(v.pointer, v.rule) for v in validate(method, sample) if "invariant" not in v.rule}
        theirs = {
            ("".join(f"/{p}" for p in e.absolute_path), e.validator)
            for e in reference.iter_errors(sample)
        }
        assert ours == theirs, sample

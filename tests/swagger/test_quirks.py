"""One test per quirk of Aria's published descriptions, each through the readers."""

from __future__ import annotations

from collections.abc import Callable

from harness.swagger import QUIRKS, read_description
from harness.swagger.quirks import is_suffix_artifact, plain_name
from tests.swagger.builders import swagger, to_openapi3

TESTED: dict[str, Callable[[], None]] = {}


def quirk(quirk_id: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(test: Callable[[], None]) -> Callable[[], None]:
        TESTED[quirk_id] = test
        return test

    return register


@quirk("required-as-string")
def test_required_given_as_a_string_is_read_as_a_boolean() -> None:
    doc = swagger(
        {
            "m_m": {
                "in": {
                    "a": {"type": "string", "required": "true"},
                    "b": {"type": "string", "required": "false"},
                }
            }
        }
    )
    inputs = read_description(doc)["m_m"].inputs
    assert inputs["a"].required is True
    assert inputs["b"].required is False


@quirk("fragment-paths")
def test_a_method_is_named_by_its_rest_call_not_its_fragment() -> None:
    doc = swagger({"gen_invoice_m": {}})
    doc["paths"]["#GenInvoiceM"]["post"]["summary"] = "Generate invoices"
    model = read_description(doc)
    assert list(model.methods) == ["gen_invoice_m"]
    assert model["gen_invoice_m"].source == "#GenInvoiceM"


@quirk("envelope-fields")
def test_envelope_fields_are_no_method_field() -> None:
    doc = swagger(
        {"m_m": {"in": {"acct_no": {"type": "integer"}}, "out": {"x": {"type": "string"}}}}
    )
    method = read_description(doc)["m_m"]
    assert list(method.inputs) == ["acct_no"]
    assert list(method.outputs) == ["x"]


@quirk("default-response")
def test_outputs_come_from_the_default_response_or_200() -> None:
    doc = swagger({"m_m": {"out": {"x": {"type": "string"}}}})
    assert list(read_description(doc)["m_m"].outputs) == ["x"]
    responses = doc["paths"]["#MM"]["post"]["responses"]
    responses["200"] = responses.pop("default")
    assert list(read_description(doc)["m_m"].outputs) == ["x"]


@quirk("int64-format")
def test_int64_format_is_dropped_from_integers() -> None:
    doc = swagger({"m_m": {"in": {"n": {"type": "integer", "format": "int64"}}}})
    field = read_description(doc)["m_m"].inputs["n"]
    assert field.type == "integer"
    assert not hasattr(field, "format")


@quirk("blank-descriptions")
def test_descriptions_are_stripped() -> None:
    doc = swagger({"m_m": {"in": {"a": {"type": "string", "description": "Account.\n"}}}})
    doc["paths"]["#MM"]["post"]["description"] = "\n"
    method = read_description(doc)["m_m"]
    assert method.inputs["a"].description == "Account."
    assert method.description == ""


@quirk("suffix-2")
def test_the_2_suffix_is_kept_as_published_and_plain_name_removes_it() -> None:
    doc = swagger({"m_m": {"out": {"billing_group_no_2": {"type": "integer"}}}})
    outputs = read_description(doc)["m_m"].outputs
    assert list(outputs) == ["billing_group_no_2"]
    assert plain_name("billing_group_no_2", outputs) == "billing_group_no"


def test_a_numbered_series_is_not_the_2_artifact() -> None:
    siblings = {"qualifier_1", "qualifier_2", "qualifier_3"}
    assert not is_suffix_artifact("qualifier_2", siblings)
    assert plain_name("qualifier_2", siblings) == "qualifier_2"


@quirk("nullable-outputs")
def test_nullable_output_types_read_as_their_type() -> None:
    doc = to_openapi3(swagger({"m_m": {"out": {"n": {"type": "integer"}}}}))
    prop = doc["components"]["schemas"]["MMResponse"]["properties"]["n"]
    assert prop["type"] == ["integer", "null"]
    assert read_description(doc)["m_m"].outputs["n"].type == "integer"


@quirk("max-length-extension")
def test_x_aria_max_length_is_the_max_length_of_a_non_string() -> None:
    doc = to_openapi3(
        swagger(
            {
                "m_m": {
                    "in": {
                        "n": {"type": "integer", "x-aria-max-length": 22},
                        "s": {"type": "string", "maxLength": 50},
                    }
                }
            }
        )
    )
    inputs = read_description(doc)["m_m"].inputs
    assert (inputs["n"].max_length, inputs["s"].max_length) == (22, 50)


def test_every_listed_quirk_has_its_test() -> None:
    assert set(TESTED) == {q.id for q in QUIRKS}

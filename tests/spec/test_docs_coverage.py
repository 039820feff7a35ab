"""The description against Aria's documentation pages: every field, length, value and code.

The pages are the spec: these tests read them and check that nothing they list is missing
from the description or the contracts. Item rows whose names the pages lost are matched by
the swagger file when the description is written, so only named rows are checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.contracts import validate
from harness.spec import registry

# A named input row of a pipe table: "name | type | max length |" (the name cell may follow
# required-icon cells, and the type may wrap onto the next line).
_PIPE_INPUT = re.compile(
    r"(?m)^(?:!\[\]\(\)\s*\|?\s*)*([a-z][a-z0-9_]*)\s*\|\s*\n?\s*"
    r"(long|string|double|array|hash)\s*\|\s*(\d*)\s*\|"
)
_PIPE_ARRAY = re.compile(r"(?m)^(?:!\[\]\(\)\s*\|?\s*)*([a-z][a-z0-9_]*)\s*\|\s*array\s*\|")
# A named output row: "name | type | description |".
_PIPE_OUTPUT = re.compile(r"(?m)^([a-z][a-z0-9_]*) \| (long|string|double|hash|array) \| [^|\d\s]")
# A row of the Aria6 page: "required-icon.png name type maxlen ...".
_ARIA6_ROW = re.compile(
    r"(?m)^\s*(?:required-icon\.png|brd_arrow\.gif)?\s*([a-z][a-z0-9_]*) "
    r"(long|string|array|double|hash)\s+(\d+)?"
)
_ERROR_CODE = re.compile(r"(?m)^(-?\d{3,5}): (.+)$")


def _properties(schema_name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property under a component schema, its array items included."""
    seen: set[str] = set()
    pending = [schema_name]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for key, prop in registry().schema(name).get("properties", {}).items():
            yield key, prop
            ref = prop.get("items", {}).get("$ref", "")
            if ref:
                pending.append(ref.rsplit("/", 1)[1])


def _inputs(method: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for key, prop in _properties(registry()[method].request_schema):
        found.setdefault(key, []).append(prop)
    return found


def _outputs(method: str) -> set[str]:
    return {key for key, _ in _properties(registry()[method].response_schema)}


def _enum_values(method: str) -> set[Any]:
    return {
        value for props in _inputs(method).values() for p in props for value in p.get("enum", [])
    }


def _max_length(prop: dict[str, Any]) -> int | None:
    return prop.get("maxLength", prop.get("x-aria-max-length"))


def _page(aria_docs: Path, name: str) -> str:
    return (aria_docs / name).read_text(encoding="utf-8")


_OUTPUT_MARKERS = ("Output Arguments", "Field Name | Field Type | Description |")


def _split_sections(text: str) -> tuple[str, str]:
    """The page's input table and its output table."""
    for marker in _OUTPUT_MARKERS:
        if marker in text:
            before, after = text.split(marker, 1)
            return before, after
    raise AssertionError("the page has no output table")


def _input_section(text: str) -> str:
    return _split_sections(text)[0]


@pytest.mark.parametrize(
    ("page", "method", "at_least"),
    [("gen_rb_m.txt", "gen_rb_m", 13), ("create_order_m.txt", "create_order_m", 60)],
)
def test_every_named_input_row_has_its_field_and_max_length(
    aria_docs: Path, page: str, method: str, at_least: int
) -> None:
    rows = _PIPE_INPUT.findall(_input_section(_page(aria_docs, page)))
    rows = [row for row in rows if row[1] not in {"hash"}]
    assert len(rows) >= at_least, "the page parser lost rows"
    inputs, enum_values = _inputs(method), _enum_values(method)
    for name, _type, length in rows:
        if name not in inputs:
            # create_order_m's fraud_control_fields rows are keys passed as
            # fraud_control_field_name values, not fields of their own.
            assert name in enum_values, f"{method}: input {name} missing"
            continue
        if length:
            lengths = {_max_length(prop) for prop in inputs[name]}
            assert int(length) in lengths, f"{method}.{name}: max length {length} missing"


@pytest.mark.parametrize(
    ("page", "method"), [("gen_rb_m.txt", "gen_rb_m"), ("create_order_m.txt", "create_order_m")]
)
def test_every_array_on_the_page_is_an_array_input(aria_docs: Path, page: str, method: str) -> None:
    arrays = _PIPE_ARRAY.findall(_input_section(_page(aria_docs, page)))
    assert arrays
    inputs = _inputs(method)
    for name in arrays:
        assert name in inputs, f"{method}: array {name} missing"
        assert any("array" in str(p.get("type")) for p in inputs[name])


@pytest.mark.parametrize(
    ("page", "method", "at_least"),
    [("gen_rb_m.txt", "gen_rb_m", 20), ("create_order_m.txt", "create_order_m", 25)],
)
def test_every_named_output_row_is_a_response_field(
    aria_docs: Path, page: str, method: str, at_least: int
) -> None:
    rows = _PIPE_OUTPUT.findall(_split_sections(_page(aria_docs, page))[1])
    assert len(rows) >= at_least, "the page parser lost rows"
    outputs = _outputs(method)
    for name, _type in rows:
        assert name in outputs, f"{method}: output {name} missing"


def test_every_aria6_gen_invoice_row_is_described(aria_docs: Path) -> None:
    text = _page(aria_docs, "gen_invoice.txt")
    inputs_text, outputs_text = text.split("Output Arguments", 1)
    inputs = _inputs("gen_invoice")
    rows = _ARIA6_ROW.findall(inputs_text)
    assert len(rows) >= 12
    for name, _type, length in rows:
        assert name in inputs, f"gen_invoice: input {name} missing"
        if length:
            assert int(length) in {_max_length(p) for p in inputs[name]}, name
    for name, _type, _length in _ARIA6_ROW.findall(outputs_text):
        assert name in _outputs("gen_invoice"), f"gen_invoice: output {name} missing"
    assert registry()["gen_invoice"].required[-1] == "acct_no"


def test_gen_invoice_m_fields_named_on_its_page_are_described(aria_docs: Path) -> None:
    text = _page(aria_docs, "gen_invoice_m.txt")
    names = set(re.findall(r"<([a-z][a-z0-9_]*)>", text))
    known = set(_inputs("gen_invoice_m")) | _outputs("gen_invoice_m")
    # Inputs named only as "associated inputs" of an error code belong to other methods'
    # account and plan lookups; the fields in the page's field tables must all be here.
    tables = text[text.index("Additional Guidance") :]
    for name in set(re.findall(r"<([a-z][a-z0-9_]*)>", tables)):
        assert name in known, f"gen_invoice_m: {name} missing"
    assert {"acct_no", "client_acct_id", "client_no", "auth_key"} <= names & known


def _allowable_values(text: str) -> dict[str, list[str]]:
    blocks = re.findall(
        r"<([a-z_]+)>\s*\nAllowable Values\nValues Description\n((?:(?:\d+|true|false) .+\n)+)",
        text,
    )
    return {name: [line.split(" ", 1)[0] for line in body.splitlines()] for name, body in blocks}


def test_every_allowable_value_is_an_enum_value(aria_docs: Path) -> None:
    values = _allowable_values(_page(aria_docs, "gen_invoice_m.txt"))
    assert set(values) == {"force_pending", "combine_invoices", "line_type"}
    found: dict[str, list[set[Any]]] = {}
    for schema in (
        registry()["gen_invoice_m"].request_schema,
        registry()["gen_invoice_m"].response_schema,
    ):
        for key, prop in _properties(schema):
            found.setdefault(key, []).append(
                {str(v) for v in prop.get("enum", []) if v is not None}
            )
    for name, allowed in values.items():
        assert found.get(name), f"gen_invoice_m: {name} missing"
        for enum in found[name]:
            assert enum == set(allowed), f"gen_invoice_m.{name}: enum {enum} != {allowed}"
    line_types = {
        (schema, str(v))
        for schema in ("InvoiceItem", "RbInvoiceItem", "InvoiceLineDetail")
        for v in registry().schema(schema)["properties"]["line_type"]["enum"]
        if v is not None
    }
    assert len(line_types) == 27, "line types 1..9 on every invoice line schema"


def test_every_documented_error_code_is_in_the_operation_and_the_contract(aria_docs: Path) -> None:
    text = _page(aria_docs, "gen_invoice_m.txt")
    section = text[text.index("Error Codes:") : text.index("Additional Guidance")]
    documented = {int(code): message for code, message in _ERROR_CODE.findall(section)}
    assert len(documented) == 11
    spec = registry()["gen_invoice_m"]
    for code, message in documented.items():
        assert code in spec.error_codes, f"gen_invoice_m: code {code} missing"
        assert spec.error_codes[code].message.startswith(message[:30])
        answer = {"error_code": code, "error_msg": message}
        assert validate("gen_invoice_m", answer) == [], f"contract refuses documented code {code}"
    assert spec.error_codes[1059].inputs == ("invoice_mode",)
    assert spec.error_codes[26012].inputs == ("client_billing_group_id",)


@pytest.mark.parametrize("page", ["gen_invoice.txt", "gen_rb_m.txt", "create_order_m.txt"])
def test_pages_without_error_codes_document_none(aria_docs: Path, page: str) -> None:
    method = page.removesuffix(".txt")
    assert _ERROR_CODE.findall(_page(aria_docs, page)) == []
    assert dict(registry()[method].error_codes) == {}


def test_invoicing_conditions_quote_the_invoice_page(aria_docs: Path) -> None:
    text = " ".join(_page(aria_docs, "apis-that-generate-invoices.txt").split())
    for spec in registry().invoicing_methods():
        if spec.name == "gen_invoice":
            continue  # Aria6's own page states its condition
        assert spec.name + "—" in text
        assert " ".join(spec.invoicing.when.split()) in text, spec.name


def test_every_method_on_the_invoice_page_is_known_to_generate_invoices(aria_docs: Path) -> None:
    text = " ".join(_page(aria_docs, "apis-that-generate-invoices.txt").split())
    listed = re.findall(r"• ([a-z_]+_m)—", text)
    assert len(listed) == 22
    generating = {spec.name: spec for spec in registry().invoicing_methods()}
    for method in listed:
        assert method in generating, method
        assert generating[method].invoicing.when, method
    others = registry().other_invoicing_methods
    assert set(others) <= set(listed)
    for method, condition in others.items():
        assert condition in text, method

"""The wire rules: how a request becomes (method, params), and how every bad one is answered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.contracts import validate
from harness.formcodec import encode_form
from harness.spec import DISPATCHER_PATH, registry
from harness.stub import Stub
from harness.stub.exceptions import AccountNotFound, error_envelope
from harness.stub.wire import (
    MAX_BODY_BYTES,
    Call,
    Rejection,
    WireRequest,
    parse_request,
    render,
)
from tests.stub.conftest import wsgi_call

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
ORDER = {
    "rest_call": "create_order_m",
    "client_no": 7000001,
    "auth_key": "k",
    "account_no": 1,
    "order_line_items_list": [
        {"client_sku": "A", "units": 1},
        {"client_sku": "B", "units": 2},
    ],
}


def post(body: bytes, content_type: str | None = JSON, query: str = "") -> Call | Rejection:
    return parse_request(
        WireRequest("POST", DISPATCHER_PATH, query=query, content_type=content_type, body=body)
    )


def as_call(parsed: Call | Rejection) -> Call:
    assert isinstance(parsed, Call), parsed
    return parsed


def as_rejection(parsed: Call | Rejection) -> Rejection:
    assert isinstance(parsed, Rejection), parsed
    return parsed


# Readable requests ----------------------------------------------------------------------


def test_json_body_is_read_with_its_types() -> None:
    call = as_call(post(json.dumps(ORDER).encode()))
    assert call.method == "create_order_m"
    assert call.params == {k: v for k, v in ORDER.items() if k != "rest_call"}


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON"],
    ids=["charset", "charset-no-space", "upper-case"],
)
def test_json_with_charset_parameter_is_read(content_type: str) -> None:
    call = as_call(post(json.dumps(ORDER).encode(), content_type))
    assert call.params["account_no"] == 1


def test_json_body_in_a_declared_latin1_charset_is_decoded() -> None:
    body = json.dumps({"rest_call": "gen_invoice_m", "client_acct_id": "café"}, ensure_ascii=False)
    call = as_call(post(body.encode("latin-1"), "application/json; charset=iso-8859-1"))
    assert call.params["client_acct_id"] == "café"


def test_form_body_with_aria6_pipe_columns_becomes_a_list_of_items() -> None:
    body = encode_form(ORDER, style="pipe")
    assert "client_sku=A%7CB" in body  # really pipe columns, not brackets
    call = as_call(post(body.encode(), FORM))
    assert call.method == "create_order_m"
    assert call.params["order_line_items_list"] == [
        {"client_sku": "A", "units": "1"},
        {"client_sku": "B", "units": "2"},
    ]
    assert call.params["account_no"] == "1"


def test_form_body_with_php_bracket_keys_becomes_a_list_of_items() -> None:
    body = (
        "rest_call=create_order_m&client_no=7000001&auth_key=k&account_no=1"
        "&order_line_items_list[0][client_sku]=A&order_line_items_list[0][units]=1"
        "&order_line_items_list[1][client_sku]=B&order_line_items_list[1][units]=2"
    )
    call = as_call(post(body.encode(), "application/x-www-form-urlencoded; charset=utf-8"))
    assert call.params["order_line_items_list"] == [
        {"client_sku": "A", "units": "1"},
        {"client_sku": "B", "units": "2"},
    ]


def test_get_reads_everything_from_the_query_string() -> None:
    query = encode_form(ORDER, style="pipe")
    call = as_call(parse_request(WireRequest("GET", DISPATCHER_PATH, query=query)))
    assert call.method == "create_order_m"
    assert call.params["order_line_items_list"][1] == {"client_sku": "B", "units": "2"}


def test_output_format_in_the_query_string_is_accepted_and_not_passed_on() -> None:
    call = as_call(post(json.dumps(ORDER).encode(), query="output_format=json"))
    assert "output_format" not in call.params
    assert "rest_call" not in call.params


def test_rest_call_in_the_query_with_a_json_body_is_read() -> None:
    body = {k: v for k, v in ORDER.items() if k != "rest_call"}
    call = as_call(post(json.dumps(body).encode(), query="rest_call=create_order_m"))
    assert call.method == "create_order_m"


def test_body_parameters_win_over_query_parameters() -> None:
    call = as_call(post(json.dumps(ORDER).encode(), query="account_no=99&extra=x"))
    assert call.params["account_no"] == 1
    assert call.params["extra"] == "x"


# Requests answered by the wire itself ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "query", "code", "message"),
    [
        (b'{"client_no": 1}', JSON, "", 1010, "Missing required parameter: rest_call"),
        (b'{"rest_call": null}', JSON, "", 1010, "Missing required parameter: rest_call"),
        (b"client_no=1", FORM, "", 1010, "Missing required parameter: rest_call"),
        (b'{"rest_call": "no_such_m"}', JSON, "", -1, "method not found: 'no_such_m'"),
        (b"rest_call=get_no_such_thing_m", FORM, "", -1, "method not found"),
        (b'{"rest_call": 5}', JSON, "", 1016, "rest_call must be a string"),
        (b'{"rest_call": ["gen_invoice_m"]}', JSON, "", 1016, "rest_call must be a string"),
        (b"rest_call[]=gen_invoice_m", FORM, "", 1016, "rest_call must be a string"),
        (b'{"rest_call": "gen_invoice_m",', JSON, "", 1016, "not valid JSON"),
        (b'{"rest_call": NaN}', JSON, "", 1016, "not valid JSON"),
        (b"[1, 2]", JSON, "", 1016, "must be an object, not an array"),
        (b'"gen_invoice_m"', JSON, "", 1016, "must be an object, not a string"),
        (b"7", JSON, "", 1016, "must be an object, not a number"),
        (b'{"rest_call": "gen_invoice_m"}', "text/plain", "", 1016, "sent as text/plain"),
        (b'{"rest_call": "gen_invoice_m"}', None, "", 1016, "sent as no Content-Type"),
        (b"--x\r\n", "multipart/form-data; boundary=x", "", 1016, "sent as multipart/form-data"),
        (
            b'{"rest_call": "gen_invoice_m"}',
            "application/json; charset=klingon",
            "",
            1016,
            "charset",
        ),
        (b'{"rest_call": "gen_invoice_\xff"}', JSON, "", 1016, "not valid utf-8"),
        (b"rest_call=gen_invoice_m&a=%FF", FORM, "", 1016, "not utf-8"),
        (b"rest_call=create_order_m&x[99999999][y]=1", FORM, "", 1016, "array index"),
        (b'{"rest_call": "gen_invoice_m"}', JSON, "output_format=xml", 1016, "output_format"),
    ],
    ids=[
        "rest-call-missing",
        "rest-call-null",
        "rest-call-missing-form",
        "unknown-method",
        "unknown-method-form",
        "rest-call-number",
        "rest-call-array",
        "rest-call-form-array",
        "malformed-json",
        "json-nan",
        "json-array",
        "json-string",
        "json-number",
        "wrong-content-type",
        "no-content-type",
        "multipart",
        "unknown-charset",
        "bad-utf8-json",
        "bad-utf8-form",
        "huge-bracket-index",
        "output-format-xml",
    ],
)
def test_unreadable_request_is_rejected_with_the_envelope(
    body: bytes, content_type: str | None, query: str, code: int, message: str
) -> None:
    rejection = as_rejection(post(body, content_type, query))
    assert rejection.envelope["error_code"] == code
    assert message in rejection.envelope["error_msg"]


def test_json_nested_too_deep_is_rejected() -> None:
    body = '{"rest_call": "gen_invoice_m", "x": ' + "[" * 100 + "]" * 100 + "}"
    rejection = as_rejection(post(body.encode()))
    assert rejection.envelope["error_code"] == 1016
    assert "nested deeper" in rejection.envelope["error_msg"]


def _nested_body(lists: int, inner: str) -> bytes:
    # the object is level 1, each list one more, a value inside the innermost one more again
    return (
        '{"rest_call": "gen_invoice_m", "x": ' + "[" * lists + inner + "]" * lists + "}"
    ).encode()


@pytest.mark.parametrize(("lists", "inner"), [(30, "1"), (31, ""), (30, "{}")])
def test_json_nested_exactly_to_the_limit_is_read(lists: int, inner: str) -> None:
    assert "x" in as_call(post(_nested_body(lists, inner))).params


@pytest.mark.parametrize(("lists", "inner"), [(31, "1"), (32, ""), (31, "{}")])
def test_json_nested_one_level_past_the_limit_is_rejected(lists: int, inner: str) -> None:
    assert "nested deeper" in as_rejection(post(_nested_body(lists, inner))).envelope["error_msg"]


def test_json_nested_beyond_the_parser_recursion_limit_is_rejected() -> None:
    rejection = as_rejection(post(b"[" * 200_000))
    assert rejection.envelope["error_code"] == 1016


def test_oversize_body_is_rejected_without_being_parsed() -> None:
    request = WireRequest(
        "POST", DISPATCHER_PATH, content_type=JSON, body=b"", body_length=MAX_BODY_BYTES + 1
    )
    rejection = as_rejection(parse_request(request))
    assert rejection.envelope["error_code"] == 1016
    assert f"at most {MAX_BODY_BYTES}" in rejection.envelope["error_msg"]


def test_unknown_path_is_answered_with_method_not_found() -> None:
    rejection = as_rejection(parse_request(WireRequest("POST", "/api/ws/other.php")))
    assert rejection.envelope == {
        "error_code": -1,
        "error_msg": (
            "method not found: no Aria service at '/api/ws/other.php'; "
            f"the dispatcher is {DISPATCHER_PATH}"
        ),
    }


def test_rejection_of_a_known_method_carries_its_output_fields_as_null() -> None:
    rejection = as_rejection(post(b"{broken", JSON, query="rest_call=gen_invoice_m"))
    spec = registry()["gen_invoice_m"]
    keys = list(rejection.envelope)
    # As in real traffic (and as the service answers): error_code first, error_msg last.
    assert (keys[0], keys[-1]) == ("error_code", "error_msg")
    assert sorted(keys) == sorted(spec.output_fields)
    outputs = [f for f in spec.output_fields if f not in ("error_code", "error_msg")]
    assert all(rejection.envelope[f] is None for f in outputs)
    assert validate("gen_invoice_m", rejection.envelope) == []


# Every answer over the WSGI callable ----------------------------------------------------

WIRE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("json", {"body": json.dumps(ORDER).encode(), "content_type": JSON}),
    (
        "json-charset",
        {"body": json.dumps(ORDER).encode(), "content_type": JSON + "; charset=utf-8"},
    ),
    ("form-pipes", {"body": encode_form(ORDER).encode(), "content_type": FORM}),
    (
        "form-brackets",
        {"body": encode_form(ORDER, style="brackets").encode(), "content_type": FORM},
    ),
    ("get", {"method": "GET", "query": encode_form(ORDER)}),
    (
        "output-format-query",
        {"body": json.dumps(ORDER).encode(), "content_type": JSON, "query": "output_format=json"},
    ),
    ("missing-rest-call", {"body": b"{}", "content_type": JSON}),
    ("unknown-rest-call", {"body": b'{"rest_call": "x"}', "content_type": JSON}),
    ("wrong-type-rest-call", {"body": b'{"rest_call": true}', "content_type": JSON}),
    ("malformed-json", {"body": b"{", "content_type": JSON, "query": "rest_call=gen_invoice_m"}),
    (
        "wrong-content-type",
        {"body": b"{}", "content_type": "text/xml", "query": "rest_call=create_order_m"},
    ),
    ("non-object-json", {"body": b"[]", "content_type": JSON, "query": "rest_call=gen_rb_m"}),
    (
        "oversize",
        {
            "body": b" " * (MAX_BODY_BYTES + 1),
            "content_type": JSON,
            "query": "rest_call=gen_invoice_m",
        },
    ),
    ("unknown-path", {"path": "/index.php", "body": b"{}", "content_type": JSON}),
    ("put", {"method": "PUT", "body": b"{}", "content_type": JSON}),
]


@pytest.mark.parametrize(("case", "request_kwargs"), WIRE_CASES, ids=[c for c, _ in WIRE_CASES])
def test_every_request_is_answered_200_with_a_valid_envelope(
    stub: Stub, case: str, request_kwargs: dict[str, Any]
) -> None:
    kwargs = dict(request_kwargs)
    status, headers, body = wsgi_call(stub, **kwargs)
    assert status == "200 OK"
    assert dict(headers)["content-type"] == "application/json"
    answer = json.loads(body)
    assert isinstance(answer["error_code"], int)
    assert isinstance(answer["error_msg"], str)
    method = _method_of(kwargs)
    if method is not None:
        assert validate(method, answer) == []
    else:
        assert answer["error_code"] in registry().generic_codes
    assert answer["error_code"] != 1001


def _method_of(kwargs: dict[str, Any]) -> str | None:
    from urllib.parse import parse_qs

    if kwargs.get("path", DISPATCHER_PATH) != DISPATCHER_PATH:
        return None
    names = parse_qs(kwargs.get("query", "")).get("rest_call", [])
    try:
        names += [json.loads(kwargs.get("body", b""))["rest_call"]]
    except (ValueError, KeyError, TypeError):
        pass
    return next((n for n in names if isinstance(n, str) and n in registry()), None)


def test_rendering_keeps_the_envelope_key_order_and_is_compact() -> None:
    envelope = error_envelope("gen_invoice_m", AccountNotFound())
    rendered = render(envelope)
    assert rendered.startswith(b'{"error_code":1009,"invoice_no":null,')
    assert rendered.endswith(b',"error_msg":"account does not exist"}')
    assert list(json.loads(rendered)) == list(envelope)

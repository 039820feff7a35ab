"""Scrubbing: every sensitive field, wherever it sits, on a copy; fail closed on the unknown."""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from harness.errors import CassetteError
from harness.recording.scrub import scrub_interaction


def _request(body: str | bytes, content_type: str, uri: str = "https://sb.example/api") -> dict:
    return {
        "method": "POST",
        "uri": uri,
        "body": body.encode() if isinstance(body, str) else body,
        "headers": {"Content-Type": [content_type]},
    }


def _response(body: bytes, content_type: str = "application/json", **headers: str) -> dict:
    extra = {name.replace("_", "-"): [value] for name, value in headers.items()}
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": [content_type], **extra},
        "body": {"string": body},
    }


OK = _response(b'{"error_code":0,"error_msg":"OK"}')


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"],
    ids=["plain", "charset", "charset-no-space"],
)
def test_json_request_fields_are_replaced_at_every_depth(content_type):
    body = {
        "rest_call": "create_order_m",
        "client_no": 7000123,
        "auth_key": "Sup3rSecretAuthKeyValue0001",
        "cc_number": "5105105105105100",
        "cvv": "987",
        "order_line_items_list": [{"client_sku": "A", "bill_email": "jo@example.com"}],
        "nested": {"deeper": [{"iban": "GB82WEST12345698765432"}]},
    }
    request, _ = scrub_interaction(_request(json.dumps(body), content_type), OK)
    written = json.loads(request["body"])
    assert written["auth_key"] == "ARIA_AUTH_KEY"
    assert written["client_no"] == "ARIA_CLIENT_NO"
    assert written["cc_number"] == "ARIA_CARD_LAST4_5100"
    assert written["cvv"] == "ARIA_REDACTED"
    assert written["order_line_items_list"][0] == {"client_sku": "A", "bill_email": "ARIA_REDACTED"}
    assert written["nested"]["deeper"][0]["iban"] == "ARIA_REDACTED"


def test_form_pipe_columns_and_bracketed_keys_are_replaced():
    body = (
        "rest_call=create_order_m&auth_key=k3y%2Fvalue&client_sku=A%7CB&bill_email=a%40x.io%7Cb%40y.io"
        "&order_line_items_list%5B0%5D%5Bcvv%5D=123&payment[track_data2]=%3B4111111111111111%3D2512"
    )
    request, _ = scrub_interaction(_request(body, "application/x-www-form-urlencoded"), OK)
    text = request["body"].decode()
    from urllib.parse import parse_qs

    fields = parse_qs(text)
    assert fields["auth_key"] == ["ARIA_AUTH_KEY"]
    assert fields["client_sku"] == ["A|B"]
    assert fields["bill_email"] == ["ARIA_REDACTED|ARIA_REDACTED"]
    assert fields["order_line_items_list[0][cvv]"] == ["ARIA_REDACTED"]
    assert fields["payment[track_data2]"] == ["ARIA_REDACTED"]


def test_query_string_and_credential_headers_are_replaced():
    raw = _request("", "application/json", uri="https://sb.example/api?auth_key=abcdefgh&x=1")
    raw["headers"].update({"Authorization": ["Bearer tok3n"], "X-Auth-Key": ["abcdefgh"]})
    request, _ = scrub_interaction(raw, OK)
    assert request["uri"] == "https://sb.example/api?auth_key=ARIA_AUTH_KEY&x=1"
    assert request["headers"]["Authorization"] == ["ARIA_REDACTED"]
    assert request["headers"]["X-Auth-Key"] == ["ARIA_AUTH_KEY"]


def test_values_echoed_by_the_response_are_replaced_anywhere_in_it():
    body = json.dumps({"rest_call": "x", "bill_email": "echo.me@example.com"})
    answer = json.dumps({"error_msg": "bad address echo.me@example.com", "bill_email": "other"})
    _, response = scrub_interaction(
        _request(body, "application/json"),
        _response(answer.encode(), Location="https://x/?m=echo.me%40example.com"),
    )
    assert b"echo.me" not in response["body"]["string"]
    assert json.loads(response["body"]["string"])["bill_email"] == "ARIA_REDACTED"
    assert "echo.me" not in response["headers"]["Location"][0]


def test_scrubbing_leaves_the_live_interaction_untouched():
    raw = _request(json.dumps({"auth_key": "live-key-123"}), "application/json")
    before = copy.deepcopy(raw)
    scrub_interaction(raw, OK)
    assert raw == before


def test_scrubbing_twice_changes_nothing_more():
    raw = _request(
        json.dumps({"cc_number": "4111111111111111", "client_no": 9}), "application/json"
    )
    once = scrub_interaction(raw, OK)
    assert scrub_interaction(*once) == once


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (_response(b"\x89PNG\x00\xff", "image/png"), "not text"),
        (_response(b"<data/>", "application/xml"), "content type"),
        (_response(b"{not json", "application/json"), "is not JSON"),
        (_response(gzip.compress(b"{}"), "application/json", Content_Encoding="gzip"), "gzip"),
    ],
    ids=["binary", "unknown-type", "broken-json", "still-compressed"],
)
def test_unparseable_bodies_fail_closed(response, reason):
    with pytest.raises(CassetteError, match=reason) as caught:
        scrub_interaction(_request("{}", "application/json"), response)
    assert "not written" in str(caught.value)

"""Record against an Aria-like server, replay with it gone; matching by rest_call and params."""

from __future__ import annotations

import json

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from harness import AriaClient
from harness.errors import CassetteError
from harness.recording import request_key, use_cassette
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, serve_fake

URL = "https://sb.example/api/ws/api_ws_class_dispatcher.php"


def _json(params: dict) -> Request:
    return Request("POST", URL, json.dumps(params), {"Content-Type": "application/json"})


def _form(body: str) -> Request:
    return Request("POST", URL, body, {"Content-Type": "application/x-www-form-urlencoded"})


def test_key_ignores_order_encoding_secrets_and_volatile_fields():
    json_call = _json(
        {
            "rest_call": "create_order_m",
            "auth_key": "a",
            "client_no": 1,
            "client_receipt_id": "r-1",
            "account_no": 5,
            "order_line_items_list": [{"client_sku": "A", "units": 1}],
        }
    )
    form_call = _form(
        "units=1&client_sku=A&account_no=5&rest_call=create_order_m&auth_key=b&client_no=2"
        "&application_date=2026-01-01"
    )
    assert request_key(json_call) == request_key(form_call)


@pytest.mark.parametrize(
    "other",
    [
        {"rest_call": "gen_invoice_m", "acct_no": 1},
        {"rest_call": "create_order_m", "acct_no": 2},
        {"rest_call": "create_order_m", "acct_no": 1, "do_write": False},
    ],
    ids=["other-method", "other-value", "extra-param"],
)
def test_different_calls_to_the_one_dispatcher_have_different_keys(other):
    assert request_key(_json({"rest_call": "create_order_m", "acct_no": 1})) != request_key(
        _json(other)
    )


def _calls(client: AriaClient) -> list:
    return [
        client.call("get_virtual_datetime_m")["virtual_date"],
        client.call("get_virtual_datetime_m")["virtual_date"],
        client.call("create_order_m", account_no=7, do_write=False, order_line_items_list=[])[
            "error_code"
        ],
    ]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("encoding", ["json", "form"])
def test_record_then_replay_without_the_server_gives_the_same_answers(tmp_path, fmt, encoding):
    cassette = tmp_path / f"c.{fmt}"
    with serve_fake() as server:
        client = AriaClient(server.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, encoding=encoding)
        with use_cassette(cassette, record_mode="once", fmt=fmt):
            recorded = _calls(client)
    assert AUTH_KEY not in cassette.read_text() and str(CLIENT_NO) not in cassette.read_text()
    # the server is gone: any request that reached the network would fail to connect
    replayer = AriaClient(server.url, client_no="x", auth_key="y", encoding=encoding)
    with use_cassette(cassette, record_mode="none", fmt=fmt):
        assert _calls(replayer) == recorded == ["2026-01-01", "2026-01-02", -1]


def test_a_miss_names_the_closest_recorded_call_and_the_differing_parameters(tmp_path):
    cassette = tmp_path / "c.yaml"
    with serve_fake() as server:
        client = AriaClient(server.url, client_no=CLIENT_NO, auth_key=AUTH_KEY)
        with use_cassette(cassette, record_mode="once"):
            client.call("create_order_m", account_no=7, do_write=False, order_line_items_list=[])
    with use_cassette(cassette, record_mode="none"):
        with pytest.raises(CannotOverwriteExistingCassetteException) as caught:
            client.call("create_order_m", account_no=8, do_write=False, order_line_items_list=[])
    message = str(caught.value)
    assert "create_order_m" in message and "account_no: '8' != recorded '7'" in message


def test_a_truncated_cassette_fails_naming_the_file_and_is_not_recorded_over(tmp_path):
    cassette = tmp_path / "c.yaml"
    with serve_fake() as server:
        client = AriaClient(server.url, client_no=CLIENT_NO, auth_key=AUTH_KEY)
        with use_cassette(cassette, record_mode="once"):
            client.call("get_virtual_datetime_m")
        text = cassette.read_text()
        cassette.write_text(text[: len(text) // 2])
        damaged = cassette.read_bytes()
        with pytest.raises(CassetteError, match=str(cassette)):
            with use_cassette(cassette, record_mode="new_episodes"):
                client.call("get_virtual_datetime_m")
    assert cassette.read_bytes() == damaged


def test_an_unscrubbable_answer_is_not_written_and_the_recording_fails(tmp_path):
    cassette = tmp_path / "c.yaml"
    with serve_fake() as server:
        # binary_m is the fake's own method: unknown to the description, so the guard would
        # refuse it as a write that may invoice; this test is about the scrubbing
        client = AriaClient(
            server.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, validate=False, allow_invoicing=True
        )
        with pytest.raises(CassetteError, match="cannot be scrubbed"):
            with use_cassette(cassette, record_mode="once"):
                client.call("get_virtual_datetime_m")
                with pytest.raises(Exception, match="JSON"):
                    client.call("binary_m")
    assert not cassette.exists()

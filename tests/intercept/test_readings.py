"""Every way PHP may read a request: the readings the guard judges, and what stays unread."""

from __future__ import annotations

import gzip
import json

from harness.intercept.readings import read_all

URL = "http://aria.example/api/ws/api_ws_class_dispatcher.php"


def test_query_and_body_are_merged_both_ways() -> None:
    found = read_all(URL + "?do_write=true", {}, b"rest_call=gen_rb_m&do_write=false")
    assert ("gen_rb_m", {"do_write": "false"}) in found.calls
    assert ("gen_rb_m", {"do_write": "true"}) in found.calls


def test_a_json_body_is_read_whatever_its_content_type_and_as_a_form_too() -> None:
    body = json.dumps({"rest_call": "gen_invoice_m"}).encode("utf-16")
    found = read_all(URL, {"Content-Type": "text/plain"}, body)
    assert found.calls[0] == ("gen_invoice_m", {})


def test_a_gzip_body_is_inflated_and_an_unknown_encoding_is_unread() -> None:
    body = gzip.compress(b"rest_call=gen_invoice_m")
    assert read_all(URL, {"Content-Encoding": "gzip"}, body).calls == [("gen_invoice_m", {})]
    unread = read_all(URL, {"Content-Encoding": "br"}, b"\x0b")
    assert unread.calls == [] and "Content-Encoding 'br'" in str(unread.unread)


def test_a_gzip_bomb_is_unread_rather_than_inflated() -> None:
    body = gzip.compress(b"rest_call=x&pad=" + b"0" * (17 * 1024 * 1024))
    assert "inflates beyond" in str(read_all(URL, {"Content-Encoding": "gzip"}, body).unread)


def test_a_streamed_body_is_read_whole_and_an_unknown_stream_and_an_index_bomb_unread() -> None:
    assert read_all(URL, {}, iter([b"rest_call=", "x"])).calls == [("x", {})]
    assert read_all(URL, {}, iter([object()])).unread is not None
    assert read_all(URL + "?a[99999999][b]=1", {}, b"rest_call=x").unread is not None


def test_a_request_without_rest_call_has_no_reading() -> None:
    found = read_all(URL, {"Content-Type": "application/xml"}, b"<rest_call>x</rest_call>")
    assert found.calls == [] and found.unread is None


def test_more_fields_than_php_reads_leaves_the_request_unread_naming_the_limit() -> None:
    filler = "&".join(f"p{i}=x" for i in range(1000))
    found = read_all(URL, {}, f"rest_call=gen_rb_m&{filler}&do_write=false".encode())
    assert "max_input_vars (1000)" in str(found.unread)
    json_body = json.dumps({"rest_call": "get_virtual_datetime_m", "note": "&" * 2000}).encode()
    assert read_all(URL, {}, json_body).unread is None

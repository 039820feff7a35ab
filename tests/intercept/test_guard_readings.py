"""A live target receives nothing that PHP may read as an invoicing call, however it is spelled.

Each case is a request the code under test could send where a naive reading sees a harmless
call (or none) and Aria's PHP may see an invoice: rewritten names, duplicates, query and body
disagreeing, multipart, gzip, a lying Content-Type, another path to the dispatcher or another
entry point on the host. Every HTTP library the interception patches sends it; the fake
sandbox must see no request at all.
"""

from __future__ import annotations

import asyncio
import codecs
import gzip
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from harness import InvoiceGuardError
from harness.intercept import intercept
from harness.spec import DISPATCHER_PATH
from tests.intercept.test_card_shapes import LIBRARIES, send_live
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer

CREDENTIALS = {"client_no": str(CLIENT_NO), "auth_key": AUTH_KEY}
INVOICE = {"rest_call": "gen_invoice_m", **CREDENTIALS, "acct_no": "1"}
HARMLESS = {"rest_call": "get_virtual_datetime_m", **CREDENTIALS}
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BOUNDARY = "guard-boundary-3"
_FILLER = "&".join(f"p{i}=x" for i in range(1000))


def _raw_form(text: str) -> bytes:
    return (text + "&" + urlencode({**CREDENTIALS, "acct_no": 1})).encode()


def _multipart(fields: dict[str, str]) -> bytes:
    parts = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    return (parts + f"--{BOUNDARY}--\r\n").encode()


def _multipart_raw(parts: list[tuple[str, str]], boundary: str = BOUNDARY) -> bytes:
    """Parts with their Content-Disposition parameters written as given."""
    text = "".join(
        f"--{boundary}\r\nContent-Disposition: form-data; {params}\r\n\r\n{value}\r\n"
        for params, value in parts
    )
    return (text + f"--{boundary}--\r\n").encode()


def _plain_parts(fields: dict[str, str]) -> list[tuple[str, str]]:
    return [(f'name="{name}"', value) for name, value in fields.items()]


# name -> (path and query after the host, headers, body)
CASES: dict[str, tuple[str, dict[str, str], bytes]] = {
    # row 3: the method in another spelling
    "upper-case method": (DISPATCHER_PATH, FORM, _raw_form("rest_call=GEN_INVOICE_M")),
    "method with a NUL": (DISPATCHER_PATH, FORM, _raw_form("rest_call=gen_invoice_m%00")),
    "method with a space": (
        DISPATCHER_PATH,
        JSON,
        json.dumps({**INVOICE, "rest_call": " gen_invoice_m"}).encode(),
    ),
    # row 7: PHP rewrites "." and " " in names, drops leading spaces, an open "["
    "rest.call": (DISPATCHER_PATH, FORM, _raw_form("rest.call=gen_invoice_m")),
    "rest+call": (DISPATCHER_PATH, FORM, _raw_form("rest+call=gen_invoice_m")),
    "+rest_call": (DISPATCHER_PATH, FORM, _raw_form("+rest_call=gen_invoice_m")),
    "rest[call": (DISPATCHER_PATH, FORM, _raw_form("rest%5Bcall=gen_invoice_m")),
    "query rest.call": (DISPATCHER_PATH + "?rest.call=gen_invoice_m", FORM, _raw_form("x=1")),
    # row 8: the rewritten duplicate wins
    "do.write after do_write": (
        DISPATCHER_PATH,
        FORM,
        _raw_form("rest_call=gen_rb_m&invoice_no=9&do_write=false&do.write=true"),
    ),
    "assignment.directive": (
        DISPATCHER_PATH,
        FORM,
        _raw_form("rest_call=assign_acct_plan_m&assignment_directive=1&assignment.directive=2"),
    ),
    "bill.immediately": (
        DISPATCHER_PATH,
        FORM,
        _raw_form("rest_call=create_order_m&bill_immediately=0&bill.immediately=1"),
    ),
    # row 9: multipart
    "multipart": (
        DISPATCHER_PATH,
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        _multipart(INVOICE),
    ),
    # row 10: a Content-Type that lies, other charsets, an array
    "form labelled text/plain": (
        DISPATCHER_PATH,
        {"Content-Type": "text/plain"},
        _raw_form("rest_call=gen_invoice_m"),
    ),
    "form labelled JSON": (DISPATCHER_PATH, JSON, _raw_form("rest_call=gen_invoice_m")),
    "JSON with a BOM": (DISPATCHER_PATH, JSON, codecs.BOM_UTF8 + json.dumps(INVOICE).encode()),
    "UTF-16 JSON": (DISPATCHER_PATH, JSON, json.dumps(INVOICE).encode("utf-16")),
    "JSON array": (DISPATCHER_PATH, JSON, json.dumps([INVOICE]).encode()),
    # row 11: compressed
    "gzip form": (
        DISPATCHER_PATH,
        {**FORM, "Content-Encoding": "gzip"},
        gzip.compress(urlencode(INVOICE).encode()),
    ),
    "gzip JSON": (
        DISPATCHER_PATH,
        {**JSON, "Content-Encoding": "gzip"},
        gzip.compress(json.dumps(INVOICE).encode()),
    ),
    "unknown encoding": (DISPATCHER_PATH, {**JSON, "Content-Encoding": "br"}, b"\x0b\x01\x80"),
    # row 12: other spellings of the dispatcher path
    "double slash": ("/api/ws//api_ws_class_dispatcher.php", JSON, json.dumps(INVOICE).encode()),
    "double slash early": (
        "/api//ws/api_ws_class_dispatcher.php",
        JSON,
        json.dumps(INVOICE).encode(),
    ),
    "encoded slash": ("/api%2Fws/api_ws_class_dispatcher.php", JSON, json.dumps(INVOICE).encode()),
    "upper-case path": ("/API/WS/API_WS_CLASS_DISPATCHER.PHP", JSON, json.dumps(INVOICE).encode()),
    "encoded letters": (
        "/%61pi/ws/api_ws_class_dispatcher%2Ephp",
        JSON,
        json.dumps(INVOICE).encode(),
    ),
    "dot segments": (
        "/api/ws/./x/../api_ws_class_dispatcher.php",
        JSON,
        json.dumps(INVOICE).encode(),
    ),
    # row 13: another entry point on the host
    "AdminTools": ("/AdminTools.php/Dispatcher", FORM, urlencode(INVOICE).encode()),
    "object query": ("/api/AriaQuery/objects.php", JSON, json.dumps(INVOICE).encode()),
    # row 14: query string and body disagree
    "query method, body harmless": (
        DISPATCHER_PATH + "?rest_call=gen_invoice_m",
        JSON,
        json.dumps(HARMLESS).encode(),
    ),
    "query do_write=true": (
        DISPATCHER_PATH + "?do_write=true",
        JSON,
        json.dumps({"rest_call": "gen_rb_m", **CREDENTIALS, "do_write": "false"}).encode(),
    ),
    "query bill_immediately=1": (
        DISPATCHER_PATH + "?bill_immediately=1",
        FORM,
        _raw_form("rest_call=create_order_m&bill_immediately=0"),
    ),
    "cookie method": (
        DISPATCHER_PATH,
        {**JSON, "Cookie": "rest_call=gen_invoice_m"},
        json.dumps(HARMLESS).encode(),
    ),
    # row 17: brackets and a pipe column disagreeing
    "brackets and a pipe column": (
        DISPATCHER_PATH,
        FORM,
        _raw_form(
            "rest_call=edit_acct_plan_queued_changes_m"
            "&edit_queued_changes[0][queue_id]=1&edit_queued_changes[0][queue_edit_directive]=0"
            "&queue_edit_directive=1"
        ),
    ),
    # round 2, rows 4-5: PHP stops reading after max_input_vars (1000) fields
    "max_input_vars hides do_write": (
        DISPATCHER_PATH,
        FORM,
        _raw_form(f"rest_call=gen_rb_m&orig_invoice_no=5&{_FILLER}&do_write=false"),
    ),
    "max_input_vars hides a later rest_call": (
        DISPATCHER_PATH,
        FORM,
        _raw_form(f"rest_call=gen_invoice_m&{_FILLER}&rest_call=get_virtual_datetime_m"),
    ),
    "max_input_vars in the query": (
        DISPATCHER_PATH + f"?rest_call=gen_invoice_m&{_FILLER}&rest_call=get_virtual_datetime_m",
        JSON,
        b"",
    ),
    "max_input_vars in cookies": (
        DISPATCHER_PATH,
        {**JSON, "Cookie": "; ".join(f"c{i}=x" for i in range(1001))},
        json.dumps(HARMLESS).encode(),
    ),
    # round 2, rows 6-9: multipart as PHP reads it
    "multipart two name parameters": (
        DISPATCHER_PATH,
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        _multipart_raw(
            [('name="x"; name="rest_call"', "gen_invoice_m"), *_plain_parts(CREDENTIALS)]
        ),
    ),
    "multipart two name parameters on do_write": (
        DISPATCHER_PATH,
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        _multipart_raw(
            [
                ('name="rest_call"', "gen_rb_m"),
                ('name="x"; name="do_write"', "true"),
                ('name="do_write"', "false"),
                *_plain_parts(CREDENTIALS),
            ]
        ),
    ),
    "multipart name*": (
        DISPATCHER_PATH,
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        _multipart_raw(
            [("name*=UTF-8''x; name=\"rest_call\"", "gen_invoice_m"), *_plain_parts(CREDENTIALS)]
        ),
    ),
    "multipart boundary from another parameter": (
        DISPATCHER_PATH,
        {"Content-Type": f"multipart/form-data; xboundary=AAA; boundary={BOUNDARY}"},
        _multipart_raw([('name="rest_call"', "gen_invoice_m")], boundary="AAA")
        + _multipart_raw([('name="rest_call"', "get_virtual_datetime_m")]),
    ),
    # round 2, row 10: a second gzip member the first inflation leaves unread
    "gzip second member": (
        DISPATCHER_PATH,
        {**FORM, "Content-Encoding": "gzip"},
        gzip.compress(urlencode({**HARMLESS, "x": ""}).encode())
        + gzip.compress(b"&rest_call=gen_invoice_m&acct_no=1"),
    ),
    "gzip JSON then a second member": (
        DISPATCHER_PATH,
        {**JSON, "Content-Encoding": "gzip"},
        gzip.compress(json.dumps(HARMLESS).encode())
        + gzip.compress(b"&rest_call=gen_invoice_m&acct_no=1"),
    ),
}


def _guard_refused(error: BaseException | None) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, InvoiceGuardError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_invoicing_reading_of_the_request_is_refused_before_sending(
    case: str, library: str, sandbox: FakeServer
) -> None:
    path, headers, body = CASES[case]
    caught = send_live(library, sandbox.url + path, headers, body)
    assert sandbox.app.arrived == [], "the request reached the sandbox"
    assert _guard_refused(caught), f"no InvoiceGuardError: {caught!r}"


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_a_harmless_call_still_reaches_the_live_target(library: str, sandbox: FakeServer) -> None:
    with intercept(target="live", fail_on_exit=False):
        LIBRARIES[library](sandbox.url + DISPATCHER_PATH, JSON, json.dumps(HARMLESS).encode())
    assert [call["rest_call"] for call in sandbox.app.received] == ["get_virtual_datetime_m"]


def _post_form_data(url: str, fields: dict[str, Any]) -> Any:
    import aiohttp

    async def send() -> Any:
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, str(value))
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=form) as response:
                return json.loads(await response.read())

    return asyncio.run(send())


def test_an_aiohttp_form_data_body_is_read_and_a_harmless_call_sent(sandbox: FakeServer) -> None:
    with intercept(target="live", fail_on_exit=False):
        answer = _post_form_data(sandbox.url + DISPATCHER_PATH, HARMLESS)
    assert answer["error_code"] == 0
    assert [call["rest_call"] for call in sandbox.app.received] == ["get_virtual_datetime_m"]


def test_an_aiohttp_form_data_invoice_is_refused(sandbox: FakeServer) -> None:
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m"):
        with intercept(target="live", fail_on_exit=False):
            _post_form_data(sandbox.url + DISPATCHER_PATH, INVOICE)
    assert sandbox.app.arrived == []


# round 2, rows 20-22: harmless calls the guard once refused
def test_a_requests_generator_body_is_read_and_a_harmless_call_sent(sandbox: FakeServer) -> None:
    import requests

    chunks = [b"rest_call=get_virtual_datetime_m&", urlencode(CREDENTIALS).encode()]
    with intercept(target="live", fail_on_exit=False):
        requests.post(sandbox.url + DISPATCHER_PATH, data=iter(chunks), headers=FORM, timeout=5)
    assert [call["rest_call"] for call in sandbox.app.received] == ["get_virtual_datetime_m"]


def test_a_requests_generator_body_that_invoices_is_refused(sandbox: FakeServer) -> None:
    import requests

    chunks = [b"rest_call=gen_invoice_m&", urlencode(CREDENTIALS).encode()]
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m"):
        with intercept(target="live", fail_on_exit=False):
            requests.post(sandbox.url + DISPATCHER_PATH, data=iter(chunks), headers=FORM, timeout=5)
    assert sandbox.app.arrived == []


def _post_multipart_writer(url: str, fields: dict[str, str]) -> Any:
    import aiohttp

    async def send() -> Any:
        with aiohttp.MultipartWriter("form-data") as writer:
            for name, value in fields.items():
                part = writer.append(value)
                part.set_content_disposition("form-data", name=name)
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=writer) as response:
                return json.loads(await response.read())

    return asyncio.run(send())


def test_an_aiohttp_multipart_writer_is_read_and_a_harmless_call_sent(
    sandbox: FakeServer,
) -> None:
    with intercept(target="live", fail_on_exit=False):
        _post_multipart_writer(sandbox.url + DISPATCHER_PATH, HARMLESS)
    # the fake reads no multipart (it answers 1004); what matters is that the call was sent
    assert sandbox.app.arrived == [DISPATCHER_PATH]


def test_an_aiohttp_multipart_writer_invoice_is_refused(sandbox: FakeServer) -> None:
    with pytest.raises(InvoiceGuardError, match="gen_invoice_m"):
        with intercept(target="live", fail_on_exit=False):
            _post_multipart_writer(sandbox.url + DISPATCHER_PATH, INVOICE)
    assert sandbox.app.arrived == []


def test_python_false_in_a_requests_form_is_refused_naming_the_spelling_that_passes(
    sandbox: FakeServer,
) -> None:
    import requests

    data = {"rest_call": "gen_rb_m", **CREDENTIALS, "invoice_no": 9, "do_write": False}
    with pytest.raises(InvoiceGuardError, match="'False' is not .* only do_write=false"):
        with intercept(target="live", fail_on_exit=False):
            requests.post(sandbox.url + DISPATCHER_PATH, data=data, timeout=5)
    assert sandbox.app.arrived == []

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from harness.drift import Deadline, load_cassette
from harness.drift.replay import Prepared, Skip, prepare, send
from tests.drift.fakes import (
    AUTH_KEY,
    CLIENT_NO,
    FakeAria,
    Reply,
    no_wait_policy,
    recorded,
    target_for,
    write_cassette,
)

OK = {"error_code": 0, "error_msg": "OK"}
BASE = "http://127.0.0.1:9"


def one(tmp_path: Path, method: str, *, params: dict | None = None, encoding: str = "json"):
    path = write_cassette(
        tmp_path / "c.yaml", [recorded(method, OK, params=params, encoding=encoding)]
    )
    return load_cassette(path)[0]


def prepared(tmp_path: Path, method: str, **kwargs) -> Prepared:
    allow = kwargs.pop("allow_invoicing", False)
    is_stub = kwargs.pop("is_stub", False)
    result = prepare(
        one(tmp_path, method, **kwargs), target_for(BASE, is_stub=is_stub), allow_invoicing=allow
    )
    assert isinstance(result, Prepared)
    return result


def test_json_placeholders_become_the_real_credentials(tmp_path: Path) -> None:
    call = prepared(tmp_path, "get_invoice_details_m", params={"invoice_no": 5})
    body = json.loads(call.body or b"")
    assert body["client_no"] == int(CLIENT_NO) and body["auth_key"] == AUTH_KEY
    assert call.url == f"{BASE}/api/ws/api_ws_class_dispatcher.php"
    assert call.headers["Content-Type"] == "application/json"
    assert not call.state_changing


def test_form_and_query_placeholders_are_replaced_too(tmp_path: Path) -> None:
    form = prepared(tmp_path, "get_invoice_details_m", encoding="form")
    assert dict(parse_qsl((form.body or b"").decode()))["auth_key"] == AUTH_KEY
    query = prepared(tmp_path, "get_invoice_details_m", encoding="query")
    assert query.body is None and query.http_method == "GET"
    assert dict(parse_qsl(urlsplit(query.url).query))["client_no"] == CLIENT_NO


@pytest.mark.parametrize("encoding", ["json", "form", "query"], ids=["json", "form", "get"])
def test_the_guard_turns_an_invoicing_call_with_a_dry_run_field_into_a_dry_run(
    tmp_path: Path, encoding: str
) -> None:
    call = prepared(tmp_path, "create_order_m", params={"do_write": "true"}, encoding=encoding)
    raw = (call.body or b"").decode()
    if encoding == "query":
        raw = urlsplit(call.url).query
    params = json.loads(raw) if encoding == "json" else dict(parse_qsl(raw))
    assert params["do_write"] == "false"
    assert call.dry_run_forced and not call.state_changing


@pytest.mark.parametrize(
    "method", ["gen_invoice_m", "gen_invoice", "manage_pending_invoice_m"], ids=str
)
def test_the_guard_skips_invoicing_calls_without_a_dry_run_field(
    tmp_path: Path, method: str
) -> None:
    result = prepare(one(tmp_path, method), target_for(BASE), allow_invoicing=False)
    assert isinstance(result, Skip) and "--allow-invoicing" in result.reason


def test_allow_invoicing_replays_as_recorded(tmp_path: Path) -> None:
    call = prepared(tmp_path, "create_order_m", params={"do_write": "true"}, allow_invoicing=True)
    assert json.loads(call.body or b"")["do_write"] == "true"
    assert call.state_changing and not call.dry_run_forced
    assert isinstance(prepared(tmp_path, "gen_invoice_m", allow_invoicing=True), Prepared)


def test_against_the_embedded_stub_everything_runs_as_recorded(tmp_path: Path) -> None:
    assert isinstance(prepared(tmp_path, "gen_invoice_m", is_stub=True), Prepared)
    call = prepared(tmp_path, "create_order_m", params={"do_write": "true"}, is_stub=True)
    assert json.loads(call.body or b"")["do_write"] == "true"


def test_unknown_methods_are_skipped_unless_they_are_reads(tmp_path: Path) -> None:
    skip = prepare(one(tmp_path, "update_no_such_thing_m"), target_for(BASE), allow_invoicing=False)
    assert isinstance(skip, Skip) and "not in the bundled description" in skip.reason
    assert isinstance(prepared(tmp_path, "get_no_such_thing_m"), Prepared)


def test_a_described_invoicing_method_outside_the_core_replays_as_a_dry_run(tmp_path: Path) -> None:
    call = prepared(tmp_path, "update_acct_plan_m")
    assert json.loads(call.body or b"")["do_write"] == "false" and call.dry_run_forced


def call_for(fake: FakeAria, tmp_path: Path, method: str, **params) -> Prepared:
    result = prepare(
        one(tmp_path, method, params=params),
        target_for(fake.url, is_stub=True),
        allow_invoicing=True,
    )
    assert isinstance(result, Prepared)
    return result


def test_a_read_is_retried_after_a_503_and_then_answers(
    fake_aria: FakeAria, tmp_path: Path
) -> None:
    replies = iter([Reply("busy", status=503, content_type="text/plain"), Reply(OK)])
    fake_aria.responder = lambda method, params: next(replies)
    policy, slept = no_wait_policy(attempts=3)
    with requests.Session() as session:
        answer = send(
            session,
            call_for(fake_aria, tmp_path, "get_invoice_details_m"),
            timeout=5,
            deadline=Deadline(None),
            policy=policy,
        )
    assert answer.body == OK and answer.unavailable is None and answer.attempts == 2
    assert slept == [policy.delay(1)]


def test_a_state_changing_call_is_not_resent_once_it_reached_the_target(
    fake_aria: FakeAria, tmp_path: Path
) -> None:
    fake_aria.responder = lambda method, params: Reply("busy", status=503)
    policy, slept = no_wait_policy(attempts=3)
    with requests.Session() as session:
        answer = send(
            session,
            call_for(fake_aria, tmp_path, "gen_invoice_m"),
            timeout=5,
            deadline=Deadline(None),
            policy=policy,
        )
    assert answer.unavailable and "503" in answer.unavailable
    assert fake_aria.count("gen_invoice_m") == 1 and slept == []


def test_a_dropped_state_changing_call_is_not_resent(fake_aria: FakeAria, tmp_path: Path) -> None:
    fake_aria.responder = lambda method, params: Reply(drop=True)
    policy, _ = no_wait_policy(attempts=3)
    with requests.Session() as session:
        answer = send(
            session,
            call_for(fake_aria, tmp_path, "gen_invoice_m"),
            timeout=5,
            deadline=Deadline(None),
            policy=policy,
        )
    assert answer.unavailable == "the connection was dropped without an answer"
    assert fake_aria.count("gen_invoice_m") == 1


def test_a_refused_connection_is_retried_even_for_a_state_changing_call(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    call = prepare(
        one(tmp_path, "gen_invoice_m"),
        target_for(f"http://127.0.0.1:{port}", is_stub=True),
        allow_invoicing=True,
    )
    assert isinstance(call, Prepared) and call.state_changing
    policy, slept = no_wait_policy(attempts=3)
    with requests.Session() as session:
        answer = send(session, call, timeout=2, deadline=Deadline(None), policy=policy)
    assert answer.attempts == 3 and len(slept) == 2
    assert answer.unavailable == "connection refused or host unreachable"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply("<!DOCTYPE html><html>down</html>", content_type="text/html"), "HTML page"),
        (Reply('{"error_code": 0, "err', content_type="application/json"), "not JSON"),
        (Reply({"message": "gateway"}), "not an Aria answer"),
        (Reply("slow down", status=429, content_type="text/plain"), "429"),
        (Reply({"error_code": 1001}, status=500), "HTTP 500"),
    ],
    ids=["html", "truncated-json", "gateway-json", "429", "500-with-envelope"],
)
def test_answers_that_are_not_aria_count_as_unavailable(
    fake_aria: FakeAria, tmp_path: Path, reply: Reply, reason: str
) -> None:
    fake_aria.responder = lambda method, params: reply
    policy, _ = no_wait_policy(attempts=1)
    with requests.Session() as session:
        answer = send(
            session,
            call_for(fake_aria, tmp_path, "get_invoice_details_m"),
            timeout=5,
            deadline=Deadline(None),
            policy=policy,
        )
    assert answer.body is None and reason in (answer.unavailable or "")


def test_a_target_is_shown_by_its_url_without_credentials() -> None:
    from harness.drift import Target

    target = Target("https://user:pw@sandbox.example.invalid:8443/aria/?auth_key=k#x", "1", "k")
    assert target.label == "https://sandbox.example.invalid:8443/aria"
    assert target.kind == "target"

"""Each attack of the red-team pass as a test: nothing sent reaches a cassette, a message or a log.

The fake Aria on 127.0.0.1 echoes what it receives in the shapes an attacker chooses (free
text, transforms, reason phrases, headers, lying bodies); every test asserts on what a user
could commit or publish: the cassette on disk, exception messages, log records.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import logging
from urllib.parse import quote, urlencode

import pytest
import requests

from harness.errors import AriaError, CassetteError, ContractViolation
from harness.recording import use_cassette
from harness.recording.persist import load_interactions, write_cassette
from harness.spec import DISPATCHER_PATH
from tests.recording.test_secrets import BRANDS, LIVE, card

URL = "https://sandbox.example/api/ws/api_ws_class_dispatcher.php"
# one request and response as the recorder writes them
PLACEHOLDER_CASSETTE = """\
interactions:
- request:
    body: '{"auth_key":"ARIA_AUTH_KEY","client_no":"ARIA_CLIENT_NO","cc_number":"ARIA_CARD_LAST4_1111","cvv":"ARIA_REDACTED","bill_email":"ARIA_REDACTED","acct_no":1234567}'
    headers:
      Authorization:
      - ARIA_REDACTED
    method: POST
    uri: https://x.example/api?auth_key=ARIA_AUTH_KEY&bill_email=ARIA_REDACTED%7CARIA_REDACTED
  response:
    body:
      string: '{"error_code":0,"error_msg":"OK","transaction_id":1700000000000,"total":1234.56}'
    status:
      code: 200
      message: OK
version: 1
"""  # noqa: E501
SECRETS = {
    "cvv": "123",
    "cc_expire_mm": "12",
    "bill_first_name": "Jo",
    "bill_zip": "90210",
    "bill_state_prov": "CA",
    "bill_country": "US",
    "bill_email": "jo.o'neil+7@example.com",
    "cc_number": LIVE,
    "auth_key": "fake-aria-auth-key-42",
    "password": "hunter2hunter2",
    "secret_key": "sk_live_opensesame",
    "api_key": "apikey-0001",
    "token": "tok-bbbbbbbb",
    "session_id": "sess-4242",
    "pin": "4321",
    "secret_question_answer": "rosebud",
}


def _json_request(params: dict) -> dict:
    return {
        "method": "POST",
        "uri": URL,
        "body": json.dumps({"rest_call": "update_acct_complete_m", **params}),
        "headers": {"Content-Type": ["application/json"]},
    }


def _response(body: bytes | str, content_type: str = "application/json", **headers) -> dict:
    raw = body.encode() if isinstance(body, str) else body
    extra = {name.replace("_", "-"): [value] for name, value in headers.items()}
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": [content_type], **extra},
        "body": {"string": raw},
    }


def _written(tmp_path, request: dict, response: dict) -> str:
    path = tmp_path / "c.yaml"
    write_cassette(path, [(request, response)], merge=False)
    return path.read_text(encoding="utf-8")


def _absent(text: str, *values: str) -> None:
    for value in values:
        assert value not in text, f"{value!r} reached the output"


# ------------------------------------------------------------- short and transformed values

SHORT = ["123", "12", "Jo", "90210", "CA", "US", "4321"]


def test_short_values_echoed_in_free_text_are_hunted_whatever_their_length(tmp_path):
    message = "declined: cvv 123, expiry 12/29, name Jo, zip 90210, state CA, country US, pin 4321"
    answer = {"error_code": 1016, "error_msg": message, "date": "2026-12-12"}
    _written(tmp_path, _json_request(SECRETS), _response(json.dumps(answer)))
    (_, response), *_ = load_interactions(tmp_path / "c.yaml")[0]
    written = json.loads(response["body"]["string"])
    for value in SHORT:
        assert value not in written["error_msg"].split(), value
    assert written["date"] == "2026-12-12"  # a date is not an echo of the expiry month


TRANSFORMS = {
    "upper-cased": lambda v: v.upper(),
    "double percent-encoded": lambda v: quote(quote(v, safe=""), safe=""),
    "HTML entities": lambda v: "".join(f"&#{ord(c)};" for c in v),
    "HTML named entities": lambda v: html.escape(v, quote=True),
    "JSON escaped twice": lambda v: json.dumps(json.dumps(v))[1:-1],
    "NFKC fullwidth": lambda v: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in v),
    "base64": lambda v: base64.b64encode(f"echo:{v}".encode()).decode(),
}


@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=list(TRANSFORMS))
@pytest.mark.parametrize("field", ["bill_email", "password", "auth_key", "secret_question_answer"])
def test_echoes_survive_no_transform(tmp_path, transform, field):
    echoed = transform(SECRETS[field])
    answer = {"error_code": 0, "error_msg": f"saw {echoed} here"}
    text = _written(tmp_path, _json_request(SECRETS), _response(json.dumps(answer)))
    _absent(text, echoed, SECRETS[field], transform(SECRETS[field]).replace("'", "''"))


PAN_FORMS = {
    "dots": ".".join(LIVE[i : i + 4] for i in range(0, 16, 4)),
    "NBSP": "\u00a0".join(LIVE[i : i + 4] for i in range(0, 16, 4)),
    "slashes": "/".join(LIVE[i : i + 4] for i in range(0, 16, 4)),
    "base64": base64.b64encode(LIVE.encode()).decode(),
    "split in two": f"{LIVE[:8]} ... {LIVE[8:]}",
}


@pytest.mark.parametrize("form", PAN_FORMS.values(), ids=list(PAN_FORMS))
def test_a_pan_echoed_in_any_form_is_hunted(tmp_path, form):
    answer = {"error_code": 0, "error_msg": f"card {form} declined"}
    text = _written(tmp_path, _json_request(SECRETS), _response(json.dumps(answer)))
    digits_left = "".join(ch for ch in text if ch.isdigit())
    _absent(text, form, LIVE[:8], LIVE[8:])
    assert LIVE not in digits_left


# ------------------------------------------------------------------ shapes the scrubber missed


def test_php_bracket_keys_in_a_json_body(tmp_path):
    request = _json_request({"acct[0][cvv]": "987", "acct[0][cc_number]": LIVE})
    text = _written(tmp_path, request, _response('{"error_code":0}'))
    _absent(text, "987", LIVE)


def test_the_reason_phrase_is_scrubbed(tmp_path):
    response = _response('{"error_code":0}')
    response["status"]["message"] = f"Bad card {LIVE} for jo.o'neil+7@example.com"
    text = _written(tmp_path, _json_request(SECRETS), response)
    _absent(text, LIVE, "jo.o''neil", "o'neil")


@pytest.mark.parametrize("header", ["X-Api-Token", "Api-Key", "X-Auth-Token", "X-Session-Token"])
def test_token_like_headers_with_lower_case_values(tmp_path, header):
    request = _json_request({})
    request["headers"][header] = ["lowercasevalue0001"]
    response = _response('{"error_code":0}')
    response["headers"][header] = ["lowercasevalue0002"]
    text = _written(tmp_path, request, response)
    _absent(text, "lowercasevalue0001", "lowercasevalue0002")


CONTACT = {
    "first_name": "Marguerite",
    "email": "marguerite@example.org",
    "address1": "12 Quai des Orfevres",
    "phone": "+33 1 23 45 67 89",
    "birthdate": "1971-04-02",
    "password": "correcthorsebattery",
}


def test_server_side_contact_fields_that_are_not_bill_star(tmp_path):
    answer = {"error_code": 0, "account": {"contact": CONTACT}}
    text = _written(tmp_path, _json_request({}), _response(json.dumps(answer)))
    _absent(text, *CONTACT.values())


@pytest.mark.parametrize(
    "field",
    ["password", "secret_key", "api_key", "token", "session_id", "pin", "secret_question_answer"],
)
def test_inputs_a_careful_user_expects_scrubbed(tmp_path, field):
    form = {
        "method": "POST",
        "uri": URL,
        "body": urlencode({"rest_call": "x", field: SECRETS[field]}),
        "headers": {"Content-Type": ["application/x-www-form-urlencoded"]},
    }
    text = _written(tmp_path, form, _response(json.dumps({"error_code": 0, "echo": SECRETS})))
    _absent(text, SECRETS[field])


def test_cassette_metadata_is_scrubbed(tmp_path):
    path = tmp_path / "c.yaml"
    metadata = {"recorded_by": {"auth_key": SECRETS["auth_key"]}, "note": f"card {LIVE}"}
    write_cassette(path, [], metadata=metadata, merge=False)
    _absent(path.read_text(), SECRETS["auth_key"], LIVE)


LYING = {
    "gzip sent as identity": _response(gzip.compress(json.dumps(SECRETS).encode())),
    "EBCDIC charset": _response(
        json.dumps({"note": LIVE}).encode("cp500"), "application/json; charset=cp500"
    ),
    "UTF-16 without saying so": _response(json.dumps({"note": LIVE}).encode("utf-16")),
}


@pytest.mark.parametrize("response", LYING.values(), ids=list(LYING))
def test_a_body_whose_declared_encoding_lies_is_refused_not_written(tmp_path, response):
    path = tmp_path / "c.yaml"
    with pytest.raises(CassetteError, match="not written") as caught:
        write_cassette(path, [(_json_request(SECRETS), response)], merge=False)
    assert not path.exists()
    _absent(str(caught.value), LIVE, SECRETS["auth_key"])


@pytest.mark.parametrize("brand", ["maestro", "mir", "rupay", "uatp", "troy"])
def test_every_card_brand_is_scrubbed_from_free_text(tmp_path, brand):
    number = BRANDS[brand]
    answer = {"error_code": 0, "error_msg": f"card on file {number}"}
    text = _written(tmp_path, _json_request({}), _response(json.dumps(answer)))
    _absent(text, number)


# ------------------------------------------------------------------ messages and log records


def test_aria_error_masks_what_the_server_echoed():
    error = AriaError("authorize_electronic_payment_m", code=1016, message=f"card {LIVE} bad")
    _absent(str(error), LIVE)
    _absent(repr(error), LIVE)
    assert LIVE not in error.message


def test_contract_violation_masks_echoed_values():
    from harness.contracts.violations import Violation

    violation = Violation(
        method="get_acct_details_all_m",
        pointer="/bill_email",
        message="unexpected value",
        expected="string",
        actual=f'"{LIVE} / marguerite@example.org"',
        rule="type",
    )
    error = ContractViolation("get_acct_details_all_m", violations=[violation])
    _absent(str(error), LIVE, "marguerite@example.org")


def test_a_refused_save_names_the_place_never_the_value(tmp_path):
    response = _response(b"\x1f\x8b" + json.dumps(SECRETS).encode())
    with pytest.raises(CassetteError) as caught:
        write_cassette(tmp_path / "c.yaml", [(_json_request(SECRETS), response)], merge=False)
    assert "response" in str(caught.value)
    _absent(str(caught.value), *[v for v in SECRETS.values() if len(v) > 3])


def test_vcrpy_and_harness_log_records_are_masked(fake_aria, tmp_path, caplog):
    echo = f"bad card {LIVE} for {SECRETS['bill_email']}; key {SECRETS['auth_key']}"

    def hostile(params):
        body = json.dumps({"error_code": 0, "error_msg": echo, "echo": params}).encode()
        return "200 OK", [("Content-Type", "application/json")], body

    fake_aria.app.hostile = hostile
    caplog.set_level(logging.DEBUG)
    with use_cassette(tmp_path / "c.yaml", record_mode="once"):
        requests.post(
            fake_aria.url + DISPATCHER_PATH + "?auth_key=" + SECRETS["auth_key"],
            json={"rest_call": "echo_m", **SECRETS},
            timeout=10,
        )
    logging.getLogger("harness.stub").warning("stub saw %s", json.dumps(SECRETS))
    assert any(r.name.startswith("vcr") for r in caplog.records)  # vcrpy did log the exchange
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records)
    _absent(logged, LIVE, SECRETS["auth_key"], SECRETS["bill_email"], SECRETS["password"])
    _absent((tmp_path / "c.yaml").read_text(), LIVE, SECRETS["auth_key"], SECRETS["password"])


def test_a_fresh_live_card_never_equals_a_published_test_card():
    assert card("4000", 16) == LIVE


# ------------------------------------------------- messages quoting what the call itself sent

SENT_BARE = {
    "bill_first_name": "Jolantha",
    "password": "hunter2-S3cr3t!",
    "bank_acct_num": "000123456789",
    "cvv": "8841",
}


def _echoing(answer: dict):
    """A hostile answer whose error_msg echoes every value the call sent, bare."""

    def hostile(params):
        echo = " ".join(str(params.get(name)) for name in (*SENT_BARE, "client_no", "auth_key"))
        body = json.dumps({**answer, "error_msg": f"bad {echo}"}).encode()
        return "200 OK", [("Content-Type", "application/json")], body

    return hostile


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_aria_error_of_a_client_call_hides_the_values_it_sent(fake_aria, encoding):
    from harness import AriaClient
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    fake_aria.app.hostile = _echoing({"error_code": 1016})
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, encoding=encoding)
    with pytest.raises(AriaError) as caught:
        client.call("get_acct_notes_m", raise_on_error=True, account_no=1, **SENT_BARE)
    assert "error_code 1016" in str(caught.value)
    _absent(str(caught.value), *SENT_BARE.values(), str(CLIENT_NO), AUTH_KEY)


def test_contract_violation_of_a_client_call_hides_the_values_it_sent(fake_aria):
    from harness import AriaClient
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    # error_code 0 with another error_msg than "OK" breaks the contract, quoting the message
    fake_aria.app.hostile = _echoing({"error_code": 0})
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, encoding="form")
    with pytest.raises(ContractViolation) as caught:
        client.call("get_virtual_datetime_m", **SENT_BARE)
    _absent(str(caught.value), *SENT_BARE.values(), str(CLIENT_NO), AUTH_KEY)


def test_contract_violation_of_an_intercepted_call_hides_the_values_it_sent(fake_aria, monkeypatch):
    from harness.intercept import intercept
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    monkeypatch.setenv("ARIA_CLIENT_NO", str(CLIENT_NO))
    monkeypatch.setenv("ARIA_AUTH_KEY", AUTH_KEY)
    fake_aria.app.hostile = _echoing({"error_code": 0})
    sent = {"rest_call": "get_virtual_datetime_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}
    with pytest.raises(ContractViolation) as caught:
        with intercept(target="live", base_url=fake_aria.url):
            requests.post(fake_aria.url + DISPATCHER_PATH, data={**sent, **SENT_BARE}, timeout=10)
    _absent(str(caught.value), *SENT_BARE.values(), str(CLIENT_NO), AUTH_KEY)


def test_a_cassette_miss_names_the_difference_never_the_values(fake_aria, tmp_path, monkeypatch):
    from harness.intercept import intercept
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    monkeypatch.setenv("ARIA_CLIENT_NO", str(CLIENT_NO))
    monkeypatch.setenv("ARIA_AUTH_KEY", AUTH_KEY)
    fake_aria.app.hostile = lambda params: (
        "200 OK",
        [("Content-Type", "application/json")],
        b'{"error_code":0,"error_msg":"OK"}',
    )
    cassette = tmp_path / "miss.yaml"

    def call(**params):
        base = {"rest_call": "get_acct_notes_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}
        requests.post(fake_aria.url + DISPATCHER_PATH, data={**base, **params}, timeout=10)

    with intercept(target="record", cassette=cassette, base_url=fake_aria.url):
        call(account_no=1, notes="call back", password="hunter2-S3cr3t!")
    # free text that differs, holding an e-mail address, a key and the password sent beside it
    notes = "mail jolantha.q@gmail.com key Zq8xK2mP9vL4nR7tW3yB pw Ottilie-77"
    with pytest.raises(CassetteError) as caught:
        with intercept(target="cassette", cassette=cassette):
            call(account_no=1, notes=notes, password="Ottilie-77")
    message = str(caught.value)
    assert "closest recorded call: get_acct_notes_m" in message
    assert "notes" in message  # the difference is named
    _absent(message, "jolantha.q@gmail.com", "Zq8xK2mP9vL4nR7tW3yB", "Ottilie-77")


def test_an_answer_echoing_what_another_call_of_the_cassette_sent_is_scrubbed(tmp_path):
    sent = {
        "bill_first_name": "Jolantha",
        "password": "hunter2-S3cr3t!",
        "bank_acct_num": "000123456789",
        "bill_phone": "5551234987",
    }
    first = (_json_request(sent), _response(json.dumps({"error_code": 0, "error_msg": "OK"})))
    echo = " ".join(sent.values())
    second = (
        _json_request({"acct_no": 1}),  # sends nothing secret; its answer echoes the first call
        _response(json.dumps({"error_code": 0, "error_msg": "OK", "notes": echo})),
    )
    path = tmp_path / "c.yaml"
    write_cassette(path, [first, second], merge=False)
    _absent(path.read_text(encoding="utf-8"), *sent.values())


# --------------------------------------------------------- names the model must know as secret

# every name of the red-team list that holds a secret (cards, bank, contact, credentials);
# left out as too generic to be a secret on their own: name, user, userid (an Aria account
# identifier), key, hash, nonce, signature, pass, session and credentials (words of prose)
SECRET_NAMES = (
    "full_name cardholder_name cc_holder_name holder_name account_holder contact_name bill_name "
    "customer_name surname given_name firstName FIRST-NAME street street_address address addr "
    "bill_street postcode post_code zipcode mobile mobile_phone telephone tel fax msisdn dob "
    "date_of_birth birth_date DOB ssn tax_id vat_no national_id passwd pwd apikey api-key "
    "access_key private_key client_secret credential sessid sid jwt otp cvc cvv2 cid "
    "security_code card_code cc_cvv cvn exp_date expiry expiration cc_exp card_expiry exp_month "
    "exp_year account_number acct_num routing_number aba sort_code bic swift swift_code "
    "bank_account bank_acct_no bsb user_email emailAddress e_mail mail username login ip_address "
    "auth authkey clientNo CLIENT_NO client-number clientno alt_client_no auth_key_2 cc_number_2 "
    "track_data3 magstripe track1 track2 X-Session"
).split()


@pytest.mark.parametrize("encoding", ["json", "form", "query", "header"])
def test_every_secret_name_is_scrubbed_however_it_is_sent(tmp_path, encoding):
    values = {name: f"Sekr3tValue{index}Q" for index, name in enumerate(SECRET_NAMES)}
    request = _json_request({"acct_no": 1})
    if encoding == "json":
        request = _json_request(values)
    elif encoding == "form":
        request["body"] = urlencode({"rest_call": "get_acct_notes_m", **values})
        request["headers"] = {"Content-Type": ["application/x-www-form-urlencoded"]}
    elif encoding == "query":
        request["uri"] = URL + "?" + urlencode(values)
    else:
        request["headers"] = {
            **request["headers"],
            **{"X-" + name.replace("_", "-"): [value] for name, value in values.items()},
        }
    written = _written(tmp_path, request, _response('{"error_code":0,"error_msg":"OK"}'))
    leaked = [name for name, value in values.items() if value in written]
    assert leaked == []


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_an_e_mail_address_used_as_a_key_is_scrubbed(tmp_path, encoding):
    email = "jolantha.quackenbush@gmail.com"
    if encoding == "json":
        request = _json_request({"contacts": {email: {"note": "vip"}}})
    else:
        request = _json_request({})
        request["body"] = urlencode({"rest_call": "get_acct_notes_m", f"contacts[{email}]": "vip"})
        request["headers"] = {"Content-Type": ["application/x-www-form-urlencoded"]}
    answer = json.dumps({"error_code": 0, "error_msg": "OK", "contacts": {email: 1}})
    _absent(_written(tmp_path, request, _response(answer)), email)


def test_a_refused_card_names_its_field_without_an_e_mail_key():
    from harness.policy import Target, decide

    email = "jolantha.quackenbush@gmail.com"
    decision = decide(
        "get_acct_notes_m",
        {"contacts": {email: {"note": f"card {LIVE}"}}},
        Target("https://sandbox.example"),
    )
    assert decision.error is not None
    assert "contacts" in str(decision.error)
    _absent(str(decision.error), email, LIVE)


def test_short_values_glued_to_letters_are_hunted(tmp_path):
    sent = {"cvv": "4821", "bill_zip": "94107", "bill_state_prov": "TX"}
    answer = json.dumps({"error_code": 0, "error_msg": "OK", "note": "cvc4821 ZIP94107 TX75"})
    written = _written(tmp_path, _json_request(sent), _response(answer))
    _absent(written, "4821", "94107", "TX75")
    assert "ARIA_REDACTED" in written


def test_a_name_echoed_as_base64_without_padding_is_hunted(tmp_path):
    sent = {"bill_first_name": "Jolantha", "bill_last_name": "Quackenbush"}
    encoded = [base64.b64encode(v.encode()).decode().rstrip("=") for v in sent.values()]
    answer = json.dumps({"error_code": 0, "error_msg": "OK", "note": " ".join(encoded)})
    written = _written(tmp_path, _json_request(sent), _response(answer))
    _absent(written, *encoded)

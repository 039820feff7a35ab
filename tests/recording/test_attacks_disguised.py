"""Echoes in disguise and secret names in disguise: each attack a test, asserting on the written
cassette and on the masked message (what exception messages and log records carry)."""

from __future__ import annotations

import base64
import codecs
import json
import logging

import pytest

from harness.echoes import mask_message, sensitive_values
from harness.errors import AriaError
from harness.recording.cards import find_real_cards
from harness.recording.persist import load_interactions
from harness.recording.scan import scan_data
from harness.secrets import sensitive_name
from tests.recording.test_attacks import SECRETS, _absent, _json_request, _response, _written
from tests.recording.test_secrets import LIVE

# a value of every kind the hunt must know: a card, a long word, an e-mail address, a key
HUNTED = {
    "cc_number": LIVE,
    "password": SECRETS["password"],
    "bill_email": "jolantha.q@example.org",
    "auth_key": SECRETS["auth_key"],
}

DISGUISES = {
    "hex": lambda v: v.encode().hex(),
    "HEX upper": lambda v: v.encode().hex().upper(),
    "base32": lambda v: base64.b32encode(v.encode()).decode(),
    "base32 unpadded": lambda v: base64.b32encode(v.encode()).decode().rstrip("="),
    "rot13": lambda v: codecs.encode(v, "rot13"),
    "reversed": lambda v: v[::-1],
    "spaced out": lambda v: " ".join(v),
    "UTF-16LE base64": lambda v: base64.b64encode(v.encode("utf-16-le")).decode(),
    "UTF-16 base64 with BOM": lambda v: base64.b64encode(v.encode("utf-16")).decode(),
}


def _disguised(field: str, name: str) -> str:
    return DISGUISES[name](HUNTED[field])


# every value in every disguise that changes it (rot13 leaves a card's digits as they are)
DISGUISED = [
    (field, name)
    for field in HUNTED
    for name in DISGUISES
    if _disguised(field, name).lower() != HUNTED[field].lower()
]


@pytest.mark.parametrize(("field", "name"), DISGUISED)
def test_a_disguised_echo_never_reaches_the_cassette(tmp_path, field, name):
    shown = _disguised(field, name)
    answer = {"error_code": 1016, "error_msg": f"rejected {shown} (see log)"}
    written = _written(tmp_path, _json_request(HUNTED), _response(json.dumps(answer)))
    _absent(written, shown, HUNTED[field])
    assert "rejected" in written  # the message around the echo is kept


@pytest.mark.parametrize(("field", "name"), DISGUISED)
def test_a_disguised_echo_never_reaches_a_message_or_log_record(caplog, field, name):
    shown = _disguised(field, name)
    masked = mask_message(f"error 1016: rejected {shown}", sensitive_values(HUNTED))
    logging.getLogger("harness.test").warning(masked)
    _absent(masked + caplog.text, shown, HUNTED[field])


def test_an_aria_error_of_a_live_call_hides_what_the_server_echoed_in_disguise(fake_aria, caplog):
    from harness import AriaClient
    from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO

    sent = {"password": SECRETS["password"], "cc_expire_mm": "09", "cc_expire_yyyy": "2031"}
    shown = [DISGUISES[name](sent["password"]) for name in ("hex", "rot13", "reversed")]

    def hostile(params):
        echo = " ".join([*shown, "exp 09/31", DISGUISES["base32"](str(params["auth_key"]))])
        body = json.dumps({"error_code": 1016, "error_msg": f"bad {echo}"}).encode()
        return "200 OK", [("Content-Type", "application/json")], body

    fake_aria.app.hostile = hostile
    caplog.set_level(logging.DEBUG)
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY)
    with pytest.raises(AriaError) as caught:
        client.call("get_acct_notes_m", raise_on_error=True, account_no=1, **sent)
    message = str(caught.value)
    logging.getLogger("harness.test").error("call failed: %s", message)
    assert "error_code 1016" in message
    _absent(message + caplog.text, *shown, "09/31", DISGUISES["base32"](AUTH_KEY), AUTH_KEY)


AT_DOT = {
    "[at] [dot]": "jolantha.q [at] example [dot] org",
    "[at][dot] glued": "jolantha.q[at]example[dot]org",
    "(at) (dot)": "jolantha(dot)q (at) example (dot) org",
    "{AT} only": "jolantha.q{AT}example.org",
    "words": "jolantha dot q at example dot org",
}


@pytest.mark.parametrize("shown", AT_DOT.values(), ids=list(AT_DOT))
def test_an_e_mail_address_spelled_with_at_and_dot_is_hunted(tmp_path, shown):
    answer = {"error_code": 0, "error_msg": f"sent to {shown} ok"}
    written = _written(tmp_path, _json_request(HUNTED), _response(json.dumps(answer)))
    _absent(written, shown, "jolantha", "example [dot]")
    _absent(mask_message(f"mail {shown}", sensitive_values(HUNTED)), "jolantha")


EXPIRY = {"cc_expire_mm": "09", "cc_expire_yyyy": "2031"}


@pytest.mark.parametrize("shown", ["exp 09/31", "expires 9/31", "valid thru 09-31", "exp 0931"])
def test_a_four_digit_expiry_year_echoed_in_two_digits_is_hunted(tmp_path, shown):
    kept = "error 1031 on 2026-12-31, total 10.31"  # a code, a date, an amount: no expiry
    answer = {"error_code": 1016, "error_msg": f"card {shown} declined", "total": 31, "note": kept}
    _written(tmp_path, _json_request(EXPIRY), _response(json.dumps(answer)))
    (_, response), *_ = load_interactions(tmp_path / "c.yaml")[0]
    written = json.loads(response["body"]["string"])
    assert "31" not in written["error_msg"]
    assert (written["total"], written["note"]) == (31, kept)  # no echo of the year there
    assert "31" not in mask_message(f"card {shown}", sensitive_values(EXPIRY))


# --------------------------------------------------------------------------- names in disguise

PAIR_LISTS = {
    "pair list": {"fields": [["password", "hunter2-PairList"]]},
    "pairs at top level": {"params": [["acct_no", 1], ["cvv", "hunter2-PairList"]]},
    "tuple-ish pair": {"extra": [["auth_key", "hunter2-PairList"], ["x", "y"]]},
}


@pytest.mark.parametrize("params", PAIR_LISTS.values(), ids=list(PAIR_LISTS))
def test_a_key_value_pair_list_is_a_field(tmp_path, params):
    assert "hunter2-PairList" in sensitive_values(params)
    answer = {"error_code": 0, "echo": params, "error_msg": "saw hunter2-PairList"}
    written = _written(tmp_path, _json_request(params), _response(json.dumps(answer)))
    _absent(written, "hunter2-PairList")
    assert any(kind.startswith("sensitive field") for kind in scan_data(params))


def test_a_pair_list_of_ordinary_names_is_left_alone(tmp_path):
    params = {"plans": [["gold", "monthly"], ["silver", "yearly"]]}
    assert sensitive_values(params) == ()
    written = _written(tmp_path, _json_request(params), _response('{"error_code":0}'))
    assert "monthly" in written and "yearly" in written


HOMOGLYPHS = {
    "Cyrillic ра": "\u0440\u0430ssword",
    "Cyrillic е in auth_kеy": "auth_k\u0435y",
    "Greek ο in tοken": "t\u03bfken",
    "full-width": "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44",
    "Greek capitals": "\u03a1\u0391SSWORD",
    "Cyrillic с in сvv": "\u0441vv",
}


@pytest.mark.parametrize("key", HOMOGLYPHS.values(), ids=list(HOMOGLYPHS))
def test_a_homoglyph_key_is_folded_before_the_name_check(tmp_path, key):
    assert sensitive_name(key) is not None
    params = {key: "hunter2-Homoglyph"}
    written = _written(tmp_path, _json_request(params), _response('{"error_code":0}'))
    _absent(written, "hunter2-Homoglyph")
    assert any(kind.startswith("sensitive field") for kind in scan_data(params))


def test_the_refusal_names_a_live_card_in_a_pair_list_or_under_a_homoglyph_key():
    assert find_real_cards({"fields": [["cc_number", float(LIVE)]]}) == ["fields[0][1]"]
    assert find_real_cards({"\u0441\u0441_number": " ".join(LIVE)}) == ["\u0441\u0441_number"]

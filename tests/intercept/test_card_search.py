"""A real card the refusal once missed is refused on the wire by every HTTP library.

The card sits in an identifier field (JSON and form), is of a national network, is followed by
a CVV or an expiry in free text, or is written with unusual separators or another script's
digits. The fake sandbox on 127.0.0.1 must see none of them.
"""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlencode

import pytest

from harness.intercept import intercept
from harness.spec import DISPATCHER_PATH
from tests.intercept.test_card_shapes import BASE, FORM, JSON, LIBRARIES, _refusal_in, send_live
from tests.recording.fake_aria import FakeServer
from tests.recording.test_card_search import ALL_CARDS, NEW_BRANDS


def _spaced(number: str, separator: str = " ") -> str:
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


def _json(**extra: str) -> tuple[dict[str, str], bytes]:
    return JSON, json.dumps({**BASE, **extra}).encode()


def _form(**extra: str) -> tuple[dict[str, str], bytes]:
    return FORM, urlencode({**BASE, **extra}).encode()


SHAPES: dict[str, tuple[dict[str, str], bytes]] = {
    "client_receipt_id json": _json(client_receipt_id=ALL_CARDS["visa"]),
    "po_num json": _json(po_num=ALL_CARDS["amex"]),
    "client_order_id form": _form(client_order_id=ALL_CARDS["mastercard"]),
    "nso_po_num form": _form(nso_po_num=ALL_CARDS["discover"]),
    "bill_agreement_id form": _form(bill_agreement_id=ALL_CARDS["unionpay"]),
    **{
        f"order_comments {name}": _json(order_comments=f"pay with {number}")
        for name, (_, number) in NEW_BRANDS.items()
    },
    "card then cvv": _json(order_comments=f"card {_spaced(ALL_CARDS['visa'])} 123"),
    "card then expiry": _form(order_comments=f"card {_spaced(ALL_CARDS['jcb'])} 12/28"),
    "compact card then cvv": _json(order_comments=f"card {ALL_CARDS['mir']} 123"),
    "amex then four digits": _form(order_comments=f"{ALL_CARDS['amex']} 1234"),
    "en dash": _json(order_comments=_spaced(ALL_CARDS["visa"], "\u2013")),
    "em dash in cc_number": _form(cc_number=_spaced(ALL_CARDS["visa"], "\u2014")),
    "zero-width space": _json(order_comments=_spaced(ALL_CARDS["maestro"], "\u200b")),
    "colons": _form(order_comments=_spaced(ALL_CARDS["visa"], ":")),
    "commas": _json(order_comments=_spaced(ALL_CARDS["visa"], ",")),
    "runs of spaces": _form(order_comments=_spaced(ALL_CARDS["visa"], "     ")),
    # round 2, rows 13-14
    "letters glued in front": _json(order_comments=f"MC{ALL_CARDS['mastercard']}"),
    "decimal in cc_number": _form(cc_number=f"{ALL_CARDS['visa']}.00"),
    "arabic-indic digits": _json(
        order_comments=ALL_CARDS["visa"].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    ),
}


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_card_the_refusal_once_missed_never_reaches_the_sandbox(
    shape: str, library: str, sandbox: FakeServer
) -> None:
    headers, body = SHAPES[shape]
    _assert_refused_unsent(sandbox, library, DISPATCHER_PATH, headers, body)


def _assert_refused_unsent(
    sandbox: FakeServer, library: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    caught = send_live(library, sandbox.url + path, headers, body)
    assert sandbox.app.arrived == [], "the request reached the sandbox"
    assert _refusal_in(caught), f"no RealCardError: {caught!r}"


# round 2, row 16: another entry point on the live host, no rest_call in the request
OTHER_PATHS: dict[str, tuple[str, dict[str, str], bytes]] = {
    "AdminTools form": (
        "/AdminTools.php/Dispatcher",
        FORM,
        urlencode({"cc_number": ALL_CARDS["visa"]}).encode(),
    ),
    "object query JSON": (
        "/api/AriaQuery/objects.php",
        JSON,
        json.dumps({"query": f"card {ALL_CARDS['mastercard']}"}).encode(),
    ),
}


@pytest.mark.parametrize("library", sorted(LIBRARIES))
@pytest.mark.parametrize("case", sorted(OTHER_PATHS))
def test_a_card_to_another_path_on_the_live_host_never_reaches_it(
    case: str, library: str, sandbox: FakeServer
) -> None:
    _assert_refused_unsent(sandbox, library, *OTHER_PATHS[case])


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_a_request_without_a_card_to_another_live_path_still_goes(
    library: str, sandbox: FakeServer
) -> None:
    body = urlencode({"note": "4111 is not a card"}).encode()
    with contextlib.suppress(Exception):  # the fake answers 404 off the dispatcher
        with intercept(target="live", fail_on_exit=False):
            LIBRARIES[library](sandbox.url + "/AdminTools.php/Dispatcher", FORM, body)
    assert sandbox.app.arrived == ["/AdminTools.php/Dispatcher"]

"""AriaClient refuses a real card in every shape the secret model's card finder knows."""

from __future__ import annotations

import base64

import pytest

from harness import AriaClient, RealCardError
from tests.intercept.test_card_shapes import CARD, FULLWIDTH
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer
from tests.recording.test_card_search import NEW_BRANDS

SHAPES = {
    "cc_number fullwidth": {"cc_number": FULLWIDTH},
    "notes fullwidth": {"notes": f"card {FULLWIDTH}"},
    "notes base64": {"notes": base64.b64encode(CARD.encode()).decode()},
    "notes HTML entities": {"notes": "".join(f"&#{ord(c)};" for c in CARD)},
    "cc_number underscore-separated": {
        "cc_number": "_".join(CARD[i : i + 4] for i in (0, 4, 8, 12))
    },
    "client_receipt_id": {"client_receipt_id": CARD},
    "po_num as an int": {"po_num": int(CARD)},
    "notes, a national network's card": {"notes": f"paid {NEW_BRANDS['uzcard'][1]}"},
    "notes, card then cvv": {"notes": f"card {CARD} 123"},
    "cc_number en-dashed": {"cc_number": "\u2013".join(CARD[i : i + 4] for i in (0, 4, 8, 12))},
}


@pytest.mark.parametrize("encoding", ["json", "form"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_real_card_in_any_shape_is_refused_before_sending(
    shape: str, encoding: str, fake_aria: FakeServer
) -> None:
    client = AriaClient(fake_aria.url, client_no=CLIENT_NO, auth_key=AUTH_KEY, encoding=encoding)
    with pytest.raises(RealCardError):
        client.call("get_acct_notes_m", account_no=1, **SHAPES[shape])
    assert fake_aria.app.arrived == []


def test_the_client_and_its_refusals_show_the_url_without_credentials() -> None:
    from harness import InvoiceGuardError

    url = "https://user:pw-77@sandbox.example/aria?auth_key=Zq8xK2mP9vL4nR7tW3yB#t-9"
    client = AriaClient(url, client_no=CLIENT_NO, auth_key=AUTH_KEY)
    with pytest.raises(InvoiceGuardError) as caught:
        client.call("gen_invoice_m", acct_no=1, master_plan_instance_no=2)
    for shown in (repr(client), str(caught.value)):
        assert "https://sandbox.example/aria" in shown
        for secret in ("pw-77", "Zq8xK2mP9vL4nR7tW3yB", "t-9", "user"):
            assert secret not in shown, secret

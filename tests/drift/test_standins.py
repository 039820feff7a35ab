"""Scrubbed fields are replayed with declared stand-ins; a placeholder is never sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from harness.drift import load_cassette
from harness.drift.replay import Prepared, Skip, prepare
from harness.drift.standins import DEFAULT_STAND_INS, StandIns
from harness.recording.cards import TEST_CARD_NUMBERS
from harness.recording.sensitive import SENSITIVE_FIELDS, is_placeholder
from tests.drift.fakes import recorded, target_for, write_cassette

OK = {"error_code": 0, "error_msg": "OK"}
SCRUBBED_CARD = {
    "alt_pay_method": 1,
    "cc_number": "ARIA_CARD_LAST4_1111",
    "cc_expire_mm": "ARIA_REDACTED",
    "cc_expire_yyyy": "ARIA_REDACTED",
    "cvv": "ARIA_REDACTED",
    "do_write": "false",
}


def _sent(tmp_path: Path, params: dict, *, encoding: str = "json", **kwargs) -> dict | Skip:
    path = write_cassette(
        tmp_path / "c.yaml", [recorded("create_order_m", OK, params=params, encoding=encoding)]
    )
    result = prepare(
        load_cassette(path)[0], target_for("http://127.0.0.1:9"), allow_invoicing=False, **kwargs
    )
    if isinstance(result, Skip):
        return result
    assert isinstance(result, Prepared)
    raw = (result.body or b"").decode()
    return json.loads(raw) if encoding == "json" else dict(parse_qsl(raw))


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_scrubbed_card_fields_are_sent_as_the_declared_test_values(
    tmp_path: Path, encoding: str
) -> None:
    sent = _sent(tmp_path, SCRUBBED_CARD, encoding=encoding)
    assert isinstance(sent, dict)
    assert not any(is_placeholder(v) for v in sent.values() if v != "")
    assert sent["cc_number"] in TEST_CARD_NUMBERS
    assert int(sent["cc_expire_yyyy"]) > datetime.now(UTC).year  # an expiry in the future
    assert 3 <= len(sent["cvv"]) <= 4


def test_config_and_environment_override_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIA_DRIFT_STANDIN_CVV", "4321")
    stand_ins = StandIns({"cc_number": "5555555555554444", "cvv": "999"})
    sent = _sent(tmp_path, SCRUBBED_CARD, stand_ins=stand_ins)
    assert isinstance(sent, dict)
    assert sent["cc_number"] == "5555555555554444"
    assert sent["cvv"] == "4321"  # the environment wins over the config


def test_a_field_without_a_stand_in_is_skipped_naming_the_variable_to_set(
    tmp_path: Path,
) -> None:
    skip = _sent(tmp_path, {**SCRUBBED_CARD, "track_data1": "ARIA_REDACTED"})
    assert isinstance(skip, Skip)
    assert "ARIA_DRIFT_STANDIN_TRACK_DATA1" in skip.reason


def test_a_stand_in_that_is_a_real_card_is_refused_by_the_call_policy(tmp_path: Path) -> None:
    real_looking = "4556737586899855"  # Luhn-valid, not a published test card
    skip = _sent(tmp_path, SCRUBBED_CARD, stand_ins=StandIns({"cc_number": real_looking}))
    assert isinstance(skip, Skip) and "not a published test card" in skip.reason
    assert real_looking not in skip.reason


def test_credentials_never_come_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARIA_DRIFT_STANDIN_AUTH_KEY", "nope")
    assert StandIns().value("auth_key") is None


def test_the_table_covers_only_sensitive_fields_and_its_card_is_a_test_card() -> None:
    assert set(DEFAULT_STAND_INS) <= SENSITIVE_FIELDS
    assert DEFAULT_STAND_INS["cc_number"] in TEST_CARD_NUMBERS

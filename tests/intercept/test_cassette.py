"""The cassette target: the code's own calls replayed, and every replayed answer checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness import CassetteError, ContractViolation
from harness.intercept import REPLAY_CLIENT_NO, intercept
from harness.spec import DISPATCHER_PATH
from tests.intercept import senders
from tests.recording.fake_aria import AUTH_KEY, CLIENT_NO, FakeServer

DATETIME = {"rest_call": "get_virtual_datetime_m", "client_no": CLIENT_NO, "auth_key": AUTH_KEY}


@pytest.fixture
def recorded(sandbox: FakeServer, tmp_path: Path) -> Path:
    """A cassette of one get_virtual_datetime_m, recorded from the code's own call."""
    cassette = tmp_path / "app.yaml"
    with intercept(target="record", cassette=cassette):
        assert senders.with_requests(sandbox.url + DISPATCHER_PATH, dict(DATETIME)) is not None
    return cassette


def _plant(cassette: Path, answer: str) -> None:
    data = yaml.safe_load(cassette.read_text())
    data["interactions"][0]["response"]["body"]["string"] = answer
    cassette.write_text(yaml.safe_dump(data))


def test_replay_answers_without_the_target(
    main_sender: senders.Sender, recorded: Path, sandbox: FakeServer
) -> None:
    sandbox.app.received.clear()
    with intercept(target="cassette", cassette=recorded) as active:
        answer = main_sender("https://aria.example.com" + DISPATCHER_PATH, dict(DATETIME))
    assert answer is not None and answer["virtual_date"] == "2026-01-01"
    assert sandbox.app.received == []
    assert active.connection is not None and active.connection.client_no == REPLAY_CLIENT_NO


@pytest.mark.parametrize(
    ("planted", "pointer"),
    [
        ('{"error_code": 0, "error_msg": "Success"}', "/error_msg"),
        ('{"error_code": 4242, "error_msg": "undocumented"}', "/error_code"),
    ],
)
def test_a_planted_contract_break_fails_though_the_app_swallows_exceptions(
    main_sender: senders.Sender, recorded: Path, planted: str, pointer: str
) -> None:
    _plant(recorded, planted)
    with pytest.raises(ContractViolation, match=f"get_virtual_datetime_m {pointer}") as caught:
        with intercept(target="cassette", cassette=recorded, raise_on_violation=True) as active:
            main_sender("https://aria.example.com" + DISPATCHER_PATH, dict(DATETIME))
    assert any(isinstance(exc, ContractViolation) for exc in senders.swallowed_chain())
    assert "expected" in str(caught.value) and "actual" in str(caught.value)
    assert active.ledger.summary()["violations"] >= 1


def test_a_call_without_a_recorded_answer_fails_naming_the_closest_call(
    main_sender: senders.Sender, recorded: Path
) -> None:
    other = {**DATETIME, "acct_no": 7}
    with pytest.raises(CassetteError, match="closest recorded call: get_virtual_datetime_m"):
        with intercept(target="cassette", cassette=recorded):
            main_sender("https://aria.example.com" + DISPATCHER_PATH, other)


def test_a_missing_cassette_is_refused_before_the_test_runs(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="record it with --aria-target=record"):
        with intercept(target="cassette", cassette=tmp_path / "none.yaml"):
            pass


def test_aiohttp_json_argument_records_and_replays(sandbox: FakeServer, tmp_path: Path) -> None:
    import asyncio

    import aiohttp

    async def send() -> dict:
        async with aiohttp.ClientSession() as session:
            async with session.post(sandbox.url + DISPATCHER_PATH, json=dict(DATETIME)) as answer:
                return await answer.json()

    cassette = tmp_path / "aiohttp.yaml"
    with intercept(target="record", cassette=cassette):
        recorded = asyncio.run(send())
    sandbox.app.received.clear()
    with intercept(target="cassette", cassette=cassette):
        replayed = asyncio.run(send())
    assert replayed == recorded
    assert sandbox.app.received == []
    assert AUTH_KEY not in cassette.read_text()

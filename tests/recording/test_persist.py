"""Cassette files: old or complete new after SIGKILL, strict reading, deterministic, merged."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time

import pytest

from harness.errors import CassetteError
from harness.recording.persist import load_interactions, write_cassette

URL = "https://sb.example/api/ws/api_ws_class_dispatcher.php"


def _interaction(n: int, generation: int = 0) -> tuple[dict, dict]:
    body = json.dumps({"rest_call": "get_invoice_details_m", "acct_no": n, "invoice_no": n})
    answer = json.dumps(
        {"error_code": 0, "error_msg": "OK", "generation": generation, "pad": "x" * 400}
    )
    return (
        {
            "method": "POST",
            "uri": URL,
            "body": body,
            "headers": {"Content-Type": ["application/json"]},
        },
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": answer.encode()},
        },
    )


def _generation(count: int) -> list:
    return [_interaction(n, count) for n in range(count)]


def _writer(path: str) -> None:  # runs in a forked child until it is killed
    count = load_interactions(path)[1]["count"]  # go on from what is on disk
    while True:
        count = 10 if count >= 60 else count + 1
        write_cassette(path, _generation(count), metadata={"count": count}, merge=False)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_mid_write_leaves_the_old_or_the_complete_new_cassette(tmp_path):
    path = tmp_path / "c.yaml"
    # the kill window spans two writes of a mid-sized generation on this machine, as loaded as
    # it is now, so the kills land all over the writing loop however fast writing is
    write_cassette(path, _generation(25), metadata={"count": 25}, merge=False)  # warm
    started = time.perf_counter()
    write_cassette(path, _generation(25), metadata={"count": 25}, merge=False)
    window = max(0.03, 2 * (time.perf_counter() - started))
    write_cassette(path, _generation(10), metadata={"count": 10}, merge=False)
    rng = random.Random(1234)
    seen = set()
    for _ in range(200):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                _writer(str(path))
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, window))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        interactions, metadata = load_interactions(path)
        assert len(interactions) == metadata["count"]
        assert all(
            json.loads(response["body"]["string"])["generation"] == metadata["count"]
            for _, response in interactions
        )
        seen.add(metadata["count"])
    write_cassette(path, _generation(3), metadata={"count": 3}, merge=False)
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]  # killed writers' temp files go
    assert len(seen) > 10  # the kills landed at many different points of the writing loop


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ('interactions:\n- request: {body: \'{"a":', "cannot be decoded"),
        ("interactions: []\n", "truncated"),
        ("\udcff", "not UTF-8"),
    ],
    ids=["empty", "blank", "cut-mid-value", "cut-before-version", "garbage"],
)
def test_a_damaged_cassette_fails_loudly_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "broken.yaml"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(CassetteError, match=reason) as caught:
        load_interactions(path)
    assert str(path) in str(caught.value)


def test_every_prefix_of_a_cassette_is_detected_as_damaged(tmp_path):
    full = tmp_path / "full.yaml"
    write_cassette(full, _generation(3), merge=False)
    text = full.read_text()
    cut = tmp_path / "cut.yaml"
    for size in range(0, len(text.rstrip()), 37):
        cut.write_text(text[:size])
        with pytest.raises(CassetteError):
            load_interactions(cut)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_same_interactions_give_the_same_bytes(tmp_path, fmt):
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    write_cassette(a, _generation(5), fmt=fmt)
    shuffled = [
        ({**rq, "headers": dict(reversed(list(rq["headers"].items())))}, rs)
        for rq, rs in _generation(5)
    ]
    write_cassette(b, shuffled, fmt=fmt)
    assert a.read_bytes() == b.read_bytes()
    assert load_interactions(a, fmt=fmt)[0][0][0]["method"] == "POST"


def _save_own(args: tuple[str, int]) -> None:
    path, worker = args
    from harness.recording.persist import write_cassette as write

    mine = []
    for n in range(8):
        mine.append(_interaction(worker * 100 + n))
        write(path, list(mine))  # each save holds only this worker's interactions


def test_parallel_writers_of_one_cassette_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.yaml")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_save_own, [(path, worker) for worker in range(4)])
    interactions, _ = load_interactions(path)
    accounts = sorted(json.loads(rq["body"])["acct_no"] for rq, _ in interactions)
    assert accounts == sorted(w * 100 + n for w in range(4) for n in range(8))


def test_a_card_the_request_did_not_send_is_masked_by_its_shape(tmp_path):
    request, response = _interaction(1)
    response["body"]["string"] = b'{"error_code":0,"note":"card 4000 1234 5678 9017"}'
    path = tmp_path / "c.yaml"
    write_cassette(path, [(request, response)])
    assert "5678" not in path.read_text() and "ARIA_CARD_LAST4_9017" in path.read_text()


def test_a_secret_the_scrubber_missed_is_refused_at_write_time_naming_only_where(
    tmp_path, monkeypatch
):
    import harness.recording.scrub as scrub

    monkeypatch.setattr(scrub, "scrub_interaction", lambda rq, rs, **_: (rq, rs))
    request, response = _interaction(1)
    response["body"]["string"] = b'{"error_code":0,"note":"card 4000 1234 5678 9017"}'
    path = tmp_path / "c.yaml"
    with pytest.raises(CassetteError, match="card number") as caught:
        write_cassette(path, [(request, response)])
    message = str(caught.value)
    assert "card number in response body (interaction 1)" in message
    assert "5678" not in message and not path.exists()

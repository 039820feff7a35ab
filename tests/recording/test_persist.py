"""Cassette files: old or complete new after SIGKILL, strict reading, deterministic, merged."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal

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


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_at(point: str) -> None:
    """Make this (forked) process SIGKILL itself at one point of writing a cassette."""
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace

    def fdopen(fd: int, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        if point == "before-write":
            _die()
        if point == "mid-write":
            real_write = handle.write

            def half_then_die(text: str) -> int:
                real_write(text[: len(text) // 2])
                handle.flush()
                _die()
                return 0

            handle.write = half_then_die
        return handle

    def fsync(fd: int) -> None:
        if point == "before-fsync":
            _die()
        real_fsync(fd)

    def replace(src, dst) -> None:
        if point == "before-replace":
            _die()
        real_replace(src, dst)
        if point == "after-replace":
            _die()

    os.fdopen, os.fsync, os.replace = fdopen, fsync, replace


# Every step of an atomic write, and what a reader finds on disk when the writer dies there.
KILL_POINTS = {
    "before-write": "old",
    "mid-write": "old",
    "before-fsync": "old",
    "before-replace": "old",
    "after-replace": "new",
}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize(("point", "expected"), KILL_POINTS.items(), ids=list(KILL_POINTS))
def test_sigkill_mid_write_leaves_the_old_or_the_complete_new_cassette(tmp_path, point, expected):
    path = tmp_path / "c.yaml"
    write_cassette(path, _generation(10), metadata={"count": 10}, merge=False)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            _kill_at(point)
            write_cassette(path, _generation(25), metadata={"count": 25}, merge=False)
        finally:
            os._exit(0)  # reached only if the kill point was never passed
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, point
    interactions, metadata = load_interactions(path)
    count = {"old": 10, "new": 25}[expected]
    assert metadata["count"] == count and len(interactions) == count
    assert all(
        json.loads(response["body"]["string"])["generation"] == count
        for _, response in interactions
    )
    write_cassette(path, _generation(3), metadata={"count": 3}, merge=False)
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]  # a killed writer's temp file goes


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

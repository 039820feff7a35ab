from __future__ import annotations

import pytest

from harness.drift import Deadline, RetryPolicy


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(backoff=1.0, max_backoff=4.0, jitter=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_jitter_spreads_each_step_between_half_and_whole() -> None:
    low = RetryPolicy(backoff=2.0, jitter=lambda: 0.0)
    high = RetryPolicy(backoff=2.0, jitter=lambda: 1.0)
    assert low.delay(2) == 2.0 and high.delay(2) == 4.0


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(backoff=0.1, max_backoff=5.0, jitter=lambda: 0.0)
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(1, retry_after=60.0) == 5.0


@pytest.mark.parametrize("attempts", [0, -1], ids=["zero", "negative"])
def test_a_policy_needs_an_attempt(attempts: int) -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(attempts=attempts)


def test_deadline_counts_down_on_its_clock() -> None:
    now = [100.0]
    deadline = Deadline(2.0, clock=lambda: now[0])
    assert deadline.remaining() == 2.0 and not deadline.expired
    assert deadline.cap(5.0) == 2.0
    now[0] = 101.5
    assert deadline.cap(5.0) == 0.5
    now[0] = 103.0
    assert deadline.expired and deadline.remaining() == 0.0


def test_no_deadline_never_expires() -> None:
    deadline = Deadline(None)
    assert deadline.remaining() is None and not deadline.expired and deadline.cap(7.0) == 7.0

"""RetryPolicy: exponential backoff with full jitter, and which errors it retries."""

from __future__ import annotations

import pytest

from tv_client.api import RetryPolicy


@pytest.mark.parametrize(
    ("failures", "jitter", "delay"),
    [
        (1, 1.0, 0.25),
        (2, 1.0, 0.5),
        (3, 1.0, 1.0),
        (5, 1.0, 4.0),
        (9, 1.0, 4.0),  # capped
        (3, 0.5, 0.5),
        (3, 0.0, 0.0),
    ],
)
def test_delay_is_jitter_times_a_capped_doubling(failures, jitter, delay):
    assert RetryPolicy(jitter=lambda: jitter).delay(failures) == delay


class Flaky:
    def __init__(self, failures: int, error: type[Exception] = ConnectionError) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("boom")
        return "ok"


def _policy(sleeps: list[float], attempts: int = 3) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, jitter=lambda: 1.0, sleep=sleeps.append)


@pytest.mark.parametrize(
    ("attempts", "failures", "calls", "sleeps", "outcome"),
    [
        (3, 0, 1, [], "ok"),
        (3, 2, 3, [0.25, 0.5], "ok"),
        (3, 3, 3, [0.25, 0.5], ConnectionError),
        (1, 1, 1, [], ConnectionError),
    ],
)
def test_run_retries_until_attempts_run_out(attempts, failures, calls, sleeps, outcome):
    slept: list[float] = []
    attempt = Flaky(failures)
    if outcome == "ok":
        assert _policy(slept, attempts).run(attempt, retry_on=ConnectionError) == "ok"
    else:
        with pytest.raises(outcome):
            _policy(slept, attempts).run(attempt, retry_on=ConnectionError)
    assert (attempt.calls, slept) == (calls, sleeps)


def test_other_errors_are_not_retried():
    slept: list[float] = []
    attempt = Flaky(1, error=ValueError)
    with pytest.raises(ValueError):
        _policy(slept).run(attempt, retry_on=ConnectionError)
    assert (attempt.calls, slept) == (1, [])

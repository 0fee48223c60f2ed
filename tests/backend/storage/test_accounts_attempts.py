"""One contract for every attempt counter: in process, and in a real Redis."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from tv_backend.storage.accounts import MemoryAttemptCounter, RedisAttemptCounter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def counter(request):
    if request.param == "memory":
        yield MemoryAttemptCounter(Clock())
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    yield RedisAttemptCounter(client, namespace=f"test:{uuid.uuid4().hex}")
    client.close()


def test_attempts_add_up_per_key(counter):
    assert counter.count("a") == 0
    assert [counter.add("a", 60) for _ in range(3)] == [1, 2, 3]
    assert counter.add("b", 60) == 1
    assert counter.count("a") == 3 and counter.count("b") == 1


def test_clear_forgets_a_key(counter):
    counter.add("a", 60)
    counter.clear("a")
    assert counter.count("a") == 0 and counter.add("a", 60) == 1


def test_the_window_starts_with_the_first_attempt_and_ends(counter):
    counter.add("a", 1)
    if isinstance(counter, MemoryAttemptCounter):
        counter._clock.now += 1
    else:
        counter._redis.pexpire(counter._key("a"), 1)  # the window's end, without waiting for it
        time.sleep(0.01)
    assert counter.count("a") == 0
    assert counter.add("a", 60) == 1

"""One contract for every cache implementation, run against each; plus the breaker."""

from __future__ import annotations

import uuid

import pytest

from tv_backend.storage.cache import Breaker, MemoryCache, RedisCache


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache(request):
    if request.param == "memory":
        return MemoryCache(max_entries=8)
    url = request.getfixturevalue("redis_url")
    return RedisCache.from_url(url, timeout=1, retry_after=5, namespace=uuid.uuid4().hex)


def test_entries_are_stored_per_version_and_name(cache):
    cache.put(3, "courses", b"three")
    assert cache.get(3, "courses") == b"three"
    assert cache.get(4, "courses") is None
    assert cache.get(3, "home") is None


def test_only_one_builder_holds_a_key_until_it_releases(cache):
    assert cache.acquire(1, "taxonomy") is True
    assert cache.acquire(1, "taxonomy") is False
    assert cache.acquire(1, "home") is True
    cache.release(1, "taxonomy")
    assert cache.acquire(1, "taxonomy") is True


def test_status_is_reported(cache):
    assert cache.status() in {"ok", "embedded"}


def test_memory_cache_never_claims_to_know_the_version():
    cache = MemoryCache()
    cache.publish_version(5)
    assert cache.lookup("x") == (None, None)


def test_memory_cache_evicts_least_recently_used():
    cache = MemoryCache(max_entries=2)
    cache.put(1, "a", b"a")
    cache.put(1, "b", b"b")
    cache.get(1, "a")
    cache.put(1, "c", b"c")
    assert cache.get(1, "b") is None and cache.get(1, "a") == b"a"


@pytest.mark.redis
def test_redis_lookup_returns_version_and_entry_in_one_call(redis_url):
    cache = RedisCache.from_url(redis_url, timeout=1, retry_after=5, namespace=uuid.uuid4().hex)
    assert cache.lookup("courses") == (None, None)
    cache.publish_version(7)
    assert cache.lookup("courses") == (7, None)
    cache.put(7, "courses", b"body")
    assert cache.lookup("courses") == (7, b"body")


@pytest.mark.redis
def test_redis_versions_never_go_backwards(redis_url):
    cache = RedisCache.from_url(redis_url, timeout=1, retry_after=5, namespace=uuid.uuid4().hex)
    cache.publish_version(9)
    cache.publish_version(8)  # a slower writer publishing late
    assert cache.lookup("x")[0] == 9


def test_redis_down_answers_misses_at_once_and_reports_degraded():
    cache = RedisCache.from_url(
        "redis://127.0.0.1:1/0", timeout=0.2, retry_after=60, namespace="down"
    )
    assert cache.lookup("courses") == (None, None)
    assert cache.get(1, "courses") is None
    cache.put(1, "courses", b"x")  # swallowed
    assert cache.acquire(1, "courses") is True  # build it yourself
    assert cache.status() == "degraded"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_stays_open_then_lets_one_probe_through():
    clock = Clock()
    breaker = Breaker(5.0, clock)
    assert breaker.allow()
    breaker.failure()
    assert not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # nobody else until it answers
    assert breaker.success() is True
    assert breaker.allow() and breaker.success() is False

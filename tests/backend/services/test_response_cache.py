"""The response cache builds once per version and name, and follows the catalog version."""

from __future__ import annotations

import threading
import uuid

import pytest

from tv_backend.services.response_cache import Entry, ResponseCache
from tv_backend.storage.cache import MemoryCache, RedisCache


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request):
    if request.param == "memory":
        return MemoryCache()
    url = request.getfixturevalue("redis_url")
    return RedisCache.from_url(url, timeout=1, retry_after=5, namespace=uuid.uuid4().hex)


class Version:
    def __init__(self) -> None:
        self.value = 1
        self.reads = 0

    def __call__(self) -> int:
        self.reads += 1
        return self.value


def test_entries_carry_a_strong_etag_of_their_body():
    entry = Entry.of(b'{"a":1}')
    assert entry.etag.startswith('"') and entry.etag.endswith('"')
    assert Entry.unpack(entry.pack()) == entry
    assert Entry.of(b'{"a":2}').etag != entry.etag


def test_a_miss_builds_once_then_serves_the_stored_bytes(store):
    responses = ResponseCache(store, Version())
    builds = []
    for _ in range(3):
        entry = responses.get("home", lambda: builds.append(1) or b"rows")
    assert entry.body == b"rows" and len(builds) == 1


def test_a_new_version_is_a_new_entry(store):
    version = Version()
    responses = ResponseCache(store, version)
    assert responses.get("home", lambda: b"old").body == b"old"
    version.value = 2
    responses.publish(2)
    assert responses.get("home", lambda: b"new").body == b"new"


def test_concurrent_misses_build_only_once(store):
    responses = ResponseCache(store, Version(), wait=5.0)
    release = threading.Event()
    builds = []

    def build() -> bytes:
        builds.append(1)
        release.wait(5)
        return b"built"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(responses.get("k", build).body))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    while not builds:
        threading.Event().wait(0.001)
    release.set()
    for t in threads:
        t.join(10)
    assert results == [b"built"] * 8
    assert len(builds) == 1


def test_a_waiter_builds_itself_rather_than_wait_past_its_limit():
    store = MemoryCache()
    store.acquire(1, "k")  # another builder that never finishes
    responses = ResponseCache(store, Version(), wait=0.02, poll=0.005, sleep=lambda s: None)
    assert responses.get("k", lambda: b"mine").body == b"mine"

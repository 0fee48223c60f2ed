"""The version watch: hits from process memory, invalidated by pub/sub across processes."""

from __future__ import annotations

import time
import uuid

import pytest

from tv_backend.storage.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def pair(redis_url, wait_until):
    """Two caches on one namespace, as two gunicorn workers (or hosts) would have."""
    namespace = uuid.uuid4().hex
    caches = [
        RedisCache.from_url(redis_url, timeout=1, retry_after=5, namespace=namespace, watch=True)
        for _ in range(2)
    ]
    # Subscribing happens in the background and asks for a resync when it lands: wait for it,
    # so that what a test publishes afterwards is not undone by a late first subscription.
    assert wait_until(lambda: all(c._watch.current is not None for c in caches))
    yield caches
    for cache in caches:
        cache.close()


def test_a_published_version_reaches_the_other_process(pair, wait_until):
    writer, reader = pair
    assert wait_until(lambda: reader._watch.current == 0)
    writer.publish_version(5)
    assert wait_until(lambda: reader._watch.current == 5)
    writer.publish_version(4)  # late and older: ignored everywhere
    time.sleep(0.05)
    assert reader._watch.current == 5


def test_warm_hits_need_no_round_trip_until_the_version_moves(pair, monkeypatch, wait_until):
    writer, reader = pair
    reader.publish_version(1)  # this process has now read the version from SQL
    writer.put(1, "home", b"rows v1")
    assert wait_until(lambda: reader._watch.current == 1)
    assert reader.lookup("home") == (1, b"rows v1")  # one round trip, kept locally

    def no_network(**_kwargs):
        raise AssertionError("went to Redis for a warm hit")

    monkeypatch.setattr(reader, "_lookup", no_network)
    assert reader.lookup("home") == (1, b"rows v1")
    monkeypatch.undo()
    writer.publish_version(2)
    writer.put(2, "home", b"rows v2")
    assert wait_until(lambda: reader._watch.current == 2)
    assert reader.lookup("home") == (2, b"rows v2")


def test_a_new_process_reads_the_version_from_sql_before_trusting_redis(pair):
    _, reader = pair
    assert reader.lookup("home") == (None, None)  # "ask SQL", whatever Redis holds
    reader.publish_version(3)
    assert reader.lookup("home") == (3, None)

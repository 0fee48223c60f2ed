"""DiskCache: round trips, atomic replacement, and damaged files treated as missing."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tv_client.api import CacheEntry, DiskCache

KEY = "/api/v1/home?grade=g3"


@pytest.fixture
def cache(tmp_path) -> DiskCache:
    return DiskCache(tmp_path / "cache")


def test_round_trip_keeps_chinese_text(cache):
    entry = CacheEntry({"title": {"zh": "分数"}}, '"abc"', 1234.5)
    cache.put(KEY, entry)
    assert cache.get(KEY) == entry
    assert "分数" in cache.path(KEY).read_text(encoding="utf-8")


def test_missing_key_is_none(cache):
    assert cache.get(KEY) is None


def test_put_replaces_and_leaves_no_temporary_files(cache):
    cache.put(KEY, CacheEntry({"n": 1}, None, 1.0))
    cache.put(KEY, CacheEntry({"n": 2}, '"2"', 2.0))
    assert cache.get(KEY) == CacheEntry({"n": 2}, '"2"', 2.0)
    assert [p.name for p in cache.directory.iterdir()] == [cache.path(KEY).name]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "garbage",
        '{"format": 1, "key": "/api/v1/home?grade=g3", "etag": "x", "fetched_at": 1, "da',
        "[1, 2]",
        '{"format": 1, "key": "/api/v1/home?grade=g3"}',
        '{"format": 99, "key": "/api/v1/home?grade=g3", "etag": null, "fetched_at": 1, "data": {}}',
        '{"format": 1, "key": "/other", "etag": null, "fetched_at": 1, "data": {}}',
        '{"format": 1, "key": "/api/v1/home?grade=g3", "etag": null, "fetched_at": "x", "data": 1}',
    ],
    ids=[
        "empty",
        "garbage",
        "truncated",
        "not-an-object",
        "fields-missing",
        "other-format",
        "other-key",
        "bad-time",
    ],
)
def test_a_damaged_file_counts_as_missing_and_is_overwritten(cache, content):
    cache.path(KEY).write_text(content, encoding="utf-8")
    assert cache.get(KEY) is None
    cache.put(KEY, CacheEntry({"ok": True}, None, 1.0))
    assert cache.get(KEY) == CacheEntry({"ok": True}, None, 1.0)


def test_undecodable_bytes_count_as_missing(cache):
    cache.path(KEY).write_bytes(b"\xff\xfe\x00garbage")
    assert cache.get(KEY) is None


def test_a_failed_write_keeps_the_old_entry_and_no_temporary_file(cache, monkeypatch):
    cache.put(KEY, CacheEntry({"n": 1}, None, 1.0))

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tv_client.files.os.replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        cache.put(KEY, CacheEntry({"n": 2}, None, 2.0))
    assert cache.get(KEY) == CacheEntry({"n": 1}, None, 1.0)
    assert len(list(cache.directory.iterdir())) == 1


def test_concurrent_writers_leave_one_whole_entry(cache):
    def write(n: int) -> None:
        cache.put(KEY, CacheEntry({"n": n, "pad": "x" * 10_000}, None, float(n)))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(40)))
    stored = json.loads(cache.path(KEY).read_text(encoding="utf-8"))
    assert cache.get(KEY).data["n"] == stored["data"]["n"]
    assert len(list(cache.directory.iterdir())) == 1

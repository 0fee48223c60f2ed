"""The upstream watcher (`Upstream`: health from canned playlists and an injected clock, and
which upstream rendition each channel rendition relays), the stores relays share decisions
through (`DecisionStore`: one contract, in process and in a real Redis) and `Attendance`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import redis

from tv_backend.services.errors import Unavailable
from tv_backend.services.live_source import (
    Attendance,
    Decision,
    MemoryAttendanceStore,
    MemoryDecisions,
    RedisDecisions,
    Upstream,
)
from tv_backend.storage.cache import Breaker

URL = "http://encoder.test/class/index.m3u8"


def media(first: int, count: int, *, ended: bool = False, breaks: tuple[int, ...] = ()) -> str:
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:2", f"#EXT-X-MEDIA-SEQUENCE:{first}"]
    for n in range(first, first + count):
        if n in breaks:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += ["#EXTINF:2.0,", f"seg_{n}.ts"]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


class Canned:
    """Answers each URL with the text set for it (an exception instance is raised)."""

    def __init__(self) -> None:
        self.texts: dict[str, str | Exception] = {}
        self.calls: list[str] = []

    def __call__(self, url: str) -> str:
        self.calls.append(url)
        text = self.texts[url]
        if isinstance(text, Exception):
            raise text
        return text


@pytest.fixture
def canned() -> Canned:
    return Canned()


def upstream(canned: Canned, clock: list[float], **kwargs) -> Upstream:
    return Upstream(URL, canned, lambda: clock[0], **kwargs)


def test_a_moving_playlist_is_healthy_and_a_still_one_goes_stale(canned):
    clock = [100.0]
    up = upstream(canned, clock)
    canned.texts[URL] = media(0, 6)
    up.poll()
    assert up.healthy and up.edge == 5 and up.has(3) and not up.has(6)
    assert up.uris(5, {"180p": 180}) == {"180p": "http://encoder.test/class/seg_5.ts"}
    clock[0] += 0.5
    canned.texts[URL] = media(1, 6)
    up.poll()  # within the ttl: not fetched
    assert up.edge == 5 and len(canned.calls) == 1
    clock[0] += 6  # 6.5 s since the edge moved: over 3 target durations
    up.poll()
    assert up.edge == 6 and up.healthy  # it moved just now
    clock[0] += 6.5
    up.poll()  # the same playlist again
    assert not up.healthy


def test_failures_in_a_row_and_endlist_make_it_unhealthy(canned):
    clock = [0.0]
    up = upstream(canned, clock, max_failures=2)
    canned.texts[URL] = media(0, 6)
    up.poll()
    canned.texts[URL] = OSError("refused")
    clock[0] += 1
    up.poll()
    assert up.healthy and up.failures == 1  # one failure is forgiven
    clock[0] += 1
    up.poll()
    assert not up.healthy
    canned.texts[URL] = media(2, 6)
    clock[0] += 1
    up.poll()
    assert up.healthy and up.failures == 0
    canned.texts[URL] = media(3, 6, ended=True)
    clock[0] += 1
    up.poll()
    assert up.ended and not up.healthy and up.has(8)


def test_an_encoder_that_has_just_started_has_nothing_yet(canned):
    clock = [0.0]
    up = upstream(canned, clock)
    canned.texts[URL] = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
    up.poll()
    assert not up.healthy and up.edge is None and up.failures == 0


def test_upstream_discontinuities_are_kept(canned):
    up = upstream(canned, [0.0])
    canned.texts[URL] = media(10, 6, breaks=(13,))
    up.poll()
    assert up.discontinuity(13) and not up.discontinuity(12)


def test_a_master_upstream_relays_the_same_rendition_else_the_nearest_lower(canned):
    master = "http://encoder.test/class/master.m3u8"
    canned.texts[master] = (
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\n180p/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n"
    )
    for name in ("180p", "360p"):
        canned.texts[f"http://encoder.test/class/{name}/index.m3u8"] = media(0, 6)
    up = Upstream(master, canned, lambda: 0.0)
    up.poll()
    found = up.uris(4, {"180p": 180, "240p": 240, "360p": 360, "540p": 540, "144p": 144})
    assert found == {
        "180p": "http://encoder.test/class/180p/seg_4.ts",
        "240p": "http://encoder.test/class/180p/seg_4.ts",
        "360p": "http://encoder.test/class/360p/seg_4.ts",
        "540p": "http://encoder.test/class/360p/seg_4.ts",
        "144p": "http://encoder.test/class/180p/seg_4.ts",
    }


# --- shared relay decisions ---------------------------------------------------------------


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request):
    """Each `DecisionStore`, with ``store.expire(key)`` making a key's time run out."""
    if request.param == "memory":
        clock = [0.0]
        memory = MemoryDecisions(lambda: clock[0])
        memory.expire = lambda _key: clock.__setitem__(0, clock[0] + 3600)
        yield memory
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    namespace = f"test-decisions-{uuid.uuid4().hex[:8]}"
    shared = RedisDecisions(client, namespace=namespace)
    shared.expire = lambda key: client.delete(f"{{{namespace}}}:relay:{key}")
    yield shared
    keys = list(client.scan_iter(f"{{{namespace}}}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_the_first_value_stored_is_the_one_every_reader_gets(store):
    assert store.first("ch:1:10", "a", 30) == "a"
    assert store.first("ch:1:10", "b", 30) == "a"  # the first writer won
    assert store.first("ch:1:11", "b", 30) == "b"
    assert store.read(["ch:1:10", "ch:1:11", "ch:1:12"]) == ["a", "b", None]
    assert store.read([]) == []
    store.expire("ch:1:10")
    assert store.read(["ch:1:10"]) == [None]
    assert store.first("ch:1:10", "c", 30) == "c"  # gone: the next writer is the first


def test_redis_decisions_expire_after_their_ttl(redis_url):
    client = redis.Redis.from_url(redis_url)
    namespace = f"test-decisions-{uuid.uuid4().hex[:8]}"
    RedisDecisions(client, namespace=namespace).first("ch:1:10", "a", 72)
    assert 70 <= client.ttl(f"{{{namespace}}}:relay:ch:1:10") <= 72
    client.delete(f"{{{namespace}}}:relay:ch:1:10")
    client.close()


class Unreachable:
    """A Redis client whose every call fails, counting them."""

    def __init__(self) -> None:
        self.calls = 0

    def set(self, *args, **kwargs):
        self.calls += 1
        raise redis.ConnectionError("refused")

    mget = set


def test_an_unreachable_redis_answers_none_and_is_left_alone_for_a_while():
    clock = [0.0]
    client = Unreachable()
    store = RedisDecisions(client, breaker=Breaker(5.0, lambda: clock[0]))
    assert store.first("k", "v", 30) is None  # unreachable: the caller decides alone
    assert store.read(["k"]) is None
    assert client.calls == 1  # the breaker is open: no call at all
    clock[0] += 5
    assert store.read(["k"]) is None and client.calls == 2  # one probe per period


@pytest.mark.parametrize(
    "decision",
    [
        Decision(7, None, None, False, 0),
        Decision(8, 41, {"180p": "http://e/180p/s41.ts", "360p": "http://e/360p/s41.ts"}, True, 2),
    ],
)
def test_a_decision_travels_through_a_store_unchanged(decision):
    assert Decision.loads(decision.sequence, decision.dumps()) == decision


@pytest.mark.parametrize(
    "raw",
    ["", "null", "{}", "[1, 2]", '["x", null, false, 0]', '[1, {"a": "b"}, 0, 1.5]',
     "[1, null, false, 0]", '[1, ["a"], false, 0]'],
)  # fmt: skip
def test_an_unreadable_decision_is_decided_again(raw):
    assert Decision.loads(3, raw) is None


class Failing:
    def add(self, key: str, devices: list[str]) -> None:
        raise ConnectionError("redis down")

    def count(self, key: str) -> int:
        return 0


def test_attendance_counts_each_device_once_per_programme():
    attendance = Attendance(MemoryAttendanceStore())
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    assert attendance.record("c", start, "a") is True
    assert attendance.record("c", start, "a") is False  # no store call on a repeat
    attendance.record("c", start, "b")
    attendance.record("c", datetime(2026, 9, 1, 9, tzinfo=UTC), "a")
    assert attendance.count("c", start) == 2


def test_attendance_never_fails_a_request_and_retries_later():
    attendance = Attendance(Failing())
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    attendance.record("c", start, "a")  # logged, not raised
    assert attendance.record("c", start, "a") is True  # not remembered: tried again


def test_attendance_that_cannot_be_read_says_so():
    class Down(Failing):
        def count(self, key: str) -> int:
            raise redis.ConnectionError("redis down")

    with pytest.raises(Unavailable) as raised:
        Attendance(Down()).count("c", datetime(2026, 9, 1, 8, tzinfo=UTC))
    assert raised.value.status == 503

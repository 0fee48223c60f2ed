"""Live HLS of linear channels (`LiveChannels`): consecutive playlists obey RFC 8216 across
programme boundaries (read back with the `m3u8` parser), a re-publication continues the
numbers, requests are served from memory, and the edges answer clearly.

Lessons are written as files in the backend's media layout (``lessons/<key>/master.m3u8``,
``lessons/<key>/<rendition>/index.m3u8``, card segments then ``../../../bodies/...``); the
guide is an in-memory `LiveSource`; time is driven by the test (``now`` and the clock).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import hls_rules as hls
import m3u8
import pytest
import redis

from epg.model import Channel, Programme
from tv_backend.services.errors import InvalidQuery, NotFound
from tv_backend.services.live import LiveChannels, NotOnAir
from tv_backend.services.live_source import DecisionStore, MemoryDecisions, RedisDecisions

CHANNEL = "hn-edu-1"
T0 = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
LADDER = (("180p", "320x180"), ("360p", "640x360"))
RECHECK = 5.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def write_lesson(root: Path, key: str, durations: list[float]) -> str:
    """A lesson as the backend writes it; returns its master path under the media root."""
    master = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rung, (name, resolution) in enumerate(LADDER):
        peak = 300_000 * (rung + 1)
        master += [
            f'#EXT-X-STREAM-INF:BANDWIDTH={peak},RESOLUTION={resolution},CODECS="avc1.4d401f,'
            'mp4a.40.2",FRAME-RATE=25.000',
            f"{name}/index.m3u8",
        ]
        index = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2",
                 "#EXT-X-PLAYLIST-TYPE:VOD"]  # fmt: skip
        for number, duration in enumerate(durations):
            uri = (
                f"card_{number:03d}.ts"
                if number < 2
                else f"../../../bodies/{key}/{name}/seg_{number - 2:03d}.ts"
            )
            index += [f"#EXTINF:{duration:.6f},", uri]
        index.append("#EXT-X-ENDLIST")
        (root / "lessons" / key / name).mkdir(parents=True, exist_ok=True)
        (root / "lessons" / key / name / "index.m3u8").write_text("\n".join(index) + "\n")
    (root / "lessons" / key / "master.m3u8").write_text("\n".join(master) + "\n")
    return f"lessons/{key}/master.m3u8"


# lesson id -> (key, segment durations)
LESSONS = {
    1: ("alpha", [2.0] * 20),  # 40 s
    2: ("beta", [2.0] * 30),  # 60 s
    3: ("gamma", [2.0, 2.0, 1.96, 2.0, 1.96, 2.0, 2.0, 1.2] * 4),  # 56.48 s
    4: ("delta", [2.0] * 25),
    9: ("slate", [2.0, 2.0, 2.0]),
}


def programme(start: float, stop: float, lesson_id: int | None, **kwargs) -> Programme:
    return Programme(CHANNEL, at(start), at(stop), {"zh": f"节目 {start}"}, lesson_id=lesson_id,
                     **kwargs)  # fmt: skip


SCHEDULE = [
    programme(0, 60, 1),  # 40 s of alpha, then slate
    programme(60, 110, 2),  # beta cut at 110 s
    programme(110, 160, 3),  # gamma cut to its 50 s slot
    programme(180, 240, None, filler=True),  # a gap, then nothing recorded: slate
]


class Guide:
    """An in-memory `LiveSource` (what ``EpgRepository`` offers), counting its reads."""

    def __init__(self) -> None:
        self.channels = {CHANNEL: Channel(CHANNEL, 1, {"zh": "教育一台"})}
        self.schedules: dict[str, list[Programme]] = {CHANNEL: list(SCHEDULE)}
        self.anchors: dict[str, str] = {}
        self.versions: dict[str, int] = {CHANNEL: 1}
        self.reads = 0

    def channel(self, channel_id: str) -> Channel | None:
        self.reads += 1
        return self.channels.get(channel_id)

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        self.reads += 1
        return sorted(
            (p for p in self.schedules.get(channel_id, []) if p.stop > start and p.start < stop),
            key=lambda p: p.start,
        )

    def anchor(self, channel_id: str) -> dict | None:
        self.reads += 1
        raw = self.anchors.get(channel_id)
        return None if raw is None else json.loads(raw)

    def save_anchor(self, channel_id: str, data: dict) -> None:
        self.anchors[channel_id] = json.dumps(data)  # as a JSON column would keep it

    def version(self, channel_id: str) -> int:
        self.reads += 1
        return self.versions.get(channel_id, 0)

    def publish(self, channel_id: str, programmes: list[Programme]) -> None:
        self.schedules[channel_id] = list(programmes)
        self.versions[channel_id] = self.versions.get(channel_id, 0) + 1


def offline(url: str) -> str:
    raise OSError(f"{url}: no network in tests")


@dataclass
class World:
    root: Path
    guide: Guide
    masters: dict[int, str]
    clock: list[float]

    def service(self, **kwargs) -> LiveChannels:
        kwargs.setdefault("slate", self.masters[9])
        kwargs.setdefault("relay_fetch", offline)
        return LiveChannels(
            self.guide,
            self.masters.get,
            self.root,
            schedule_version=self.guide.version,
            recheck=RECHECK,
            clock=lambda: self.clock[0],
            **kwargs,
        )

    def tick(self, seconds: float) -> None:
        self.clock[0] += seconds


@pytest.fixture
def world(tmp_path: Path) -> World:
    root = tmp_path / "media"
    masters = {lesson: write_lesson(root, key, d) for lesson, (key, d) in LESSONS.items()}
    return World(root, Guide(), masters, [1000.0])


def successors() -> dict[str, str]:
    """Each segment URI -> the next one in its own lesson: where no discontinuity is due."""
    following: dict[str, str] = {}
    for key, durations in LESSONS.values():
        for name, _ in LADDER:
            uris = [
                f"/media/lessons/{key}/{name}/card_{n:03d}.ts"
                if n < 2
                else f"/media/bodies/{key}/{name}/seg_{n - 2:03d}.ts"
                for n in range(len(durations))
            ]
            following.update(pairwise(uris))
    return following


NEXT = successors()


def check_live(
    renders: list[tuple[datetime, str]],
    *,
    young_until: datetime = T0,
    following: dict[str, str] = NEXT,
    origins: tuple[str, ...] = ("/media/",),
) -> None:
    """RFC 8216 over consecutive live playlists of one rendition at increasing times."""
    hls.check_live(renders, following=following, young_until=young_until, origins=origins)


def poll(world: World, live: LiveChannels, rendition: str, start: float, stop: float):
    """What a player polling every second sees, the process's clock moving along."""
    renders = []
    now = at(start)
    while now < at(stop):
        renders.append((now, live.playlist(CHANNEL, rendition, now)))
        now += timedelta(seconds=1)
        world.tick(1)
    return renders


# --- consecutive playlists ----------------------------------------------------------------


@pytest.mark.parametrize("rendition", ["180p", "360p"])
def test_playlists_obey_rfc_8216_across_programmes_gaps_and_slate(world, rendition):
    live = world.service()
    renders = poll(world, live, rendition, 0, 240)
    check_live(renders)
    texts = [text for _, text in renders]
    for key in ("alpha", "beta", "gamma", "slate"):
        assert any(f"/media/bodies/{key}/{rendition}/" in t for t in texts), key
    boundary = next(t for n, t in renders if n >= at(66))  # alpha -> slate -> beta in window
    assert "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME" in boundary
    assert all("#EXT-X-PROGRAM-DATE-TIME" in t for t in texts)


def test_master_lists_the_ladder_with_relative_rendition_playlists(world):
    master = m3u8.loads(world.service().master(CHANNEL, at(10)))
    assert master.is_variant
    assert [p.uri for p in master.playlists] == ["180p.m3u8", "360p.m3u8"]
    assert [p.stream_info.resolution for p in master.playlists] == [(320, 180), (640, 360)]
    assert all(p.stream_info.bandwidth for p in master.playlists)


def test_a_request_is_served_from_memory_once_the_plan_is_built(world):
    live = world.service()
    first = live.rendered(CHANNEL, "180p", at(10.1))
    reads = world.guide.reads
    assert live.rendered(CHANNEL, "180p", at(10.9)) is first  # same window: same bytes
    assert live.rendered(CHANNEL, "180p", at(12.5)) is not first  # next segment published
    live.master(CHANNEL, at(12.6))
    assert world.guide.reads == reads  # within `recheck`: no database read at all
    world.tick(RECHECK)
    live.playlist(CHANNEL, "180p", at(18))
    assert world.guide.reads == reads + 1  # then one version check, no rebuild
    assert first.max_age == 1  # half a target duration


# --- publication and anchors ------------------------------------------------------------


def test_a_new_channel_persists_its_anchor_and_slate(world):
    world.service().playlist(CHANNEL, "180p", at(30))
    stored = json.loads(world.guide.anchors[CHANNEL])
    assert stored["sequence"] == 0 and stored["time"] == T0.isoformat()
    assert stored["slate"] == "lessons/slate/master.m3u8"


def test_a_schedule_change_rebuilds_and_continues_the_numbers(world):
    live = world.service()
    before = poll(world, live, "180p", 0, 45)  # beta on air; gamma's slot 65 s ahead
    changed = [SCHEDULE[0], SCHEDULE[1], programme(110, 170, 4), programme(190, 240, 1)]
    world.guide.publish(CHANNEL, changed)
    world.tick(RECHECK)
    after = poll(world, live, "180p", 45, 240)
    check_live(before + after)
    texts = [t for _, t in after]
    assert any("/bodies/delta/" in t for t in texts)
    assert not any("/bodies/gamma/" in t for t in texts)

    # another worker (or this one restarted) builds from the stored anchor: the same numbers
    other = world.service()
    for second in (150, 200, 239):
        assert other.playlist(CHANNEL, "180p", at(second)) == live.playlist(
            CHANNEL, "180p", at(second)
        )


def test_a_change_that_rewrites_what_is_on_air_waits_until_it_has_aired(world):
    live = world.service()
    before = poll(world, live, "180p", 0, 70)
    # beta (on air since 60 s) replaced by delta: refused, the old plan keeps airing
    world.guide.publish(CHANNEL, [SCHEDULE[0], programme(60, 110, 4), *SCHEDULE[2:]])
    world.tick(RECHECK)
    after = poll(world, live, "180p", 70, 240)
    check_live(before + after)
    assert not any("/bodies/delta/" in t for _, t in after)


def test_a_plan_that_runs_out_is_extended_from_its_own_anchor(world):
    live = world.service(horizon=timedelta(seconds=100), refresh_before=timedelta(seconds=30))
    renders = poll(world, live, "180p", 0, 240)
    check_live(renders)
    plan = live.plan(CHANNEL, at(239))
    assert plan.start > T0  # rebuilt from a later anchor, which was saved
    stored = json.loads(world.guide.anchors[CHANNEL])
    assert datetime.fromisoformat(stored["time"]) >= plan.start and stored["sequence"] > 0
    other = world.service()  # a worker started now builds from it: the same playlists
    assert other.playlist(CHANNEL, "180p", at(239)) == live.playlist(CHANNEL, "180p", at(239))


# --- what plays ---------------------------------------------------------------------------


def test_a_lesson_without_media_and_no_configured_slate(world):
    world.masters.pop(3)  # gamma has no media: its slot plays the slate
    world.guide.publish(CHANNEL, SCHEDULE[:3])
    live = world.service(slate=None)  # the slate: the channel's first lesson (alpha)
    renders = poll(world, live, "180p", 0, 160)
    texts = [t for _, t in renders]
    assert not any("/gamma/" in t for t in texts)
    assert "/bodies/alpha/" in renders[-1][1]
    assert json.loads(world.guide.anchors[CHANNEL])["slate"] == "lessons/alpha/master.m3u8"


def test_a_live_class_plays_its_recorded_lesson_and_names_its_upstream(world):
    upstream = "https://live.example.cn/class/index.m3u8"
    world.guide.publish(CHANNEL, [programme(0, 60, 2, live=True, source=upstream)])
    live = world.service()
    assert "/bodies/beta/" in live.playlist(CHANNEL, "180p", at(30))
    assert live.on_air(CHANNEL, at(30)).live == upstream


# --- errors -------------------------------------------------------------------------------


def test_unknown_channel_and_rendition_are_not_found(world):
    live = world.service()
    with pytest.raises(NotFound, match="no channel nope"):
        live.playlist("nope", "180p", at(10))
    with pytest.raises(NotFound, match="no rendition '1080p'") as info:
        live.playlist(CHANNEL, "1080p", at(10))
    assert info.value.errors == {"rendition": ["180p", "360p"]}


def test_before_the_first_programme_and_after_the_last_the_channel_is_not_on_air(world):
    live = world.service()
    world.guide.publish(CHANNEL, [programme(100, 160, 1)])
    with pytest.raises(NotOnAir, match="starts at 2026-09-01T00:01:40") as info:
        live.playlist(CHANNEL, "180p", at(50))
    assert info.value.status == 503
    assert live.playlist(CHANNEL, "180p", at(101))
    world.tick(RECHECK)
    with pytest.raises(NotOnAir, match="nothing scheduled after"):
        live.master(CHANNEL, at(170))


def test_a_channel_with_nothing_scheduled_is_not_on_air(world):
    world.guide.publish(CHANNEL, [])
    live = world.service()
    with pytest.raises(NotOnAir, match="nothing scheduled"):
        live.master(CHANNEL, at(10))
    reads = world.guide.reads
    with pytest.raises(NotOnAir):
        live.master(CHANNEL, at(11))
    assert world.guide.reads == reads  # asked again only after `recheck`
    world.guide.publish(CHANNEL, SCHEDULE)
    world.tick(RECHECK)
    assert live.playlist(CHANNEL, "180p", at(12))


# --- live classes: the relay --------------------------------------------------------------

UPSTREAM = "http://encoder.test/class/master.m3u8"


class Encoder:
    """A classroom encoder's live HLS, driven by the test clock: one 2 s segment every 2 s
    while ``running``, a window of 6, in the layout ``-var_stream_map`` writes
    (``<rendition>/index.m3u8``, ``<rendition>/seg_N.ts``); ``down`` makes fetches fail,
    ``end()`` appends ``#EXT-X-ENDLIST``."""

    def __init__(self, clock: list[float], *, renditions=("180p", "360p"), backlog: int = 6):
        self.clock = clock
        self.renditions = renditions
        self.produced = backlog  # segments written so far
        self.last = clock[0]
        self.running = True
        self.down = False
        self.ended = False

    def _advance(self) -> None:
        while self.clock[0] - self.last >= 2:
            self.last += 2
            if self.running and not self.ended:
                self.produced += 1

    def fetch(self, url: str) -> str:
        self._advance()
        if self.down:
            raise OSError(f"{url}: connection refused")
        if url == UPSTREAM:
            lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
            for name, (_, resolution) in zip(self.renditions, LADDER, strict=False):
                lines += [f"#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION={resolution}",
                          f"{name}/index.m3u8"]  # fmt: skip
            return "\n".join(lines) + "\n"
        first = max(0, self.produced - 6)
        lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2",
                 f"#EXT-X-MEDIA-SEQUENCE:{first}"]  # fmt: skip
        for n in range(first, self.produced):
            lines += ["#EXTINF:2.000000,", f"seg_{n:05d}.ts"]
        if self.ended:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"


def relayed(rendition: str, n: int) -> str:
    return f"http://encoder.test/class/{rendition}/seg_{n:05d}.ts"


def with_upstream(rendition: str) -> dict[str, str]:
    """`NEXT` plus the upstream's own succession (segment n, then n + 1)."""
    return {**NEXT, **{relayed(rendition, n): relayed(rendition, n + 1) for n in range(1000)}}


LIVE_SCHEDULE = [
    programme(0, 60, 2, live=True, source=UPSTREAM),  # beta recorded: the fallback
    programme(60, 110, 1),
]
ORIGINS = ("/media/", "http://encoder.test/")


def live_world(world: World) -> tuple[Encoder, LiveChannels]:
    world.guide.publish(CHANNEL, LIVE_SCHEDULE)
    encoder = Encoder(world.clock)
    return encoder, world.service(relay_fetch=encoder.fetch)


def uris(text: str) -> list[str]:
    return [s.uri for s in m3u8.loads(text).segments]


def poll_both(world: World, live: LiveChannels, start: float, stop: float, events=None):
    """Both renditions every second; ``events[second]()`` runs before that second's poll."""
    renders: dict[str, list] = {"180p": [], "360p": []}
    now = at(start)
    while now < at(stop):
        second = round((now - T0).total_seconds())
        if events and second in events:
            events[second]()
        for rendition in renders:
            renders[rendition].append((now, live.playlist(CHANNEL, rendition, now)))
        now += timedelta(seconds=1)
        world.tick(1)
    return renders


def test_a_live_class_relays_falls_back_and_returns(world):
    encoder, live = live_world(world)

    def fail():
        encoder.down = True

    def recover():
        encoder.down = False

    renders = poll_both(world, live, 0, 110, {20: fail, 36: recover})
    for rendition, timeline in renders.items():
        check_live(timeline, following=with_upstream(rendition), origins=ORIGINS)
    by_second = dict(renders["360p"])
    fresh = uris(by_second[at(14)])
    assert all(u.startswith("http://encoder.test/class/360p/seg_") for u in fresh)
    fallen = by_second[at(34)]  # failing since 20 s: the recording, after a discontinuity
    assert uris(fallen)[-1].startswith("/media/bodies/beta/360p/")
    assert "#EXT-X-DISCONTINUITY" in fallen
    back = uris(by_second[at(52)])  # back since 36 s
    assert back[-1].startswith("http://encoder.test/class/360p/")
    assert any(u.startswith("/media/bodies/beta/") for u in uris(by_second[at(40)]))
    after = uris(by_second[at(80)])  # the next programme: alpha, numbers continuing
    assert after[-1].startswith("/media/bodies/alpha/360p/")
    # the 180p rendition relays the upstream's 180p with the same decisions
    assert uris(dict(renders["180p"])[at(14)])[-1] == uris(by_second[at(14)])[-1].replace(
        "360p", "180p"
    )


def test_a_stale_upstream_falls_back_and_a_moving_one_returns(world):
    encoder, live = live_world(world)

    def freeze():
        encoder.running = False

    def resume():
        encoder.running = True

    renders = poll_both(world, live, 0, 60, {10: freeze, 30: resume})
    timeline = renders["180p"]
    check_live(timeline, following=with_upstream("180p"), origins=ORIGINS)
    by_second = dict(timeline)
    assert uris(by_second[at(8)])[-1].startswith("http://encoder.test/")
    assert uris(by_second[at(25)])[-1].startswith("/media/bodies/beta/")  # stale for 6 s+
    assert uris(by_second[at(45)])[-1].startswith("http://encoder.test/")


def test_an_upstream_that_ends_early_plays_out_then_the_recording(world):
    encoder, live = live_world(world)
    renders = poll_both(world, live, 0, 60, {20: lambda: setattr(encoder, "ended", True)})
    timeline = renders["180p"]
    check_live(timeline, following=with_upstream("180p"), origins=ORIGINS)
    by_second = dict(timeline)
    last_relayed = max(
        int(u[-8:-3]) for _, t in timeline for u in uris(t) if u.startswith("http://")
    )
    assert last_relayed == encoder.produced - 1  # the class's end was relayed, nothing more
    assert uris(by_second[at(40)])[-1].startswith("/media/bodies/beta/")
    assert "#EXT-X-ENDLIST" not in by_second[at(40)]


def test_flapping_upstream_never_gives_a_number_two_uris(world):
    encoder, live = live_world(world)
    toggles = {s: (lambda: setattr(encoder, "down", not encoder.down)) for s in range(5, 60, 7)}
    renders = poll_both(world, live, 0, 110, toggles)
    for rendition, timeline in renders.items():
        check_live(timeline, following=with_upstream(rendition), origins=ORIGINS)
    seen: dict[int, str] = {}
    for _, text in renders["360p"]:
        playlist = m3u8.loads(text)
        for offset, segment in enumerate(playlist.segments):
            assert seen.setdefault(playlist.media_sequence + offset, segment.uri) == segment.uri
    kinds = {u.startswith("http://") for _, t in renders["360p"] for u in uris(t)}
    assert kinds == {True, False}


def test_the_discontinuity_sequence_counts_the_switches_into_later_programmes(world):
    encoder, live = live_world(world)
    renders = poll_both(world, live, 0, 110, {20: lambda: setattr(encoder, "down", True)})
    plain = world.service(relay_fetch=None)  # the same plan, no relay
    relayed_text, plain_text = renders["180p"][-1][1], plain.playlist(CHANNEL, "180p", at(109))
    assert uris(relayed_text) == uris(plain_text)  # alpha, then the slate: the same segments
    added = (
        m3u8.loads(relayed_text).discontinuity_sequence
        - m3u8.loads(plain_text).discontinuity_sequence
    )
    assert added == 2  # into the relay at the class's start does not count: the plan has it


def test_without_an_upstream_a_live_class_plays_its_recording(world):
    world.guide.publish(CHANNEL, LIVE_SCHEDULE)
    live = world.service()  # every fetch fails
    renders = poll(world, live, "180p", 0, 70)
    check_live(renders)
    assert all(not u.startswith("http") for _, t in renders for u in uris(t))


def test_a_local_http_encoder_is_relayed(world, tmp_path):
    """A real HTTP server serving a live playlist the test advances."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tv_backend.services.live_source import http_fetch

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    served = tmp_path / "encoder"
    served.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.m3u8"
        world.guide.publish(CHANNEL, [programme(0, 60, 2, live=True, source=url)])
        live = world.service(relay_fetch=http_fetch(timeout=2))

        def write(produced: int) -> None:
            first = max(0, produced - 6)
            lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:2", f"#EXT-X-MEDIA-SEQUENCE:{first}"]
            for n in range(first, produced):
                lines += ["#EXTINF:2.0,", f"live_{n}.ts"]
            (served / "index.m3u8").write_text("\n".join(lines) + "\n")

        renders = []
        for second in range(30):
            write(6 + second // 2)
            renders.append((at(second), live.playlist(CHANNEL, "180p", at(second))))
            world.tick(1)
        base = url.rsplit("/", 1)[0]
        following = {**NEXT, **{f"{base}/live_{n}.ts": f"{base}/live_{n + 1}.ts"
                                for n in range(100)}}  # fmt: skip
        check_live(renders, following=following, origins=("/media/", base))
        assert uris(renders[-1][1])[-1].startswith(f"{base}/live_")  # one media playlist: relayed
    finally:
        server.shutdown()
        server.server_close()


# --- live classes: attendance -------------------------------------------------------------


def test_attendance_counts_distinct_boxes_of_a_live_programme_once(world):
    _, live = live_world(world)
    for device in ("box-1", "box-2", "box-1", "box-1"):
        live.watched(CHANNEL, at(10), device)
    assert live.watched(CHANNEL, at(20), "box-3") is True
    assert live.watched(CHANNEL, at(21), "box-3") is False
    assert live.watched(CHANNEL, at(70), "box-4") is False  # alpha is not a live programme
    assert live.attendance(CHANNEL, at(0)) == 3
    assert live.attendance(CHANNEL, at(60)) == 0


# --- live classes: decisions shared by the workers ------------------------------------------


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def stores(request, world):
    """``stores()``: one `DecisionStore` per worker, all over one shared store (one in-process
    store, or one real Redis reached through a client per worker, as processes would)."""
    if request.param == "memory":
        shared = MemoryDecisions(lambda: world.clock[0])
        yield lambda: shared
        return
    url, namespace = request.getfixturevalue("redis_url"), f"test-live-{uuid.uuid4().hex[:8]}"
    clients: list[redis.Redis] = []

    def store() -> DecisionStore:
        clients.append(redis.Redis.from_url(url))
        return RedisDecisions(clients[-1], namespace=namespace)

    yield store
    for client in clients[:1]:
        keys = list(client.scan_iter(f"{{{namespace}}}:*"))
        if keys:
            client.delete(*keys)
    for client in clients:
        client.close()


def two_workers(world: World, a: DecisionStore | None, b: DecisionStore | None):
    """Two processes airing the live class: ``a`` reaches the upstream, ``b`` never does."""
    world.guide.publish(CHANNEL, LIVE_SCHEDULE)
    encoder = Encoder(world.clock)
    return (world.service(relay_fetch=encoder.fetch, relay_decisions=a),
            world.service(relay_fetch=offline, relay_decisions=b))  # fmt: skip


def poll_spread(world: World, workers, start: float, stop: float, *, first=None, events=None):
    """A player whose requests land on either worker: every second each worker answers, in an
    order that turns every two seconds (``first(second)``: the index of the one asked first),
    so each in turn is the first to publish a new slot. Returns every answer in the order
    given, and each worker's own."""
    first = first or (lambda second: (second // 2) % 2)
    merged: list[tuple[datetime, str]] = []
    own: list[list[tuple[datetime, str]]] = [[] for _ in workers]
    for second in range(start, stop):
        if events and second in events:
            events[second]()
        lead = first(second)
        for index in (lead, 1 - lead):
            text = workers[index].playlist(CHANNEL, "360p", at(second))
            merged.append((at(second), text))
            own[index].append((at(second), text))
        world.tick(1)
    return merged, own


def uris_by_sequence(renders) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for _, text in renders:
        playlist = m3u8.loads(text)
        for offset, segment in enumerate(playlist.segments):
            found.setdefault(playlist.media_sequence + offset, set()).add(segment.uri)
    return found


def test_workers_that_see_the_upstream_differently_serve_one_uri_per_number(world, stores):
    a, b = two_workers(world, stores(), stores())
    merged, own = poll_spread(world, (a, b), 0, 110)
    check_live(merged, following=with_upstream("360p"), origins=ORIGINS)  # as a player sees
    assert all(len(u) == 1 for u in uris_by_sequence(merged).values())
    kinds = {u.startswith("http://") for _, t in own[1] for u in uris(t)}
    assert kinds == {True, False}  # b serves relayed slots it could not have decided itself
    assert own[0][-1][1] == own[1][-1][1]  # the same bytes, discontinuity sequence included


def test_without_shared_decisions_each_worker_decides_alone(world):
    a, b = two_workers(world, None, None)  # no Redis: the in-process decisions of each
    merged, own = poll_spread(world, (a, b), 0, 60)
    for timeline in own:
        check_live(timeline, following=with_upstream("360p"), origins=ORIGINS)
    assert any(len(u) > 1 for u in uris_by_sequence(merged).values())  # hence one worker


def test_after_an_outage_a_worker_adopts_the_others_decisions_and_stays_valid(world):
    class Flaky:
        """The shared store, unreachable while ``down``."""

        def __init__(self, store: DecisionStore) -> None:
            self.store, self.down = store, False

        def first(self, key: str, value: str, ttl: int) -> str | None:
            return None if self.down else self.store.first(key, value, ttl)

        def read(self, keys):
            return None if self.down else self.store.read(keys)

    shared = MemoryDecisions(lambda: world.clock[0])
    flaky = Flaky(shared)
    a, b = two_workers(world, flaky, shared)
    events = {20: lambda: setattr(flaky, "down", True), 36: lambda: setattr(flaky, "down", False)}
    merged, own = poll_spread(world, (a, b), 0, 110, first=lambda _s: 0, events=events)
    for timeline in own:  # each worker's own playlists stay valid across the outage ...
        check_live(timeline, following=with_upstream("360p"), origins=ORIGINS)
    by_sequence = uris_by_sequence(merged)
    diverged = [n for n, u in by_sequence.items() if len(u) > 1]
    assert diverged  # ... they disagreed while a decided alone ...
    window = m3u8.loads(dict(own[0])[at(38)])  # its last slot was decided after recovery
    back = window.media_sequence + len(window.segments) - 1
    assert all(len(u) == 1 for n, u in by_sequence.items() if n >= back)  # ... not after


def test_a_relay_whose_redis_is_down_decides_alone_without_waiting(world):
    down = RedisDecisions.from_url("redis://127.0.0.1:9/0", timeout=0.2, retry_after=60,
                                   namespace="unreachable")  # fmt: skip
    encoder, _ = live_world(world)
    live = world.service(relay_fetch=encoder.fetch, relay_decisions=down)
    began = time.monotonic()
    renders = poll(world, live, "360p", 0, 60)
    assert time.monotonic() - began < 5  # one failed connect, then the breaker stays open
    check_live(renders, following=with_upstream("360p"), origins=ORIGINS)
    assert uris(renders[-1][1])[-1].startswith("http://encoder.test/class/360p/")


def test_the_app_shares_relay_decisions_through_its_redis(settings, services):
    store = services.live.relay_decisions
    if not settings.redis_url:
        assert store is None  # the in-process variant: each process decides alone
        return
    assert isinstance(store, RedisDecisions)
    key = f"probe-{uuid.uuid4().hex}"
    assert store.first(key, "ours", 5) == "ours"
    assert store.first(key, "theirs", 5) == "ours"


# --- catch-up -----------------------------------------------------------------------------

LATER = at(3600)  # an hour after the schedule ended: all of it has aired


def unix(seconds: float) -> int:
    return int(at(seconds).timestamp())


def aired(renders, start: datetime, stop: datetime) -> list[tuple]:
    """(date, duration, URI) of every published segment overlapping [start, stop)."""
    seen: dict[datetime, tuple] = {}
    for _, text in renders:
        for s in m3u8.loads(text).segments:
            begin = s.current_program_date_time
            if begin < stop and begin + timedelta(seconds=s.duration) > start:
                seen[begin] = (begin, s.duration, s.uri)
    return sorted(seen.values())


def listed(text: str) -> list[tuple]:
    return [(s.current_program_date_time, s.duration, s.uri) for s in m3u8.loads(text).segments]


@pytest.mark.parametrize("rendition", ["180p", "360p"])
def test_catchup_replays_what_the_live_windows_published(world, rendition):
    live = world.service()
    renders = poll(world, live, rendition, 0, 240)
    rendered = live.catchup(CHANNEL, rendition, at(30), at(200), LATER)
    hls.check_vod(rendered.text, following=NEXT)
    assert listed(rendered.text) == aired(renders, at(30), at(200))
    assert rendered.max_age == 86400 and rendered.etag.startswith('"')


def test_catchup_master_carries_the_stretch_to_its_renditions(world):
    rendered = world.service().catchup_master(CHANNEL, at(30), at(200), LATER)
    master = m3u8.loads(rendered.text)
    query = f"?start={unix(30)}&end={unix(200)}"
    assert [p.uri for p in master.playlists] == [f"180p.m3u8{query}", f"360p.m3u8{query}"]
    assert [p.stream_info.resolution for p in master.playlists] == [(320, 180), (640, 360)]


def test_catchup_is_cached_until_the_schedule_changes(world):
    live = world.service()
    first = live.catchup(CHANNEL, "180p", at(30), at(200), LATER)
    reads = world.guide.reads
    again = live.catchup(CHANNEL, "180p", at(30), at(200), LATER + timedelta(minutes=5))
    assert again.body is first.body and world.guide.reads == reads + 1  # the version only
    world.guide.publish(CHANNEL, [SCHEDULE[0], programme(60, 110, 4), *SCHEDULE[2:]])
    changed = live.catchup(CHANNEL, "180p", at(30), at(200), LATER)
    assert "/bodies/delta/" in changed.text and "/bodies/beta/" not in changed.text


def test_a_stretch_still_airing_is_clamped_to_now(world):
    live = world.service()
    early = live.catchup(CHANNEL, "180p", at(60), at(110), at(70.5))
    playlist = hls.check_vod(early.text, following=NEXT)
    assert playlist.segments[-1].current_program_date_time == at(70)  # the one on air
    assert early.max_age == 1  # it grows until its end: half a target duration
    later = live.catchup(CHANNEL, "180p", at(60), at(110), at(80.5))
    assert listed(later.text)[: len(playlist.segments)] == listed(early.text)
    assert len(m3u8.loads(later.text).segments) == len(playlist.segments) + 5


def test_a_stretch_near_the_end_of_the_window_is_cached_until_it_leaves(world):
    now = at(30) + timedelta(days=7, minutes=15) - timedelta(seconds=100)
    rendered = world.service().catchup(CHANNEL, "180p", at(30), at(60), now)
    assert rendered.max_age == 100
    with pytest.raises(NotFound, match="keeps 7 days of catch-up"):
        world.service().catchup(CHANNEL, "180p", at(30), at(60), now + timedelta(seconds=101))


def test_catchup_is_clipped_to_what_was_scheduled(world):
    live = world.service()
    text = live.catchup(CHANNEL, "180p", at(-600), at(30), LATER).text
    assert listed(text)[0][0] == T0  # nothing before the first programme: it starts there
    text = live.catchup(CHANNEL, "180p", at(230), at(900), LATER).text
    assert listed(text)[-1][0] < at(240) <= listed(text)[-1][0] + timedelta(seconds=2)


def test_a_live_class_in_the_past_plays_its_recording(world):
    _, live = live_world(world)
    renders = poll_both(world, live, 0, 60)
    assert any(u.startswith("http://") for _, t in renders["180p"] for u in uris(t))
    text = live.catchup(CHANNEL, "180p", at(0), at(60), LATER).text
    hls.check_vod(text, following=NEXT)
    assert all(u.startswith("/media/bodies/beta/180p/") for u in uris(text)[2:])


@pytest.mark.parametrize(
    ("start", "end", "now", "error", "message"),
    [
        (at(50), at(50), LATER, InvalidQuery, "must start before its end"),
        (at(50), at(10), LATER, InvalidQuery, "must start before its end"),
        (LATER, LATER + timedelta(minutes=1), LATER, InvalidQuery, "what has aired"),
        (at(0), at(0) + timedelta(hours=6, seconds=1), LATER, InvalidQuery, "at most 6 hours"),
        (at(0), at(60), at(0) + timedelta(days=7, minutes=16), NotFound, "7 days of catch-up"),
        (at(-900), at(-300), LATER, NotFound, "had nothing scheduled"),
        (at(250), at(260), LATER, NotFound, "had nothing scheduled"),
    ],
)
def test_catchup_refuses_what_it_cannot_play(world, start, end, now, error, message):
    with pytest.raises(error, match=message):
        world.service().catchup(CHANNEL, "180p", start, end, now)


def test_catchup_of_an_unknown_channel_rendition_or_a_channel_without_it(world):
    live = world.service()
    with pytest.raises(NotFound, match="no channel nope"):
        live.catchup_master("nope", at(0), at(60), LATER)
    with pytest.raises(NotFound, match="no rendition '1080p'") as info:
        live.catchup(CHANNEL, "1080p", at(0), at(60), LATER)
    assert info.value.errors == {"rendition": ["180p", "360p"]}
    world.guide.channels[CHANNEL] = Channel(CHANNEL, 1, {"zh": "教育一台"}, catchup_days=0)
    world.guide.versions[CHANNEL] += 1
    with pytest.raises(NotFound, match="keeps no catch-up"):
        live.catchup(CHANNEL, "180p", at(0), at(60), LATER)

"""Live HLS of linear channels (`LiveChannels`): consecutive playlists obey RFC 8216 across
programme boundaries (read back with the `m3u8` parser), a re-publication continues the
numbers, requests are served from memory, and the edges answer clearly.

Lessons are written as files in the backend's media layout (``lessons/<key>/master.m3u8``,
``lessons/<key>/<rendition>/index.m3u8``, card segments then ``../../../bodies/...``); the
guide is an in-memory `LiveSource`; time is driven by the test (``now`` and the clock).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import m3u8
import pytest

from epg.model import Channel, Programme
from tv_backend.services.errors import NotFound
from tv_backend.services.live import LiveChannels, NotOnAir

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


@dataclass
class World:
    root: Path
    guide: Guide
    masters: dict[int, str]
    clock: list[float]

    def service(self, **kwargs) -> LiveChannels:
        kwargs.setdefault("slate", self.masters[9])
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


def check_live(renders: list[tuple[datetime, str]], *, young_until: datetime = T0) -> None:
    """RFC 8216 over consecutive live playlists of one rendition at increasing times."""
    uris: dict[int, str] = {}
    dates: dict[int, datetime] = {}
    previous = None
    target = None
    for now, text in renders:
        playlist = m3u8.loads(text)
        segments = playlist.segments
        first = playlist.media_sequence
        where = f"at {now.isoformat()}"
        assert not playlist.is_endlist, where
        assert segments, where
        target = target or playlist.target_duration
        assert playlist.target_duration == target, where  # §6.2.1: constant
        for segment in segments:  # §4.3.3.1
            assert math.floor(segment.duration + 0.5) <= target, where
            assert segment.uri.startswith("/media/") and "../" not in segment.uri, where
        for offset, segment in enumerate(segments):  # §6.2.2: one number, one URI, one time
            sequence = first + offset
            assert uris.setdefault(sequence, segment.uri) == segment.uri, (where, sequence)
            start = segment.current_program_date_time
            assert abs((dates.setdefault(sequence, start) - start).total_seconds()) < 0.002
        for before, segment in pairwise(segments):  # §4.3.2.3: a tag at every item change
            assert segment.discontinuity == (NEXT.get(before.uri) != segment.uri), (where, segment)
            if segment.discontinuity:
                assert segment.program_date_time is not None, where
        assert segments[0].program_date_time is not None, where  # §4.3.2.6
        edge = segments[-1].current_program_date_time
        assert edge <= now < edge + timedelta(seconds=segments[-1].duration + 0.002), where
        if now >= young_until + timedelta(seconds=3 * target):  # §6.2.2: 3 target durations
            assert sum(s.duration for s in segments) >= 3 * target - 0.001, where
        if previous is not None:  # §6.2.2: numbers never go back; §6.2.2 disc. sequence
            old_first, old_segments = previous.media_sequence, previous.segments
            assert first >= old_first, where
            assert first <= old_first + len(old_segments), f"{where}: windows do not overlap"
            gone = sum(1 for n, s in enumerate(old_segments) if s.discontinuity and
                       old_first + n <= first)  # fmt: skip
            if first == old_first + len(old_segments):
                gone += NEXT.get(old_segments[-1].uri) != segments[0].uri
            assert playlist.discontinuity_sequence - previous.discontinuity_sequence == gone, where
        previous = playlist


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

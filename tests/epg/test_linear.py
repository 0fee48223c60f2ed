"""Linear channels as live HLS: consecutive windows obey RFC 8216 (read back with the `m3u8`
parser), a re-published plan continues the numbers of what aired, and the edges are clear.

Lessons are built here as text in the backend's layout (``lessons/<key>/master.m3u8``,
``lessons/<key>/<rendition>/index.m3u8`` with ``../../../bodies/...`` segments); every lesson
has its own body so a URI says which item it belongs to.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import hls_rules as hls
import m3u8
import pytest

from epg.hls import parse_master, parse_media, rendition_name, resolve
from epg.linear import (
    Anchor,
    Media,
    Plan,
    build_plan,
    ensure_continues,
    render,
    render_master,
    render_vod,
)
from epg.model import EpgError, Programme

CHANNEL = "hn-edu-1"
T0 = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
CODECS = "avc1.4d401f,mp4a.40.2"
LADDER = (("180p", "320x180"), ("240p", "426x240"), ("360p", "640x360"))
SECOND = timedelta(seconds=1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def lesson_files(
    key: str, durations: list[float], *, ladder=LADDER, bandwidth: int = 300_000, root="/media"
) -> dict[str, str]:
    """A lesson as the backend writes it: two card segments, then body segments."""
    files: dict[str, str] = {}
    master = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rung, (name, resolution) in enumerate(ladder):
        peak = bandwidth * (rung + 1)
        master += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={peak},AVERAGE-BANDWIDTH={peak * 4 // 5},"
            f'RESOLUTION={resolution},CODECS="{CODECS}",FRAME-RATE=25.000',
            f"{name}/index.m3u8",
        ]
        index = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2",
                 "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]  # fmt: skip
        for number, duration in enumerate(durations):
            uri = (
                f"card_{number:03d}.ts"
                if number < 2
                else f"../../../bodies/{key}/{name}/seg_{number - 2:03d}.ts"
            )
            index += [f"#EXTINF:{duration:.6f},", uri]
        index.append("#EXT-X-ENDLIST")
        files[f"{root}/lessons/{key}/{name}/index.m3u8"] = "\n".join(index) + "\n"
    files[f"{root}/lessons/{key}/master.m3u8"] = "\n".join(master) + "\n"
    return files


def lesson(key: str, durations: list[float], **kwargs) -> Media:
    files = lesson_files(key, durations, **kwargs)
    return Media.load(f"/media/lessons/{key}/master.m3u8", files.__getitem__)


def programme(start: float, stop: float, lesson_id: int | None, **kwargs) -> Programme:
    return Programme(CHANNEL, at(start), at(stop), {"zh": f"节目 {start}"}, lesson_id=lesson_id,
                     **kwargs)  # fmt: skip


# alpha 40 s (short for its 60 s slot), beta 60 s (cut to its 40 s slot), gamma with uneven
# segments and a short last one, delta for re-publishing. The slate is three 2 s segments.
MEDIA = {
    1: lesson("alpha", [2.0] * 20),
    2: lesson("beta", [2.0] * 30, bandwidth=400_000),
    3: lesson("gamma", [2.0, 2.0, 1.96, 2.0, 1.96, 2.0, 2.0, 1.2] * 4),
    4: lesson("delta", [2.0] * 25),
}
SLATE = lesson("slate", [2.0, 2.0, 2.0])
SCHEDULE = [
    programme(0, 60, 1),  # 40 s of alpha, then 20 s of slate ...
    programme(90, 130, 2),  # ... and the 30 s gap; beta is cut at 130 s
    programme(130, 180, 3),  # gamma: 56.48 s, cut to its 50 s slot
    programme(200, 260, None, filler=True),  # nothing recorded: slate
]
UNTIL = at(300)


def successors() -> dict[str, str]:
    """Each segment URI -> the next one in its own playlist: where no discontinuity is due."""
    following: dict[str, str] = {}
    for medium in [*MEDIA.values(), SLATE]:
        for uris in medium.uris.values():
            following.update(pairwise(uris))
    return following


NEXT = successors()


def plan_of(schedule=SCHEDULE, anchor: Anchor | None = None, **kwargs) -> Plan:
    kwargs.setdefault("slate", SLATE)
    kwargs.setdefault("until", UNTIL)
    return build_plan(CHANNEL, schedule, MEDIA, anchor=anchor or Anchor(T0), **kwargs)


def check_live(renders: list[tuple[datetime, str]], *, young_until: datetime = T0) -> None:
    """RFC 8216 rules over consecutive live playlists of one rendition, rendered at increasing
    times: what a client polling every second could see (tests/hls_rules.py)."""
    hls.check_live(renders, following=NEXT, young_until=young_until)


def every_second(plan: Plan, rendition: str, start: datetime, stop: datetime):
    now = start
    while now < stop:
        yield now, render(plan, rendition, now)
        now += SECOND


# --- windows over a whole plan -------------------------------------------------------------


@pytest.mark.parametrize("rendition", ["180p", "240p", "360p"])
def test_consecutive_windows_obey_rfc_8216_across_programmes_and_slate(rendition):
    plan = plan_of()
    renders = list(every_second(plan, rendition, T0, UNTIL))
    check_live(renders)
    texts = [text for _, text in renders]
    assert any(f"/media/bodies/gamma/{rendition}/seg_000.ts" in t for t in texts)
    assert all("../" not in t for t in texts)  # the lessons' relative URIs were resolved
    slate_wraps = [t for t in texts if "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME" in t]
    assert slate_wraps


def test_half_a_second_steps_and_sub_second_starts_give_the_same_rules():
    plan = plan_of(anchor=Anchor(at(0.25)), schedule=[programme(0.25, 60, 1),
                                                      programme(90.7, 131.3, 2)])  # fmt: skip
    renders = []
    now = at(0.25)
    while now < UNTIL:
        renders.append((now, render(plan, "240p", now)))
        now += SECOND / 2
    check_live(renders, young_until=at(0.25))


def test_the_window_holds_six_target_durations_and_follows_now():
    plan = plan_of()
    playlist = m3u8.loads(render(plan, "180p", at(100.5)))
    assert playlist.target_duration == 2
    assert [s.duration for s in playlist.segments] == [2.0] * 6
    assert playlist.segments[-1].current_program_date_time == at(100)
    assert playlist.segments[0].uri == "/media/lessons/beta/180p/card_000.ts"  # began at 90


@pytest.mark.parametrize("window", [3, 4, 10])
def test_window_size_is_in_target_durations(window):
    plan = plan_of(window=window)
    playlist = m3u8.loads(render(plan, "180p", at(70.2)))
    assert sum(s.duration for s in playlist.segments) == window * 2


def test_a_young_channel_shows_what_it_has_aired():
    plan = plan_of()
    assert len(m3u8.loads(render(plan, "180p", at(0))).segments) == 1
    assert len(m3u8.loads(render(plan, "180p", at(5.9))).segments) == 3


# --- catch-up: on demand ------------------------------------------------------------------


def aired(plan: Plan, rendition: str, start: datetime, stop: datetime) -> list[tuple]:
    """(date, duration, URI) of every segment the live windows published that overlaps
    [start, stop): what a catch-up of that stretch must list."""
    seen: dict[datetime, tuple] = {}
    for _now, text in every_second(plan, rendition, T0, UNTIL):
        for s in m3u8.loads(text).segments:
            begin = s.current_program_date_time
            if begin < stop and begin + timedelta(seconds=s.duration) > start:
                seen[begin] = (begin, s.duration, s.uri)
    return sorted(seen.values())


@pytest.mark.parametrize("rendition", ["180p", "360p"])
@pytest.mark.parametrize(
    ("start", "stop"),
    [
        (0, 299.36),  # the whole plan: lessons, slate loops, a gap, a slot with nothing
        (35, 95),  # alpha's end, the slate after it, beta's start
        (131, 181),  # gamma's uneven segments and its short last one, cut at its stop
        (45.5, 46.5),  # inside one segment: that segment
        (179, 179.5),  # the segment that straddles gamma's cut
    ],
)
def test_a_stretch_on_demand_is_what_aired_and_obeys_rfc_8216(rendition, start, stop):
    plan = plan_of()
    text = render_vod(plan, rendition, at(start), at(stop), now=UNTIL)
    playlist = hls.check_vod(text, following=NEXT)
    listed = [(s.current_program_date_time, s.duration, s.uri) for s in playlist.segments]
    assert listed == aired(plan, rendition, at(start), at(stop))
    first, last = playlist.segments[0], playlist.segments[-1]
    assert first.current_program_date_time <= at(start)  # covers [start, stop) whole
    assert last.current_program_date_time + timedelta(seconds=last.duration) >= at(stop)
    assert playlist.target_duration == plan.target_duration


def test_an_on_demand_playlist_marks_every_item_change():
    text = render_vod(plan_of(), "180p", at(35), at(95), now=UNTIL)
    assert text.splitlines()[:7] == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-TARGETDURATION:2",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-DISCONTINUITY-SEQUENCE:0",
        "#EXT-X-PROGRAM-DATE-TIME:2026-09-01T00:00:34.000Z",
    ]
    playlist = m3u8.loads(text)
    tagged = [s for s in playlist.segments if s.discontinuity]
    # alpha -> slate at 40 s, the slate's loops at 46, 52, ... 88 s, slate -> beta at 90 s
    expected = [40, *range(46, 90, 6), 90]
    assert [(s.current_program_date_time - T0).total_seconds() for s in tagged] == expected
    assert all(s.program_date_time == s.current_program_date_time for s in tagged)
    assert text.endswith("#EXT-X-ENDLIST\n") and text.count("#EXT-X-ENDLIST") == 1


def test_an_on_demand_target_duration_covers_its_longest_segment():
    plan = build_plan(CHANNEL, [programme(0, 60, 5)], {5: lesson("long", [2.0, 3.5, 2.5])},
                      anchor=Anchor(T0), slate=SLATE, until=at(60))  # fmt: skip
    text = render_vod(plan, "180p", at(0), at(60), now=at(60))
    playlist = hls.check_vod(text, following=successors_of(plan))
    assert playlist.target_duration == 4
    assert max(s.duration for s in playlist.segments) == 3.5


def successors_of(plan: Plan) -> dict[str, str]:
    following: dict[str, str] = {}
    for medium in plan._media:
        for uris in medium.uris.values():
            following.update(pairwise(uris))
    return following


@pytest.mark.parametrize(
    ("start", "stop", "now", "message"),
    [
        (10, 20, 19.999, r"catch-up to .*00:00:20.* has not aired yet"),
        (20, 20, 300, r"00:00:20\+00:00 is not before .*00:00:20"),
        (30, 20, 300, "is not before"),
        (-5, 20, 300, r"is not all planned \(2026-09-01T00:00:00\+00:00 to .*00:04:59.36"),
        (290, 300, 400, "is not all planned"),
    ],
)
def test_an_on_demand_stretch_must_be_planned_past_and_in_order(start, stop, now, message):
    with pytest.raises(EpgError, match=message):
        render_vod(plan_of(), "180p", at(start), at(stop), now=at(now))


def test_an_on_demand_stretch_of_an_unknown_rendition_is_refused():
    with pytest.raises(EpgError, match="no rendition '720p'"):
        render_vod(plan_of(), "720p", at(0), at(10), now=at(10))


# --- placing items -------------------------------------------------------------------------


def runs_of(plan: Plan) -> list[tuple[str, float, float, int]]:
    """(what, start, stop, segments) per run, times in seconds from T0."""
    out = []
    for run in plan.runs:
        what = "slate" if run.slate else f"lesson {run.programme.lesson_id}"
        out.append((what, (run.start - T0).total_seconds(), (run.stop - T0).total_seconds(),
                    run.count))  # fmt: skip
    return out


def test_items_are_placed_short_ones_padded_long_ones_cut_gaps_slated():
    assert runs_of(plan_of()) == [
        ("lesson 1", 0.0, 40.0, 20),  # shorter than its slot: all of it ...
        ("slate", 40.0, 90.0, 25),  # ... then slate through the rest of the slot and the gap
        ("lesson 2", 90.0, 130.0, 20),  # longer: cut at its stop
        ("lesson 3", 130.0, 179.36, 26),  # cut at the boundary nearest 180 (the next
        ("slate", 179.36, 299.36, 60),  # is 1.96 s) ; gap, a slot with no lesson, until
    ]


@pytest.mark.parametrize(
    ("stop", "kept", "next_start"),
    [
        (5.0, 2, 4.0),  # the third segment's midpoint (5) is not before the stop
        (5.2, 3, 6.0),  # it is: the lesson runs 0.8 s over and the next starts late
        (4.9, 2, 4.0),
        (1.0, 0, 0.0),  # not even one segment fits: the programme is skipped
    ],
)
def test_a_lesson_is_cut_at_the_boundary_nearest_its_stop(stop, kept, next_start):
    plan = plan_of(schedule=[programme(0, stop, 2), programme(stop, 60, 1)], until=None)
    beta = [r for r in plan.runs if r.programme and r.programme.lesson_id == 2]
    assert sum(r.count for r in beta) == kept
    alpha = next(r for r in plan.runs if r.programme and r.programme.lesson_id == 1)
    assert alpha.start == at(next_start)
    assert not any(r.slate for r in plan.runs)  # less than half a slate segment: no slate


def test_slate_loops_with_a_discontinuity_at_every_loop():
    plan = plan_of(schedule=[programme(20, 40, 1)], until=at(40))
    playlist = m3u8.loads(render(plan, "180p", at(19)))  # slate segments 4 to 9
    names = [s.uri.rsplit("/", 1)[1] for s in playlist.segments]
    assert names == ["card_001.ts", "seg_000.ts", "card_000.ts"] * 2
    assert [s.discontinuity for s in playlist.segments] == [False, False, True] * 2
    assert playlist.discontinuity_sequence == 1  # the loop at segment 3 has left


def test_without_slate_a_gap_is_an_error_naming_it():
    with pytest.raises(EpgError, match=r"nothing to play from .*00:00:40.* to .*00:01:30.*slate"):
        plan_of(slate=None, until=None)


def test_without_slate_back_to_back_programmes_still_plan():
    plan = plan_of(schedule=[programme(0, 40, 1), programme(40, 80, 2)], slate=None, until=None)
    assert [r.count for r in plan.runs] == [20, 20]
    assert plan.stop == at(80)


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (at(-0.001), r"nothing planned before 2026-09-01T00:00:00"),
        (at(299.36), r"plan ended at 2026-09-01T00:04:59.36.*publish a schedule"),
        (at(4000), r"plan ended"),
    ],
)
def test_now_outside_the_plan_is_a_clear_error(now, message):
    plan = plan_of()
    with pytest.raises(EpgError, match=message):
        render(plan, "180p", now)
    assert render(plan, "180p", at(299.359)).endswith("/media/bodies/slate/180p/seg_000.ts\n")


def test_target_duration_is_the_longest_segment_rounded_up():
    plan = build_plan(CHANNEL, [programme(0, 60, 5)], {5: lesson("long", [2.0, 3.5, 2.5])},
                      anchor=Anchor(T0))  # fmt: skip
    assert plan.target_duration == 4
    assert "#EXT-X-TARGETDURATION:4\n" in render(plan, "180p", at(7))
    assert plan_of().target_duration == 2  # 2.000000 s is 2, not 3


# --- inputs --------------------------------------------------------------------------------


def test_lesson_playlists_are_read_with_uris_made_absolute():
    medium = MEDIA[1]
    assert medium.renditions == ("180p", "240p", "360p")
    assert medium.uris["240p"][:3] == (
        "/media/lessons/alpha/240p/card_000.ts",
        "/media/lessons/alpha/240p/card_001.ts",
        "/media/bodies/alpha/240p/seg_000.ts",
    )
    assert medium.durations[0] == 2_000_000
    assert medium.variants[2].codecs == CODECS and medium.variants[2].resolution == "640x360"


@pytest.mark.parametrize(
    ("base", "reference", "expected"),
    [
        ("/media/lessons/k/180p/index.m3u8", "../../../bodies/b/s.ts", "/media/bodies/b/s.ts"),
        ("/lessons/k/180p/index.m3u8", "../../../bodies/s.ts", "/bodies/s.ts"),
        ("https://cdn.example/l/k/index.m3u8", "./a/../s.ts?x=1", "https://cdn.example/l/k/s.ts?x=1"),
        ("/m/index.m3u8", "/abs/s.ts", "/abs/s.ts"),
        ("/m/index.m3u8", "https://o.example/s.ts", "https://o.example/s.ts"),
    ],
)  # fmt: skip
def test_resolve_follows_rfc_3986(base, reference, expected):
    assert resolve(base, reference) == expected


@pytest.mark.parametrize(
    ("base", "reference", "message"),
    [
        ("/lessons/k/index.m3u8", "../../../x.ts", "climbs above the root"),
        ("lessons/k/index.m3u8", "x.ts", "not absolute"),
    ],
)
def test_resolve_refuses_what_would_point_elsewhere(base, reference, message):
    with pytest.raises(EpgError, match=message):
        resolve(base, reference)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#EXTM3U\n#EXTINF:2,\na.ts\n#EXT-X-BYTERANGE:100@0\n", "byte ranges"),
        ('#EXTM3U\n#EXT-X-MAP:URI="i.mp4"\n#EXTINF:2,\na.ts\n', "initialisation"),
        ('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="k"\n#EXTINF:2,\na.ts\n', "encrypted"),
        ("#EXTM3U\na.ts\n", "has no #EXTINF"),
        ("#EXTM3U\n#EXTINF:zero,\na.ts\n", "not a number"),
        ("#EXTM3U\n#EXTINF:0,\na.ts\n", "not a segment's"),
        ("#EXTINF:2,\na.ts\n", "no #EXTM3U"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/index.m3u8\n", "master playlist where"),
        ("#EXTM3U\n#EXT-X-ENDLIST\n", "no segments"),
    ],
)
def test_media_playlists_refuse_what_they_cannot_carry(text, message):
    with pytest.raises(EpgError, match=message):
        parse_media(text, "/m/l/180p/index.m3u8")


def test_media_playlists_keep_discontinuities_and_durations():
    text = "#EXTM3U\n#EXTINF:1.5,\na.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000001,\nb.ts\n"
    a, b = parse_media(text, "/m/l/index.m3u8")
    assert (a.uri, a.duration, a.discontinuity) == ("/m/l/a.ts", 1_500_000, False)
    assert (b.duration, b.discontinuity) == (2_000_001, True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\na/index.m3u8\n", "no BANDWIDTH"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", "has no URI"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=big\na.m3u8\n", "WIDTHxHEIGHT"),
        ('#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x"\n', "alternative renditions"),
        ("#EXTM3U\n#EXTINF:2,\na.ts\n", "media playlist where"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\n"
         "x/a.m3u8\n", "same rendition"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,,\na.m3u8\n", "attribute list"),
    ],
)  # fmt: skip
def test_master_playlists_refuse_what_they_cannot_carry(text, message):
    with pytest.raises(EpgError, match=message):
        parse_master(text, "/m/l/master.m3u8")


def test_master_attributes_are_read_with_quoted_commas():
    master = parse_master(lesson_files("k", [2.0])["/media/lessons/k/master.m3u8"],
                          "/media/lessons/k/master.m3u8")  # fmt: skip
    assert master.independent
    first = master.variants[0]
    assert (first.name, first.uri) == ("180p", "/media/lessons/k/180p/index.m3u8")
    assert (first.bandwidth, first.average_bandwidth) == (300_000, 240_000)
    assert (first.codecs, first.frame_rate) == (CODECS, 25.0)


@pytest.mark.parametrize(
    ("reference", "name"),
    [("180p/index.m3u8", "180p"), ("180p.m3u8", "180p"), ("/x/live/ch/540p.m3u8?t=1", "540p")],
)
def test_rendition_names_come_from_variant_uris(reference, name):
    assert rendition_name(reference) == name


def test_misaligned_renditions_of_one_lesson_are_refused():
    files = lesson_files("k", [2.0] * 4)
    files["/media/lessons/k/360p/index.m3u8"] = files["/media/lessons/k/360p/index.m3u8"].replace(
        "#EXTINF:2.000000,\ncard_001.ts", "#EXTINF:1.500000,\ncard_001.ts"
    )
    with pytest.raises(EpgError, match=r"segment 1 of 360p \(1.500000 s\) does not match 180p"):
        Media.load("/media/lessons/k/master.m3u8", files.__getitem__)
    files = lesson_files("k", [2.0] * 4)
    files["/media/lessons/k/240p/index.m3u8"] = lesson_files("k", [2.0] * 3)[
        "/media/lessons/k/240p/index.m3u8"
    ]
    with pytest.raises(EpgError, match="240p has 3 segments, 180p has 4"):
        Media.load("/media/lessons/k/master.m3u8", files.__getitem__)


@pytest.mark.parametrize(
    ("ladder", "message"),
    [
        (LADDER[:2], r"renditions \[180p .*240p .*\] differ from the channel's"),
        ((("180p", "320x180"), ("240p", "428x240"), ("360p", "640x360")), "428x240"),
    ],
)
def test_an_item_with_another_ladder_is_refused(ladder, message):
    media = {**MEDIA, 9: lesson("odd", [2.0] * 5, ladder=ladder)}
    schedule = [programme(0, 60, 1), programme(60, 90, 9)]
    where = r"programme on hn-edu-1 at .*00:01:00.*lesson 9.*"
    with pytest.raises(EpgError, match=where + message):
        build_plan(CHANNEL, schedule, media, anchor=Anchor(T0), slate=SLATE)


def test_a_slate_with_another_ladder_is_refused():
    slate = lesson("slate2", [2.0], ladder=LADDER[1:])
    with pytest.raises(EpgError, match="the slate: renditions"):
        plan_of(slate=slate)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ([programme(0, 60, 1), programme(59, 90, 2)], "overlaps the one at"),
        ([programme(0, 60, 7)], "lesson 7 has no media"),
        ([replace(programme(0, 60, 1), channel="other")], "is not on this channel"),
    ],
)
def test_a_schedule_the_channel_cannot_play_is_refused(schedule, message):
    with pytest.raises(EpgError, match=message):
        plan_of(schedule=schedule)


def test_an_unknown_rendition_is_refused():
    with pytest.raises(EpgError, match=r"no rendition '720p' \(180p, 240p, 360p\)"):
        render(plan_of(), "720p", at(10))


def test_a_window_under_three_target_durations_is_refused():
    with pytest.raises(EpgError, match="under 3"):
        plan_of(window=2)


# --- master --------------------------------------------------------------------------------


def test_the_master_lists_the_lessons_ladder_with_the_highest_bandwidths():
    plan = plan_of()
    master = m3u8.loads(render_master(plan, "/live/{channel}/{rendition}.m3u8"))
    assert master.is_variant and master.is_independent_segments
    assert [p.uri for p in master.playlists] == [f"/live/{CHANNEL}/{n}.m3u8" for n, _ in LADDER]
    info = [p.stream_info for p in master.playlists]
    assert [i.bandwidth for i in info] == [400_000, 800_000, 1_200_000]  # beta's
    assert [i.average_bandwidth for i in info] == [320_000, 640_000, 960_000]
    assert [i.resolution for i in info] == [(320, 180), (426, 240), (640, 360)]
    assert {i.codecs for i in info} == {CODECS} and {i.frame_rate for i in info} == {25.0}
    assert render_master(plan).splitlines()[4] == "180p.m3u8"


# --- re-publishing -------------------------------------------------------------------------


def segments_from(plan: Plan, sequence: int) -> list[tuple]:
    out = []
    for number in range(sequence, plan.sequence + len(plan)):
        for rendition in plan.renditions:
            s = plan.segment(number, rendition)
            out.append((s.sequence, s.start, s.duration, s.discontinuity, s.uri))
    return out


@pytest.mark.parametrize("seconds", [0, 10, 45, 60, 95, 131, 140, 185, 250, 299])
def test_a_plan_rebuilt_from_its_anchor_is_the_same_plan(seconds):
    plan = plan_of()
    anchor = plan.anchor(at(seconds))
    stored = Anchor.from_dict(json.loads(json.dumps(anchor.as_dict())))
    assert stored == anchor
    rebuilt = plan_of(anchor=stored)
    assert rebuilt.sequence == anchor.sequence and rebuilt.start == anchor.time
    assert segments_from(rebuilt, rebuilt.sequence) == segments_from(plan, rebuilt.sequence)
    assert render(rebuilt, "240p", at(seconds)) == render(plan, "240p", at(seconds))
    ensure_continues(plan, rebuilt, UNTIL)


def test_an_anchor_starts_where_the_window_does():
    plan = plan_of()
    anchor = plan.anchor(at(95))  # the window at 95 s holds slate (from 40 s) and beta
    assert (anchor.time, anchor.sequence, anchor.discontinuity) == (at(40), 20, 1)
    assert anchor.programme == at(0) and anchor.offset is None  # slate, after alpha's slot
    anchor = plan.anchor(at(120))
    assert (anchor.time, anchor.programme, anchor.offset) == (at(90), at(90), 0)
    assert anchor.target_duration == 2


def test_republishing_changes_the_future_and_continues_the_numbers():
    old = plan_of()
    published = at(140)  # gamma is on air
    new_schedule = [*SCHEDULE[:2], replace(SCHEDULE[2], stop=at(160)), programme(160, 230, 4),
                    programme(240, 330, 2)]  # fmt: skip
    new = plan_of(schedule=new_schedule, anchor=old.anchor(published), until=at(360))
    ensure_continues(old, new, published + timedelta(seconds=4))
    for rendition in ("180p", "360p"):
        renders = [*every_second(old, rendition, at(100), published),
                   *every_second(new, rendition, published, at(360))]  # fmt: skip
        check_live(renders)
    assert any(r.programme and r.programme.lesson_id == 4 for r in new.runs)
    last = old.sequence + len(old) - 1
    assert new.segment(last, "180p").uri != old.segment(last, "180p").uri  # the future changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: [*s[:2], replace(s[2], lesson_id=4), *s[3:]], r"would change from"),
        (lambda s: [*s[:2], replace(s[2], stop=at(141)), *s[3:]], "another"),
    ],
)
def test_republishing_that_rewrites_what_aired_is_refused(change, message):
    old = plan_of()
    published = at(142)
    new = plan_of(schedule=change(SCHEDULE), anchor=old.anchor(published))
    with pytest.raises(EpgError, match=message):
        ensure_continues(old, new, published + timedelta(seconds=4))


def test_republishing_without_the_anchors_programme_is_refused():
    old = plan_of()
    anchor = old.anchor(at(146))
    assert anchor.programme == at(130)
    with pytest.raises(EpgError, match=r"anchor's programme at .*00:02:10.* is not in the sched"):
        plan_of(schedule=SCHEDULE[:2], anchor=anchor)


def test_the_anchor_keeps_the_target_duration():
    old = plan_of()
    media_long = {**MEDIA, 5: lesson("long", [2.0, 3.5])}
    with pytest.raises(EpgError, match=r"long/master.m3u8 has a 3.500000 s segment, longer than"
                                       r" the channel's target duration of 2 s"):  # fmt: skip
        build_plan(CHANNEL, [*SCHEDULE, programme(300, 330, 5)], media_long,
                   anchor=old.anchor(at(250)), slate=SLATE)  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sequence": -1}, "0 or more"),
        ({"target_duration": 0}, "1 s"),
        ({"offset": 3}, "needs a programme"),
    ],
)
def test_anchors_refuse_what_they_cannot_mean(kwargs, message):
    with pytest.raises(EpgError, match=message):
        Anchor(T0, **kwargs)
    with pytest.raises(EpgError, match="unreadable"):
        Anchor.from_dict({"time": "yesterday", "sequence": 0, "discontinuity": 0})


def test_joining_a_programme_in_progress_from_an_epoch():
    anchor = Anchor(at(20), sequence=500, discontinuity=7, programme=at(0), offset=10)
    plan = plan_of(anchor=anchor)
    assert plan.segment(500, "180p").uri == "/media/bodies/alpha/180p/seg_008.ts"
    assert m3u8.loads(render(plan, "180p", at(21))).discontinuity_sequence == 7
    epoch = plan_of(anchor=Anchor(at(20)))  # without a programme: slate until the next one
    assert epoch.runs[0].slate and epoch.runs[1].start == at(90)


# --- live classes --------------------------------------------------------------------------


def test_live_classes_are_planned_on_their_recording_and_marked_for_the_relay():
    upstream = "https://live.example/class/index.m3u8"
    schedule = [programme(0, 60, 1, live=True, source=upstream), programme(60, 120, None,
                live=True, source=upstream), programme(120, 150, 2)]  # fmt: skip
    plan = plan_of(schedule=schedule, until=None)
    assert plan.run_at(at(10)).live == upstream and not plan.run_at(at(10)).slate
    after_lesson = plan.run_at(at(50))  # the recording is 40 s: slate, still the class's
    assert after_lesson.slate and after_lesson.live == upstream
    assert after_lesson.programme.start == at(0) and after_lesson.stop == at(60)
    nothing_recorded = plan.run_at(at(70))
    assert nothing_recorded.slate and nothing_recorded.live == upstream
    assert plan.run_at(at(125)).live is None
    for seconds in (30, 55, 80):  # anchors in the recording, in its slate tail, the next class
        rebuilt = plan_of(schedule=schedule, until=None, anchor=plan.anchor(at(seconds)))
        assert segments_from(rebuilt, rebuilt.sequence) == segments_from(plan, rebuilt.sequence)

"""What only the libVLC player does: renditions seen on the wire, the quality cap, and every
way a stream can fail (a dead or silent backend, missing or cut segments, no first picture),
each a clear error code with the main thread never held up."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from tv_client.player import ErrorCode, State
from tv_client.player.adaptive import parse_master

pytestmark = [pytest.mark.vlc, pytest.mark.media]


def _variants(ladder: Path, base: str) -> dict[int, tuple[int | None, int | None]]:
    master = parse_master((ladder / "master.m3u8").read_text(), base)
    return {v.height: (v.width, v.bandwidth) for v in master}


def _segments(server) -> list[str]:
    return [path for path in server.requests if path.endswith(".ts")]


def _pumps_stay_short(player, run_until, predicate, limit: float) -> float:
    """Pump until ``predicate``; the longest single pump (the UI must never wait on it)."""
    longest = 0.0

    def timed() -> bool:
        nonlocal longest
        started = time.monotonic()
        player.pump()
        longest = max(longest, time.monotonic() - started)
        return predicate()

    assert run_until(player, timed, limit)
    return longest


def test_starts_on_the_lowest_rendition_and_reports_a_variant_of_the_master(
    media_server, make_player, run_until, hls_ladder, events
) -> None:
    player = make_player()
    player.subscribe(events)
    player.open(media_server.url())
    assert run_until(player, lambda: player.state is State.PLAYING and player.rendition)
    assert _segments(media_server)[0].startswith("/v0/")  # the lowest first: a fast start
    rendition = player.rendition
    variants = _variants(hls_ladder, media_server.url())
    assert rendition.height in variants
    assert (rendition.width, rendition.bandwidth) == variants[rendition.height]
    assert rendition.measured_bps and rendition.measured_bps > 0
    assert events.of("rendition")[0]["rendition"].height == rendition.height
    assert "240p" in rendition.label()


@pytest.fixture
def greedy_instance():
    """An instance whose adaptation always wants the best: only the cap can hold it back."""
    from tv_client.player.vlc_player import make_instance

    instance = make_instance(audio=False, extra=["--quiet", "--adaptive-logic=highest"])
    yield instance
    instance.release()


@pytest.mark.parametrize(("cap", "tallest"), [(None, 540), (360, 360), (200, 240)])
def test_the_quality_cap_bounds_the_renditions_fetched(
    cap, tallest, media_server, make_player, greedy_instance, run_until
) -> None:
    player = make_player(greedy_instance)
    player.open(media_server.url(), max_height=cap)
    assert run_until(player, lambda: len(_segments(media_server)) >= 3)
    assert run_until(player, lambda: player.state is State.PLAYING)
    heights = {"/v0/": 240, "/v1/": 360, "/v2/": 540}
    fetched = {heights[path[:4]] for path in _segments(media_server)}
    assert max(fetched) == tallest  # never taller; and the cap, not the line, was the limit
    assert player.rendition.height == tallest


@pytest.mark.slow
def test_a_backend_that_dies_mid_play_is_unreachable_and_never_blocks(
    media_server, make_player, run_until
) -> None:
    media_server.rate_bps = 650_000  # ~1.5x the lowest rendition: a few seconds buffered
    player = make_player(stall_timeout_s=6.0)
    player.open(media_server.url())
    assert run_until(player, lambda: player.position_s >= 1.0)
    media_server.stop()
    longest = _pumps_stay_short(player, run_until, lambda: player.state is State.ERROR, 20)
    assert player.error is ErrorCode.UNREACHABLE
    assert longest < 0.25
    assert 1.0 <= player.position_s < 16.0  # kept for Retry
    started = time.monotonic()
    player.stop()
    assert time.monotonic() - started < 1.0


def test_a_silent_backend_is_unreachable_within_the_relay_timeout(
    silent_port, make_player, run_until
) -> None:
    player = make_player(relay_timeout_s=1.5)
    started = time.monotonic()
    player.open(f"http://127.0.0.1:{silent_port}/master.m3u8")
    longest = _pumps_stay_short(player, run_until, lambda: player.state is State.ERROR, 6)
    assert player.error is ErrorCode.UNREACHABLE
    assert time.monotonic() - started < 4 and longest < 0.25


def test_a_stream_whose_segments_never_come_never_starts(
    media_server, make_player, run_until
) -> None:
    media_server.hang = ".ts"
    player = make_player(first_frame_timeout_s=2.0, relay_timeout_s=30.0)
    player.open(media_server.url())
    longest = _pumps_stay_short(player, run_until, lambda: player.state is State.ERROR, 6)
    assert player.error is ErrorCode.NEVER_STARTED and longest < 0.25
    player.open(media_server.url())  # libVLC is still waiting on the relay: open must not
    started = time.monotonic()
    player.stop()
    assert time.monotonic() - started < 1.0


@pytest.mark.slow
def test_a_missing_segment_warns_then_fails_with_the_position_kept(
    media_server, make_player, run_until, events
) -> None:
    media_server.missing.add("/v0/seg_002.ts")
    player = make_player()
    player.subscribe(events)
    player.open(media_server.url())
    assert run_until(player, lambda: player.state is State.ERROR, 15)
    assert player.error is ErrorCode.STREAM_FAILED
    assert [w["code"] for w in events.of("warning")] == ["segment_missing"]
    assert events.of("warning")[0]["url"].endswith("/v0/seg_002.ts")
    assert 2.0 <= player.position_s <= 5.0  # where it broke off: Retry starts there


@pytest.mark.slow
def test_a_truncated_segment_warns_and_playback_goes_on(
    media_server, make_player, run_until, events
) -> None:
    media_server.truncated.add("/v0/seg_001.ts")
    player = make_player()
    player.subscribe(events)
    player.open(media_server.url())
    assert run_until(player, lambda: player.position_s >= 4.5, 12)
    assert player.state in (State.PLAYING, State.BUFFERING)
    assert [w["code"] for w in events.of("warning")] == ["segment_truncated"]


def test_pause_before_the_first_picture_starts_paused(media_server, make_player, run_until):
    player = make_player()
    player.open(media_server.url())
    player.pause()
    assert run_until(player, lambda: player.state is State.PAUSED)
    assert player.frames_drawn >= 1
    player.play()
    assert run_until(player, lambda: player.position_s >= 1.0, 5)


def test_sidecar_subtitles_are_a_track_off_until_asked_for(
    media_server, make_player, run_until, events
) -> None:
    player = make_player()
    player.subscribe(events)
    player.open(media_server.url(), subtitles=[media_server.url("/subs.vtt")])
    assert run_until(player, lambda: player.subtitle_tracks and player.state is State.PLAYING)
    assert events.of("subtitles")[-1]["tracks"] == player.subtitle_tracks
    assert not player.subtitles_on
    player.set_subtitles(True)
    assert player.subtitles_on
    player.set_subtitles(False)
    assert not player.subtitles_on


@pytest.mark.parametrize("target", [5.3, 11.3])
def test_a_jump_lands_where_asked_and_the_position_never_shows_the_segment_before(
    target, media_server, make_player, run_until
) -> None:
    player = make_player()
    player.open(media_server.url())
    assert run_until(player, lambda: player.state is State.PLAYING and player.position_s > 0.5)
    player.seek(target)
    asked = time.monotonic()
    seen: list[tuple[float, float]] = []  # (seconds since the jump, position)

    def three_seconds_on() -> bool:
        seen.append((time.monotonic() - asked, player.position_s))
        return seen[-1][0] > 3.0

    assert run_until(player, three_seconds_on, 6)
    for since, position in seen:  # at the target, then moving on from it, never before it
        assert target - 0.3 <= position <= target + since + 0.5, (since, position, seen)
    assert seen[-1][1] >= target + 1.5  # and it plays on from there
    positions = [position for _, position in seen]  # forward only (libVLC jitters by ms)
    assert all(b >= a - 0.05 for a, b in itertools.pairwise(positions))

"""One contract, every `Player`: the null player on a fake clock, libVLC on a real ladder.

Each implementation comes with a harness: ``wait(predicate, limit)`` pumps the player until
the predicate holds (the null player's clock jumps; libVLC's runs), ``url`` plays the 16 s
ladder, ``missing_url`` is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tv_client.player import ErrorCode, NullPlayer, Player, State


@dataclass
class Harness:
    player: Player
    url: str
    missing_url: str
    duration: float
    wait: Callable[..., bool]
    sleep: Callable[[float], None]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _null_harness() -> Harness:
    clock = FakeClock()
    player = NullPlayer(clock=clock, duration_s=16.0, failures={"missing": ErrorCode.NOT_FOUND})

    def wait(predicate, limit: float = 10.0) -> bool:
        for _ in range(int(limit / 0.05)):
            player.pump()
            if predicate():
                return True
            clock.now += 0.05
        return predicate()

    def sleep(seconds: float) -> None:
        clock.now += seconds
        player.pump()

    return Harness(player, "http://tv/lesson.m3u8", "http://tv/missing.m3u8", 16.0, wait, sleep)


@pytest.fixture(params=["null", pytest.param("vlc", marks=[pytest.mark.vlc, pytest.mark.media])])
def harness(request) -> Harness:
    if request.param == "null":
        return _null_harness()
    server = request.getfixturevalue("media_server")
    player = request.getfixturevalue("make_player")()
    run_until = request.getfixturevalue("run_until")

    def sleep(seconds: float) -> None:
        run_until(player, lambda: False, seconds)

    return Harness(
        player,
        server.url(),
        server.url("/missing/master.m3u8"),
        16.0,
        lambda predicate, limit=10.0: run_until(player, predicate, limit),
        sleep,
    )


def test_open_reaches_playing_and_time_and_frames_advance(harness, events) -> None:
    player = harness.player
    player.subscribe(events)
    player.open(harness.url)
    assert player.state is State.OPENING
    assert harness.wait(lambda: player.state is State.PLAYING)
    start, frames = player.position_s, player.frames_drawn
    assert harness.wait(lambda: player.position_s >= start + 1.0, 5)
    assert player.frames_drawn > frames
    assert player.duration_s == pytest.approx(harness.duration, abs=0.5)
    assert events.states()[:2] == ["opening", "playing"]
    assert events.of("position") and events.of("rendition")
    assert player.rendition is not None and player.rendition.height


def test_pause_holds_the_position_and_play_resumes(harness) -> None:
    player = harness.player
    player.open(harness.url)
    assert harness.wait(lambda: player.state is State.PLAYING and player.position_s > 0.5)
    player.pause()
    assert player.state is State.PAUSED
    harness.sleep(0.3)
    held = player.position_s
    harness.sleep(1.0)
    assert player.position_s == pytest.approx(held, abs=0.05)
    assert player.state is State.PAUSED
    player.toggle()
    assert player.state is State.PLAYING
    assert harness.wait(lambda: player.position_s >= held + 1.0, 5)


def test_seek_lands_within_a_segment_of_the_target(harness) -> None:
    player = harness.player
    player.open(harness.url)
    assert harness.wait(lambda: player.state is State.PLAYING)
    target = 0.6 * harness.duration
    player.seek(target)
    frames = player.frames_drawn
    assert harness.wait(lambda: player.frames_drawn >= frames + 10, 8)
    harness.sleep(0.5)
    assert target - 2.0 <= player.position_s <= target + 3.0
    assert player.state in (State.PLAYING, State.BUFFERING)


def test_a_missing_lesson_is_not_found(harness, events) -> None:
    player = harness.player
    player.subscribe(events)
    player.open(harness.missing_url)
    assert harness.wait(lambda: player.state is State.ERROR, 8)
    assert player.error is ErrorCode.NOT_FOUND
    assert events.of("error")[-1]["code"] is ErrorCode.NOT_FOUND
    assert player.rendition is None


def test_the_end_of_the_stream_is_ended_and_play_starts_again(harness) -> None:
    player = harness.player
    player.open(harness.url, start_s=harness.duration - 3.0)
    assert harness.wait(lambda: player.state is State.ENDED, 12)
    assert player.error is None
    player.play()
    assert harness.wait(lambda: player.state is State.PLAYING, 8)
    assert player.position_s < harness.duration - 3.0


def test_stop_goes_idle_and_open_again_plays(harness) -> None:
    player = harness.player
    player.open(harness.url)
    assert harness.wait(lambda: player.state is State.PLAYING)
    player.stop()
    assert player.state is State.IDLE
    player.open(harness.url, start_s=4.0)
    assert harness.wait(lambda: player.state is State.PLAYING)
    assert player.position_s >= 3.0


def test_a_broken_listener_does_not_stop_the_others(harness, events) -> None:
    player = harness.player
    player.subscribe(lambda kind, **data: 1 / 0)
    player.subscribe(events)
    player.open(harness.url)
    assert harness.wait(lambda: player.state is State.PLAYING)
    assert "state" in events.kinds()


def test_unsubscribe_stops_the_events(harness, events) -> None:
    player = harness.player
    unsubscribe = player.subscribe(events)
    unsubscribe()
    player.open(harness.url)
    assert harness.wait(lambda: player.state is State.PLAYING)
    assert events.seen == []

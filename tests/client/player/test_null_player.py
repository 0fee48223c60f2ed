"""What only the null player does: simulated time, rate, injected failures, subtitles."""

from __future__ import annotations

import pytest

from tv_client.player import ErrorCode, NullPlayer, State


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _playing(clock: Clock, **kwargs) -> NullPlayer:
    player = NullPlayer(clock=clock, start_delay_s=0.5, **kwargs)
    player.open("http://tv/a.m3u8")
    clock.now += 0.5
    player.pump()
    assert player.state is State.PLAYING
    return player


def test_opening_lasts_the_start_delay(clock) -> None:
    player = NullPlayer(clock=clock, start_delay_s=0.5)
    player.open("http://tv/a.m3u8", start_s=30.0)
    clock.now += 0.4
    player.pump()
    assert player.state is State.OPENING and player.duration_s is None
    clock.now += 0.1
    player.pump()
    assert player.state is State.PLAYING and player.position_s == 30.0


def test_time_follows_the_clock_times_the_rate(clock) -> None:
    player = _playing(clock)
    clock.now += 10
    assert player.position_s == pytest.approx(10.0)
    assert player.frames_drawn == 250
    player.set_rate(1.5)
    clock.now += 10
    assert player.position_s == pytest.approx(25.0)


def test_the_end_is_ended_at_the_duration(clock) -> None:
    player = _playing(clock, duration_s=60.0)
    clock.now += 61
    player.pump()
    assert player.state is State.ENDED and player.position_s == 60.0


def test_a_failure_can_be_injected_while_playing_and_retried(clock) -> None:
    player = _playing(clock)
    clock.now += 5
    player.fail(ErrorCode.UNREACHABLE)
    assert player.state is State.ERROR and player.error is ErrorCode.UNREACHABLE
    player.retry()
    assert player.state is State.OPENING
    clock.now += 0.5
    player.pump()
    assert player.state is State.PLAYING and player.position_s == pytest.approx(5.0)


def test_failures_by_url(clock) -> None:
    player = NullPlayer(clock=clock, failures={"slow": ErrorCode.NEVER_STARTED})
    player.open("http://tv/slow/master.m3u8")
    player.pump()
    assert player.error is ErrorCode.NEVER_STARTED


def test_subtitles_switch_only_when_there_are_tracks(clock) -> None:
    player = _playing(clock)
    player.set_subtitles(True)
    assert player.subtitles_on and player.subtitle_tracks == ["中文"]
    bare = _playing(clock, subtitles=())
    bare.set_subtitles(True)
    assert not bare.subtitles_on


def test_pause_before_the_end_then_seek_past_it(clock) -> None:
    player = _playing(clock, duration_s=20.0)
    player.pause()
    player.seek(50.0)
    assert player.position_s == 20.0 and player.state is State.PAUSED

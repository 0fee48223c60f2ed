"""The reporter: what the player's calls write to the outbox and the local progress, and when."""

from __future__ import annotations

import re

import pytest

from tv_client.progress import CourseSummary, ProgressStore, ResumePoint, State
from tv_client.sync.outbox import Outbox
from tv_client.sync.reporter import ProgressReporter

POEMS = CourseSummary(id=3, title={"zh": "古诗三首"}, lesson_ids=(11, 12, 13))
LESSON_S = 1800.0


@pytest.fixture
def notified() -> list[int]:
    return []


@pytest.fixture
def reporter(outbox, store, clock, notified) -> ProgressReporter:
    return ProgressReporter(outbox, store, clock=clock, on_event=lambda: notified.append(1))


def events(outbox: Outbox) -> list[dict]:
    return outbox.batch(limit=1000)


def summary(outbox: Outbox) -> list[tuple]:
    """(kind, position, played) of every event, in order."""
    return [(e["kind"], e["position_s"], e["played"]) for e in events(outbox)]


def play(reporter, clock, start: float, seconds: int, rate: float = 1.0) -> float:
    """Tick once a second for ``seconds`` from ``start``; the position reached."""
    position = start
    for _ in range(seconds):
        clock.advance(1)
        position += rate
        reporter.tick(position)
    return position


def test_ticks_write_an_event_every_10_seconds_of_play(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 100.0)
    play(reporter, clock, 100.0, 35)
    assert summary(outbox) == [
        ("tick", 110.0, [[100.0, 110.0]]),
        ("tick", 120.0, [[110.0, 120.0]]),
        ("tick", 130.0, [[120.0, 130.0]]),
    ]


def test_an_event_has_the_contract_shape(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    clock.advance(2)
    reporter.paused(2.0)
    (event,) = events(outbox)
    assert set(event) == {
        "id", "profile", "lesson_id", "position_s", "duration_s", "played", "client_time", "kind"
    }  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{32}", event["id"])
    assert event["profile"] == "p1"
    assert event["lesson_id"] == 12
    assert event["duration_s"] == LESSON_S
    assert event["client_time"] == "2026-01-01T12:00:02.000+08:00"  # RFC 3339, with the offset
    assert event["kind"] == "pause"


@pytest.mark.parametrize(
    ("act", "kind", "position"),
    [
        (lambda r: r.paused(5.0), "pause", 5.0),
        (lambda r: r.seeked(5.0, 900.0), "seek", 900.0),
        (lambda r: r.stopped(5.0), "stop", 5.0),
        (lambda r: r.exited(5.0), "exit", 5.0),
        (lambda r: r.ended(), "end", LESSON_S),
    ],
)
def test_pause_seek_stop_exit_and_end_write_at_once(
    reporter, outbox, store, clock, notified, act, kind, position
):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    clock.advance(5)
    act(reporter)
    assert [(e["kind"], e["position_s"]) for e in events(outbox)] == [(kind, position)]
    assert notified == [1]
    local = store.lesson_marks("p1", 3)[12]
    assert local.state is (State.DONE if kind == "end" else State.STARTED)
    assert local.position_s == (0.0 if kind == "end" else position)


def test_the_local_progress_follows_every_event(reporter, store, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 700.0)
    assert store.resume_point("p1", 3, POEMS.lesson_ids) == ResumePoint(12, 700.0)
    play(reporter, clock, 700.0, 25)
    assert store.resume_point("p1", 3, POEMS.lesson_ids) == ResumePoint(12, 720.0)
    reporter.paused(725.0)
    assert store.resume_point("p1", 3, POEMS.lesson_ids) == ResumePoint(12, 725.0)
    assert [item.course.title for item in store.continue_watching("p1")] == [{"zh": "古诗三首"}]


def test_a_seek_counts_the_play_before_it_and_not_the_jump(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    play(reporter, clock, 0.0, 5)
    reporter.seeked(5.0, 600.0)
    play(reporter, clock, 600.0, 10)
    assert summary(outbox) == [
        ("seek", 600.0, [[0.0, 5.0]]),
        ("tick", 610.0, [[600.0, 610.0]]),
    ]


@pytest.mark.parametrize(
    ("jump_to", "played"),
    [
        (300.0, [[0.0, 4.0]]),  # forward, faster than play: an unreported seek
        (1.0, [[0.0, 4.0]]),  # back: a rewind
        (8.0, [[0.0, 8.0]]),  # 4 s in 2 s: fast playback still counts
    ],
)
def test_only_plausible_play_counts(reporter, outbox, clock, jump_to, played):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    play(reporter, clock, 0.0, 4)
    clock.advance(2)
    reporter.tick(jump_to)
    reporter.paused(jump_to)
    assert summary(outbox) == [("pause", jump_to, played)]


def test_time_spent_paused_is_not_play(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    play(reporter, clock, 0.0, 3)
    reporter.paused(3.0)
    clock.advance(600)
    reporter.tick(200.0)  # the player went on elsewhere without saying so
    play(reporter, clock, 200.0, 10)
    assert summary(outbox) == [
        ("pause", 3.0, [[0.0, 3.0]]),
        ("tick", 200.0, []),
        ("tick", 210.0, [[200.0, 210.0]]),
    ]


def test_resuming_after_a_pause_counts_from_where_it_resumed(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    reporter.paused(0.0)
    clock.advance(600)
    reporter.resumed(0.0)
    play(reporter, clock, 0.0, 11)
    assert summary(outbox) == [
        ("pause", 0.0, []),
        ("tick", 1.0, [[0.0, 1.0]]),  # 10 s and more since the last event: at once
        ("tick", 11.0, [[1.0, 11.0]]),
    ]


def test_nothing_is_written_while_nothing_moves(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 50.0)
    for _ in range(30):  # a player that ticks on while paused, say
        clock.advance(1)
        reporter.tick(50.0)
    assert events(outbox) == []


def test_a_clock_set_back_writes_the_next_tick_at_once(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    play(reporter, clock, 0.0, 3)
    clock.advance(-3600)  # the box learned the time at boot
    reporter.tick(4.0)
    assert [e["kind"] for e in events(outbox)] == ["tick"]


def test_without_a_length_only_the_local_progress_is_written(reporter, outbox, store, clock):
    # The backend refuses an event without a length; what was played waits for one that has it.
    reporter.started("p1", POEMS, 12, 0.0, 0.0)
    play(reporter, clock, 0.0, 4)
    reporter.paused(4.0)
    assert events(outbox) == []
    assert store.lesson_marks("p1", 3)[12].position_s == 4.0
    reporter.resumed(4.0)
    clock.advance(1)
    reporter.tick(5.0, duration_s=LESSON_S)
    reporter.paused(5.0)
    assert summary(outbox) == [("pause", 5.0, [[0.0, 5.0]])]
    assert events(outbox)[0]["duration_s"] == LESSON_S


def test_played_stays_within_the_lesson(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, 30.0, 28.0)
    clock.advance(2)
    reporter.tick(30.4)  # players overshoot
    reporter.ended()
    assert summary(outbox) == [("end", 30.0, [[28.0, 30.0]])]


def test_starting_another_lesson_stops_the_open_one(reporter, outbox, clock):
    reporter.started("p1", POEMS, 11, 600.0, 0.0)
    play(reporter, clock, 0.0, 4)
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    assert [(e["kind"], e["lesson_id"], e["position_s"]) for e in events(outbox)] == [
        ("stop", 11, 4.0)
    ]
    assert reporter.lesson_id == 12


def test_calls_after_stop_or_before_start_write_nothing(reporter, outbox, clock):
    reporter.tick(5.0)
    reporter.paused(5.0)
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    reporter.stopped(3.0)
    clock.advance(20)
    reporter.tick(30.0)
    reporter.exited()
    reporter.ended()
    assert [e["kind"] for e in events(outbox)] == ["stop"]
    assert reporter.lesson_id is None


def test_exit_reports_the_last_known_position(reporter, outbox, clock):
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    play(reporter, clock, 0.0, 7)
    reporter.exited()
    assert summary(outbox) == [("exit", 7.0, [[0.0, 7.0]])]


@pytest.mark.parametrize("watched", [3, 9, 10, 11, 19, 20, 21, 47])
def test_a_power_cut_loses_at_most_10_seconds(tmp_path, clock, watched):
    path = tmp_path / "outbox.db"
    playing = Outbox(path)
    reporter = ProgressReporter(playing, ProgressStore(tmp_path / "p"), clock=clock)
    reporter.started("p1", POEMS, 12, LESSON_S, 0.0)
    reached = play(reporter, clock, 0.0, watched)
    # The power goes: no stop, no exit. What is in the file is what the next boot finds.
    next_boot = Outbox(path)
    saved = max((e["position_s"] for e in next_boot.batch(limit=1000)), default=0.0)
    assert reached - saved <= 10
    next_boot.close()
    playing.close()

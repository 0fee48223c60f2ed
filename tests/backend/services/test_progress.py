"""Progress rules (coverage, resume, completion, merging) and recording under concurrency."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tv_backend.services.progress import (
    Batch,
    LessonState,
    ProgressEvent,
    ProgressService,
    covered_seconds,
    merge_intervals,
    merge_progress,
    merge_states,
    resume_from,
)
from tv_backend.storage.catalog import CourseFilter
from tv_backend.storage.models import ReceivedEvent
from tv_backend.storage.progress import ProgressWrite

T0 = datetime(2025, 9, 1, 11, 0, tzinfo=UTC)
TWO_HOURS = 7200.0


def t(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ev(position: float, played=(), *, at: float = 0, lesson_id: int = 1, **fields):
    values = {
        "id": uuid.uuid4().hex,
        "profile": "guest",
        "lesson_id": lesson_id,
        "position_s": position,
        "duration_s": 600.0,
        "played": tuple(played),
        "client_time": t(at),
        "kind": "tick",
        **fields,
    }
    return ProgressEvent(**values)


def state(position: float = 0.0, played=(), *, at: float = 0, duration: float = 600.0, **kw):
    return LessonState(position, duration, t(at), merge_intervals(played), **kw)


@pytest.mark.parametrize(
    ("intervals", "merged"),
    [
        ([], ()),
        ([(0, 10), (10, 20)], ((0, 20),)),  # two ticks
        ([(10.02, 20), (0, 10)], ((0, 20),)),  # out of order, a jitter gap
        ([(0, 10), (11.5, 20)], ((0, 10), (11.5, 20))),  # a real gap stays
        ([(0, 30), (5, 10), (25, 40)], ((0, 40),)),
        ([(5, 5), (7, 6)], ()),  # empty and backwards pairs play nothing
        ([(0.12345, 1.98765)], ((0.123, 1.988),)),
    ],
)
def test_played_intervals_merge(intervals, merged):
    assert merge_intervals(intervals) == merged


def test_covered_seconds_stay_within_the_lesson():
    assert covered_seconds(((0, 10), (20, 31)), 30) == 20
    assert covered_seconds(((-1, 5),), 30) == 5


def test_a_two_hour_lesson_watched_straight_through_is_one_interval():
    lesson = state(duration=TWO_HOURS)
    for start in range(0, int(TWO_HOURS), 10):
        tick = ev(start + 10, [(start, start + 10.01)], at=start + 10, duration_s=TWO_HOURS)
        lesson = lesson.apply(tick, tick.client_time)
    assert lesson.played == ((0.0, TWO_HOURS + 0.01),)
    assert (lesson.coverage, lesson.completed, lesson.completed_at) == (1.0, True, t(6480))


def test_an_older_event_adds_its_seconds_but_not_its_position():
    lesson = state(300, [(290, 300)], at=300)
    older = lesson.apply(ev(100, [(90, 100)], at=100), t(100))
    assert (older.position_s, older.watched_at, older.covered_s) == (300, t(300), 20)


@pytest.mark.parametrize(
    ("played", "completed"),
    [
        ([(0, 539.9)], False),
        ([(0, 540)], True),  # exactly 90%
        ([(0, 300), (320, 560)], True),  # a skipped stretch is fine if 90% was played
        ([(0, 10), (590, 600)], False),  # scrubbed to the end
    ],
)
def test_completed_at_ninety_percent_played(played, completed):
    lesson = state().apply(ev(600, played, at=1), t(1))
    assert lesson.completed is completed


def test_completed_is_never_undone():
    lesson = state().apply(ev(600, [(0, 600)], at=1), t(1))
    shorter = lesson.apply(ev(3, at=2, duration_s=6000.0), t(2))  # a longer re-cut: 10%
    assert (shorter.completed, shorter.completed_at, shorter.position_s) == (True, t(1), 3)


def test_the_state_survives_its_columns():
    lesson = state(42, [(0, 10), (20, 42)], at=5, completed=True, completed_at=t(3))
    assert LessonState.from_values(lesson.values()) == lesson
    assert lesson.values()["covered_s"] == 32


S = state  # resume_from tables read better short


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ({}, None),
        ({1: S(50, at=1)}, (1, 50)),
        ({1: S(at=1, completed=True)}, (2, 0.0)),
        ({1: S(at=2, completed=True), 2: S(70, at=1)}, (2, 70)),
        ({3: S(at=1, completed=True)}, (1, 0.0)),  # wraps to the start
        ({1: S(at=1, completed=True), 2: S(at=1, completed=True)}, (3, 0.0)),  # tie: later lesson
        ({n: S(at=n, completed=True) for n in (1, 2, 3)}, None),
        ({9: S(50, at=1)}, None),  # not a lesson of this course
    ],
)
def test_resume_follows_the_tvs_rule(states, expected):
    assert resume_from(states, [1, 2, 3]) == expected


def test_merging_two_viewers_keeps_the_latest_position_all_seconds_and_completion():
    box = {1: S(100, [(0, 100)], at=50), 2: S(10, [(0, 10)], at=9)}
    other = {
        1: S(30, [(200, 300)], at=60),
        2: S(600, [(0, 600)], at=5, completed=True, completed_at=t(5)),
        3: S(7, at=1),
    }
    merged = merge_progress(box, other)
    assert set(merged) == {1, 2, 3}
    assert (merged[1].position_s, merged[1].played, merged[1].completed) == (
        30,
        ((0, 100), (200, 300)),
        False,
    )
    assert (merged[2].position_s, merged[2].completed, merged[2].completed_at) == (10, True, t(5))
    assert merged[3] == other[3]


def test_merging_completes_a_lesson_that_only_the_union_played_enough_of():
    merged = merge_states(S(300, [(0, 300)], at=1), S(600, [(300, 560)], at=2))
    assert (merged.completed, merged.completed_at, merged.position_s) == (True, t(2), 600)


@pytest.mark.parametrize(
    ("a", "b", "position"),
    [
        (S(1, at=5), S(2, at=5), 2),  # the same time: the further position
        (S(9, at=5), S(2, at=6), 2),  # a later time wins whatever its position
        (S(3, at=5, duration=600), S(3, at=5, duration=700), 3),
    ],
)
def test_merging_is_the_same_whichever_side_a_state_is_on(a, b, position):
    assert merge_states(a, b) == merge_states(b, a)
    assert merge_states(a, b).position_s == position


def test_merging_again_changes_nothing():
    a, b = S(100, [(0, 100)], at=50), S(30, [(200, 300)], at=60)
    merged = merge_states(a, b)
    assert merge_states(merged, a) == merge_states(merged, b) == merged
    assert merge_states(merged, merged) == merged


def test_the_events_of_one_lesson_give_one_state_in_any_order():
    events = [
        ev(300, [(0, 300)], at=3),
        ev(40, [(300, 545)], at=2, kind="seek"),
        ev(600, [(590, 600)], at=3, kind="end"),  # a tie with the first: the further wins
    ]
    orders = [events, events[::-1], events[1:] + events[:1]]
    states = set()
    for order in orders:
        lesson = state(at=-1)
        for event in order:
            lesson = lesson.apply(event, event.client_time)
        states.add(replace(lesson, completed_at=None))
    (lesson,) = states
    assert (lesson.position_s, lesson.covered_s, lesson.completed) == (600, 555, True)


# Recording against the database (SQLite and PostgreSQL)


@pytest.fixture
def lessons(catalog) -> list[int]:
    """The lesson ids of the first course (three lessons)."""
    (course,) = catalog.catalog.courses(CourseFilter(), cursor=None, limit=1).items
    return [lesson.id for lesson in course.lessons]


@pytest.fixture
def lesson_id(lessons) -> int:
    return lessons[0]


def events_stored(services) -> int:
    with services.sessions() as s:
        return s.scalar(select(func.count()).select_from(ReceivedEvent))


def test_a_client_time_ahead_of_the_server_counts_as_the_arrival(services, lesson_id):
    now = t(1000)
    progress = ProgressService(services.progress.repo, now=lambda: now)
    progress.record(Batch("box-clock-01", (ev(5, at=100_000, lesson_id=lesson_id),)))
    (lesson,) = progress.progress("box-clock-01", "guest").lessons
    assert lesson.updated_at == now


def test_a_batch_from_a_clock_ahead_keeps_its_own_order(services, lesson_id):
    now = t(1000)
    progress = ProgressService(services.progress.repo, now=lambda: now)
    ahead = [
        ev(300, [(290, 300)], at=100_000, lesson_id=lesson_id),
        ev(20, at=100_010, lesson_id=lesson_id, kind="seek"),  # the box's latest: it resumes
        ev(310, [(300, 310)], at=100_005, lesson_id=lesson_id),
    ]
    progress.record(Batch("box-clock-02", tuple(ahead)))
    (lesson,) = progress.progress("box-clock-02", "guest").lessons
    assert (lesson.position_s, lesson.updated_at, lesson.watched_s) == (20, now, 20)
    behind = ev(50, at=999, lesson_id=lesson_id)  # honest, but before the batch was moved back
    progress.record(Batch("box-clock-02", (behind,)))
    assert progress.progress("box-clock-02", "guest").lessons[0].position_s == 20


def test_events_are_stored_once_each(services, lesson_id):
    first, second = ev(5, at=1, lesson_id=lesson_id), ev(6, at=2, lesson_id=lesson_id)
    for _ in range(2):
        result = services.progress.record(Batch("box-stored-1", (first, second, first)))
        assert result.acked == [first.id, second.id]
    assert events_stored(services) == 2


@pytest.fixture
def slow_writes(monkeypatch):
    """Each writer pauses after reading the rows it will change, so a concurrent writer arrives
    while it holds them; counts the progress rows saved."""
    saved: list[tuple] = []
    lock, save = ProgressWrite.lock, ProgressWrite.save

    def slow_lock(self, blanks):
        current = lock(self, blanks)
        threading.Event().wait(0.3)
        return current

    def counted_save(self, key, values):
        saved.append(key)
        save(self, key, values)

    monkeypatch.setattr(ProgressWrite, "lock", slow_lock)
    monkeypatch.setattr(ProgressWrite, "save", counted_save)
    return saved


def run_together(*calls):
    """Run ``calls`` in threads released at once; their results (or exceptions) in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        barrier.wait()
        try:
            results[n] = call()
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_the_same_batch_twice_at_once_is_applied_once(services, lesson_id, slow_writes):
    batch = Batch(
        "box-twice-01",
        (
            ev(10, [(0, 10)], at=10, lesson_id=lesson_id),
            ev(20, [(10, 20)], at=20, lesson_id=lesson_id),
        ),
    )
    results = run_together(*[lambda: services.progress.record(batch)] * 2)
    for result in results:
        assert not isinstance(result, Exception), result
        assert result.acked == [e.id for e in batch.events] and result.rejected == []
    assert len(slow_writes) == 1  # one writer saved the lesson; the other found both ids taken
    assert events_stored(services) == 2
    (lesson,) = services.progress.progress("box-twice-01", "guest").lessons
    assert (lesson.position_s, lesson.coverage) == (20, round(20 / 600, 4))


@pytest.mark.parametrize("started", [False, True], ids=["new-lesson", "started-lesson"])
def test_two_batches_of_one_lesson_at_once_both_count(services, lessons, slow_writes, started):
    device, lesson_id = "box-both-001", lessons[1]
    first = ev(1, [(40, 50)], at=1, lesson_id=lesson_id if started else lessons[0])
    services.progress.record(Batch(device, (first,)))  # the viewer (and maybe the row) exist
    slow_writes.clear()
    early = Batch(device, (ev(10, [(0, 10)], at=10, lesson_id=lesson_id),))
    late = Batch(device, (ev(300, [(290, 300)], at=300, lesson_id=lesson_id),))
    results = run_together(
        lambda: services.progress.record(early), lambda: services.progress.record(late)
    )
    assert not any(isinstance(result, Exception) for result in results), results
    (lesson,) = services.progress.progress(device, "guest", course_id=None).lessons[:1]
    played = 30 if started else 20  # every batch's seconds: no update was lost
    assert (lesson.lesson_id, lesson.position_s, lesson.coverage) == (
        lesson_id,
        300,
        round(played / 600, 4),
    )
    assert len(slow_writes) == 2


def test_a_lesson_withdrawn_from_the_catalog_takes_its_progress_along(
    services, lessons, small_feed
):
    from tv_backend.schemas.catalog_feed import load_feed

    services.progress.record(
        Batch("box-withdrawn", tuple(ev(5, at=n, lesson_id=i) for n, i in enumerate(lessons)))
    )
    small_feed["courses"][0]["lessons"] = small_feed["courses"][0]["lessons"][1:]  # l1 withdrawn
    services.catalog_import.run(load_feed(small_feed))
    watched = services.progress.progress("box-withdrawn", "guest").lessons
    assert sorted(lesson.lesson_id for lesson in watched) == lessons[1:]

"""Progress converges: the same batches, interleaved in any order and replayed, give one state.

Two or three TVs each send their outbox oldest first, in batches, and resend some of them
(an answer lost on the way, or unacked events sent again together with newer ones); the TVs'
batches interleave in two random orders and are recorded by a real `ProgressService` over a
real SQLite database, the server's clock standing still (see "Time" in services.progress: a
clock-ahead box's batch is moved back as of its arrival). The stored rows (but
``completed_at``, documented as the one column that depends on arrival), the lessons list and
"continue watching" must come out identical; replaying everything must change nothing;
completion must never be undone; and recording each TV on its own device and merging the rows
(a household sign-in, `merge_progress`) must give the same lessons as recording them together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from tv_backend.services.progress import (
    KINDS,
    Batch,
    LessonState,
    ProgressEvent,
    ProgressService,
    merge_intervals,
    merge_progress,
    merge_states,
)
from tv_backend.storage.catalog import CourseFilter

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)  # the server's clock, standing still
PROFILE = "kid"
YEAR = 365 * 24 * 3600

ON_SQLITE = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

EXAMPLES = hypothesis.settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is never a flake
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Tv:
    """One TV's batches, in the order its outbox sends them (resends included)."""

    batches: tuple[tuple[ProgressEvent, ...], ...]


@st.composite
def played(draw, duration: float) -> tuple[tuple[float, float], ...]:
    pairs = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.floats(0, duration))
        end = draw(st.floats(start, duration + 1).filter(lambda end, s=start: end > s))
        pairs.append((start, end))
    return tuple(pairs)


@st.composite
def event(draw, lessons: list[int], durations: list[float], ahead_s: int) -> ProgressEvent:
    n = draw(st.integers(0, len(lessons) - 1))
    duration = durations[n]
    # Few distinct times, so ties are common; up to 2 min past the server's clock.
    seconds = draw(st.integers(-40, 8)) * 15 + ahead_s
    return ProgressEvent(
        id=uuid.uuid4().hex,
        profile=PROFILE,
        lesson_id=lessons[n],
        position_s=draw(st.floats(0, duration * 1.05)),  # past the end: resumes at the end
        duration_s=duration,
        played=draw(played(duration)),
        client_time=NOW + timedelta(seconds=seconds),
        kind=draw(st.sampled_from(KINDS)),
    )


@st.composite
def tv(draw, lessons: list[int], durations: list[float]) -> Tv:
    ahead_s = draw(st.sampled_from([0, 0, 0, 90, YEAR]))  # most clocks are right
    events = draw(st.lists(event(lessons, durations, ahead_s), min_size=1, max_size=7))
    cuts = sorted(draw(st.sets(st.integers(1, len(events) - 1), max_size=3))) if events[1:] else []
    chunks = [events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True)]
    batches: list[list[ProgressEvent]] = []
    for chunk in chunks:
        if batches and draw(st.booleans()):  # unacked: sent again with the newer events
            batches.append([*draw(st.sampled_from(batches)), *chunk])
        if draw(st.integers(0, 4)) == 0:  # a duplicate inside the batch
            chunk = [*chunk, draw(st.sampled_from(chunk))]
        batches.append(chunk)
        if draw(st.integers(0, 3)) == 0:  # the answer was lost: the same batch again
            batches.append(chunk)
    return Tv(tuple(tuple(batch) for batch in batches))


@st.composite
def scenario(draw, lessons: list[int]) -> tuple[list[Tv], list[int], list[int]]:
    """The TVs and two interleavings of their batches (each a list of TV numbers)."""
    durations = draw(st.lists(st.sampled_from([95.0, 600.0, 1800.5]), min_size=3, max_size=3))
    tvs = draw(st.lists(tv(lessons, durations), min_size=2, max_size=3))
    turns = [n for n, one in enumerate(tvs) for _ in one.batches]
    return tvs, draw(st.permutations(turns)), draw(st.permutations(turns))


def interleave(tvs: list[Tv], turns: list[int]) -> list[tuple[ProgressEvent, ...]]:
    """The TVs' batches in the order ``turns`` names the TVs (each TV's own order kept)."""
    queues = [list(one.batches) for one in tvs]
    return [queues[n].pop(0) for n in turns]


class Recorder:
    """Records batches for one fresh device and reads back what a viewer would see."""

    def __init__(self, services, device: str | None = None) -> None:
        self.service = ProgressService(services.progress.repo, now=lambda: NOW)
        self.device = device or f"prop-{uuid.uuid4().hex[:12]}"

    def record(self, batches: list[tuple[ProgressEvent, ...]]) -> None:
        for batch in batches:
            self.service.record(Batch(self.device, batch))

    def rows(self) -> dict[int, dict[str, Any]]:
        """The lesson rows by lesson id, without ``completed_at``."""
        viewer_id = self.service.repo.viewer_id(self.device, PROFILE)
        rows = [] if viewer_id is None else self.service.repo.lessons(viewer_id)
        return {row["lesson_id"]: {**row, "completed_at": None} for row in rows}

    def seen(self) -> tuple:
        """The rows, the lessons list and "continue watching", as the API would show them."""
        progress = self.service.progress(self.device, PROFILE)
        resume = [(c.course.id, c.lesson_id, c.position_s) for c in progress.continue_]
        return self.rows(), progress.lessons, resume


@pytest.fixture
def lessons(catalog) -> list[int]:
    """The three lessons of the first course."""
    (course,) = catalog.catalog.courses(CourseFilter(), cursor=None, limit=1).items
    return [lesson.id for lesson in course.lessons]


@pytest.mark.slow
@ON_SQLITE
def test_any_interleaving_of_the_batches_gives_the_same_progress(services, lessons):
    @EXAMPLES
    @given(scenario(lessons))
    def check(case):
        tvs, first, second = case
        one, two = Recorder(services), Recorder(services)
        one.record(interleave(tvs, first))
        two.record(interleave(tvs, second))
        assert one.seen() == two.seen()

    check()


@pytest.mark.slow
@ON_SQLITE
def test_replaying_every_batch_changes_nothing_and_completion_stays(services, lessons):
    @EXAMPLES
    @given(scenario(lessons))
    def check(case):
        tvs, order, _ = case
        recorder, completed = Recorder(services), set()
        for batch in interleave(tvs, order):
            recorder.record([batch])
            now_completed = {n for n, row in recorder.rows().items() if row["completed"]}
            assert completed <= now_completed  # never undone
            completed = now_completed
        before = recorder.seen()
        recorder.record(interleave(tvs, order)[::-1])
        assert recorder.seen() == before

    check()


@pytest.mark.slow
@ON_SQLITE
def test_merging_each_tvs_rows_gives_what_recording_them_together_gives(services, lessons):
    @EXAMPLES
    @given(scenario(lessons), st.randoms(use_true_random=False))
    def check(case, random):
        tvs, order, _ = case
        together = Recorder(services)
        together.record(interleave(tvs, order))
        apart = []
        for one in tvs:
            recorder = Recorder(services)
            recorder.record(list(one.batches))
            apart.append(states(recorder.rows()))
        random.shuffle(apart)
        merged: dict[int, LessonState] = {}
        for progress in apart:
            merged = merge_progress(merged, progress)
        assert without_completed_at(merged) == without_completed_at(states(together.rows()))

    check()


def states(rows: dict[int, dict[str, Any]]) -> dict[int, LessonState]:
    return {lesson_id: LessonState.from_values(row) for lesson_id, row in rows.items()}


def without_completed_at(states: dict[int, LessonState]) -> dict[int, tuple]:
    return {
        n: (s.position_s, s.duration_s, s.watched_at, s.played, s.completed)
        for n, s in states.items()
    }


# The merge itself, without a database: fast, so more examples.

intervals = st.lists(st.tuples(st.floats(0, 50), st.floats(0, 50)), max_size=6)


@hypothesis.settings(max_examples=300, database=None, derandomize=True)
@given(intervals, intervals, st.randoms(use_true_random=False))
def test_merging_merged_intervals_is_merging_everything_once(a, b, random):
    everything = [*a, *b]
    random.shuffle(everything)
    assert merge_intervals([*merge_intervals(a), *b]) == merge_intervals(everything)
    assert merge_intervals(merge_intervals(a)) == merge_intervals(a)


@st.composite
def lesson_state(draw) -> LessonState:
    played = merge_intervals(draw(intervals))
    state = LessonState(
        position_s=draw(st.sampled_from([0.0, 10.0, 45.0])),
        duration_s=50.0,
        watched_at=NOW + timedelta(seconds=draw(st.integers(0, 3))),
        played=played,
    )
    return state.settled()


@hypothesis.settings(max_examples=300, database=None, derandomize=True)
@given(lesson_state(), lesson_state(), lesson_state())
def test_merging_states_is_commutative_associative_and_idempotent(a, b, c):
    def seen(state: LessonState) -> tuple:
        return (state.position_s, state.watched_at, state.played, state.completed)

    assert merge_states(a, b) == merge_states(b, a)
    assert seen(merge_states(merge_states(a, b), c)) == seen(merge_states(a, merge_states(b, c)))
    assert merge_states(a, a) == a
    assert merge_states(merge_states(a, b), b) == merge_states(a, b)

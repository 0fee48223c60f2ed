"""Viewing progress: what each viewer played of each lesson, where to resume, what to continue.

The TV writes progress events to an outbox on the box (SQLite) and sends them in batches
(``POST /api/v1/progress``, docs/progress-api.md); it deletes an event once it is acked or
rejected. `ProgressService.record` applies each event once: an event id the device sent before
is acked and changes nothing.

Per viewer and lesson it keeps a `LessonState`, and every field has a merge rule that is
commutative, associative and idempotent, so the state is a function of the *set* of events
received: two TVs that were offline converge to the same state whatever order (and however
many times) their batches arrive. `merge_states` is that merge; applying an event is merging
the state the event alone describes (`LessonState.of`).

- **Resume position**: the position of the event with the greatest ``(time, position,
  duration)``: the latest time wins, and an exact tie (the same millisecond, in practice never
  two boxes, at most one box's own two events) goes to the further position, whichever
  arrived first. Not the event id: the row does not keep it, ids are only unique per device,
  and a random id says no more about which came last than the position does; ordering by the
  values alone lets two viewers' rows merge (sign-in) by the same rule without their events.
  No minimum length: a 2-minute clip resumes like a 2-hour lecture.
- **Time**: an event's time is its client time, unless the box's clock runs ahead of the
  server's: a batch whose latest client time is later than the server's clock on arrival is
  moved back *as a whole* by that much. An event cannot have happened after it arrived, and a
  box a year ahead would otherwise pin its position for a year; moving the batch (rather than
  clamping each event to the arrival) keeps the order of the box's own events, where clamping
  would tie them all. The time is fixed when the event is first received (a replay changes
  nothing), so the merge stays a function of the events received.
- **Coverage**: the seconds actually played, kept as merged ``[start, end]`` intervals: their
  union, ends rounded to the millisecond before merging (so merging merged lists is merging
  everything at once). A lesson watched straight through is one pair and a few seeks make a
  few, so even a 2-hour lesson's list is tiny, the union is a sort and a sweep, and coverage is
  exact to the millisecond; a bitmap per second would cost 900 bytes for every 2-hour lesson
  whatever was played and round every seek to the second. Gaps up to `MERGE_GAP_S` are closed
  (they are the jitter between two reports, not skipped content), which also bounds the list
  at one pair per second of lesson whatever a client sends.
- **Watched seconds** (``covered_s``): the seconds of ``[0, duration]`` inside the coverage,
  so two TVs playing the same minute, or a replayed stretch, count it once.
- **Completed**: once the watched seconds reach `COMPLETE_AT` of the duration (the duration of
  the resume position's event); never undone, so a merge is completed if either side was.
  Scrubbing to the end plays nothing in between, so it completes nothing. While a lesson's
  events report one duration (one media file) this is exact whatever the order; if the
  duration changes (a re-cut), a completion reached under the old one is kept, and whether the
  old one was ever judged with enough seconds can depend on what had arrived by then.
- ``completed_at``: the latest event time known when the lesson was first seen completed
  (the earliest such, when merging). It is never before the moment 90% was reached, but a
  late batch can make it later than that moment, so it alone depends on the order of arrival:
  the exact moment would need each second's play time, which the intervals do not keep. The
  API does not show it.

`ProgressService.progress` lists a viewer's lessons and "continue watching": per course the
resume rule of the TV (``tv_client.progress.resume_from``) with "done" meaning completed, the
most recently watched course first. `merge_progress` folds two viewers' progress into one, for
when a box signs in to a household (migration 0002 describes it).

Errors: ``BatchRejected`` (a `ServiceError`, 422 ``batch_rejected``): the body is not a batch
at all. Single bad events are not errors: they come back in ``BatchResult.rejected``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any

from tv_backend.services.errors import ServiceError
from tv_backend.storage.models import Course
from tv_backend.storage.progress import Key, ProgressRepository, ProgressWrite

COMPLETE_AT = 0.9  # of the duration, covered
MERGE_GAP_S = 1.0
CONTINUE_LIMIT = 12
KINDS = ("tick", "pause", "seek", "stop", "exit", "end")

Interval = tuple[float, float]


class BatchRejected(ServiceError):
    status = 422
    code = "batch_rejected"


@dataclass(frozen=True)
class ProgressEvent:
    """One event from a TV's outbox (``schemas.progress`` builds it)."""

    id: str
    profile: str
    lesson_id: int
    position_s: float
    duration_s: float
    played: tuple[Interval, ...]
    client_time: datetime
    kind: str


@dataclass(frozen=True)
class Rejected:
    """An event refused on its own; the TV drops it from its outbox and logs it."""

    id: str | None
    code: str  # "invalid_event" or "unknown_lesson"
    message: str
    errors: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    device: str
    events: tuple[ProgressEvent, ...]
    rejected: tuple[Rejected, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    acked: list[str]
    rejected: list[Rejected]


def merge_intervals(
    intervals: Iterable[Sequence[float]], gap: float = MERGE_GAP_S
) -> tuple[Interval, ...]:
    """The union of ``intervals`` as sorted, disjoint pairs; gaps up to ``gap`` are closed.

    Ends are rounded to the millisecond first, so the answer only ever holds input ends and
    merging merged lists gives what merging everything at once gives.
    """
    pairs = sorted((round(float(s), 3), round(float(e), 3)) for s, e in intervals)
    merged: list[list[float]] = []
    for start, end in (pair for pair in pairs if pair[1] > pair[0]):
        if merged and start <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def covered_seconds(intervals: Iterable[Interval], duration_s: float) -> float:
    """Seconds of ``[0, duration_s]`` inside the (disjoint) ``intervals``."""
    return sum(max(0.0, min(end, duration_s) - max(start, 0.0)) for start, end in intervals)


@dataclass(frozen=True)
class LessonState:
    """One viewer's progress in one lesson (the columns of ``lesson_progress``)."""

    position_s: float
    duration_s: float
    watched_at: datetime  # the time of the event the position is from
    played: tuple[Interval, ...] = ()
    completed: bool = False
    completed_at: datetime | None = None

    @classmethod
    def of(cls, event: ProgressEvent, at: datetime) -> LessonState:
        """What ``event`` alone says, ``at`` being its time (see the module docstring)."""
        position = min(event.position_s, event.duration_s)
        played = merge_intervals(event.played)
        return cls(position, event.duration_s, at, played).settled()

    @property
    def resume_key(self) -> tuple[datetime, float, float]:
        """The order of resume positions: the latest, then the further (then the longer)."""
        return (self.watched_at, self.position_s, self.duration_s)

    @property
    def covered_s(self) -> float:
        """The watched seconds: those of the lesson inside the played intervals."""
        return covered_seconds(self.played, self.duration_s)

    @property
    def coverage(self) -> float:
        """The fraction of the lesson played, 0 to 1."""
        return min(1.0, self.covered_s / self.duration_s) if self.duration_s > 0 else 0.0

    def apply(self, event: ProgressEvent, at: datetime) -> LessonState:
        """This state and ``event``, whose time is ``at``, merged (in whatever order)."""
        return merge_states(self, LessonState.of(event, at))

    def settled(self) -> LessonState:
        """Completed (as of the latest time) if the watched seconds now reach `COMPLETE_AT`."""
        if self.completed or self.covered_s < COMPLETE_AT * self.duration_s:
            return self
        return replace(self, completed=True, completed_at=self.watched_at)

    def values(self) -> dict[str, Any]:
        """The state as ``lesson_progress`` column values."""
        return {
            "position_s": self.position_s,
            "duration_s": self.duration_s,
            "watched_at": self.watched_at,
            "played": [list(pair) for pair in self.played],
            "covered_s": round(self.covered_s, 3),
            "completed": self.completed,
            "completed_at": self.completed_at,
        }

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> LessonState:
        return cls(
            position_s=values["position_s"],
            duration_s=values["duration_s"],
            watched_at=values["watched_at"],
            played=tuple((start, end) for start, end in values["played"]),
            completed=bool(values["completed"]),
            completed_at=values["completed_at"],
        )


def merge_states(a: LessonState, b: LessonState) -> LessonState:
    """One lesson's progress from two sources, the same whichever is ``a``: the position of the
    greatest `LessonState.resume_key`, the union of the played seconds, completed if either
    was (or the union is), at the earlier ``completed_at``."""
    latest = b if b.resume_key > a.resume_key else a
    completed_at = [t for t in (a.completed_at, b.completed_at) if t is not None]
    merged = replace(
        latest,
        played=merge_intervals([*a.played, *b.played]),
        completed=a.completed or b.completed,
        completed_at=min(completed_at, default=None),
    )
    return merged.settled()


def merge_progress(
    into: Mapping[int, LessonState], other: Mapping[int, LessonState]
) -> dict[int, LessonState]:
    """Two viewers' progress by lesson id as one: what a household sign-in does to its rows."""
    merged = dict(into)
    for lesson_id, state in other.items():
        mine = merged.get(lesson_id)
        merged[lesson_id] = state if mine is None else merge_states(mine, state)
    return merged


def resume_from(
    states: Mapping[int, LessonState], lesson_ids: Sequence[int]
) -> tuple[int, float] | None:
    """Where "continue" starts in a course: the TV's rule, done meaning completed.

    The most recently watched lesson if not completed, at its position; else the first lesson
    after it that is not completed (at its position), wrapping to the start; None when nothing
    was watched or every lesson is completed.
    """
    watched = [lesson_id for lesson_id in lesson_ids if lesson_id in states]
    if not watched:
        return None
    order = {lesson_id: n for n, lesson_id in enumerate(lesson_ids)}
    latest = max(watched, key=lambda i: (states[i].watched_at, order[i]))
    if not states[latest].completed:
        return latest, states[latest].position_s
    after = order[latest] + 1
    for lesson_id in [*lesson_ids[after:], *lesson_ids[:after]]:
        state = states.get(lesson_id)
        if state is None or not state.completed:
            return lesson_id, state.position_s if state else 0.0
    return None


@dataclass(frozen=True)
class WatchedLesson:
    lesson_id: int
    course_id: int
    position_s: float
    duration_s: float
    coverage: float
    watched_s: float
    completed: bool
    updated_at: datetime


@dataclass(frozen=True)
class ContinueItem:
    course: Course
    lesson_id: int
    position_s: float


@dataclass(frozen=True)
class Progress:
    """A viewer's lessons (most recently watched first) and "continue watching"."""

    lessons: list[WatchedLesson]
    continue_: list[ContinueItem]


class ProgressService:
    """Records batches of progress events and answers a viewer's progress; ``now`` is the
    server's clock."""

    def __init__(
        self, repo: ProgressRepository, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.repo = repo
        self._now = now

    def record(self, batch: Batch) -> BatchResult:
        """Apply the batch's new events in one transaction; ack every valid one."""
        known = self.repo.lesson_courses({e.lesson_id for e in batch.events})
        unknown = [_unknown_lesson(e) for e in batch.events if e.lesson_id not in known]
        events = _first_of_each_id(e for e in batch.events if e.lesson_id in known)
        if events:
            self._apply(batch.device, events)
        return BatchResult([e.id for e in events], [*batch.rejected, *unknown])

    def _apply(self, device: str, events: list[ProgressEvent]) -> None:
        now = self._now().astimezone(UTC)
        ahead = clock_ahead(events, now)
        with self.repo.write() as write:
            viewers = write.viewer_ids(device, {e.profile for e in events}, {"created_at": now})
            rows = [_event_row(e, viewers[e.profile], now) for e in events]
            fresh = write.claim(device, rows)
            by_key: dict[Key, list[LessonState]] = {}
            for event in (e for e in events if e.id in fresh):
                at = event.client_time.astimezone(UTC) - ahead
                key = (viewers[event.profile], event.lesson_id)
                by_key.setdefault(key, []).append(LessonState.of(event, at))
            if by_key:
                _update_lessons(write, by_key)

    def progress(self, device: str, profile: str, course_id: int | None = None) -> Progress:
        """A viewer's progress, all of it or one course's; empty for a viewer never seen."""
        viewer_id = self.repo.viewer_id(device, profile)
        rows = [] if viewer_id is None else self.repo.lessons(viewer_id, course_id)
        lessons = sorted(
            map(_watched, rows), key=lambda w: (w.updated_at, w.lesson_id), reverse=True
        )
        return Progress(lessons, self._continue(rows))

    def _continue(self, rows: list[dict[str, Any]]) -> list[ContinueItem]:
        by_course: dict[int, dict[int, LessonState]] = {}
        for row in rows:
            state = LessonState.from_values(row)
            by_course.setdefault(row["course_id"], {})[row["lesson_id"]] = state
        order = self.repo.lesson_order(list(by_course))
        found = []
        for course_id, states in by_course.items():
            resume = resume_from(states, order[course_id])
            if resume is not None:
                latest = max(state.watched_at for state in states.values())
                found.append((latest, course_id, resume))
        found.sort(key=lambda item: item[:2], reverse=True)
        found = found[:CONTINUE_LIMIT]
        courses = self.repo.courses([course_id for _, course_id, _ in found])
        return [ContinueItem(courses[c], *resume) for _, c, resume in found if c in courses]


def clock_ahead(events: Iterable[ProgressEvent], now: datetime) -> timedelta:
    """How far the box's clock is at least ahead of ``now``: how far its batch's latest client
    time is (zero for a clock that is not ahead)."""
    latest = max(event.client_time for event in events)
    return max(latest - now, timedelta(0))


def _update_lessons(write: ProgressWrite, by_key: Mapping[Key, list[LessonState]]) -> None:
    # A lesson seen for the first time starts as its events merged; merging them into that row
    # again changes nothing, so a new row and an existing one take the same path.
    news = {key: reduce(merge_states, states) for key, states in by_key.items()}
    current = write.lock({key: state.values() for key, state in news.items()})
    for key, new in news.items():
        write.save(key, merge_states(LessonState.from_values(current[key]), new).values())


def _first_of_each_id(events: Iterable[ProgressEvent]) -> list[ProgressEvent]:
    """The events in order, without repeats of an id (a repeat is a replay: acked, ignored)."""
    seen: dict[str, ProgressEvent] = {}
    for event in events:
        seen.setdefault(event.id, event)
    return list(seen.values())


def _event_row(event: ProgressEvent, viewer_id: int, now: datetime) -> dict[str, Any]:
    played = covered_seconds(merge_intervals(event.played, gap=0.0), event.duration_s)
    return {
        "event_id": event.id,
        "viewer_id": viewer_id,
        "lesson_id": event.lesson_id,
        "kind": event.kind,
        "client_time": event.client_time,
        "received_at": now,
        "position_s": event.position_s,
        "played_s": round(played, 3),
    }


def _unknown_lesson(event: ProgressEvent) -> Rejected:
    return Rejected(
        event.id,
        "unknown_lesson",
        f"There is no lesson {event.lesson_id}; the event was dropped.",
        {"lesson_id": [f"No lesson {event.lesson_id} in the catalog."]},
    )


def _watched(row: Mapping[str, Any]) -> WatchedLesson:
    state = LessonState.from_values(row)
    return WatchedLesson(
        lesson_id=row["lesson_id"],
        course_id=row["course_id"],
        position_s=state.position_s,
        duration_s=state.duration_s,
        coverage=round(state.coverage, 4),
        watched_s=round(state.covered_s, 3),
        completed=state.completed,
        updated_at=state.watched_at,
    )

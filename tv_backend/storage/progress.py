"""SQL repository of viewing progress: viewers, per-lesson progress rows and applied events.

Rows go in and out as plain column dicts (``lesson_progress`` columns); the rules that make
them live in ``services.progress``. The keys, and how a later sign-in moves viewers onto
household profiles without loss, are described in migration 0002.

Writes happen in one ``ProgressWrite`` transaction that is safe to run twice at once:

1. ``viewer_ids`` inserts the viewers it lacks (``ON CONFLICT DO NOTHING``), then reads them;
2. ``claim`` inserts the events (``ON CONFLICT DO NOTHING ... RETURNING``) and answers only the
   ids that are new: a concurrent copy of the same batch waits on PostgreSQL's unique index
   (or SQLite's single writer) until the first commits, then finds every id taken;
3. ``lock`` inserts blank rows for lessons seen for the first time, then reads every row it
   will change ``FOR UPDATE``, in key order, so two writers of one lesson take turns.

On SQLite the first statement that writes (step 1) takes the database's one write lock, so
every read after it sees the latest commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload, sessionmaker

from tv_backend.storage.models import Course, Lesson, LessonProgress, ReceivedEvent, Viewer

Key = tuple[int, int]  # (viewer_id, lesson_id)
STATE_COLUMNS = (
    "position_s",
    "duration_s",
    "watched_at",
    "played",
    "covered_s",
    "completed",
    "completed_at",
)
_STATE = tuple(getattr(LessonProgress, column) for column in STATE_COLUMNS)
_COURSE_LOADS = (
    selectinload(Course.stage),
    selectinload(Course.grade),
    selectinload(Course.subject),
    selectinload(Course.series),
    selectinload(Course.lessons),
)


class ProgressRepository:
    """Reads progress; ``write()`` opens the one transaction that records a batch."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def lesson_courses(self, lesson_ids: Collection[int]) -> dict[int, int]:
        """Course id by lesson id, for the ``lesson_ids`` the catalog has."""
        if not lesson_ids:
            return {}
        with self._sessions() as s:
            query = select(Lesson.id, Lesson.course_id).where(Lesson.id.in_(lesson_ids))
            return dict(s.execute(query).all())

    def viewer_id(self, device: str, profile: str) -> int | None:
        with self._sessions() as s:
            return s.scalar(
                select(Viewer.id).where(Viewer.device == device, Viewer.local_profile == profile)
            )

    def lessons(self, viewer_id: int, course_id: int | None = None) -> list[dict[str, Any]]:
        """The viewer's progress rows (state columns plus ``lesson_id`` and ``course_id``)."""
        query = (
            select(*_STATE, LessonProgress.lesson_id, Lesson.course_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.viewer_id == viewer_id)
        )
        if course_id is not None:
            query = query.where(Lesson.course_id == course_id)
        with self._sessions() as s:
            return [dict(row) for row in s.execute(query).mappings()]

    def lesson_order(self, course_ids: Collection[int]) -> dict[int, list[int]]:
        """Each course's lesson ids in the course's order."""
        order: dict[int, list[int]] = {course_id: [] for course_id in course_ids}
        if not course_ids:
            return order
        query = (
            select(Lesson.course_id, Lesson.id)
            .where(Lesson.course_id.in_(course_ids))
            .order_by(Lesson.course_id, Lesson.position, Lesson.id)
        )
        with self._sessions() as s:
            for course_id, lesson_id in s.execute(query):
                order[course_id].append(lesson_id)
        return order

    def courses(self, course_ids: Collection[int]) -> dict[int, Course]:
        """Courses by id, loaded for the catalog's summary shape."""
        if not course_ids:
            return {}
        query = select(Course).options(*_COURSE_LOADS).where(Course.id.in_(course_ids))
        with self._sessions() as s:
            return {course.id: course for course in s.scalars(query)}

    def write(self) -> ProgressWrite:
        """A unit of work recording one batch (used as a context manager)."""
        return ProgressWrite(self._sessions())


class ProgressWrite:
    """One transaction: viewers, claimed events and progress rows commit together or not."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> ProgressWrite:
        self.session.begin()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def viewer_ids(self, device: str, profiles: Iterable[str], values: Mapping) -> dict[str, int]:
        """Viewer id by local profile on ``device``, adding missing viewers with ``values``."""
        wanted = sorted(set(profiles))
        rows = [{"device": device, "local_profile": p, **values} for p in wanted]
        self.session.execute(self._insert(Viewer).values(rows).on_conflict_do_nothing())
        query = select(Viewer.local_profile, Viewer.id).where(
            Viewer.device == device, Viewer.local_profile.in_(wanted)
        )
        return dict(self.session.execute(query).all())

    def claim(self, device: str, events: Iterable[Mapping[str, Any]]) -> set[str]:
        """Record ``events`` (``progress_events`` columns but the device); the new ids."""
        rows = sorted(({**e, "device": device} for e in events), key=lambda e: e["event_id"])
        if not rows:
            return set()
        statement = (
            self._insert(ReceivedEvent)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(ReceivedEvent.event_id)
        )
        return set(self.session.scalars(statement))

    def lock(self, blanks: Mapping[Key, Mapping[str, Any]]) -> dict[Key, dict[str, Any]]:
        """The state of each key's row, locked; a missing row is created from ``blanks``."""
        keys = sorted(blanks)
        rows = [{"viewer_id": v, "lesson_id": n, **blanks[v, n]} for v, n in keys]
        self.session.execute(self._insert(LessonProgress).values(rows).on_conflict_do_nothing())
        key = (LessonProgress.viewer_id, LessonProgress.lesson_id)
        query = select(*key, *_STATE).where(tuple_(*key).in_(keys)).order_by(*key).with_for_update()
        current = {}
        for row in self.session.execute(query).mappings():
            state = dict(row)
            current[state.pop("viewer_id"), state.pop("lesson_id")] = state
        return current

    def save(self, key: Key, state: Mapping[str, Any]) -> None:
        viewer_id, lesson_id = key
        self.session.execute(
            update(LessonProgress)
            .where(LessonProgress.viewer_id == viewer_id, LessonProgress.lesson_id == lesson_id)
            .values(**{column: state[column] for column in STATE_COLUMNS})
        )

    def _insert(self, model) -> Insert:
        """The dialect's INSERT, which knows ``ON CONFLICT`` (PostgreSQL and SQLite alike)."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        return dialect.insert(model)

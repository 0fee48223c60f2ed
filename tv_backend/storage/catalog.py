"""SQL repository of the catalog: taxonomy, courses and lessons, and the catalog version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from tv_backend.storage.db import VersionedWrite
from tv_backend.storage.models import CatalogState, Course, Grade, Lesson, Series, Stage, Subject


@dataclass(frozen=True)
class Taxonomy:
    stages: Sequence[Stage]
    subjects: Sequence[Subject]
    series: Sequence[Series]

    def codes(self) -> dict[str, set[str]]:
        """Known codes per filter name."""
        return {
            "stage": {s.code for s in self.stages},
            "grade": {g.code for s in self.stages for g in s.grades},
            "subject": {s.code for s in self.subjects},
            "series": {s.code for s in self.series},
        }


@dataclass(frozen=True)
class CourseFilter:
    stage: str | None = None
    grade: str | None = None
    subject: str | None = None
    series: str | None = None


_COURSE_LOADS = (
    selectinload(Course.stage),
    selectinload(Course.grade),
    selectinload(Course.subject),
    selectinload(Course.series),
    selectinload(Course.lessons),
)


_VERSION = select(CatalogState.version).where(CatalogState.id == 1)


class CatalogRepository:
    """Reads and writes the catalog; every write bumps the version in the same transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def version(self) -> int:
        # Asked on every request when the cache cannot know it: a bare connection is several
        # times cheaper than an ORM session.
        with self._sessions.kw["bind"].connect() as connection:
            return connection.execute(_VERSION).scalar_one()

    def epoch(self) -> str:
        with self._sessions() as s:
            return s.execute(select(CatalogState.epoch).where(CatalogState.id == 1)).scalar_one()

    def taxonomy(self) -> Taxonomy:
        with self._sessions() as s:
            stages = s.scalars(
                select(Stage).options(selectinload(Stage.grades)).order_by(Stage.position)
            ).all()
            subjects = s.scalars(select(Subject).order_by(Subject.position)).all()
            series = s.scalars(select(Series).order_by(Series.position)).all()
            return Taxonomy(stages, subjects, series)

    def courses(self, where: CourseFilter, *, after: int = 0, limit: int) -> list[Course]:
        """Courses matching ``where`` with ids above ``after``, in id order."""
        query = select(Course).options(*_COURSE_LOADS).where(Course.id > after)
        for column, model, code in (
            (Course.stage_id, Stage, where.stage),
            (Course.grade_id, Grade, where.grade),
            (Course.subject_id, Subject, where.subject),
            (Course.series_id, Series, where.series),
        ):
            if code is not None:
                query = query.where(column.in_(select(model.id).where(model.code == code)))
        with self._sessions() as s:
            return list(s.scalars(query.order_by(Course.id).limit(limit)).all())

    def course(self, course_id: int) -> Course | None:
        with self._sessions() as s:
            return s.scalars(
                select(Course).options(*_COURSE_LOADS).where(Course.id == course_id)
            ).one_or_none()

    def course_ids(self, external_ids: Sequence[str]) -> dict[str, int]:
        with self._sessions() as s:
            rows = s.execute(
                select(Course.external_id, Course.id).where(Course.external_id.in_(external_ids))
            )
            return {external: ident for external, ident in rows}

    def lesson_master(self, lesson_id: int) -> str | None:
        """A lesson's master playlist, relative to the media root (what linear channels play)."""
        with self._sessions() as s:
            return s.scalar(select(Lesson.hls).where(Lesson.id == lesson_id)) or None

    def search(self, text: str, initials: str | None, *, limit: int) -> list[Course]:
        """Courses whose text (or pinyin initials) contain the normalised query."""
        pattern = "%" + _escape_like(text) + "%"
        matches = [Course.search_text.like(pattern, escape="\\")]
        if initials:
            matches.append(Course.search_initials.like("%" + initials + "%"))
        title_first = case((Course.title_zh.like(pattern, escape="\\"), 0), else_=1)
        query = (
            select(Course)
            .options(*_COURSE_LOADS)
            .where(or_(*matches))
            .order_by(title_first, Course.id)
            .limit(limit)
        )
        with self._sessions() as s:
            return list(s.scalars(query).all())

    def latest(self, limit: int) -> list[Course]:
        with self._sessions() as s:
            query = select(Course).options(*_COURSE_LOADS)
            return list(
                s.scalars(
                    query.order_by(Course.updated_at.desc(), Course.id.desc()).limit(limit)
                ).all()
            )

    def write(self) -> CatalogWrite:
        """A unit of work for catalog writes (used as a context manager)."""
        return CatalogWrite(self._sessions())


class CatalogWrite(VersionedWrite):
    """One transaction: upserts plus the catalog version bump, committed together or not at all."""

    state = CatalogState

    def ids_by_code(self, model) -> dict[str, int]:
        return dict(self.session.execute(select(model.code, model.id)).all())

    def upsert_series(self, code: str, values: dict) -> None:
        row = self.session.scalars(select(Series).where(Series.code == code)).one_or_none()
        if row is None:
            position = len(self.ids_by_code(Series)) + 1
            self.session.add(Series(code=code, position=position, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self.session.flush()

    def upsert_course(self, external_id: str, values: dict, lessons: Iterable[dict]) -> bool:
        """Insert or update a course and replace its lessons; True if it was new."""
        course = self.session.scalars(
            select(Course)
            .options(selectinload(Course.lessons))
            .where(Course.external_id == external_id)
        ).one_or_none()
        created = course is None
        if created:
            course = Course(external_id=external_id)
            self.session.add(course)
        for key, value in values.items():
            setattr(course, key, value)
        course.updated_at = datetime.now(UTC)
        _replace_lessons(course, list(lessons))
        self.session.flush()
        return created


def _replace_lessons(course: Course, lessons: list[dict]) -> None:
    """Keep lesson rows (and ids) whose external id stays; drop the rest; add new ones."""
    existing = {lesson.external_id: lesson for lesson in course.lessons}
    kept = []
    for values in lessons:
        lesson = existing.pop(values["external_id"], None) or Lesson()
        for key, value in values.items():
            setattr(lesson, key, value)
        kept.append(lesson)
    course.lessons = kept


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

"""Bulk import of a catalog feed: how city, county and school platforms hand courses over.

The feed is validated whole (structure at the edge by ``schemas.catalog_feed``, references
here) before anything is written; then series and courses are upserted by their codes and
external ids in one transaction that also bumps the catalog version. A rejected feed changes
nothing and reports every rejected record. The format is documented in docs/catalog-feed.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tv_backend.services.errors import FeedRejected
from tv_backend.services.search_index import index_terms
from tv_backend.storage.catalog import CatalogRepository, CatalogWrite, Taxonomy
from tv_backend.storage.models import Grade, Series, Stage, Subject


@dataclass(frozen=True)
class Text:
    zh: str
    en: str = ""


@dataclass(frozen=True)
class FeedSeries:
    code: str
    name: Text
    color: str
    description: Text = Text("")


@dataclass(frozen=True)
class FeedSubtitle:
    lang: str
    url: str


@dataclass(frozen=True)
class FeedLesson:
    external_id: str
    position: int
    title: Text
    duration: float
    hls: str
    subtitles: tuple[FeedSubtitle, ...] = ()


@dataclass(frozen=True)
class FeedCourse:
    external_id: str
    title: Text
    stage: str
    subject: str
    lessons: tuple[FeedLesson, ...]
    description: Text = Text("")
    grade: str | None = None
    series: str | None = None
    textbook_edition: str = ""
    tags: tuple[str, ...] = ()
    poster: str = ""

    @property
    def label(self) -> str:
        return f"course {self.external_id}"


@dataclass(frozen=True)
class Feed:
    """A parsed feed. ``rejected`` holds records whose structure was already refused at the
    edge (label -> errors), so one report can list every bad record."""

    source: str
    courses: tuple[FeedCourse, ...]
    series: tuple[FeedSeries, ...] = ()
    rejected: dict[str, dict] = field(default_factory=dict)


@dataclass
class ImportReport:
    source: str
    created: int = 0
    updated: int = 0
    series: int = 0
    version: int | None = None
    courses: list[str] = field(default_factory=list)


class CatalogImport:
    """Validates a parsed feed against the catalog and applies it atomically."""

    def __init__(self, repo: CatalogRepository, publish: Callable[[int], None]) -> None:
        self._repo = repo
        self._publish = publish

    def course_ids(self, external_ids: list[str]) -> dict[str, int]:
        """Catalog ids of the courses a feed imported, by their external ids (those found)."""
        return self._repo.course_ids(external_ids)

    def run(self, feed: Feed, *, dry_run: bool = False) -> ImportReport:
        problems = self.problems(feed)
        if problems:
            raise FeedRejected(
                f"The feed was rejected: {len(problems)} record(s) have errors. "
                "Nothing was imported.",
                problems,
            )
        report = ImportReport(feed.source)
        if dry_run:
            return report
        with self._repo.write() as unit:
            _apply(unit, feed, report)
        report.version = unit.version
        self._publish(unit.version)
        return report

    def problems(self, feed: Feed) -> dict[str, dict]:
        """Every rejected record, by label, with its errors; empty when the feed is good."""
        taxonomy = self._repo.taxonomy()
        series_codes = {s.code for s in taxonomy.series} | {s.code for s in feed.series}
        problems: dict[str, dict] = dict(feed.rejected)
        duplicates = _duplicates(c.external_id for c in feed.courses)
        for course in feed.courses:
            errors = _course_errors(course, taxonomy, series_codes)
            if course.external_id in duplicates:
                errors["external_id"] = ["Appears more than once in this feed."]
            if errors:
                problems[course.label] = errors
        for code in _duplicates(s.code for s in feed.series):
            problems[f"series {code}"] = {"code": ["Appears more than once in this feed."]}
        return problems


def _duplicates(values) -> set:
    return {value for value, n in Counter(values).items() if n > 1}


def _course_errors(course: FeedCourse, taxonomy: Taxonomy, series_codes: set[str]) -> dict:
    errors: dict[str, list[str]] = {}
    stages = {s.code: s for s in taxonomy.stages}
    stage = stages.get(course.stage)
    if stage is None:
        errors["stage"] = [f"Unknown stage {course.stage!r}. Known: {', '.join(stages)}."]
    if course.grade is not None:
        grades = {g.code for s in taxonomy.stages for g in s.grades}
        if course.grade not in grades:
            errors["grade"] = [f"Unknown grade {course.grade!r}."]
        elif stage is not None and course.grade not in {g.code for g in stage.grades}:
            errors["grade"] = [f"Grade {course.grade!r} is not in stage {course.stage!r}."]
    if course.subject not in {s.code for s in taxonomy.subjects}:
        errors["subject"] = [f"Unknown subject {course.subject!r}."]
    if course.series is not None and course.series not in series_codes:
        errors["series"] = [f"Unknown series {course.series!r}; define it in the feed's series."]
    for name, values in (
        ("lessons.external_id", [lesson.external_id for lesson in course.lessons]),
        ("lessons.position", [lesson.position for lesson in course.lessons]),
    ):
        repeated = _duplicates(values)
        if repeated:
            errors[name] = [f"Repeated within the course: {sorted(repeated)}."]
    return errors


def _apply(unit: CatalogWrite, feed: Feed, report: ImportReport) -> None:
    for series in feed.series:
        unit.upsert_series(
            series.code,
            {
                "name_zh": series.name.zh,
                "name_en": series.name.en,
                "color": series.color,
                "description_zh": series.description.zh,
                "description_en": series.description.en,
            },
        )
        report.series += 1
    ids = {m: unit.ids_by_code(m) for m in (Stage, Grade, Subject, Series)}
    names = {m: _names(unit, m) for m in (Subject, Series)}
    for course in feed.courses:
        created = unit.upsert_course(
            course.external_id, _course_values(course, ids, names), _lesson_values(course)
        )
        report.created += created
        report.updated += not created
        report.courses.append(course.external_id)


def _names(unit: CatalogWrite, model) -> dict[str, tuple[str, str]]:
    rows = unit.session.query(model.code, model.name_zh, model.name_en).all()
    return {code: (zh, en) for code, zh, en in rows}


def _course_values(course: FeedCourse, ids: dict, names: dict) -> dict:
    subject = names[Subject][course.subject]
    series = names[Series].get(course.series, ("", "")) if course.series else ("", "")
    text, initials = index_terms(
        course.title.zh,
        course.title.en,
        *subject,
        *series,
        *course.tags,
        course.textbook_edition,
    )
    return {
        "title_zh": course.title.zh,
        "title_en": course.title.en,
        "description_zh": course.description.zh,
        "description_en": course.description.en,
        "poster": course.poster,
        "stage_id": ids[Stage][course.stage],
        "grade_id": ids[Grade][course.grade] if course.grade else None,
        "subject_id": ids[Subject][course.subject],
        "series_id": ids[Series][course.series] if course.series else None,
        "textbook_edition": course.textbook_edition,
        "tags": list(course.tags),
        "search_text": text,
        "search_initials": initials,
    }


def _lesson_values(course: FeedCourse) -> list[dict]:
    return [
        {
            "external_id": lesson.external_id,
            "position": lesson.position,
            "title_zh": lesson.title.zh,
            "title_en": lesson.title.en,
            "duration": lesson.duration,
            "hls": lesson.hls,
            "subtitles": [{"lang": s.lang, "url": s.url} for s in lesson.subtitles],
        }
        for lesson in sorted(course.lessons, key=lambda lesson: lesson.position)
    ]

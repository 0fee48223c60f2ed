"""Catalog reads for the TV: taxonomy, filtered course pages, course detail, search, home rows.

Reads return model objects; the HTTP edge dumps them with marshmallow and caches the bytes
(``ResponseCache``) under the catalog version, so these run only on a cache miss.

`CatalogService.offered_taxonomy` is the taxonomy as the TV browses it: each stage, grade and
series carries the codes of the subjects it has courses in, so a stage offers only its subjects
and a series without courses can be left out.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tv_backend.services.errors import InvalidQuery, NotFound
from tv_backend.services.search_index import MAX_QUERY, query_terms, search_rank
from tv_backend.storage.catalog import CatalogRepository, CourseFilter, Taxonomy
from tv_backend.storage.models import Course, Grade, Series, Stage, Subject

HOME_ROW_SIZE = 12
SEARCH_POOL = 200  # matches ranked in Python; more than a TV screen ever shows
OFFER_PAGE = 500  # courses read at a time while finding which subjects each place offers


@dataclass(frozen=True)
class CoursePage:
    items: list[Course]
    next_cursor: str | None


@dataclass(frozen=True)
class HomeRow:
    kind: str  # "recommended", "latest" or "series"
    title_zh: str
    title_en: str
    items: list[Course]
    series: Series | None = None


@dataclass(frozen=True)
class Offered:
    """A stage, grade or series with the codes of the subjects it has courses in.

    ``grades`` is filled for stages; ``color`` and the description for series.
    """

    code: str
    name_zh: str
    name_en: str
    subjects: list[str]
    grades: list[Offered] = field(default_factory=list)
    color: str = ""
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class OfferedTaxonomy:
    stages: list[Offered]
    subjects: Sequence[Subject]
    series: list[Offered]


class CatalogService:
    def __init__(self, repo: CatalogRepository) -> None:
        self.repo = repo

    def taxonomy(self) -> Taxonomy:
        return self.repo.taxonomy()

    def offered_taxonomy(self) -> OfferedTaxonomy:
        """The taxonomy with the subjects each stage, grade and series has courses in."""
        taxonomy = self.repo.taxonomy()
        found = self._subjects_with_courses()

        def offered(kind: str, item: Stage | Grade | Series, **extra) -> Offered:
            codes = found[kind, item.code]
            subjects = [s.code for s in taxonomy.subjects if s.code in codes]
            return Offered(item.code, item.name_zh, item.name_en, subjects, **extra)

        stages = [
            offered("stage", stage, grades=[offered("grade", g) for g in stage.grades])
            for stage in taxonomy.stages
        ]
        series = [
            offered(
                "series",
                s,
                color=s.color,
                description_zh=s.description_zh,
                description_en=s.description_en,
            )
            for s in taxonomy.series
        ]
        return OfferedTaxonomy(stages, taxonomy.subjects, series)

    def _subjects_with_courses(self) -> defaultdict[tuple[str, str], set[str]]:
        """Subject codes by ``("stage" | "grade" | "series", code)``, read from every course."""
        found: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        after = 0
        while courses := self.repo.courses(CourseFilter(), after=after, limit=OFFER_PAGE):
            for course in courses:
                for kind, place in _places(course):
                    if place is not None:
                        found[kind, place.code].add(course.subject.code)
            after = courses[-1].id
        return found

    def courses(self, where: CourseFilter, *, cursor: str | None, limit: int) -> CoursePage:
        """One page of courses; ``cursor`` is the opaque ``next_cursor`` of the previous page."""
        self._check_codes(where)
        after = decode_cursor(cursor) if cursor else 0
        rows = self.repo.courses(where, after=after, limit=limit + 1)
        more = len(rows) > limit
        items = rows[:limit]
        return CoursePage(items, encode_cursor(items[-1].id) if more else None)

    def course(self, course_id: int) -> Course:
        course = self.repo.course(course_id)
        if course is None:
            raise NotFound(f"There is no course {course_id}.")
        return course

    def search(self, query: str, *, limit: int) -> list[Course]:
        text, initials = query_terms(query)
        if not text:
            raise InvalidQuery("Type something to search for.", {"q": ["Must not be empty."]})
        if len(text) > MAX_QUERY:
            raise InvalidQuery(
                f"Searches are limited to {MAX_QUERY} characters.",
                {"q": [f"Longer than {MAX_QUERY} characters."]},
            )
        found = self.repo.search(text, initials, limit=SEARCH_POOL)
        return sorted(found, key=lambda c: (search_rank(c, text, initials), c.id))[:limit]

    def home(self, grade: str | None) -> list[HomeRow]:
        """Rows for the TV home screen: recommended for the child's grade, newest, each series."""
        taxonomy = self.repo.taxonomy()
        if grade is not None:
            self._check_codes(CourseFilter(grade=grade), taxonomy)
        rows = []
        if grade is not None:
            picks = self.repo.courses(CourseFilter(grade=grade), limit=HOME_ROW_SIZE)
            rows.append(HomeRow("recommended", "为你推荐", "Recommended for you", picks))
        rows.append(HomeRow("latest", "最新课程", "New courses", self.repo.latest(HOME_ROW_SIZE)))
        for series in taxonomy.series:
            items = self.repo.courses(CourseFilter(series=series.code), limit=HOME_ROW_SIZE)
            if items:
                rows.append(HomeRow("series", series.name_zh, series.name_en, items, series))
        return rows

    def _check_codes(self, where: CourseFilter, taxonomy: Taxonomy | None = None) -> None:
        given = {k: v for k, v in vars(where).items() if v is not None}
        if not given:
            return
        known = (taxonomy or self.repo.taxonomy()).codes()
        errors = {
            name: [f"Unknown {name} {code!r}. Known: {', '.join(sorted(known[name]))}."]
            for name, code in given.items()
            if code not in known[name]
        }
        if errors:
            raise InvalidQuery("A filter names something the catalog does not have.", errors)


def _places(course: Course) -> tuple[tuple[str, Stage | Grade | Series | None], ...]:
    return (("stage", course.stage), ("grade", course.grade), ("series", course.series))


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> int:
    """The id a cursor continues after; InvalidQuery for anything not made by encode_cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise _bad_cursor()
    return after


def _bad_cursor() -> InvalidQuery:
    return InvalidQuery(
        "The cursor is not valid: use the next_cursor of a previous page, or none for the first.",
        {"cursor": ["Not a cursor this server issued."]},
    )

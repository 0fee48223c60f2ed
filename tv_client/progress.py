"""What each profile has watched: how far into each lesson, and where to go on.

The player records a position every so often (`ProgressStore.record`); the course screen marks
its lessons (`lesson_marks`) and offers "continue lesson N" first (`resume_point`); home's
"continue watching" row lists the courses in progress (`continue_watching`).

The rules, kept simple on purpose:

- **Done** (`is_done`): at 95% of the lesson, or, for lessons of five minutes or more, within
  the last 30 s (the way Jellyfin and Kodi mark an episode watched: the closing credits, here
  the closing summary, need not be sat through). A 40-second clip is not done at 10 s.
- **Resume** (`resume_point`): the most recently watched lesson of the course, if unfinished,
  at its position; if it is done, the first unfinished lesson after it (at its position, if
  started), else the first unfinished lesson from the start; None when nothing of the course
  was watched or every lesson is done.
- **Continue watching** (`continue_watching`): the courses with a resume point, the most
  recently watched first. A finished course leaves the row.

One JSON file per profile, ``progress-<profile id>.json`` in the store's directory (the client
data directory's ``progress/``). Courses are kept in the API's own shape, names in every
language, so the row follows the box's language::

    {"format": "edutv.progress", "version": 1,
     "courses": [{"id": 3, "title": {"zh": "古诗三首", "en": "..."}, "poster": "posters/a.jpg",
                  "grade": {"name": {"zh": "四年级"}},
                  "subject": {"name": {"zh": "语文"}, "color": "#E0533D"},
                  "lessons": [{"id": 11}, {"id": 12}]}],
     "lessons": [{"course_id": 3, "lesson_id": 11, "position_s": 725.0, "duration_s": 1800.0,
                  "updated_at": 1767225600.0}]}

A missing file is an empty history; a damaged one too (with a warning), and damaged entries are
skipped one by one: a box must always start. Saving writes a temporary file beside the old one
and moves it over with ``os.replace``: a power cut leaves the old file or the new, never half.
A profile keeps at most `MAX_LESSONS` lessons; the least recently watched go first. One lock
guards every profile, so the player's thread may record while the screens read.

Standard library only (no Kivy), so view-models and tests use it as it is.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

from tv_client.files import write_atomically

log = logging.getLogger(__name__)

DIRECTORY = "progress"  # in the client's data directory
FORMAT = "edutv.progress"
VERSION = 1
MAX_LESSONS = 500  # per profile
DONE_FRACTION = 0.95
END_WINDOW_S = 30.0  # "done" this close to the end ...
END_WINDOW_FROM_S = 300.0  # ... for lessons at least this long

Names = Mapping[str, str]
T = TypeVar("T")


class State(enum.Enum):
    """How far a profile got into one lesson."""

    UNWATCHED = "unwatched"
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True)
class Mark:
    """One lesson's mark: its state, the fraction watched (0 to 1; 0 when the length is
    unknown) and, for a started lesson, where it was left."""

    state: State
    fraction: float = 0.0
    position_s: float = 0.0


UNWATCHED = Mark(State.UNWATCHED)


class ResumePoint(NamedTuple):
    """Where "continue" starts: a lesson and a position in seconds."""

    lesson_id: int
    position_s: float


@dataclass(frozen=True)
class CourseSummary:
    """What the "continue watching" row draws of a course, as the API's names (any language).

    ``lesson_ids`` are the course's lessons in order: the resume rule needs what comes next.
    """

    id: int
    title: Names = field(default_factory=dict)
    poster: str | None = None
    grade: Names | None = None
    subject: Names | None = None
    color: str | None = None
    lesson_ids: tuple[int, ...] = ()

    @classmethod
    def from_course(cls, data: Mapping[str, Any]) -> CourseSummary:
        """The summary of a course answer of the API (``GET /api/v1/courses/<id>``)."""
        subject = data.get("subject") or {}
        return cls(
            id=int(data["id"]),
            title=_names(data.get("title")),
            poster=data.get("poster"),
            grade=_names((data.get("grade") or {}).get("name")) or None,
            subject=_names(subject.get("name")) or None,
            color=subject.get("color"),
            lesson_ids=tuple(int(lesson["id"]) for lesson in data.get("lessons") or ()),
        )

    def as_item(self) -> dict[str, Any]:
        """The summary in the API's course shape: what `viewmodels.home.card` reads."""
        return {
            "id": self.id,
            "title": dict(self.title),
            "poster": self.poster,
            "grade": {"name": dict(self.grade or {})},
            "subject": {"name": dict(self.subject or {}), "color": self.color},
            "lessons": [{"id": lesson_id} for lesson_id in self.lesson_ids],
        }


@dataclass(frozen=True)
class Entry:
    """One lesson's progress for one profile."""

    course_id: int
    lesson_id: int
    position_s: float
    duration_s: float
    updated_at: float

    @property
    def mark(self) -> Mark:
        return mark(self.position_s, self.duration_s)


@dataclass(frozen=True)
class ContinueItem:
    """One course of the "continue watching" row and where it goes on."""

    course: CourseSummary
    resume: ResumePoint
    updated_at: float


def is_done(position_s: float, duration_s: float) -> bool:
    """Whether a lesson watched to ``position_s`` of ``duration_s`` counts as done."""
    if duration_s <= 0:
        return False
    if position_s >= DONE_FRACTION * duration_s:
        return True
    return duration_s >= END_WINDOW_FROM_S and duration_s - position_s <= END_WINDOW_S


def mark(position_s: float, duration_s: float) -> Mark:
    """The mark of a lesson watched to ``position_s``: done, started (past 0 s) or unwatched."""
    fraction = min(1.0, max(0.0, position_s / duration_s)) if duration_s > 0 else 0.0
    if is_done(position_s, duration_s):
        return Mark(State.DONE, 1.0)
    if position_s > 0:
        return Mark(State.STARTED, fraction, position_s)
    return UNWATCHED


def resume_from(entries: Mapping[int, Entry], lesson_ids: Sequence[int]) -> ResumePoint | None:
    """The resume rule (see the module docstring) over one course's ``entries`` by lesson id."""
    watched = [entries[i] for i in lesson_ids if i in entries]
    if not watched:
        return None
    order = {lesson_id: n for n, lesson_id in enumerate(lesson_ids)}
    latest = max(watched, key=lambda e: (e.updated_at, order[e.lesson_id]))
    if latest.mark.state is not State.DONE:
        return ResumePoint(latest.lesson_id, latest.position_s)
    after = order[latest.lesson_id] + 1
    for lesson_id in [*lesson_ids[after:], *lesson_ids[:after]]:
        entry = entries.get(lesson_id)
        if entry is None:
            return ResumePoint(lesson_id, 0.0)
        if entry.mark.state is not State.DONE:
            return ResumePoint(lesson_id, entry.position_s)
    return None


class ProgressStore:
    """Every profile's progress, one JSON file each in ``directory``; ``clock`` gives "now"."""

    def __init__(self, directory: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory)
        self._clock = clock
        self._lock = threading.RLock()
        self._profiles: dict[str, _Profile] = {}

    @classmethod
    def in_data_dir(cls, data_dir: Path | str, **kwargs: Any) -> ProgressStore:
        """The store in the client's data directory (``<data dir>/progress``)."""
        return cls(Path(data_dir) / DIRECTORY, **kwargs)

    def path(self, profile_id: str) -> Path:
        """The profile's file; the id is percent-encoded, so no id can leave the directory."""
        return self.directory / f"progress-{quote(profile_id, safe='')}.json"

    def record(
        self,
        profile_id: str,
        course: CourseSummary,
        lesson_id: int,
        position_s: float,
        duration_s: float,
        now: float | None = None,
    ) -> None:
        """Remember that ``profile_id`` watched ``lesson_id`` of ``course`` to ``position_s``.

        Saved at once. A failed save (a full or read-only disk) is logged, not raised: the
        player goes on, and the progress holds in memory until the app stops.
        """
        entry = Entry(
            course.id,
            int(lesson_id),
            max(0.0, float(position_s)),
            max(0.0, float(duration_s)),
            self._clock() if now is None else now,
        )
        with self._lock:
            profile = self._profile(profile_id)
            profile.courses[course.id] = course
            profile.lessons[entry.lesson_id] = entry
            profile.trim(MAX_LESSONS)
            try:
                self._save(profile_id, profile)
            except OSError as error:
                log.warning("cannot save the progress to %s: %s", self.path(profile_id), error)

    def lesson_marks(self, profile_id: str, course_id: int) -> dict[int, Mark]:
        """The marks of the lessons of ``course_id`` that ``profile_id`` watched, by lesson id."""
        with self._lock:
            entries = self._profile(profile_id).course_entries(course_id)
        return {lesson_id: entry.mark for lesson_id, entry in entries.items()}

    def resume_point(
        self, profile_id: str, course_id: int, lesson_ids_in_order: Sequence[int]
    ) -> ResumePoint | None:
        """Where "continue" starts in ``course_id`` (None: start at the first lesson)."""
        with self._lock:
            entries = self._profile(profile_id).course_entries(course_id)
        return resume_from(entries, list(lesson_ids_in_order))

    def continue_watching(self, profile_id: str, limit: int = 12) -> list[ContinueItem]:
        """The courses ``profile_id`` is in the middle of, the most recently watched first."""
        with self._lock:
            profile = self._profile(profile_id)
            courses = dict(profile.courses)
            by_course = profile.by_course()
        items = []
        for course_id, entries in by_course.items():
            course = courses.get(course_id) or CourseSummary(course_id)
            order = course.lesson_ids or tuple(sorted(entries))
            resume = resume_from(entries, order)
            if resume is not None:
                latest = max(entry.updated_at for entry in entries.values())
                items.append(ContinueItem(course, resume, latest))
        items.sort(key=lambda item: item.updated_at, reverse=True)
        return items[:limit]

    def _profile(self, profile_id: str) -> _Profile:
        profile = self._profiles.get(profile_id)
        if profile is None:
            profile = self._profiles[profile_id] = self._load(self.path(profile_id))
        return profile

    @staticmethod
    def _load(path: Path) -> _Profile:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT or raw.get("version") != VERSION:
                raise ValueError(f"not an {FORMAT} version {VERSION} file")
            return _Profile.from_json(raw, path)
        except FileNotFoundError:
            return _Profile()
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignoring the progress in %s: %s", path, exc)
            return _Profile()

    def _save(self, profile_id: str, profile: _Profile) -> None:
        text = json.dumps(profile.to_json(), ensure_ascii=False, separators=(",", ":"))
        write_atomically(self.path(profile_id), text)


@dataclass
class _Profile:
    """One profile's history in memory: course summaries and lessons, by id."""

    courses: dict[int, CourseSummary] = field(default_factory=dict)
    lessons: dict[int, Entry] = field(default_factory=dict)

    def course_entries(self, course_id: int) -> dict[int, Entry]:
        return {i: e for i, e in self.lessons.items() if e.course_id == course_id}

    def by_course(self) -> dict[int, dict[int, Entry]]:
        grouped: dict[int, dict[int, Entry]] = {}
        for entry in self.lessons.values():
            grouped.setdefault(entry.course_id, {})[entry.lesson_id] = entry
        return grouped

    def trim(self, limit: int) -> None:
        """Keep the ``limit`` most recently watched lessons and the courses they belong to."""
        if len(self.lessons) > limit:
            newest = sorted(self.lessons.values(), key=lambda e: e.updated_at)[-limit:]
            self.lessons = {e.lesson_id: e for e in newest}
        kept = {e.course_id for e in self.lessons.values()}
        self.courses = {i: c for i, c in self.courses.items() if i in kept}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "courses": [course.as_item() for course in self.courses.values()],
            "lessons": [asdict(entry) for entry in self.lessons.values()],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], path: Path) -> _Profile:
        """A profile from its file; a damaged course or lesson is skipped (with a warning)."""
        lessons, bad_lessons = _parsed(_entry, raw.get("lessons"))
        courses, bad_courses = _parsed(CourseSummary.from_course, raw.get("courses"))
        if bad_lessons + bad_courses:
            skipped = bad_lessons + bad_courses
            log.warning("skipped %d damaged progress entries in %s", skipped, path)
        profile = cls({c.id: c for c in courses}, {e.lesson_id: e for e in lessons})
        profile.trim(MAX_LESSONS)
        return profile


def _parsed(parse: Callable[[Any], T], items: Any) -> tuple[list[T], int]:
    """The ``items`` that ``parse`` reads, and how many it could not."""
    kept, skipped = [], 0
    for item in items or ():
        try:
            kept.append(parse(item))
        except (KeyError, TypeError, ValueError, AttributeError):
            skipped += 1
    return kept, skipped


def _names(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"zh": value}
    return {str(k): str(v) for k, v in (value or {}).items()}


def _entry(item: Mapping[str, Any]) -> Entry:
    return Entry(
        course_id=int(item["course_id"]),
        lesson_id=int(item["lesson_id"]),
        position_s=max(0.0, float(item["position_s"])),
        duration_s=max(0.0, float(item.get("duration_s") or 0.0)),
        updated_at=float(item["updated_at"]),
    )

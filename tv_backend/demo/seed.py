"""``edutv seed-demo``: posters and HLS for the demo catalog, then an ordinary feed import.

The demo goes through the same door as any city platform's courses: it writes a catalog feed
(``<media>/demo-feed.json``) and imports it with ``CatalogImport``. Media already built is
reused, so a second run takes seconds. With every course in, the themed channels
(`tv_backend.demo.channels`) are programmed from yesterday to a week ahead, the live one
(三个课堂) with its classes from the demo classroom encoder (`live_class_url`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tv_backend.container import Services
from tv_backend.demo.channels import seed_channels
from tv_backend.demo.content import COURSES, DemoCourse, validate
from tv_backend.media.ladder import BODY_VARIANTS, LessonMedia, LessonSpec, build_lessons
from tv_backend.media.playlists import write_webvtt
from tv_backend.media.posters import render_poster
from tv_backend.schemas.catalog_feed import FEED_FORMAT, load_feed
from tv_backend.settings import Settings
from tv_backend.storage.catalog import Taxonomy

LIVE_CLASS = "class1"  # the demo classroom: scripts/live-class.sh publishes it (make demo)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedReport:
    courses: int
    lessons: int
    created: int
    updated: int
    version: int | None
    channels: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        catalog = (
            f"{self.courses} courses, {self.lessons} lessons "
            f"({self.created} new, {self.updated} updated; catalog version {self.version})"
        )
        return "\n".join([catalog, *self.channels])


def seed(
    svc: Services,
    *,
    jobs: int = 2,
    limit: int | None = None,
    progress: Progress | None = None,
    echo: Callable[[str], None] = print,
) -> SeedReport:
    """Build media for the first ``limit`` demo courses (all by default) and import them."""
    problems = validate()
    if problems:
        raise ValueError("demo content is inconsistent: " + "; ".join(problems))
    courses = COURSES[:limit] if limit else COURSES
    root = svc.settings.resolved_media_dir
    taxonomy = svc.catalog.taxonomy()
    echo(f"posters for {len(courses)} courses in {root}")
    posters = {c.key: _poster(root, c, taxonomy) for c in courses}
    specs = [spec for c in courses for spec in _lesson_specs(c)]
    echo(f"HLS ladders for {len(specs)} lessons ({jobs} ffmpeg jobs; built ones are reused)")
    media = build_lessons(root, specs, workers=jobs, progress=progress)
    feed = demo_feed(courses, posters, media, subtitles=lambda c, n, m: _subtitles(root, c, n, m))
    (root / "demo-feed.json").write_text(json.dumps(feed, ensure_ascii=False, indent=1), "utf-8")
    report = svc.catalog_import.run(load_feed(feed))
    channels = []
    if limit is None:  # the channels play every theme: only with the whole catalog
        ids = svc.catalog_import.course_ids([f"demo:{c.key}" for c in courses])
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        keys = {f"demo:{c.key}": c.key for c in courses}
        channels = seed_channels(
            svc.epg,
            {keys[k]: v for k, v in ids.items()},
            start=today - timedelta(days=1),
            days=8,
            live_url=live_class_url(svc.settings),
        )
    return SeedReport(
        len(courses), len(specs), report.created, report.updated, report.version, channels
    )


def live_class_url(settings: Settings, name: str = LIVE_CLASS) -> str:
    """Where ``scripts/live-class.sh <name>`` publishes, as the backend serves it (/media)."""
    media = settings.media_url.rstrip("/")
    base = media if media.startswith(("http://", "https://")) else f"http://{settings.bind}{media}"
    return f"{base}/live/{name}/master.m3u8"


def _lesson_specs(course: DemoCourse) -> list[LessonSpec]:
    variants = sorted(BODY_VARIANTS)
    return [
        LessonSpec(
            key=lesson_key(course, n),
            title_zh=lesson.title_zh,
            title_en=lesson.title_en,
            course_zh=course.title_zh,
            number=n,
            body=variants[_stable_hash(course.key, n) % len(variants)],
        )
        for n, lesson in enumerate(course.lessons, 1)
    ]


def _stable_hash(*parts: object) -> int:
    return int(hashlib.sha1(repr(parts).encode()).hexdigest()[:8], 16)


def _poster(root: Path, course: DemoCourse, taxonomy: Taxonomy) -> str:
    series = {s.code: s for s in taxonomy.series}[course.series]
    subject = {s.code: s for s in taxonomy.subjects}[course.subject]
    grades = {g.code: g.name_zh for st in taxonomy.stages for g in st.grades}
    stages = {st.code: st.name_zh for st in taxonomy.stages}
    inputs = {
        "title_zh": course.title_zh,
        "title_en": course.title_en,
        "series_zh": series.name_zh,
        "subject_zh": subject.name_zh,
        "grade_zh": grades.get(course.grade or "", stages[course.stage]),
        "color": series.color,
    }
    digest = hashlib.sha1(repr(sorted(inputs.items())).encode()).hexdigest()[:10]
    relative = f"posters/{course.key}-{digest}.jpg"
    path = root / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        render_poster(path, **inputs)
    return relative


def _subtitles(root: Path, course: DemoCourse, number: int, media: LessonMedia) -> list[dict]:
    """The first lesson of every course carries a Chinese subtitle track."""
    if number != 1:
        return []
    lesson = course.lessons[0]
    relative = f"subtitles/{lesson_key(course, number)}.zh.vtt"
    end = media.duration
    cues = [
        (0.0, min(4.0, end), f"{course.title_zh} · 第{number}课"),
        (min(4.0, end), min(10.0, end), lesson.title_zh),
        (min(10.0, end), end, lesson.title_en),
    ]
    write_webvtt(root / relative, [cue for cue in cues if cue[0] < cue[1]])  # short clips too
    return [{"lang": "zh", "url": relative}]


Subtitles = Callable[[DemoCourse, int, LessonMedia], list[dict]]


def demo_feed(
    courses: Sequence[DemoCourse],
    posters: dict[str, str],
    media: dict[str, LessonMedia],
    *,
    subtitles: Subtitles = lambda _course, _number, _media: [],
    source: str = "edutv-demo",
) -> dict:
    """The catalog feed (docs/catalog-feed.md) of ``courses``.

    ``posters`` maps course keys to poster paths and ``media`` lesson keys (``<course>-NN``)
    to their built HLS; the benchmark passes made-up ones to get the same JSON without media.
    """
    return {
        "feed": FEED_FORMAT,
        "version": 1,
        "source": source,
        "courses": [_course(c, posters[c.key], media, subtitles) for c in courses],
    }


def lesson_key(course: DemoCourse, number: int) -> str:
    return f"{course.key}-{number:02d}"


def _course(c: DemoCourse, poster: str, media: dict[str, LessonMedia], subtitles) -> dict:
    return {
        "external_id": f"demo:{c.key}",
        "title": {"zh": c.title_zh, "en": c.title_en},
        "description": {"zh": c.description_zh, "en": c.description_en},
        "stage": c.stage,
        "grade": c.grade,
        "subject": c.subject,
        "series": c.series,
        "textbook_edition": c.edition or "",
        "tags": list(c.tags),
        "poster": poster,
        "lessons": [_lesson(c, n, media, subtitles) for n in range(1, len(c.lessons) + 1)],
    }


def _lesson(course: DemoCourse, number: int, media: dict[str, LessonMedia], subtitles) -> dict:
    lesson = course.lessons[number - 1]
    built = media[lesson_key(course, number)]
    return {
        "external_id": f"demo:{lesson_key(course, number)}",
        "position": number,
        "title": {"zh": lesson.title_zh, "en": lesson.title_en},
        "duration": built.duration,
        "hls": built.master,
        "subtitles": subtitles(course, number, built),
    }

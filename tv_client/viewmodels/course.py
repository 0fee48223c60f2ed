"""The course screen's state: title, description and lessons from ``GET /api/v1/courses/<id>``,
marked with what the profile watched (`tv_client.progress`).

The screen's first line is where to go on: "继续学习 第 2 课 · 12:05" at the store's resume
point, "再学一遍 第 1 课" when every lesson is done, else "从第 1 课开始". Each lesson line
carries its mark: "✓ 已学完", "看到 40%" (the screen draws a bar too) or nothing. Progress changes
while the player is open, so `CourseState.with_progress` marks the same course again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tv_client.progress import UNWATCHED, CourseSummary, Mark, ResumePoint, State
from tv_client.viewmodels import Status, message, offline_banner, text

TEXTS = {
    "continue": {"zh": "继续学习 第 {} 课", "en": "Continue lesson {}"},
    "continue_at": {"zh": "继续学习 第 {} 课 · {}", "en": "Continue lesson {} at {}"},
    "again": {"zh": "再学一遍 第 {} 课", "en": "Watch again: lesson {}"},
    "start": {"zh": "从第 {} 课开始", "en": "Start lesson {}"},
    "done": {"zh": "✓ 已学完", "en": "✓ Done"},
    "watched": {"zh": "看到 {}%", "en": "{}% watched"},
    "started": {"zh": "已开始", "en": "Started"},
    "from": {"zh": "从 {} 继续", "en": "From {}"},
}


def say(key: str, language: str, *args: object) -> str:
    """One of the course screen's `TEXTS` in ``language``, formatted with ``args``."""
    return text(TEXTS[key], language).format(*args)


def timecode(seconds: float) -> str:
    """``"12:05"``, or ``"1:02:05"`` from an hour on (seconds rounded down)."""
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Lesson:
    """One lesson line: ``label`` is what the list shows ("第 1 课  睡前故事  30 分钟").

    ``mark`` is the profile's progress and ``mark_label`` says it ("看到 40%"; "" unwatched).
    """

    id: int
    position: int
    title: str
    label: str
    hls: str | None
    mark: Mark = UNWATCHED
    mark_label: str = ""
    duration_s: float = 0.0
    subtitles: tuple[str, ...] = ()  # WebVTT paths, the interface language's first

    @property
    def start_s(self) -> float:
        """Where OK on this line starts: where a started lesson was left, else the beginning."""
        return self.mark.position_s if self.mark.state is State.STARTED else 0.0


@dataclass(frozen=True)
class StartLine:
    """The first line: OK opens the player on ``lesson_id`` at ``position_s``."""

    lesson_id: int
    position_s: float
    label: str
    lesson_title: str
    resumed: bool  # True: the store's resume point; False: the first lesson from its start


@dataclass(frozen=True)
class CourseState:
    """Everything the course screen draws."""

    status: Status
    course_id: int
    title: str = ""
    subtitle: str = ""
    description: str = ""
    color: str = "#455A64"
    lessons: tuple[Lesson, ...] = ()
    message: str = ""
    offline: bool = False
    banner: str = ""
    start: StartLine | None = None
    summary: CourseSummary | None = None  # what the player records progress against

    @classmethod
    def loading(cls, course_id: int, language: str, title: str = "") -> CourseState:
        return cls(Status.LOADING, course_id, title=title, message=message("loading", language))

    @classmethod
    def failed(
        cls, course_id: int, error: str, language: str, *, offline: bool = False
    ) -> CourseState:
        key, args = ("offline_nothing", ()) if offline else ("error", (error,))
        return cls(Status.ERROR, course_id, message=message(key, language, *args), offline=offline)

    @classmethod
    def from_data(
        cls,
        data: Mapping[str, Any],
        language: str,
        *,
        offline: bool = False,
        fetched_at: float = 0.0,
        marks: Mapping[int, Mark] | None = None,
        resume: ResumePoint | None = None,
    ) -> CourseState:
        lessons = tuple(lesson(raw, language) for raw in data.get("lessons") or ())
        parts = [text((data.get(k) or {}).get("name"), language) for k in ("grade", "subject")]
        parts.append(message("lessons", language, len(lessons)))
        state = cls(
            Status.READY if lessons else Status.EMPTY,
            int(data["id"]),
            title=text(data.get("title"), language),
            subtitle=" · ".join(p for p in parts if p),
            description=text(data.get("description"), language),
            color=(data.get("subject") or {}).get("color") or "#455A64",
            lessons=lessons,
            message="" if lessons else message("empty_course", language),
            offline=offline,
            banner=offline_banner(fetched_at, language) if offline else "",
            summary=CourseSummary.from_course(data),
        )
        return state.with_progress(marks or {}, resume, language)

    def with_progress(
        self, marks: Mapping[int, Mark], resume: ResumePoint | None, language: str
    ) -> CourseState:
        """The same course marked with ``marks`` (by lesson id), first line at ``resume``."""
        lessons = tuple(marked(x, marks.get(x.id, UNWATCHED), language) for x in self.lessons)
        return replace(self, lessons=lessons, start=start_line(lessons, resume, language))

    @property
    def lesson_ids(self) -> tuple[int, ...]:
        return tuple(x.id for x in self.lessons)

    def online(self) -> CourseState:
        return replace(self, offline=False, banner="")


def lesson(raw: Mapping[str, Any], language: str) -> Lesson:
    """One lesson of the course answer, with its list label."""
    position = int(raw.get("position") or 0)
    title = text(raw.get("title"), language)
    minutes = round(float(raw.get("duration") or 0) / 60)
    parts = [message("lesson", language, position), title]
    if minutes:
        parts.append(message("minutes", language, minutes))
    label = "   ".join(parts)
    duration = float(raw.get("duration") or 0)
    tracks = sorted(raw.get("subtitles") or (), key=lambda t: t.get("lang") != language)
    subtitles = tuple(t["url"] for t in tracks if t.get("url"))
    return Lesson(
        int(raw["id"]),
        position,
        title,
        label,
        raw.get("hls"),
        duration_s=duration,
        subtitles=subtitles,
    )


def mark_label(mark: Mark, language: str) -> str:
    """``"✓ 已学完"``, ``"看到 40%"`` (rounded down), ``"已开始"`` (length unknown) or ``""``."""
    if mark.state is State.DONE:
        return say("done", language)
    if mark.state is State.STARTED:
        percent = int(mark.fraction * 100)
        return say("watched", language, percent) if percent else say("started", language)
    return ""


def marked(line: Lesson, mark: Mark, language: str) -> Lesson:
    return replace(line, mark=mark, mark_label=mark_label(mark, language))


def start_line(
    lessons: Sequence[Lesson], resume: ResumePoint | None, language: str
) -> StartLine | None:
    """The first line: continue at ``resume``, else start (or watch again) the first lesson."""
    by_id = {x.id: x for x in lessons}
    if resume is not None and resume.lesson_id in by_id:
        target, position = by_id[resume.lesson_id], resume.position_s
        if position >= 1:
            label = say("continue_at", language, target.position, timecode(position))
        else:
            label = say("continue", language, target.position)
        return StartLine(target.id, position, label, target.title, resumed=True)
    if not lessons:
        return None
    first = lessons[0]
    again = all(x.mark.state is State.DONE for x in lessons)
    label = say("again" if again else "start", language, first.position)
    return StartLine(first.id, 0.0, label, first.title, resumed=False)


def scroll_first(first: int, index: int, visible: int, count: int) -> int:
    """The first of ``visible`` lines to show so line ``index`` is on screen, moving least."""
    first = min(max(first, index - visible + 1), index)
    return max(0, min(first, count - visible))

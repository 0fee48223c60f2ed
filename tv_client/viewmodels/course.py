"""The course screen's state: title, description and lessons from ``GET /api/v1/courses/<id>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tv_client.viewmodels import Status, message, offline_banner, text


@dataclass(frozen=True)
class Lesson:
    """One lesson line: ``label`` is what the list shows ("第 1 课  睡前故事  30 分钟")."""

    id: int
    position: int
    title: str
    label: str
    hls: str | None


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
    ) -> CourseState:
        lessons = tuple(lesson(raw, language) for raw in data.get("lessons") or ())
        parts = [text((data.get(k) or {}).get("name"), language) for k in ("grade", "subject")]
        parts.append(message("lessons", language, len(lessons)))
        return cls(
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
        )

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
    return Lesson(int(raw["id"]), position, title, "   ".join(parts), raw.get("hls"))

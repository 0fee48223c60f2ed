"""A placeholder player: the lesson's title, where it would start, and a note that the player
comes next. It is opened with the lesson and the position to start at (the course screen's
"continue lesson N" line passes the resume point) and the course it records progress against.
"""

from __future__ import annotations

from typing import Any

from tv_client import theme
from tv_client.progress import CourseSummary
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import message
from tv_client.viewmodels.course import say, timecode
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X


class PlayerScreen(TvScreen):
    """Shows what would play and from where; Back returns to the course."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.lesson_title = ""
        self.lesson_id: int | None = None
        self.position = 0.0
        self.course: CourseSummary | None = None
        self.heading = tv_label(size=theme.TEXT_HERO, bold=True, halign="center", shorten=True)
        self.course_label = tv_label(
            size=theme.TEXT_TITLE, color="text_dim", halign="center", shorten=True
        )
        self.start = tv_label(size=theme.TEXT_BODY, color="text_dim", halign="center")
        self.note = tv_label(message("player_next", context.language), halign="center")
        for child in (self.heading, self.course_label, self.start, self.note):
            self.add_widget(child)

    def show(
        self,
        lesson_title: str = "",
        course_title: str = "",
        lesson_id: int | None = None,
        position: float = 0.0,
        course: CourseSummary | None = None,
        **_params: Any,
    ) -> None:
        self.lesson_title, self.lesson_id, self.position = lesson_title, lesson_id, position
        self.course = course
        self.heading.text, self.course_label.text = lesson_title, course_title
        language = self.context.language
        self.start.text = say("from", language, timecode(position)) if position >= 1 else ""
        self.relayout()

    def relayout(self) -> None:
        place_label(self.course_label, X, 360, W, 60, theme.TEXT_TITLE, fit=True)
        place_label(self.heading, X, 440, W, 100, theme.TEXT_HERO, fit=True)
        place_label(self.start, X, 550, W, 50, theme.TEXT_BODY, fit=True)
        place_label(self.note, X, 620, W, 60, theme.TEXT_BODY, fit=True)

    def focused_id(self) -> str | None:
        return "player"

    def snapshot(self) -> dict[str, Any]:
        return {
            "focus": "player",
            "lesson_title": self.lesson_title,
            "lesson_id": self.lesson_id,
            "position": self.position,
            "course_id": self.course.id if self.course else None,
        }

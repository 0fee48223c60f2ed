"""A placeholder player: the lesson's title and a note that the player comes next."""

from __future__ import annotations

from typing import Any

from tv_client import theme
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import message
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X


class PlayerScreen(TvScreen):
    """Shows what would play; Back returns to the course."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.lesson_title = ""
        self.heading = tv_label(size=theme.TEXT_HERO, bold=True, halign="center")
        self.course = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.note = tv_label(message("player_next", context.language), halign="center")
        for child in (self.heading, self.course, self.note):
            self.add_widget(child)

    def show(self, lesson_title: str = "", course_title: str = "", **_params: Any) -> None:
        self.lesson_title = lesson_title
        self.heading.text, self.course.text = lesson_title, course_title
        self.relayout()

    def relayout(self) -> None:
        place_label(self.course, X, 360, W, 60, theme.TEXT_TITLE)
        place_label(self.heading, X, 440, W, 100, theme.TEXT_HERO)
        place_label(self.note, X, 580, W, 60, theme.TEXT_BODY)

    def focused_id(self) -> str | None:
        return "player"

    def snapshot(self) -> dict[str, Any]:
        return {"focus": "player", "lesson_title": self.lesson_title}

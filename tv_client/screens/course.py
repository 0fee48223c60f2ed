"""The course screen: title, description and the lesson list; OK on a lesson opens the player."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Rectangle

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.course import CourseState
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X
LIST_TOP, LINE_H, VISIBLE_LINES = 520, 80, 6


class CourseScreen(TvScreen):
    """One course; focus is ``"lesson/<id>"``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.state = CourseState.loading(0, context.language)
        self.index = 0
        self.first = 0  # first visible lesson (the list scrolls by lines)
        self.title = tv_label(size=theme.TEXT_HERO, bold=True, shorten=True)
        self.subtitle = tv_label(size=theme.TEXT_BODY, color="text_dim")
        self.description = tv_label(size=theme.TEXT_BODY, valign="top")
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim")
        self.lines = [tv_label(size=theme.TEXT_BODY) for _ in range(VISIBLE_LINES)]
        with self.canvas:
            self._accent_color = Color(*theme.color("surface"))
            self._accent = Rectangle()
            Color(*theme.color("focus"))
            self._outline = Line(width=theme.px(theme.FOCUS_OUTLINE))
        for child in (self.title, self.subtitle, self.description, self.notice, *self.lines):
            self.add_widget(child)

    def show(self, course_id: int, title: str = "", **_params: Any) -> None:
        self.index = self.first = 0
        self._apply(CourseState.loading(course_id, self.context.language, title))
        self.reload()

    def reload(self) -> None:
        course_id = self.state.course_id
        self.context.tasks.run(
            "course", lambda: self.context.catalog.course(course_id), self._loaded, self._failed
        )

    def _loaded(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        language = self.context.language
        state = CourseState.from_data(
            fetched.data, language, offline=fetched.offline, fetched_at=fetched.fetched_at
        )
        self._apply(state)

    def _failed(self, error: BaseException) -> None:
        offline = isinstance(error, Offline)
        language = self.context.language
        self._apply(CourseState.failed(self.state.course_id, str(error), language, offline=offline))

    def _apply(self, state: CourseState) -> None:
        self.state = state
        self.index = min(self.index, max(0, len(state.lessons) - 1))
        self.relayout()

    def relayout(self) -> None:
        state = self.state
        self._accent_color.rgba = theme.color(state.color)
        x, y, _w, h = theme.to_window(Rect(X - 24, theme.SAFE_Y, 8, 150))
        self._accent.pos, self._accent.size = (x, y), (theme.px(8), h)
        self.title.text, self.subtitle.text = state.title, state.subtitle
        self.description.text = state.description
        self.notice.text = state.message
        place_label(self.title, X, theme.SAFE_Y, W, 90, theme.TEXT_HERO)
        place_label(self.subtitle, X, theme.SAFE_Y + 100, W, 50, theme.TEXT_BODY)
        place_label(self.description, X, theme.SAFE_Y + 170, W, 260, theme.TEXT_BODY)
        place_label(self.notice, X, LIST_TOP, W, LINE_H, theme.TEXT_TITLE)
        self._place_lines()

    def _place_lines(self) -> None:
        lessons = self.state.lessons
        self._outline.rectangle = (0, 0, 0, 0)
        for n, label in enumerate(self.lines):
            index = self.first + n
            label.text = lessons[index].label if index < len(lessons) else ""
            top = LIST_TOP + n * LINE_H
            place_label(label, X + 24, top, W - 48, LINE_H - 8, theme.TEXT_BODY)
            if index == self.index and index < len(lessons):
                wx, wy, ww, wh = theme.to_window(Rect(X, top, W, LINE_H - 8))
                self._outline.rectangle = (wx, wy, ww, wh)

    def on_action(self, press: KeyPress) -> bool:
        lessons = self.state.lessons
        if press.action in (Action.UP, Action.DOWN) and lessons:
            step = 1 if press.action is Action.DOWN else -1
            self.index = min(max(0, self.index + step), len(lessons) - 1)
            self.first = min(max(self.first, self.index - VISIBLE_LINES + 1), self.index)
            self._place_lines()
            return True
        if press.action is Action.OK and lessons:
            lesson = lessons[self.index]
            self.context.open("player", lesson_title=lesson.title, course_title=self.state.title)
            return True
        return press.action in (Action.LEFT, Action.RIGHT)

    def focused_id(self) -> str | None:
        lessons = self.state.lessons
        return f"lesson/{lessons[self.index].id}" if lessons else None

    def snapshot(self) -> dict[str, Any]:
        return {
            "focus": self.focused_id(),
            "status": self.state.status.value,
            "message": self.state.message,
            "course_id": self.state.course_id,
            "title": self.state.title,
            "lessons": [lesson.title for lesson in self.state.lessons],
        }

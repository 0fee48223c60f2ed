"""The course screen: title, description, "continue lesson N" and the lessons with their marks.

The first line, focused when the course opens, continues where the profile left off (or starts
the first lesson); OK on it, or on a lesson, opens the player there. Each lesson shows its mark:
a check when done, "看到 40%" and a thin bar under it when started. Progress is read from the
store on every show and resume, since the player writes it while this screen waits below.

Layout in logical 1080p pixels inside the 5% safe area: title, subtitle, a description of at
most three lines (clipped), the first line, then `VISIBLE_LINES` lessons that scroll by lines
so the focused one stays on screen.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Rectangle, RoundedRectangle

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.progress import State
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.course import CourseState, Lesson, scroll_first
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X
TITLE_Y, SUBTITLE_Y = theme.SAFE_Y, theme.SAFE_Y + 100
DESCRIPTION_Y, DESCRIPTION_H = theme.SAFE_Y + 160, 144  # three lines at most
START_Y, START_W, START_H = 378, 960, 88
LIST_TOP, LINE_H, VISIBLE_LINES = 496, 80, 6  # the last line ends at 976, above 1026
TEXT_H, MARK_W, PAD = 62, 300, 24  # a line's text, then its bar, then 8 px to the next line
BAR_H = 6
DONE_COLOR = "#81C784"
CONTINUE = "continue"


class _LessonLine:
    """One visible lesson line: its label, its mark and the bar of a started lesson."""

    def __init__(self, screen: CourseScreen) -> None:
        self.label = tv_label(size=theme.TEXT_BODY, shorten=True)
        self.mark = tv_label(size=theme.TEXT_BODY, color="text_dim", halign="right")
        with screen.canvas:
            Color(*theme.color("surface"))
            self.track = Rectangle()
            self.fill_color = Color(*theme.color("focus"))
            self.fill = Rectangle()
        screen.add_widget(self.label)
        screen.add_widget(self.mark)

    def draw(self, lesson: Lesson | None, top: float, bar_color: str) -> None:
        """Show ``lesson`` (None: an empty line) with its top edge at logical ``top``."""
        self.label.text = lesson.label if lesson else ""
        self.mark.text = lesson.mark_label if lesson else ""
        done = lesson is not None and lesson.mark.state is State.DONE
        self.mark.color = theme.color(DONE_COLOR if done else "text_dim")
        label_w = W - 3 * PAD - MARK_W
        place_label(self.label, X + PAD, top, label_w, TEXT_H, theme.TEXT_BODY, fit=True)
        mark_x = X + W - PAD - MARK_W
        place_label(self.mark, mark_x, top, MARK_W, TEXT_H, theme.TEXT_BODY, fit=True)
        started = lesson is not None and lesson.mark.state is State.STARTED
        bar = Rect(X + PAD, top + TEXT_H, W - 2 * PAD, BAR_H)
        x, y, w, h = theme.to_window(bar) if started else (0, 0, 0, 0)
        self.track.pos, self.track.size = (x, y), (w, h)
        self.fill_color.rgba = theme.color(bar_color)
        fraction = lesson.mark.fraction if started else 0.0
        self.fill.pos, self.fill.size = (x, y), (w * fraction, h)


class CourseScreen(TvScreen):
    """One course; focus is ``"continue"`` (the first line) or ``"lesson/<id>"``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.state = CourseState.loading(0, context.language)
        self.index = 0  # 0: the first line; n: lesson n - 1
        self.first = 0  # first visible lesson (the list scrolls by lines)
        self._play_when_loaded: int | None = None  # the guide's catch-up: play once loaded
        self.title = tv_label(size=theme.TEXT_HERO, bold=True, shorten=True)
        self.subtitle = tv_label(size=theme.TEXT_BODY, color="text_dim", shorten=True)
        self.description = tv_label(size=theme.TEXT_BODY, valign="top")
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim")
        with self.canvas:
            self._accent_color = Color(*theme.color("surface"))
            self._accent = Rectangle()
            Color(*theme.color("surface_focus"))
            self._start_box = RoundedRectangle(radius=[theme.px(12)])
        self.start = tv_label(size=theme.TEXT_TITLE, bold=True, shorten=True)
        for child in (self.title, self.subtitle, self.description, self.notice, self.start):
            self.add_widget(child)
        self.lines = [_LessonLine(self) for _ in range(VISIBLE_LINES)]
        with self.canvas:
            Color(*theme.color("focus"))
            self._outline = Line(width=theme.px(theme.FOCUS_OUTLINE))

    def show(
        self, course_id: int, title: str = "", play_lesson: int | None = None, **_params: Any
    ) -> None:
        """``play_lesson``: play that lesson as soon as the course is here (the guide's
        catch-up); Back from the player then shows this course."""
        self.index = self.first = 0
        self._play_when_loaded = play_lesson
        self._apply(CourseState.loading(course_id, self.context.language, title))
        self.reload()
        self.context.pull_progress(course_id, self.resume)  # lessons watched on another TV

    def resume(self) -> None:
        """Back from the player: the same course, marked with what was watched meanwhile."""
        self._apply(self._marked(self.state))

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
        self._apply(self._marked(state))
        wanted, self._play_when_loaded = self._play_when_loaded, None
        ids = [lesson.id for lesson in state.lessons]
        if wanted in ids and not fetched.offline:
            self.index = ids.index(wanted) + 1
            self._play()

    def _failed(self, error: BaseException) -> None:
        offline = isinstance(error, Offline)
        language = self.context.language
        self._apply(CourseState.failed(self.state.course_id, str(error), language, offline=offline))

    def _marked(self, state: CourseState) -> CourseState:
        """``state`` with the profile's marks and resume point, read from the store now."""
        if not state.lessons:
            return state
        store, profile_id = self.context.progress, self.context.profile.id
        marks = store.lesson_marks(profile_id, state.course_id)
        resume = store.resume_point(profile_id, state.course_id, state.lesson_ids)
        return state.with_progress(marks, resume, self.context.language)

    def _apply(self, state: CourseState) -> None:
        self.state = state
        self.index = min(self.index, len(state.lessons))
        self.first = scroll_first(self.first, max(0, self.index - 1), VISIBLE_LINES, self._count)
        self.relayout()

    @property
    def _count(self) -> int:
        return len(self.state.lessons)

    def relayout(self) -> None:
        state = self.state
        self._accent_color.rgba = theme.color(state.color)
        x, y, _w, h = theme.to_window(Rect(X - 24, TITLE_Y, 8, 150))
        self._accent.pos, self._accent.size = (x, y), (theme.px(8), h)
        self.title.text, self.subtitle.text = state.title, state.subtitle
        self.description.text = state.description
        self.notice.text = state.message
        place_label(self.title, X, TITLE_Y, W, 90, theme.TEXT_HERO, fit=True)
        place_label(self.subtitle, X, SUBTITLE_Y, W, 50, theme.TEXT_BODY, fit=True)
        # not fit: a box three lines tall is what clips a longer description
        place_label(self.description, X, DESCRIPTION_Y, W, DESCRIPTION_H, theme.TEXT_BODY)
        place_label(self.notice, X, START_Y, W, START_H, theme.TEXT_TITLE, fit=True)
        self._place_start()
        self._place_lines()

    def _place_start(self) -> None:
        start = self.state.start
        rect = Rect(X, START_Y, START_W, START_H) if start else Rect(0, 0, 0, 0)
        x, y, w, h = theme.to_window(rect)
        self._start_box.pos, self._start_box.size = (x, y), (w, h)
        self.start.text = f"▶  {start.label}" if start else ""
        place_label(self.start, X + 32, START_Y, START_W - 64, START_H, theme.TEXT_TITLE, fit=True)

    def _place_lines(self) -> None:
        lessons = self.state.lessons
        for n, line in enumerate(self.lines):
            index = self.first + n
            lesson = lessons[index] if index < len(lessons) else None
            line.draw(lesson, self._top(n), self.state.color)
        self._outline.rectangle = self._focus_window_rect()

    @staticmethod
    def _top(n: int) -> float:
        return LIST_TOP + n * LINE_H

    def _focus_window_rect(self) -> tuple[float, float, float, float]:
        if self.state.start is None:
            return (0, 0, 0, 0)
        if self.index == 0:
            return theme.to_window(Rect(X, START_Y, START_W, START_H))
        return theme.to_window(Rect(X, self._top(self.index - 1 - self.first), W, LINE_H - 8))

    def on_action(self, press: KeyPress) -> bool:
        if press.action in (Action.UP, Action.DOWN) and self.state.start:
            step = 1 if press.action is Action.DOWN else -1
            self.index = min(max(0, self.index + step), self._count)
            if self.index > 0:
                lesson = self.index - 1
                self.first = scroll_first(self.first, lesson, VISIBLE_LINES, self._count)
            self._place_lines()
            return True
        if press.action is Action.OK and self.state.start:
            self._play()
            return True
        return press.action in (Action.LEFT, Action.RIGHT)

    def _play(self) -> None:
        """Open the player on the first line's lesson and position, or the focused lesson's."""
        state, start = self.state, self.state.start
        if self.index == 0:
            lesson_id, position, title = start.lesson_id, start.position_s, start.lesson_title
        else:
            lesson = state.lessons[self.index - 1]
            lesson_id, position, title = lesson.id, lesson.start_s, lesson.title
        self.context.open(
            "player",
            lesson_id=lesson_id,
            position=position,
            lesson_title=title,
            course_title=state.title,
            course=state.summary,
            lessons=state.lessons,  # the queue: the lesson after this one is offered at the end
        )

    def focused_id(self) -> str | None:
        if self.state.start is None:
            return None
        return CONTINUE if self.index == 0 else f"lesson/{self.state.lessons[self.index - 1].id}"

    def snapshot(self) -> dict[str, Any]:
        state = self.state
        return {
            "focus": self.focused_id(),
            "status": state.status.value,
            "message": state.message,
            "course_id": state.course_id,
            "title": state.title,
            "lessons": [lesson.title for lesson in state.lessons],
            "continue": state.start.label if state.start else None,
            "marks": {str(lesson.id): lesson.mark.state.value for lesson in state.lessons},
            "mark_labels": [lesson.mark_label for lesson in state.lessons],
            "first_visible": self.first,
        }

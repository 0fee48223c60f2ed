"""The browse screen's state: stage -> grade -> subject chips above a paged grid of courses.

Like search, browsing is a conversation with the screen, which owns the worker thread:

1. The screen fetches ``GET /api/v1/taxonomy`` and hands it to `BrowseViewModel.apply_taxonomy`
   (or `fail_taxonomy`). The first stage is selected, with every grade and every subject.
2. After every call the screen asks `take_request` for the `CoursesRequest` to fetch
   (``GET /api/v1/courses`` with the filters and a cursor) off the main thread, and hands the
   answer back with the request's id to `apply_page`, `apply_error` or `apply_offline`.
   Only the latest request is applied: choosing another chip makes every older answer stale.
3. Pages: when focus comes within ``prefetch_rows`` rows of the last loaded course and the
   last page had a ``next_cursor``, the next page is requested and appended.

Focus is on one of three chip rows (stage, grade, subject; the grade and subject rows start
with 全部 "all") or on the grid. Left/right move along a row, up/down between rows, entering a
row on its selected chip; OK on a chip selects it and moves on to the next row. In the grid,
arrows move by `grid_neighbour`, up from its first row returns to the subjects, OK opens the
course, Back returns to the subjects. Back on a chip row is the screen's: it goes back.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tv_client.navigation.focus import Direction
from tv_client.navigation.keys import Action, KeyPress
from tv_client.navigation.scrolling import grid_neighbour
from tv_client.viewmodels import HANDLED, IGNORED, Outcome, Status, message, text
from tv_client.viewmodels.home import Card, card

COLUMNS = 5
PREFETCH_ROWS = 2

_MESSAGES = {
    "title": {"zh": "分类", "en": "Browse"},
    "all": {"zh": "全部", "en": "All"},
    "empty": {"zh": "这里还没有课程", "en": "No courses here yet"},
}


class Level(enum.Enum):
    """A chip row, or the grid of courses."""

    STAGE = "stage"
    GRADE = "grade"
    SUBJECT = "subject"
    GRID = "grid"


CHIP_LEVELS = (Level.STAGE, Level.GRADE, Level.SUBJECT)


@dataclass(frozen=True)
class Chip:
    """One filter value; ``code`` None means every value (全部)."""

    code: str | None
    label: str
    color: str | None = None


@dataclass(frozen=True)
class ChipView:
    """What a view draws for one chip."""

    label: str
    selected: bool
    focused: bool
    color: str | None


@dataclass(frozen=True)
class CoursesRequest:
    """A page of courses to fetch; pass ``request_id`` back with its answer."""

    request_id: int
    stage: str | None
    grade: str | None
    subject: str | None
    cursor: str | None = None


class BrowseViewModel:
    """The browse screen's state and its transitions. Not thread-safe: main thread only."""

    def __init__(
        self, *, lang: str = "zh", columns: int = COLUMNS, prefetch_rows: int = PREFETCH_ROWS
    ) -> None:
        self.lang = lang
        self.columns = columns
        self.prefetch_rows = prefetch_rows
        self.status = Status.LOADING
        self.message = message("loading", lang)
        self.offline = False
        self.cards: tuple[Card, ...] = ()
        self.next_cursor: str | None = None
        self.focus = Level.STAGE
        self.result_index = 0
        self.request_id = 0
        self._stages: tuple[Mapping[str, Any], ...] = ()
        self._subjects: tuple[Chip, ...] = ()
        self._selected = dict.fromkeys(CHIP_LEVELS, 0)
        self._cursor = dict.fromkeys(CHIP_LEVELS, 0)
        self._pending: CoursesRequest | None = None
        self._awaiting: int | None = None

    # What the view draws.

    @property
    def title(self) -> str:
        return self._say("title")

    @property
    def ready(self) -> bool:
        """Whether the taxonomy arrived (the chip rows exist)."""
        return bool(self._stages)

    @property
    def loading_more(self) -> bool:
        return self._awaiting is not None and bool(self.cards)

    def chip_values(self, level: Level) -> tuple[Chip, ...]:
        """The chips of a row, in order."""
        if not self._stages:
            return ()
        if level is Level.STAGE:
            return tuple(Chip(s["code"], text(s.get("name"), self.lang)) for s in self._stages)
        if level is Level.GRADE:
            stage = self._stages[self._selected[Level.STAGE]]
            grades = [Chip(g["code"], text(g.get("name"), self.lang)) for g in stage["grades"]]
            return (self._all(), *grades)
        return (self._all(), *self._subjects)

    def chips(self, level: Level) -> tuple[ChipView, ...]:
        """The chips of a row as drawn: selected and focused marks."""
        focused = self._cursor[level] if self.focus is level else None
        return tuple(
            ChipView(chip.label, n == self._selected[level], n == focused, chip.color)
            for n, chip in enumerate(self.chip_values(level))
        )

    def selected(self, level: Level) -> str | None:
        """The selected code of a chip row (None for 全部 or before the taxonomy)."""
        values = self.chip_values(level)
        return values[self._selected[level]].code if values else None

    def focused_chip(self, level: Level) -> int:
        """The chip focus is on (or lands on) in a row."""
        return self._cursor[level]

    @property
    def focused_result(self) -> int | None:
        return self.result_index if self.focus is Level.GRID else None

    def focus_id(self) -> str | None:
        """``"grade/g3"``, ``"grade/all"``, ``"course/4"`` (index in the grid); None while empty."""
        if self.focus is Level.GRID:
            return f"course/{self.result_index}"
        values = self.chip_values(self.focus)
        if not values:
            return None
        return f"{self.focus.value}/{values[self._cursor[self.focus]].code or 'all'}"

    # Answers.

    def apply_taxonomy(self, data: Mapping[str, Any]) -> None:
        """The taxonomy arrived: show the chips and request the first stage's courses."""
        self._stages = tuple(s for s in data.get("stages") or () if s.get("code"))
        self._subjects = tuple(
            Chip(s["code"], text(s.get("name"), self.lang), s.get("color"))
            for s in data.get("subjects") or ()
        )
        if not self._stages:
            self._set(Status.EMPTY, self._say("empty"))
            return
        self._selected = dict.fromkeys(CHIP_LEVELS, 0)
        self._cursor = dict.fromkeys(CHIP_LEVELS, 0)
        self.focus = Level.STAGE
        self._filter_changed()

    def fail_taxonomy(self, error: str, *, offline: bool) -> None:
        """No taxonomy: nothing to browse."""
        self.offline = offline
        note = (
            message("offline_nothing", self.lang) if offline else message("error", self.lang, error)
        )
        self._set(Status.ERROR, note)

    def take_request(self) -> CoursesRequest | None:
        """The page of courses to fetch now, if any (once)."""
        request, self._pending = self._pending, None
        return request

    def reload(self) -> None:
        """Fetch the current filters again from the first page (the backend is back)."""
        if self._stages:
            self._filter_changed(keep_focus=True)

    def apply_page(
        self, request_id: int, data: Mapping[str, Any], *, offline: bool = False
    ) -> bool:
        """Show a page (``{"items", "next_cursor"}``); False when it is not the latest request."""
        if request_id != self._awaiting:
            return False
        self._awaiting = None
        start = len(self.cards)
        items = data.get("items") or ()
        new = tuple(card(item, f"browse-{start + n}", self.lang) for n, item in enumerate(items))
        self.cards += new
        self.next_cursor = data.get("next_cursor")
        self.offline = offline
        if self.cards:
            self._set(Status.READY, "")
        else:
            self._set(Status.EMPTY, self._say("empty"))
        self._settle_focus()
        self._maybe_more()
        return True

    def apply_error(self, request_id: int, error: str) -> bool:
        """A failed page (an `ApiError`'s message); False when it is not the latest request."""
        return self._fail(request_id, message("error", self.lang, error), offline=False)

    def apply_offline(self, request_id: int) -> bool:
        """The backend is unreachable and nothing is stored; False when it is not the latest."""
        return self._fail(request_id, message("offline_nothing", self.lang), offline=True)

    # Keys.

    def press(self, key_press: KeyPress) -> Outcome:
        """Handle one remote key on the browse screen."""
        if not self._stages:
            return IGNORED
        if self.focus is Level.GRID and not self.cards:  # reloading: nothing to stand on
            self._enter(Level.SUBJECT)
        if self.focus is Level.GRID:
            return self._press_in_grid(key_press)
        action = key_press.action
        if action is Action.OK:
            self._choose()
            return HANDLED
        direction = Direction.of(action)
        if direction is None:
            return IGNORED
        if direction.vertical:
            self._change_level(1 if direction is Direction.DOWN else -1)
        else:
            step = 1 if direction is Direction.RIGHT else -1
            last = len(self.chip_values(self.focus)) - 1
            self._cursor[self.focus] = min(max(0, self._cursor[self.focus] + step), last)
        return HANDLED

    def _press_in_grid(self, key_press: KeyPress) -> Outcome:
        action = key_press.action
        if action is Action.OK:
            return Outcome(True, open_course=self.cards[self.result_index].course_id)
        if action is Action.BACK:
            self.focus = Level.SUBJECT
            return HANDLED
        direction = Direction.of(action)
        if direction is None:
            return IGNORED
        target = grid_neighbour(self.result_index, direction, len(self.cards), self.columns)
        if target is not None:
            self.result_index = target
            self._maybe_more()
        elif direction is Direction.UP:
            self.focus = Level.SUBJECT
        return HANDLED

    # Transitions.

    def _choose(self) -> None:
        level = self.focus
        if self._cursor[level] != self._selected[level]:
            self._selected[level] = self._cursor[level]
            if level is Level.STAGE:
                self._selected[Level.GRADE] = self._cursor[Level.GRADE] = 0
            self._filter_changed()
        if level is not Level.SUBJECT:
            self._enter(CHIP_LEVELS[CHIP_LEVELS.index(level) + 1])

    def _change_level(self, step: int) -> None:
        index = CHIP_LEVELS.index(self.focus) + step
        if index < 0:
            return
        if index >= len(CHIP_LEVELS):
            if self.cards:
                self.focus = Level.GRID
            return
        self._enter(CHIP_LEVELS[index])

    def _enter(self, level: Level) -> None:
        self.focus = level
        self._cursor[level] = self._selected[level]

    def _filter_changed(self, *, keep_focus: bool = False) -> None:
        self.request_id += 1
        self._awaiting = self.request_id
        self._pending = CoursesRequest(
            self.request_id,
            self.selected(Level.STAGE),
            self.selected(Level.GRADE),
            self.selected(Level.SUBJECT),
        )
        self.cards, self.next_cursor = (), None
        if not keep_focus:
            self.result_index = 0
        self._set(Status.LOADING, message("loading", self.lang))

    def _maybe_more(self) -> None:
        """Ask for the next page once focus nears the end of what is loaded."""
        near_end = self.result_index >= len(self.cards) - self.columns * self.prefetch_rows
        if self.focus is not Level.GRID or not near_end:
            return
        if self.next_cursor is None or self._awaiting is not None:
            return
        self.request_id += 1
        self._awaiting = self.request_id
        self._pending = CoursesRequest(
            self.request_id,
            self.selected(Level.STAGE),
            self.selected(Level.GRADE),
            self.selected(Level.SUBJECT),
            cursor=self.next_cursor,
        )

    def _fail(self, request_id: int, note: str, *, offline: bool) -> bool:
        if request_id != self._awaiting:
            return False
        self._awaiting = None
        self.offline = offline
        if self.cards:  # a later page failed: keep what is shown, say why below it
            self.next_cursor = None
            self.message = note
        else:
            self._set(Status.ERROR, note)
        self._settle_focus()
        return True

    def _settle_focus(self) -> None:
        if not self.cards:
            if self.focus is Level.GRID:
                self._enter(Level.SUBJECT)
            self.result_index = 0
        else:
            self.result_index = min(self.result_index, len(self.cards) - 1)

    def _all(self) -> Chip:
        return Chip(None, self._say("all"))

    def _say(self, key: str) -> str:
        return text(_MESSAGES[key], self.lang)

    def _set(self, status: Status, note: str) -> None:
        self.status, self.message = status, note

"""The browse screen's state: filter chips (`Filters`: by stage or by series) above a grid.

Like search, browsing is a conversation with the screen, which owns the worker thread:

1. The screen fetches ``GET /api/v1/taxonomy`` and hands it to `BrowseViewModel.apply_taxonomy`
   (or `fail_taxonomy`); `BrowseViewModel.start` says how the screen was opened (on a series
   page with ``series="<code>"``, else by stage), before or after the taxonomy arrives.
2. After every call the screen asks `take_request` for the `CoursesRequest` to fetch
   (``GET /api/v1/courses`` with the filters and a cursor) off the main thread, and hands the
   answer back with the request's id to `apply_page`, `apply_error` or `apply_offline`.
   Only the latest request is applied: choosing another chip makes every older answer stale.
3. Pages: when focus comes within ``prefetch_rows`` rows of the last loaded course and the
   last page had a ``next_cursor``, the next page is requested and appended.

Focus is on a chip row (see `Filters`) or on the grid. Down from the bottom row enters the
grid once it has cards; in the grid, arrows move by `grid_neighbour`, up from its first row or
Back returns to the bottom row, OK opens the course. Back on a chip row is the screen's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tv_client.navigation.focus import Direction
from tv_client.navigation.keys import Action, KeyPress
from tv_client.navigation.scrolling import grid_neighbour
from tv_client.viewmodels import HANDLED, IGNORED, Outcome, Status, message, text
from tv_client.viewmodels.filters import CHIP_LEVELS, Chip, ChipView, Filters, Level, Mode
from tv_client.viewmodels.home import Card, card

__all__ = [
    "CHIP_LEVELS",
    "HANDLED",
    "IGNORED",
    "BrowseViewModel",
    "Chip",
    "ChipView",
    "CoursesRequest",
    "Level",
    "Mode",
    "Outcome",
    "TaggedCard",
    "tagged_card",
]

COLUMNS = 5
PREFETCH_ROWS = 2

_MESSAGES = {
    "title": {"zh": "分类", "en": "Browse"},
    "empty": {"zh": "这里还没有课程", "en": "No courses here yet"},
}


@dataclass(frozen=True)
class CoursesRequest:
    """A page of courses to fetch; pass ``request_id`` back with its answer."""

    request_id: int
    stage: str | None
    grade: str | None
    subject: str | None
    series: str | None = None
    cursor: str | None = None


@dataclass(frozen=True)
class TaggedCard(Card):
    """A course card that also names its series, drawn as a tag in the series' colour."""

    tag: str = ""
    tag_color: str | None = None


def tagged_card(
    item: Mapping[str, Any], key: str, language: str, *, tag: bool = True
) -> TaggedCard:
    """A card for one course summary, tagged with its series unless ``tag`` is False."""
    series = item.get("series") or {}
    base = vars(card(item, key, language))
    if not tag or not series:
        return TaggedCard(**base)
    name = text(series.get("name"), language)
    return TaggedCard(**base, tag=name, tag_color=series.get("color"))


class BrowseViewModel:
    """The browse screen's state and its transitions. Not thread-safe: main thread only."""

    def __init__(
        self, *, lang: str = "zh", columns: int = COLUMNS, prefetch_rows: int = PREFETCH_ROWS
    ) -> None:
        self.lang = lang
        self.columns = columns
        self.prefetch_rows = prefetch_rows
        self.filters = Filters(lang)
        self.status = Status.LOADING
        self.message = message("loading", lang)
        self.offline = False
        self.cards: tuple[Card, ...] = ()
        self.next_cursor: str | None = None
        self.in_grid = False
        self.result_index = 0
        self.request_id = 0
        self._wanted_series: str | None = None
        self._pending: CoursesRequest | None = None
        self._awaiting: int | None = None

    # What the view draws.

    @property
    def title(self) -> str:
        return text(_MESSAGES["title"], self.lang)

    @property
    def ready(self) -> bool:
        """Whether the taxonomy arrived with something to browse (the chip rows exist)."""
        return self.filters.ready

    @property
    def focus(self) -> Level:
        return Level.GRID if self.in_grid else self.filters.focus

    @property
    def mode(self) -> Mode:
        return self.filters.mode

    @property
    def description(self) -> str:
        """On a series page, what the series is about; else empty."""
        return self.filters.description

    @property
    def loading_more(self) -> bool:
        return self._awaiting is not None and bool(self.cards)

    @property
    def footnote(self) -> str:
        """A line for while cards show: the next page is loading, or why it failed."""
        if not self.cards:
            return ""
        return message("loading", self.lang) if self.loading_more else self.message

    def levels(self) -> tuple[Level, ...]:
        """The chip rows on screen, top to bottom."""
        return self.filters.levels()

    def chips(self, level: Level) -> tuple[ChipView, ...]:
        """The chips of a row as drawn: selected and focused marks."""
        return self.filters.chips(level, focused=not self.in_grid)

    def selected(self, level: Level) -> str | None:
        """The selected code of a chip row (None for 全部 or before the taxonomy)."""
        return self.filters.selected(level)

    @property
    def focused_result(self) -> int | None:
        return self.result_index if self.in_grid else None

    def focus_id(self) -> str | None:
        """``"grade/g3"``, ``"grade/all"``, ``"course/4"`` (index in the grid); None while empty."""
        return f"course/{self.result_index}" if self.in_grid else self.filters.focus_id()

    # How the screen was opened, and answers.

    def start(self, series: str | None = None) -> None:
        """The screen is opened: on the page of ``series`` (a code), else browsing by stage.

        Before the taxonomy arrives this is remembered. An unknown series, or one without
        courses, opens browsing by stage; choices made before are kept.
        """
        self._wanted_series = series
        if not self.ready:
            return
        before = self.filters.query()
        self.filters.start(series)
        self.in_grid = False
        if self.filters.query() != before or not (self.cards or self._awaiting):
            self._filter_changed()

    def apply_taxonomy(self, data: Mapping[str, Any]) -> None:
        """The taxonomy arrived: show the chips and request the first courses."""
        self.filters.load(data)
        if not self.ready:
            self._set(Status.EMPTY, text(_MESSAGES["empty"], self.lang))
            return
        self.start(self._wanted_series)

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
        if self.ready:
            self._filter_changed(keep_focus=True)

    def apply_page(
        self, request_id: int, data: Mapping[str, Any], *, offline: bool = False
    ) -> bool:
        """Show a page (``{"items", "next_cursor"}``); False when it is not the latest request."""
        if request_id != self._awaiting:
            return False
        self._awaiting = None
        start = len(self.cards)
        tag = self.mode is not Mode.SERIES  # a series page need not name it on every card
        self.cards += tuple(
            tagged_card(item, f"browse-{start + n}", self.lang, tag=tag)
            for n, item in enumerate(data.get("items") or ())
        )
        self.next_cursor = data.get("next_cursor")
        self.offline = offline
        if self.cards:
            self._set(Status.READY, "")
        else:
            self._set(Status.EMPTY, text(_MESSAGES["empty"], self.lang))
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
        if not self.ready:
            return IGNORED
        if self.in_grid and not self.cards:  # reloading: nothing to stand on
            self._leave_grid()
        if self.in_grid:
            return self._press_in_grid(key_press)
        if key_press.action is Action.OK:
            before = self.filters.query()
            self.filters.choose()
            if self.filters.query() != before:
                self._filter_changed()
            return HANDLED
        direction = Direction.of(key_press.action)
        if direction is None:
            return IGNORED
        if not self.filters.move(direction) and self.cards:
            self.in_grid = True
        return HANDLED

    def _press_in_grid(self, key_press: KeyPress) -> Outcome:
        action = key_press.action
        if action is Action.OK:
            return Outcome(True, open_course=self.cards[self.result_index].course_id)
        if action is Action.BACK:
            self._leave_grid()
            return HANDLED
        direction = Direction.of(action)
        if direction is None:
            return IGNORED
        target = grid_neighbour(self.result_index, direction, len(self.cards), self.columns)
        if target is not None:
            self.result_index = target
            self._maybe_more()
        elif direction is Direction.UP:
            self._leave_grid()
        return HANDLED

    # Transitions.

    def _leave_grid(self) -> None:
        self.in_grid = False
        self.filters.enter_last()

    def _request(self, cursor: str | None = None) -> None:
        self.request_id += 1
        self._awaiting = self.request_id
        query = self.filters.query()
        self._pending = CoursesRequest(
            self.request_id, query.stage, query.grade, query.subject, query.series, cursor
        )

    def _filter_changed(self, *, keep_focus: bool = False) -> None:
        self._request()
        self.cards, self.next_cursor = (), None
        if not keep_focus:
            self.result_index = 0
        self._set(Status.LOADING, message("loading", self.lang))

    def _maybe_more(self) -> None:
        """Ask for the next page once focus nears the end of what is loaded."""
        near_end = self.result_index >= len(self.cards) - self.columns * self.prefetch_rows
        if not self.in_grid or not near_end:
            return
        if self.next_cursor is None or self._awaiting is not None:
            return
        self._request(cursor=self.next_cursor)

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
            if self.in_grid:
                self._leave_grid()
            self.result_index = 0
        else:
            self.result_index = min(self.result_index, len(self.cards) - 1)

    def _set(self, status: Status, note: str) -> None:
        self.status, self.message = status, note

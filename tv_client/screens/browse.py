"""The browse screen: filter chips (by stage, grade and subject, or by series) above a grid.

It drives `BrowseViewModel`: the taxonomy and every page of courses are fetched on a worker
(`BackgroundTasks`; channel ``"browse"`` for pages, so only the latest answer comes back) and
applied on the main thread; after every key or answer it asks the view-model for the next
request. OK on a course opens it; Back from the chips goes back.

``context.open("browse")`` browses by stage; ``context.open("browse", series="<code>")`` opens
the page of one series (the home screen's series rows lead here).

The title shares its line with the mode chips (按学段 / 按系列) and, at the right, a footnote
(the next page loading, or why it failed). By stage, three chip rows follow; by series, the
series row and what the series is about. The grid fills the rest; loading, empty and error
messages show where the grid would be.
"""

from __future__ import annotations

from typing import Any

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.browse import (
    CHIP_LEVELS,
    BrowseViewModel,
    CoursesRequest,
    Level,
    Mode,
)
from tv_client.widgets.card_grid import PAD, CardGrid
from tv_client.widgets.highlight import highlighted
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
W = theme.LOGICAL_W - 2 * X
HEADER_H = 96
HEADING_W = 200
FOOTNOTE_W = 640
ROW_PITCH = CHIP_H + 20
CHIPS_TOP = Y + HEADER_H
MODE_AREA = Rect(X + HEADING_W, Y + 6, W - HEADING_W - FOOTNOTE_W, CHIP_H)
ABOUT = Rect(X, CHIPS_TOP + ROW_PITCH - 8, W, 88)  # a series page's description: two lines
GRID_TOP = {Mode.STAGES: CHIPS_TOP + 3 * ROW_PITCH, Mode.SERIES: ABOUT.bottom + 16}
COLUMNS = 5


def grid_area(mode: Mode) -> Rect:
    """The grid's area, with room around the cards for the enlarged focused one."""
    top = GRID_TOP[mode]
    return Rect(X - PAD, top - PAD + 8, W + 2 * PAD, theme.LOGICAL_H - Y - top + PAD)


def row_area(level: Level, levels: tuple[Level, ...]) -> Rect:
    """Where a chip row goes: the mode row on the title's line, the others below in order."""
    if level is Level.MODE:
        return MODE_AREA
    n = [row for row in levels if row is not Level.MODE].index(level)
    return Rect(X, CHIPS_TOP + n * ROW_PITCH, W, CHIP_H)


class BrowseScreen(TvScreen):
    """Browse by stage, grade and subject, or by series; focus as `BrowseViewModel.focus_id`."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.vm = BrowseViewModel(lang=context.language, columns=COLUMNS)
        self.heading = tv_label(self.vm.title, theme.TEXT_HERO, bold=True)
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.about = tv_label(size=theme.TEXT_BODY, color="text_dim", valign="top")
        self.footnote = tv_label(size=theme.TEXT_SMALL, color="text_dim", halign="right")
        self.footnote.shorten = True
        self.rows = {level: ChipRow() for level in CHIP_LEVELS}
        self.grid = CardGrid(context.posters, COLUMNS)
        for child in (self.heading, *self.rows.values(), self.about, self.grid, self.notice):
            self.add_widget(child)
        self.add_widget(self.footnote)

    def show(self, series: str | None = None, **_params: Any) -> None:
        """Opened: on the page of ``series`` (a series code), else browsing by stage."""
        self.vm.start(series=series)
        if self.vm.ready:
            self._fetch()
        else:
            self._load_taxonomy()
        self.relayout()

    def reload(self) -> None:
        if not self.vm.ready:
            self._load_taxonomy()
            return
        self.vm.reload()
        self._fetch()
        self.relayout()

    def _load_taxonomy(self) -> None:
        catalog = self.context.catalog
        self.context.tasks.run(
            "browse-taxonomy", catalog.taxonomy, self._taxonomy, self._no_taxonomy
        )

    def _taxonomy(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        self.vm.apply_taxonomy(fetched.data)
        self._fetch()
        self.relayout()

    def _no_taxonomy(self, error: BaseException) -> None:
        self.vm.fail_taxonomy(str(error), offline=isinstance(error, Offline))
        self.relayout()

    def _fetch(self) -> None:
        request = self.vm.take_request()
        if request is None:
            return
        self.context.tasks.run(
            "browse",
            lambda: self._page(request),
            lambda fetched: self._answered(request, fetched),
            lambda error: self._failed(request, error),
        )

    def _page(self, request: CoursesRequest) -> Fetched:
        return self.context.catalog.courses(
            stage=request.stage,
            grade=request.grade,
            subject=request.subject,
            series=request.series,
            cursor=request.cursor,
        )

    def _answered(self, request: CoursesRequest, fetched: Fetched) -> None:
        self.context.report(fetched)
        self.vm.apply_page(request.request_id, fetched.data, offline=fetched.offline)
        self._fetch()
        self.relayout()

    def _failed(self, request: CoursesRequest, error: BaseException) -> None:
        if isinstance(error, Offline):
            self.vm.apply_offline(request.request_id)
        else:
            self.vm.apply_error(request.request_id, str(error))
        self.relayout()

    def on_action(self, press: KeyPress) -> bool:
        outcome = self.vm.press(press)
        if outcome.open_course is not None:
            title = self.vm.cards[self.vm.result_index].title
            return self.open_chosen_course(outcome.open_course, title)
        self._fetch()
        self.relayout()
        return outcome.consumed

    def relayout(self) -> None:
        vm = self.vm
        place_label(self.heading, X, Y, HEADING_W, HEADER_H - 16, theme.TEXT_HERO)
        self._place_rows()
        self.about.text = vm.description
        place_label(self.about, ABOUT.x, ABOUT.y, ABOUT.w, ABOUT.h, theme.TEXT_BODY)
        self.grid.place(grid_area(vm.mode))
        self.grid.show(vm.cards, vm.focused_result)
        self.notice.text = "" if vm.cards else vm.message
        place_label(self.notice, X, GRID_TOP[vm.mode] + 80, W, 160, theme.TEXT_TITLE)
        self.footnote.text = vm.footnote
        footnote_x = X + W - FOOTNOTE_W
        place_label(self.footnote, footnote_x, Y, FOOTNOTE_W, HEADER_H - 16, theme.TEXT_SMALL)

    def _place_rows(self) -> None:
        levels = self.vm.levels()
        for level, row in self.rows.items():
            row.opacity = 1 if level in levels else 0
            if level in levels:
                looks = [
                    ChipLook(c.label, c.focused, c.selected, color=c.color)
                    for c in self.vm.chips(level)
                ]
                row.show(looks, row_area(level, levels))

    def focused_id(self) -> str | None:
        return self.vm.focus_id()

    def snapshot(self) -> dict[str, Any]:
        vm = self.vm
        return {
            "focus": vm.focus_id(),
            "status": vm.status.value,
            "message": vm.message,
            "mode": vm.mode.value,
            "levels": [level.value for level in vm.levels()],
            "selected": {level.value: vm.selected(level) for level in CHIP_LEVELS},
            "chips": {level.value: [c.label for c in vm.chips(level)] for level in CHIP_LEVELS},
            "description": vm.description,
            "footnote": vm.footnote,
            "results": [card.title for card in vm.cards],
            "tags": [getattr(card, "tag", "") for card in vm.cards],
            "materialised_cards": len(self.grid.cells()),
            "loading_more": vm.loading_more,
            "focused_level": vm.focus.value if vm.ready else None,
            "highlights": highlighted(self),
        }

"""The browse screen: stage, grade and subject chips above a paged grid of courses.

It drives `BrowseViewModel`: the taxonomy and every page of courses are fetched on a worker
(`BackgroundTasks`; channel ``"browse"`` for pages, so only the latest answer comes back) and
applied on the main thread; after every key or answer it asks the view-model for the next
request. OK on a course opens it; Back from the chips goes back.
"""

from __future__ import annotations

from typing import Any

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import Status
from tv_client.viewmodels.browse import CHIP_LEVELS, BrowseViewModel, CoursesRequest
from tv_client.widgets.card_grid import PAD, CardGrid
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
W = theme.LOGICAL_W - 2 * X
HEADER_H = 96
ROW_PITCH = CHIP_H + 20
CHIPS_TOP = Y + HEADER_H
GRID_TOP = CHIPS_TOP + len(CHIP_LEVELS) * ROW_PITCH
GRID = Rect(X - PAD, GRID_TOP - PAD + 8, W + 2 * PAD, theme.LOGICAL_H - Y - GRID_TOP + PAD)
COLUMNS = 5


class BrowseScreen(TvScreen):
    """Browse by stage, grade and subject; focus as `BrowseViewModel.focus_id`."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.vm = BrowseViewModel(lang=context.language, columns=COLUMNS)
        self.heading = tv_label(self.vm.title, theme.TEXT_HERO, bold=True)
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.rows = {level: ChipRow() for level in CHIP_LEVELS}
        self.grid = CardGrid(context.catalog.media_url, COLUMNS)
        for child in (self.heading, *self.rows.values(), self.grid, self.notice):
            self.add_widget(child)

    def show(self, **_params: Any) -> None:
        if not self.vm.ready:
            self.reload()
        self.relayout()

    def reload(self) -> None:
        if self.vm.ready:
            self.vm.reload()
            self._fetch()
            self.relayout()
            return
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
            stage=request.stage, grade=request.grade, subject=request.subject, cursor=request.cursor
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
        place_label(self.heading, X, Y, W, HEADER_H - 16, theme.TEXT_HERO)
        for n, (level, row) in enumerate(self.rows.items()):
            looks = [
                ChipLook(c.label, c.focused, c.selected, color=c.color) for c in vm.chips(level)
            ]
            row.show(looks, Rect(X, CHIPS_TOP + n * ROW_PITCH, W, CHIP_H))
        self.grid.place(GRID)
        self.grid.show(vm.cards, vm.focused_result)
        shown = vm.status is not Status.READY or (vm.message and not vm.cards)
        self.notice.text = vm.message if shown else ""
        place_label(self.notice, X, GRID_TOP + 80, W, 160, theme.TEXT_TITLE)

    def focused_id(self) -> str | None:
        return self.vm.focus_id()

    def snapshot(self) -> dict[str, Any]:
        vm = self.vm
        return {
            "focus": vm.focus_id(),
            "status": vm.status.value,
            "message": vm.message,
            "selected": {level.value: vm.selected(level) for level in CHIP_LEVELS},
            "chips": {level.value: [c.label for c in vm.chips(level)] for level in CHIP_LEVELS},
            "results": [card.title for card in vm.cards],
            "materialised_cards": len(self.grid.cells()),
            "loading_more": vm.loading_more,
            "focused_level": vm.focus.value if vm.ready else None,
        }

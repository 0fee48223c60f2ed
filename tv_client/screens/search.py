"""The search screen: the on-screen keyboard on the left, results as you type on the right.

It drives `SearchViewModel` as its docstring says: after each key a one-shot timer fires when
the debounced search is due, `tick` hands over the request, the catalog is asked on a worker
(`BackgroundTasks`, channel ``"search"``, so only the latest answer comes back) and the answer
is applied on the main thread. OK on a result opens the course; Back with nothing typed goes
back, and the typed text is kept when the course screen returns here.

One focus highlight at a time: the focused key, or the focused result. The query box is outlined
in a quiet grey while the keyboard types into it, never in the focus colour.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line, RoundedRectangle

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.search import Pane, SearchRequest, SearchViewModel
from tv_client.widgets.card_grid import PAD, CardGrid
from tv_client.widgets.highlight import highlighted
from tv_client.widgets.keyboard import WIDTH as KEYBOARD_W
from tv_client.widgets.keyboard import KeyboardView
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
HEADER_H = 96
QUERY_TOP, QUERY_H = Y + HEADER_H, 84
KEYS_TOP = QUERY_TOP + QUERY_H + 32
RESULTS_X = X + KEYBOARD_W + 48
RESULTS = Rect(
    RESULTS_X - PAD,
    Y + HEADER_H - PAD,
    theme.LOGICAL_W - X - RESULTS_X + PAD,
    theme.LOGICAL_H - 2 * Y - HEADER_H + PAD,
)
COLUMNS = 3


class SearchScreen(TvScreen):
    """Search; focus is ``"key/<row>/<col>"`` or ``"result/<index>"``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.vm = SearchViewModel(lang=context.language, columns=COLUMNS)
        self._timer = None
        self.heading = tv_label(self.vm.title, theme.TEXT_HERO, bold=True)
        self.query = tv_label(size=theme.TEXT_TITLE, shorten=True, shorten_from="left")
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.keyboard = KeyboardView()
        self.grid = CardGrid(context.posters, COLUMNS)
        with self.canvas:
            Color(*theme.color("surface"))
            self._box = RoundedRectangle(radius=[theme.px(12)])
            self._caret_color = Color(*theme.color("text_dim"))
            self._caret = Line(width=theme.px(3))
        for child in (self.heading, self.query, self.notice, self.keyboard, self.grid):
            self.add_widget(child)

    def show(self, **_params: Any) -> None:
        """A fresh search each time the screen is opened (Back into it keeps the last one)."""
        self.context.tasks.cancel("search")
        self.vm = SearchViewModel(lang=self.context.language, columns=COLUMNS)
        self.relayout()

    def reload(self) -> None:
        self.vm.retry()
        self._after_change()

    def on_action(self, press: KeyPress) -> bool:
        outcome = self.vm.press(press)
        if outcome.open_course is not None:
            title = self.vm.cards[self.vm.result_index].title
            return self.open_chosen_course(outcome.open_course, title)
        self._after_change()
        return outcome.consumed

    def _after_change(self) -> None:
        self._schedule_tick()
        self.relayout()

    def _schedule_tick(self) -> None:
        due = self.vm.due_at
        if due is None:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = Clock.schedule_once(self._tick, max(0.0, due - time.monotonic()))

    def _tick(self, _dt: float) -> None:
        self._timer = None
        request = self.vm.tick()
        if request is None:
            self._schedule_tick()  # not due yet (the clocks disagree by a hair)
            return
        self.context.tasks.run(
            "search",
            lambda: self.context.catalog.search(request.query),
            lambda fetched: self._answered(request, fetched),
            lambda error: self._failed(request, error),
        )

    def _answered(self, request: SearchRequest, fetched: Fetched) -> None:
        self.context.report(fetched)
        self.vm.apply_result(
            request.request_id, fetched.data, offline=fetched.offline, fetched_at=fetched.fetched_at
        )
        self.relayout()

    def _failed(self, request: SearchRequest, error: BaseException) -> None:
        if isinstance(error, Offline):
            self.vm.apply_offline(request.request_id)
        else:
            self.vm.apply_error(request.request_id, str(error))
        self.relayout()

    def relayout(self) -> None:
        vm = self.vm
        place_label(self.heading, X, Y, KEYBOARD_W, HEADER_H - 16, theme.TEXT_HERO)
        self._place_query()
        self.keyboard.show(vm.keyboard_rows(), X, KEYS_TOP)
        self.grid.place(RESULTS)
        self.grid.show(vm.cards, vm.focused_result)
        self.notice.text = "" if vm.cards else vm.message
        place_label(
            self.notice,
            RESULTS_X,
            RESULTS.y + 120,
            RESULTS.right - RESULTS_X,
            200,
            theme.TEXT_TITLE,
        )

    def _place_query(self) -> None:
        typed = self.vm.text
        self.query.text = typed or self.vm.placeholder
        self.query.color = theme.color("text" if typed else "text_dim")
        size = theme.TEXT_TITLE if typed else theme.TEXT_SMALL
        place_label(self.query, X + 24, QUERY_TOP, KEYBOARD_W - 48, QUERY_H, size)
        bx, by, bw, bh = theme.to_window(Rect(X, QUERY_TOP, KEYBOARD_W, QUERY_H))
        self._box.pos, self._box.size = (bx, by), (bw, bh)
        focused = self.vm.focus is Pane.KEYBOARD
        self._caret_color.a = 1 if focused else 0
        self._caret.rounded_rectangle = (bx, by, bw, bh, theme.px(12))

    def focused_id(self) -> str | None:
        if self.vm.focus is Pane.RESULTS:
            return f"result/{self.vm.result_index}"
        return f"key/{self.vm.keyboard.row}/{self.vm.keyboard.col}"

    def snapshot(self) -> dict[str, Any]:
        vm = self.vm
        return {
            "focus": self.focused_id(),
            "focused_key": vm.keyboard.focused_key.label(vm.lang),
            "text": vm.text,
            "query": vm.query,
            "status": vm.status.value,
            "message": vm.message,
            "results": [card.title for card in vm.cards],
            "tags": [getattr(card, "tag", "") for card in vm.cards],
            "materialised_cards": len(self.grid.cells()),
            "highlights": highlighted(self),
        }

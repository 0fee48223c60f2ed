"""The home screen: titled rows of course cards from ``/api/v1/home``.

Left/right move within a row, up/down between rows (landing on each row's remembered card);
OK opens the course. Rows and their cards are virtualised: only what is on screen is a widget.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Direction, FocusMemory, Rect, move
from tv_client.navigation.keys import Action, KeyPress
from tv_client.navigation.scrolling import scroll_to_reveal, visible_range
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import Status
from tv_client.viewmodels.home import HomeState
from tv_client.widgets.card_row import ROW_H, VIEW_W, VIEW_X, CardRow
from tv_client.widgets.text import place_label, tv_label

HEADER_H = 96
AREA_TOP = theme.SAFE_Y + HEADER_H
AREA_H = theme.LOGICAL_H - theme.SAFE_Y - AREA_TOP
ROW_GAP = 48
VIEWPORT = Rect(0, AREA_TOP, theme.LOGICAL_W, AREA_H)


class HomeScreen(TvScreen):
    """Rows of cards; focus is a card key such as ``"latest-None/2"``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.state = HomeState.loading(context.language)
        self.focus: str | None = None
        self.scroll = 0.0
        self._rows: dict[str, CardRow] = {}
        self._layer = Widget()
        self.heading = tv_label("EduTV 空中课堂", theme.TEXT_HERO, bold=True)
        self.notice = tv_label(halign="center", size=theme.TEXT_TITLE, color="text_dim")
        for child in (self._layer, self.heading, self.notice):
            self.add_widget(child)

    def show(self, **_params: Any) -> None:
        if self.state.status is not Status.READY:
            self.reload()

    def reload(self) -> None:
        if self.state.status is not Status.READY:
            self._apply(HomeState.loading(self.context.language))
        self.context.tasks.run("home", self.context.catalog.home, self._loaded, self._failed)

    def _loaded(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        state = HomeState.from_data(
            fetched.data,
            self.context.language,
            offline=fetched.offline,
            fetched_at=fetched.fetched_at,
        )
        self._apply(state)

    def _failed(self, error: BaseException) -> None:
        offline = isinstance(error, Offline)
        self._apply(HomeState.failed(str(error), self.context.language, offline=offline))

    def _apply(self, state: HomeState) -> None:
        self.state = state
        keep = {row.key: row for row in state.rows}
        for key in [k for k in self._rows if k not in keep]:
            self._rows.pop(key).release_all()
        for row in state.rows:
            if row.key in self._rows:
                self._rows[row.key].rebind(row)
            else:
                self._rows[row.key] = CardRow(row, self.context.catalog.media_url)
        self.focus = self._valid_focus()
        self.relayout()

    def _valid_focus(self) -> str | None:
        if not self.state.rows:
            return None
        if self.focus is not None:
            row_key, _, index = self.focus.rpartition("/")
            row = self._rows.get(row_key)
            if row is not None and int(index) < len(row.row.cards):
                return self.focus
        return self.state.rows[0].cards[0].key

    def relayout(self) -> None:
        place_label(self.heading, VIEW_X, theme.SAFE_Y, VIEW_W, HEADER_H - 16, theme.TEXT_HERO)
        shown = self.state.status is not Status.READY
        self.notice.text = self.state.message if shown else ""
        place_label(self.notice, VIEW_X, AREA_TOP, VIEW_W, AREA_H / 2, theme.TEXT_TITLE)
        rows = self.state.rows
        wanted = visible_range(-self.scroll, ROW_H, ROW_GAP, AREA_H, len(rows))
        for index, row in enumerate(rows):
            widget = self._rows[row.key]
            if index in wanted:
                if widget.parent is None:
                    self._layer.add_widget(widget)
                top = AREA_TOP + index * (ROW_H + ROW_GAP) - self.scroll
                widget.layout(top, self.focus)
            elif widget.parent is not None:
                widget.release_all()
                self._layer.remove_widget(widget)

    def on_action(self, press: KeyPress) -> bool:
        direction = Direction.of(press.action)
        if direction is not None:
            self._move(direction)
            return True
        if press.action is Action.OK and self.focus:
            card = self._focused_card()
            self.context.open("course", course_id=card.course_id, title=card.title)
            return True
        return False

    def _move(self, direction: Direction) -> None:
        if self.focus is None:
            return
        live = [w for w in self._rows.values() if w.parent is not None]
        items = [item for widget in live for item in widget.focusables()]
        remembered = {w.row.key: w.key_of(w.focused_index) for w in live if w.visited}
        memory = FocusMemory(self.focus, remembered)
        target = move(self.focus, direction, items, memory=memory, viewport=VIEWPORT)
        self._focus(target)

    def _focus(self, key: str) -> None:
        row_key, _, index = key.rpartition("/")
        self.focus = key
        self._rows[row_key].reveal(int(index))
        row_index = next(i for i, row in enumerate(self.state.rows) if row.key == row_key)
        rect = Rect(0, row_index * (ROW_H + ROW_GAP), VIEW_W, ROW_H)
        _, dy = scroll_to_reveal(rect, Rect(0, self.scroll, VIEW_W, AREA_H))
        self.scroll = max(0.0, self.scroll + dy)
        self.relayout()

    def _focused_card(self):
        row_key, _, index = self.focus.rpartition("/")
        return self._rows[row_key].row.cards[int(index)]

    def focused_id(self) -> str | None:
        return self.focus

    def snapshot(self) -> dict[str, Any]:
        live = [w for w in self._rows.values() if w.parent is not None]
        cards = [card for w in live for card in w.cards().values()]
        return {
            "focus": self.focus,
            "status": self.state.status.value,
            "message": self.state.message,
            "rows": [row.title for row in self.state.rows],
            "materialised_rows": len(live),
            "materialised_cards": len(cards),
            "posters": {c.card.key: c.poster_state for c in cards if c.card is not None},
            "focused_title": self._focused_card().title if self.focus else None,
            **self._focus_geometry(),
        }

    def _focus_geometry(self) -> dict[str, Any]:
        """Where the focused card is: logical (y down) and in window pixels (y up)."""
        if self.focus is None:
            return {}
        row_key, _, index = self.focus.rpartition("/")
        row = self._rows[row_key]
        rect = row.card_rect(int(index))
        widget = row.cards().get(int(index))
        window = [*widget.pos, *widget.size] if widget is not None else None
        return {"focus_rect": [rect.x, rect.y, rect.w, rect.h], "focus_window_rect": window}

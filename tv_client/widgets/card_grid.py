"""A vertically scrolling grid of poster cards, virtualised: only the visible rows are widgets.

The grid is placed in a logical rectangle (y down) and clips its cards to it (a stencil), so a
row scrolled half out of view never draws over what lies above. It scrolls so the focused card
is revealed; cards leaving the visible range go back to a pool and are rebound to other courses.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.stencilview import StencilView

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.scrolling import grid_visible_range, scroll_to_reveal
from tv_client.viewmodels.home import Card
from tv_client.widgets.poster_card import CARD_H, CARD_W, PosterCard

GAP = 32
ROW_GAP = 40
PAD = 24  # room around the cards for the enlarged, outlined focused card


class CardGrid(StencilView):
    """``columns`` cards a row; `place` sets its area, `show` its cards and focus."""

    def __init__(self, media_url: Callable[[str | None], str | None], columns: int) -> None:
        super().__init__(size_hint=(None, None))
        self.columns = columns
        self.offset = 0.0
        self.area = Rect(0, 0, 0, 0)
        self._media_url = media_url
        self._items: tuple[Card, ...] = ()
        self._cells: dict[int, PosterCard] = {}
        self._pool: list[PosterCard] = []

    def place(self, area: Rect) -> None:
        """Occupy the logical ``area`` (cards are inset by `PAD` inside it)."""
        self.area = area
        x, y, w, h = theme.to_window(area)
        self.pos, self.size = (x, y), (w, h)

    def card_rect(self, index: int) -> Rect:
        row, column = divmod(index, self.columns)
        x = self.area.x + PAD + column * (CARD_W + GAP)
        y = self.area.y + PAD + row * (CARD_H + ROW_GAP) - self.offset
        return Rect(x, y, CARD_W, CARD_H)

    def show(self, cards: tuple[Card, ...], focused: int | None) -> None:
        """Draw ``cards`` with ``focused`` (an index, or None) revealed and highlighted."""
        if cards[:1] != self._items[:1]:
            self.offset = 0.0  # other content (a new query or filter): back to the top
        self._items = cards
        if focused is not None:
            self._reveal(focused)
        view_h = self.area.h - 2 * PAD
        wanted = grid_visible_range(-self.offset, CARD_H, ROW_GAP, view_h, len(cards), self.columns)
        for index in [i for i in self._cells if i not in wanted]:
            self._release(index)
        top = None
        for index in wanted:
            cell = self._cells.get(index) or self._acquire(index)
            cell.show(cards[index])
            cell.place(self.card_rect(index), index == focused)
            if index == focused:
                top = cell
        if top is not None:  # drawn last, so its enlarged poster overlaps its neighbours
            self.remove_widget(top)
            self.add_widget(top)

    def cells(self) -> dict[int, PosterCard]:
        """The materialised cards by index."""
        return dict(self._cells)

    def _reveal(self, index: int) -> None:
        row = index // self.columns
        rect = Rect(0, row * (CARD_H + ROW_GAP), CARD_W, CARD_H)
        view = Rect(0, self.offset, CARD_W, self.area.h - 2 * PAD)
        _, dy = scroll_to_reveal(rect, view)
        self.offset = max(0.0, self.offset + dy)

    def _acquire(self, index: int) -> PosterCard:
        cell = self._pool.pop() if self._pool else PosterCard(self._media_url)
        self._cells[index] = cell
        self.add_widget(cell)
        return cell

    def _release(self, index: int) -> None:
        cell = self._cells.pop(index)
        self.remove_widget(cell)
        self._pool.append(cell)

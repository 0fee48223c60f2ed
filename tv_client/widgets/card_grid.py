"""A vertically scrolling grid of poster cards, virtualised: only the visible rows are widgets.

The grid is placed in a logical rectangle (y down) and clips its cards to it (a stencil), so a
row scrolled half out of view never draws over what lies above. It scrolls so the focused card
is revealed; cards leaving the visible range go back to a pool and are rebound to other courses.

Its cards (`GridCard`) tell subjects and series apart at a glance: a strip of the subject's
colour along the poster's foot (the placeholder is that colour too) and, for a `TaggedCard`, a
tag in the series' colour naming the series.
"""

from __future__ import annotations

from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.uix.stencilview import StencilView

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.scrolling import grid_visible_range, scroll_to_reveal
from tv_client.viewmodels.home import PLACEHOLDER_COLOR, Card
from tv_client.widgets.poster_card import CARD_H, CARD_W, POSTER_H, PosterCard
from tv_client.widgets.posters import Posters
from tv_client.widgets.text import place_label, tv_label

GAP = 32
ROW_GAP = 40
PAD = 24  # room around the cards for the enlarged, outlined focused card
STRIP = 8  # the subject colour's strip along the poster's foot
TAG_H, TAG_INSET, TAG_PAD = 44, 10, 12


class GridCard(PosterCard):
    """A poster card with its subject's colour strip and its series' tag."""

    def __init__(self, posters: Posters) -> None:
        super().__init__(posters)
        with self.canvas:  # over the poster, under the labels
            self._strip_color = Color(*theme.color(PLACEHOLDER_COLOR))
            self._strip = Rectangle()
            self._tag_color = Color(*theme.color(PLACEHOLDER_COLOR, 0))
            self._tag_box = RoundedRectangle(radius=[theme.px(8)])
        self.tag = tv_label(size=theme.TEXT_SMALL, halign="center", shorten=True)
        self.add_widget(self.tag)

    def show(self, card: Card) -> None:
        super().show(card)
        tag = getattr(card, "tag", "")
        self._strip_color.rgba = theme.color(card.color)
        color = getattr(card, "tag_color", None) or PLACEHOLDER_COLOR
        self._tag_color.rgba = theme.color(color, 1 if tag else 0)
        self.tag.text = tag
        self.tag.opacity = 1 if tag else 0

    def place(self, rect: Rect, focused: bool) -> None:
        super().place(rect, focused)
        grow = theme.FOCUS_SCALE if focused else 1.0
        w, h = rect.w * grow, POSTER_H * grow  # the poster, enlarged around its centre
        x, y = rect.x - (w - rect.w) / 2, rect.y - (h - POSTER_H) / 2
        sx, sy, sw, sh = theme.to_window(Rect(x, y + h - STRIP, w, STRIP))
        self._strip.pos, self._strip.size = (sx, sy), (sw, sh)
        tag = Rect(x + TAG_INSET, y + TAG_INSET, min(_tag_width(self.tag.text), w / 2), TAG_H)
        tx, ty, tw, th = theme.to_window(tag)
        self._tag_box.pos, self._tag_box.size = (tx, ty), (tw, th)
        place_label(self.tag, tag.x + TAG_PAD / 2, tag.y, tag.w - TAG_PAD, tag.h, theme.TEXT_SMALL)


def _tag_width(words: str) -> float:
    """Logical px for ``words`` at TEXT_SMALL: CJK is square, Latin about half as wide."""
    return TAG_PAD * 2 + sum(28 if ord(char) > 0x2E80 else 16 for char in words)


class CardGrid(StencilView):
    """``columns`` cards a row; `place` sets its area, `show` its cards and focus."""

    def __init__(self, posters: Posters, columns: int) -> None:
        super().__init__(size_hint=(None, None))
        self.columns = columns
        self.offset = 0.0
        self.area = Rect(0, 0, 0, 0)
        self._posters = posters
        self._items: tuple[Card, ...] = ()
        self._cells: dict[int, GridCard] = {}
        self._pool: list[GridCard] = []

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

    def cells(self) -> dict[int, GridCard]:
        """The materialised cards by index."""
        return dict(self._cells)

    def _reveal(self, index: int) -> None:
        row = index // self.columns
        rect = Rect(0, row * (CARD_H + ROW_GAP), CARD_W, CARD_H)
        view = Rect(0, self.offset, CARD_W, self.area.h - 2 * PAD)
        _, dy = scroll_to_reveal(rect, view)
        self.offset = max(0.0, self.offset + dy)

    def _acquire(self, index: int) -> GridCard:
        cell = self._pool.pop() if self._pool else GridCard(self._posters)
        self._cells[index] = cell
        self.add_widget(cell)
        return cell

    def _release(self, index: int) -> None:
        cell = self._cells.pop(index)
        cell.release()
        self.remove_widget(cell)
        self._pool.append(cell)

"""A titled horizontal row of poster cards, virtualised: only the visible cards are widgets.

The row remembers its focused index and its scroll offset, and scrolls so the focused card is
revealed with half a card of margin (the next one peeks in). Cards leaving the visible range
go back to a small pool and are rebound to other courses.

A key press pays only for the cards it brings on screen: the card beyond each edge (the next
scroll's) is prepared in the frame after, while the remote is idle, as Android's RecyclerView
prefetches between frames, so a scroll seldom renders text in the frame the viewer waits for.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import PopMatrix, PushMatrix, Translate
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Focusable, Rect
from tv_client.navigation.scrolling import scroll_to_reveal, visible_range
from tv_client.viewmodels.home import Row
from tv_client.widgets.poster_card import CARD_H, CARD_W, CardPool, PosterCard
from tv_client.widgets.text import place_line, tv_label

GAP = 40
PITCH = CARD_W + GAP
ROW_TITLE_H = 72  # the title, and room for the focused card to grow into
ROW_H = ROW_TITLE_H + CARD_H
VIEW_X = theme.SAFE_X
VIEW_W = theme.LOGICAL_W - 2 * theme.SAFE_X


class CardRow(Widget):
    """One home row. Coordinates are logical (y down); `layout` places it at a given top.

    Cards are laid out once, in the row's own coordinates (its top at y 0, scrolled by 0), and
    two translations put them on screen: the row's for the page scrolling up and down, the
    card strip's for the row scrolling sideways. Scrolling therefore moves two numbers instead
    of every card, and a focus move re-places only the two cards whose focus changed.
    """

    def __init__(self, row: Row, pool: CardPool) -> None:
        super().__init__(size_hint=(None, None))
        self.row = row
        self.offset = 0.0
        self.focused_index = 0
        self.visited = False
        self.top_y = 0.0
        self._pool = pool
        self._cards: dict[int, PosterCard] = {}
        self._focused_key: str | None = None
        self._prefetch = Clock.create_trigger(self._prepare_ahead)
        self._shift = _translated(self)
        self.title = tv_label(row.title, theme.TEXT_TITLE, bold=True, tight=True)
        self.add_widget(self.title)
        self._strip = Widget(size_hint=(None, None))
        self._slide = _translated(self._strip)
        self.add_widget(self._strip)

    def key_of(self, index: int) -> str:
        return self.row.cards[index].key

    def rebind(self, row: Row) -> None:
        """New content for the same row (a reload): keep focus and scroll where still valid."""
        if row == self.row:
            return
        self.row = row
        self.title.text = row.title
        self.focused_index = min(self.focused_index, len(row.cards) - 1)
        for card in self._cards.values():
            card.card = None

    def reveal(self, index: int) -> None:
        """Focus ``index`` in this row and scroll it into view."""
        self.focused_index = index
        self.visited = True
        rect = Rect(index * PITCH, 0, CARD_W, CARD_H)
        dx, _ = scroll_to_reveal(rect, Rect(self.offset, 0, VIEW_W, CARD_H), margin=CARD_W / 2)
        end = max(0.0, len(self.row.cards) * PITCH - GAP - VIEW_W)
        self.offset = min(max(0.0, self.offset + dx), end)

    def card_rect(self, index: int) -> Rect:
        """Where card ``index`` is on screen (logical, y down)."""
        x = VIEW_X + index * PITCH - self.offset
        return Rect(x, self.top_y + ROW_TITLE_H, CARD_W, CARD_H)

    def window_rect(self, index: int) -> list[float] | None:
        """Where the card widget ``index`` draws, in window pixels (y up), translations applied."""
        card = self._cards.get(index)
        if card is None:
            return None
        return [card.x + self._slide.x, card.y + self._shift.y, *card.size]

    def layout(self, top_y: float, focused_key: str | None, *, ahead: bool = False) -> None:
        """Place the row at logical ``top_y`` and materialise only its visible cards.

        The card beyond each edge is kept if it exists and otherwise prepared in a later frame
        (``ahead=True`` prepares it now).
        """
        self.top_y = top_y
        self._focused_key = focused_key
        self._shift.y = -theme.px(top_y)
        self._slide.x = -theme.px(self.offset)
        place_line(self.title, VIEW_X, 0, ROW_TITLE_H - 8, theme.TEXT_TITLE)
        count = len(self.row.cards)
        wanted = visible_range(-self.offset, CARD_W, GAP, VIEW_W, count)
        shown = visible_range(-self.offset, CARD_W, GAP, VIEW_W, count, overscan=0)
        for index in [i for i in self._cards if i not in wanted]:
            self._release(index)
        focused_widget = None
        for index in wanted:
            card = self._cards.get(index)
            if card is None and not ahead and index not in shown:
                self._prefetch()
                continue
            card = card or self._acquire(index)
            card.show(self.row.cards[index])
            focused = self.key_of(index) == focused_key
            card.place(Rect(VIEW_X + index * PITCH, ROW_TITLE_H, CARD_W, CARD_H), focused)
            if focused:
                focused_widget = card
        strip = self._strip
        if focused_widget is not None and strip.children[0] is not focused_widget:
            # drawn last, so its enlarged poster overlaps its neighbours
            strip.remove_widget(focused_widget)
            strip.add_widget(focused_widget)

    def release_all(self) -> None:
        self._prefetch.cancel()
        for index in list(self._cards):
            self._release(index)

    def _prepare_ahead(self, _dt: float = 0.0) -> None:
        if self.parent is not None:  # still on screen
            self.layout(self.top_y, self._focused_key, ahead=True)

    def focusables(self) -> list[Focusable]:
        """The materialised cards, for spatial focus."""
        return [
            Focusable(self.key_of(i), self.card_rect(i), row=self.row.key)
            for i in sorted(self._cards)
        ]

    def cards(self) -> dict[int, PosterCard]:
        return dict(self._cards)

    def _acquire(self, index: int) -> PosterCard:
        card = self._pool.acquire()
        self._cards[index] = card
        self._strip.add_widget(card)
        return card

    def _release(self, index: int) -> None:
        card = self._cards.pop(index)
        self._strip.remove_widget(card)
        self._pool.release(card)


def _translated(widget: Widget) -> Translate:
    """Wrap ``widget``'s drawing, children included, in a translation; returns it."""
    with widget.canvas.before:
        PushMatrix()
        shift = Translate(0, 0)
    with widget.canvas.after:
        PopMatrix()
    return shift

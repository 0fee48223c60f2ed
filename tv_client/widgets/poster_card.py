"""A course card: poster (loaded in the background), placeholder, title, focus highlight.

Until the poster arrives, and for good if there is none (404, no poster), the card shows the
course's subject colour with its title in large type, so the screen is usable before any image
loads. Focus enlarges the poster by ``theme.FOCUS_SCALE`` around its centre, draws a bright
outline and brightens the title.

Moving the focus must cost almost nothing, so a focus change only moves rectangles and changes
colours: the labels keep their size (no text is rendered again) and the poster is a rectangle in
the card's canvas, not an image widget. A card is recycled by its row or grid: `show` rebinds it.
"""

from __future__ import annotations

from kivy.graphics import Color, Line, Rectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.viewmodels.home import Card
from tv_client.widgets.posters import Posters
from tv_client.widgets.text import place_label, tv_label

CARD_W, POSTER_H, TITLE_H = 320, 180, 56
CARD_H = POSTER_H + TITLE_H


def poster_size() -> tuple[int, int]:
    """The largest a card draws its poster, in window pixels (focused)."""
    grow = theme.FOCUS_SCALE
    return round(theme.px(CARD_W * grow)), round(theme.px(POSTER_H * grow))


class PosterCard(Widget):
    """One card; `show` (re)binds it to a `Card`, `place` puts it on screen."""

    def __init__(self, posters: Posters, **kwargs) -> None:
        super().__init__(size_hint=(None, None), **kwargs)
        self._posters = posters
        self.card: Card | None = None
        self.focused = False
        self.poster_state = "none"  # none | loading | loaded | failed
        self.rect = Rect(0, 0, CARD_W, CARD_H)
        self._url: str | None = None
        self._placed: tuple[Rect, bool, float] | None = None  # what `place` last drew
        with self.canvas:
            self._fill_color = Color(*theme.color("surface"))
            self._fill = Rectangle()
            Color(1, 1, 1, 1)
            self._poster = Rectangle(size=(0, 0))
        with self.canvas.after:
            Color(*theme.color("focus"))
            self._outline = Line(width=theme.px(theme.FOCUS_OUTLINE))
        self.placeholder = tv_label(size=theme.TEXT_TITLE, bold=True, halign="center")
        self.title = tv_label(size=theme.TEXT_SMALL, shorten=True, shorten_from="right")
        self.add_widget(self.placeholder)

    def show(self, card: Card) -> None:
        """Bind the card to ``card`` (a no-op when it already shows it)."""
        if card == self.card:
            return
        self.card = card
        self._fill_color.rgba = theme.color(card.color)
        self.placeholder.text = card.title
        self.title.text = card.title
        self.placeholder.font_size = theme.px(self._placeholder_size())
        self._request(self._posters.url(card.poster))
        self._placed = None

    def release(self) -> None:
        """The card leaves the screen: stop waiting for its poster."""
        if self._url is not None and self.poster_state == "loading":
            self._posters.forget(self._url, self._on_poster)
        self._url = None

    def place(self, rect: Rect, focused: bool) -> None:
        """Draw at the logical ``rect``, enlarged and outlined when ``focused``."""
        placed = (rect, focused, theme.scale())
        if self._placed == placed:
            return
        self._placed = placed
        self.rect, self.focused = rect, focused
        grow = theme.FOCUS_SCALE if focused else 1.0
        w, poster_h = rect.w * grow, POSTER_H * grow
        poster = Rect(rect.x - (w - rect.w) / 2, rect.y - (poster_h - POSTER_H) / 2, w, poster_h)
        x, y, pw, ph = theme.to_window(poster)
        ox, oy, ow, oh = theme.to_window(Rect(poster.x, poster.y, w, poster_h + TITLE_H))
        self.pos, self.size = (ox, oy), (ow, oh)
        # Only what shows is drawn: a hidden rectangle still costs a software renderer its fill.
        loaded = self.poster_state == "loaded"
        self._fill.pos, self._fill.size = (x, y), (0, 0) if loaded else (pw, ph)
        self._poster.pos, self._poster.size = (x, y), (pw, ph) if loaded else (0, 0)
        pad = theme.px(4)
        if focused:
            self._outline.rectangle = (x - pad, y - pad, pw + 2 * pad, ph + 2 * pad)
        else:
            self._outline.points = []
        size = self._placeholder_size()
        place_label(self.placeholder, rect.x + 16, poster.y, rect.w - 32, poster_h, size, fit=True)
        title_y = poster.y + poster_h + 6
        place_label(self.title, rect.x, title_y, rect.w, TITLE_H - 6, theme.TEXT_SMALL, fit=True)
        self.title.color = theme.color("text" if focused else "text_dim")

    def _placeholder_size(self) -> int:
        return theme.TEXT_TITLE if len(self.placeholder.text) <= 6 else theme.TEXT_BODY

    def _request(self, url: str | None) -> None:
        self.release()
        self._url = url
        self._set_poster(None)
        if url is None:
            self.poster_state = "none"
            return
        texture = self._posters.request(url, self._on_poster)
        if texture is False:
            self.poster_state = "loading"
        else:
            self._on_poster(url, texture)

    def _on_poster(self, url: str, texture) -> None:
        if url != self._url:
            return  # recycled meanwhile
        self.poster_state = "loaded" if texture is not None else "failed"
        self._set_poster(texture)

    def _set_poster(self, texture) -> None:
        """Poster and title line, or (no poster) the placeholder, which shows the title itself.

        What is hidden is removed, not made transparent: a transparent widget is still drawn.
        """
        self._poster.texture = texture
        shown, hidden = (
            (self.title, self.placeholder) if texture else (self.placeholder, self.title)
        )
        if shown.parent is None:
            self.add_widget(shown)
        if hidden.parent is not None:
            self.remove_widget(hidden)
        if self._placed is not None:
            self._placed = None
            self.place(self.rect, self.focused)


class CardPool:
    """Cards off screen, shared by every row of a screen.

    Scrolling through forty rows then reuses the few dozen cards that fit on screen instead of
    leaving a pool of cards (and their text textures) behind in every row it passed.
    """

    def __init__(self, posters: Posters, keep: int = 48) -> None:
        self.posters = posters
        self._keep = keep
        self._free: list[PosterCard] = []

    def acquire(self) -> PosterCard:
        return self._free.pop() if self._free else PosterCard(self.posters)

    def release(self, card: PosterCard) -> None:
        card.release()
        if len(self._free) < self._keep:
            self._free.append(card)

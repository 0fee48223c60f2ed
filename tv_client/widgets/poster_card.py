"""A course card: poster (loaded in the background), placeholder, title, focus highlight.

Until the poster arrives, and for good if it fails (404, no poster), the card shows the course's
subject colour with its title in large type, so the screen is usable before any image loads.
Focus enlarges the card by ``theme.FOCUS_SCALE`` around its centre and draws a bright outline.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Line, Rectangle
from kivy.uix.image import AsyncImage
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.viewmodels.home import Card
from tv_client.widgets.text import place_label, tv_label

CARD_W, POSTER_H, TITLE_H = 320, 180, 56
CARD_H = POSTER_H + TITLE_H


class PosterCard(Widget):
    """One card; `show` (re)binds it to a `Card`, so a row can recycle its widgets."""

    def __init__(self, media_url: Callable[[str | None], str | None], **kwargs) -> None:
        super().__init__(size_hint=(None, None), **kwargs)
        self._media_url = media_url
        self.card: Card | None = None
        self.focused = False
        self.poster_state = "none"  # none | loading | loaded | failed
        self.rect = Rect(0, 0, CARD_W, CARD_H)
        with self.canvas.before:
            self._outline_color = Color(*theme.color("focus", 0))
            self._outline = Line(width=theme.px(theme.FOCUS_OUTLINE))
            self._fill_color = Color(*theme.color("surface"))
            self._fill = Rectangle()
        self.placeholder = tv_label(size=theme.TEXT_TITLE, bold=True, halign="center")
        # anim_delay=-1: Kivy's animated "loading" image would redraw the screen ~10 times a
        # second while a poster is hidden behind its placeholder (bench/tv_client.py saw it).
        self.poster = AsyncImage(fit_mode="cover", opacity=0, size_hint=(None, None), anim_delay=-1)
        self.poster.bind(on_load=self._loaded, on_error=self._failed)
        self.title = tv_label(size=theme.TEXT_SMALL, shorten=True, shorten_from="right")
        for child in (self.placeholder, self.poster, self.title):
            self.add_widget(child)

    def show(self, card: Card) -> None:
        if card == self.card:
            return
        self.card = card
        self._fill_color.rgba = theme.color(card.color)
        self.placeholder.text = card.title
        self.title.text = card.title
        self.poster.opacity = 0
        self.placeholder.opacity = 1
        url = self._media_url(card.poster)
        self.poster_state = "loading" if url else "none"
        self.poster.source = url or ""

    def place(self, rect: Rect, focused: bool) -> None:
        """Draw at the logical ``rect``, enlarged and outlined when ``focused``."""
        self.rect, self.focused = rect, focused
        grow = theme.FOCUS_SCALE if focused else 1.0
        w, h = rect.w * grow, rect.h * grow
        outer = Rect(rect.x - (w - rect.w) / 2, rect.y - (h - rect.h) / 2, w, h)
        poster_h = POSTER_H * grow
        poster = Rect(outer.x, outer.y, w, poster_h)
        x, y, pw, ph = theme.to_window(poster)
        ox, oy, ow, oh = theme.to_window(outer)
        self.pos, self.size = (ox, oy), (ow, oh)
        self._fill.pos, self._fill.size = (x, y), (pw, ph)
        self.poster.pos, self.poster.size = (x, y), (pw, ph)
        pad = theme.px(4)
        self._outline.rectangle = (x - pad, y - pad, pw + 2 * pad, ph + 2 * pad)
        self._outline.width = theme.px(theme.FOCUS_OUTLINE)
        self._outline_color.a = 1 if focused else 0
        size = theme.TEXT_TITLE if len(self.placeholder.text) <= 6 else theme.TEXT_BODY
        place_label(self.placeholder, poster.x + 16, poster.y, w - 32, poster_h, size)
        title_y = outer.y + poster_h + 6
        place_label(self.title, outer.x, title_y, w, TITLE_H - 6, theme.TEXT_SMALL)
        self.title.color = theme.color("text" if focused else "text_dim")

    def _loaded(self, *_args: object) -> None:
        self.poster_state = "loaded"
        self.poster.opacity = 1
        self.placeholder.opacity = 0

    def _failed(self, *_args: object) -> None:
        self.poster_state = "failed"
        self.poster.opacity = 0
        self.placeholder.opacity = 1

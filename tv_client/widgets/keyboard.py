"""The on-screen keyboard: draws ``SearchViewModel.keyboard_rows()``, keys as wide as their span.

Keys are labels over rounded rectangles; the focused key is filled with the focus colour. The
widgets are rebuilt only when the keys themselves change (a layout switch); a focus move just
recolours them.
"""

from __future__ import annotations

from kivy.graphics import Color, RoundedRectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.viewmodels.keyboard import KeyView
from tv_client.widgets.text import place_label, tv_label

UNIT = 84  # logical px per grid unit
GAP = 10
COLUMNS = 7  # grid units a row at most (the letters)
WIDTH = COLUMNS * UNIT + (COLUMNS - 1) * GAP


class _Key(Widget):
    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas.before:
            self.fill = Color(*theme.color("surface"))
            self.box = RoundedRectangle(radius=[theme.px(10)])
        self.label = tv_label(size=theme.TEXT_BODY, halign="center")
        self.add_widget(self.label)


class KeyboardView(Widget):
    """The keys, placed from a logical top-left corner."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        self._shape: tuple = ()
        self._keys: list[list[_Key]] = []

    def show(self, rows: tuple[tuple[KeyView, ...], ...], x: float, y: float) -> None:
        """Draw ``rows`` with the top-left corner at logical ``(x, y)``."""
        keys = tuple(tuple((k.label, k.span) for k in row) for row in rows)
        shape = (keys, x, y, theme.scale())
        if shape != self._shape:
            self._build(rows, x, y)
            self._shape = shape
        for row, widgets in zip(rows, self._keys, strict=True):
            for key, widget in zip(row, widgets, strict=True):
                widget.fill.rgba = theme.color("focus" if key.focused else "surface")
                widget.label.color = theme.color("background" if key.focused else "text")

    def _build(self, rows: tuple[tuple[KeyView, ...], ...], x: float, y: float) -> None:
        self.clear_widgets()
        self._keys = []
        for r, row in enumerate(rows):
            widgets, start = [], 0
            for key in row:
                widget = _Key()
                rect = Rect(
                    x + start * (UNIT + GAP),
                    y + r * (UNIT + GAP),
                    key.span * UNIT + (key.span - 1) * GAP,
                    UNIT,
                )
                wx, wy, ww, wh = theme.to_window(rect)
                widget.pos, widget.size = (wx, wy), (ww, wh)
                widget.box.pos, widget.box.size = (wx, wy), (ww, wh)
                size = theme.TEXT_TITLE if len(key.label) == 1 else theme.TEXT_SMALL
                widget.label.text = key.label
                place_label(widget.label, *_xywh(rect), size)
                self.add_widget(widget)
                widgets.append(widget)
                start += key.span
            self._keys.append(widgets)

    @staticmethod
    def height(rows: int) -> float:
        """The logical height of ``rows`` rows of keys."""
        return rows * UNIT + (rows - 1) * GAP


def _xywh(rect: Rect) -> tuple[float, float, float, float]:
    return rect.x, rect.y, rect.w, rect.h

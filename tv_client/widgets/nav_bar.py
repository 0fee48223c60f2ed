"""Rows of chips: the home screen's top bar (搜索, 分类, ...) and the browse screen's filters.

A chip is a rounded label: focused chips are filled with the focus colour (the one focus
highlight), selected ones are outlined in their subject's colour or a quiet grey, disabled ones
are dimmed. A row wider than its area scrolls so the focused chip
is revealed; chips not wholly inside the area are hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.scrolling import scroll_to_reveal
from tv_client.widgets.text import place_label, tv_label

CHIP_H = 68
GAP = 20
PAD_X = 28
CHAR_W = 30  # logical px per character at TEXT_SMALL: CJK is square, Latin is narrower


@dataclass(frozen=True)
class ChipLook:
    """How one chip is drawn."""

    label: str
    focused: bool = False
    selected: bool = False
    enabled: bool = True
    color: str | None = None  # a subject's colour, for its outline when selected


def chip_width(label: str) -> float:
    wide = sum(1 if ord(char) > 0x2E80 else 0.55 for char in label)
    return 2 * PAD_X + wide * CHAR_W


class _Chip(Widget):
    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas.before:
            self.fill = Color(*theme.color("surface"))
            self.box = RoundedRectangle(radius=[theme.px(CHIP_H / 2)])
            self.edge = Color(*theme.color("focus", 0))
            self.line = Line(width=theme.px(3))
        self.label = tv_label(size=theme.TEXT_SMALL, halign="center")
        self.add_widget(self.label)

    def draw(self, look: ChipLook, rect: Rect, visible: bool) -> None:
        self.opacity = 1 if visible else 0
        x, y, w, h = theme.to_window(rect)
        self.pos, self.size = (x, y), (w, h)
        self.box.pos, self.box.size = (x, y), (w, h)
        self.box.radius = [h / 2]
        self.line.rounded_rectangle = (x, y, w, h, h / 2)
        self.line.width = theme.px(3)
        fill = theme.color("focus" if look.focused else "surface", 1 if look.enabled else 0.4)
        self.fill.rgba = fill
        accent = look.color or "text_dim"
        self.edge.rgba = theme.color(accent, 1 if look.selected and not look.focused else 0)
        name = "background" if look.focused else ("text" if look.enabled else "text_dim")
        self.label.color = theme.color(name)
        self.label.text = look.label
        place_label(self.label, rect.x, rect.y, rect.w, rect.h, theme.TEXT_SMALL)


class ChipRow(Widget):
    """One row of chips in a logical area; `show` redraws it."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        self.offset = 0.0
        self.rects: list[Rect] = []
        self._chips: list[_Chip] = []

    def show(self, looks: tuple[ChipLook, ...] | list[ChipLook], area: Rect) -> None:
        """Draw ``looks`` left to right from the area's left edge, the focused one revealed."""
        while len(self._chips) < len(looks):
            self._chips.append(_Chip())
            self.add_widget(self._chips[-1])
        for extra in self._chips[len(looks) :]:
            extra.opacity = 0
        x, self.rects = 0.0, []
        for look in looks:
            width = chip_width(look.label)
            self.rects.append(Rect(x, 0, width, CHIP_H))
            x += width + GAP
        self._reveal(looks, area, x - GAP)
        for chip, look, rect in zip(self._chips, looks, self.rects, strict=False):
            placed = Rect(area.x + rect.x - self.offset, area.y, rect.w, CHIP_H)
            inside = placed.x >= area.x - 1 and placed.right <= area.right + 1
            chip.draw(look, placed, inside)

    def _reveal(self, looks, area: Rect, content_w: float) -> None:
        focused = next((n for n, look in enumerate(looks) if look.focused), None)
        if focused is None:
            return
        view = Rect(self.offset, 0, area.w, CHIP_H)
        dx, _ = scroll_to_reveal(self.rects[focused], view, margin=GAP)
        self.offset = min(max(0.0, self.offset + dx), max(0.0, content_w - area.w))

"""Rows of chips: the home screen's top bar (搜索, 分类, ...) and the browse screen's filters.

A chip is a rounded label. The focused chip is filled with the focus colour: the one focus
highlight. A selected chip is a lighter grey with a quiet outline, never in the focus colour or
a colour that could pass for it, so the eye finds focus at once; a subject's or series' chip
starts with a dot of its colour, the colour its courses' cards carry. Disabled chips are
dimmed. A row wider than its area scrolls so the focused chip is revealed; chips not wholly
inside the area are hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.graphics import Color, Ellipse, Line, RoundedRectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.scrolling import scroll_to_reveal
from tv_client.widgets.text import place_label, tv_label

CHIP_H = 68
GAP = 20
PAD_X = 28
CHAR_W = 30  # logical px per character at TEXT_SMALL: CJK is square, Latin is narrower
DOT, DOT_GAP = 16, 12  # a subject's or series' colour dot, and the space after it


@dataclass(frozen=True)
class ChipLook:
    """How one chip is drawn."""

    label: str
    focused: bool = False
    selected: bool = False
    enabled: bool = True
    color: str | None = None  # a subject's or series' colour, for the dot before the label


def chip_width(label: str, dot: bool = False) -> float:
    wide = sum(1 if ord(char) > 0x2E80 else 0.55 for char in label)
    return 2 * PAD_X + wide * CHAR_W + (DOT + DOT_GAP if dot else 0)


class _Chip(Widget):
    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas.before:
            self.fill = Color(*theme.color("surface"))
            self.box = RoundedRectangle(radius=[theme.px(CHIP_H / 2)])
            self.edge = Color(*theme.color("text_dim", 0))
            self.line = Line(width=theme.px(3))
            self.dot_color = Color(*theme.color("text_dim", 0))
            self.dot = Ellipse()
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
        quiet = look.selected and not look.focused
        fill = "focus" if look.focused else ("surface_focus" if quiet else "surface")
        self.fill.rgba = theme.color(fill, 1 if look.enabled else 0.4)
        self.edge.a = 1 if quiet else 0
        name = "background" if look.focused else ("text" if look.enabled else "text_dim")
        self.label.color = theme.color(name)
        self.label.text = look.label
        self._draw_dot(look.color, rect)

    def _draw_dot(self, color: str | None, rect: Rect) -> None:
        """The colour dot, and the label in the room after it."""
        inset = DOT + DOT_GAP if color else 0
        place_label(self.label, rect.x + inset, rect.y, rect.w - inset, rect.h, theme.TEXT_SMALL)
        self.dot_color.rgba = theme.color(color or "text_dim", 1 if color else 0)
        dx, dy, dw, dh = theme.to_window(
            Rect(rect.x + PAD_X, rect.y + (rect.h - DOT) / 2, DOT, DOT)
        )
        self.dot.pos, self.dot.size = (dx, dy), (dw, dh)


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
            width = chip_width(look.label, dot=look.color is not None)
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

"""The programme guide's grid: clock columns, the channel column, the cells and the now line.

It draws a `GuideView` (only its visible rows): cell backgrounds are plain rectangles rebuilt
in one instruction group on every redraw, and the labels come from pools that keep their
widgets between redraws (a label whose text did not change is not rendered again). The
focused cell is outlined in the focus colour: the guide's one highlight. The now line is red.
"""

from __future__ import annotations

from kivy.graphics import Color, InstructionGroup, Line, Rectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.viewmodels.guide import GuideCell, GuideView
from tv_client.widgets.text import TvLabel, place_label, tv_label

CHANNEL_W = 330  # the channel column
HEADER_H = 52  # the clock labels above the rows
ROW_H, ROW_GAP = 92, 8
GAP = 3  # between two cells, each side
PAD = 16  # text inside a cell
OUTLINE = theme.FOCUS_OUTLINE
REMINDER = "★ "
FILLS = {
    "channel": "#1C232B",
    "channel_focus": "#2A3642",
    "now": "#1F3A52",
    "future": "#1C232B",
    "past": "#161B21",
    "gap": "#13181D",
    "focus": "#2A3642",
}
NOW_LINE = "#EF5350"


def grid_height(rows: int) -> float:
    return HEADER_H + rows * (ROW_H + ROW_GAP)


class _Pool:
    """Labels kept between redraws: `take` the next one, `finish` hides the rest."""

    def __init__(self, parent: Widget, size: float, **style) -> None:
        self.parent, self.size, self.style = parent, size, style
        self.labels: list[TvLabel] = []
        self.used = 0

    def take(self) -> TvLabel:
        if self.used == len(self.labels):
            self.labels.append(tv_label(size=self.size, **self.style))
        label = self.labels[self.used]
        self.used += 1
        if label.parent is None:
            self.parent.add_widget(label)
        return label

    def finish(self) -> None:
        for label in self.labels[self.used :]:
            if label.parent is not None:
                self.parent.remove_widget(label)
        self.used = 0

    def shown(self) -> list[TvLabel]:
        return [label for label in self.labels if label.parent is not None]


class GuideGrid(Widget):
    """The grid inside ``area`` (logical, y down): the clock header on top, then the rows."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        self.area = Rect(0, 0, 0, 0)
        self.cells_drawn = 0
        with self.canvas.before:
            self.fills = InstructionGroup()
        with self.canvas.after:
            self.now_color = Color(*theme.color(NOW_LINE, 0))
            self.now_line = Rectangle()
            self.focus_color = Color(*theme.color("focus", 0))
            self.outline = Line(width=theme.px(OUTLINE / 2))
        self.clocks = _Pool(self, theme.TEXT_SMALL, color="text_dim")
        self.channels = _Pool(self, theme.TEXT_BODY, shorten=True)
        self.titles = _Pool(self, theme.TEXT_BODY, shorten=True)

    def place(self, area: Rect) -> None:
        self.area = area
        x, y, w, h = theme.to_window(area)
        self.pos, self.size = (x, y), (w, h)

    def draw(self, view: GuideView) -> None:
        area = self.area
        grid_x, grid_w = area.x + CHANNEL_W, area.w - CHANNEL_W
        self.fills.clear()
        for x, label_text in view.columns:
            label = self.clocks.take()
            label.text = label_text
            place_label(label, grid_x + x * grid_w + PAD, area.y, 200, HEADER_H, theme.TEXT_SMALL)
        self.clocks.finish()
        focus_rect: Rect | None = None
        count = 0
        for index, row in enumerate(view.rows):
            top = area.y + HEADER_H + index * (ROW_H + ROW_GAP)
            fill = FILLS["channel_focus" if row.focused else "channel"]
            self._fill(Rect(area.x, top, CHANNEL_W - 2 * GAP, ROW_H), fill)
            label = self.channels.take()
            label.text = f"{row.number}  {row.name}"
            label.color = theme.color("text" if row.focused else "text_dim")
            w = CHANNEL_W - 2 * GAP - 2 * PAD
            place_label(label, area.x + PAD, top, w, ROW_H, theme.TEXT_BODY)
            for cell in row.cells:
                rect = Rect(
                    grid_x + cell.x * grid_w + GAP, top, cell.width * grid_w - 2 * GAP, ROW_H
                )
                if rect.w <= 0:
                    continue
                self._fill(rect, FILLS[_kind(cell)])
                count += 1
                if cell.focused and row.focused:
                    focus_rect = rect
                if rect.w > 2 * PAD + 20:
                    label = self.titles.take()
                    label.text = (REMINDER if cell.reminder else "") + cell.title
                    label.color = theme.color("text_dim" if cell.past or cell.gap else "text")
                    place_label(label, rect.x + PAD, top, rect.w - 2 * PAD, ROW_H, theme.TEXT_BODY)
        self.channels.finish()
        self.titles.finish()
        self.cells_drawn = count
        self._draw_now(view, grid_x, grid_w)
        self._draw_focus(focus_rect)

    def _fill(self, rect: Rect, colour: str) -> None:
        x, y, w, h = theme.to_window(rect)
        self.fills.add(Color(*theme.color(colour)))
        self.fills.add(Rectangle(pos=(x, y), size=(w, h)))

    def _draw_now(self, view: GuideView, grid_x: float, grid_w: float) -> None:
        if view.now_x is None or not view.rows:
            self.now_color.a = 0
            return
        self.now_color.rgba = theme.color(NOW_LINE)
        height = HEADER_H + len(view.rows) * (ROW_H + ROW_GAP) - ROW_GAP
        x, y, _w, h = theme.to_window(
            Rect(grid_x + view.now_x * grid_w - 2, self.area.y, 4, height)
        )
        self.now_line.pos, self.now_line.size = (x, y), (theme.px(4), h)

    def _draw_focus(self, rect: Rect | None) -> None:
        if rect is None:
            self.focus_color.a = 0
            self.outline.points = []
            return
        self.focus_color.rgba = theme.color("focus")
        x, y, w, h = theme.to_window(rect)
        self.outline.rectangle = (x, y, w, h)

    def row_labels(self) -> list[str]:
        return [label.text for label in self.channels.shown()]

    def cell_labels(self) -> list[str]:
        return [label.text for label in self.titles.shown()]


def _kind(cell: GuideCell) -> str:
    if cell.focused:
        return "focus"
    if cell.gap:
        return "gap"
    if cell.on_now:
        return "now"
    return "past" if cell.past else "future"

"""Which widgets draw in the focus colour: a screen shows exactly one focus highlight at a time.

Screens put `highlighted(self)` in their snapshots and UI tests assert it names one widget. It
reads what is really drawn, the canvas instructions of every visible widget, not what a
view-model meant to draw, so a stray outline, caret or fill in the focus colour is caught too.
A shape counts when it is drawn in the focus colour (not transparent) and covers some pixels.
"""

from __future__ import annotations

from collections.abc import Iterator

from kivy.graphics import Color, Line
from kivy.graphics.instructions import CanvasBase, Instruction, InstructionGroup, VertexInstruction
from kivy.uix.widget import Widget

from tv_client import theme

_TOLERANCE = 2 / 255


def highlighted(root: Widget) -> list[str]:
    """``"PosterCard:分数的初步认识"``, ``"_Key:s"``...: each visible widget drawing focus."""
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        if widget.opacity == 0:
            continue  # nor anything inside it
        if _draws_focus(_instructions(widget)):
            found.append(_name(widget))
        stack.extend(reversed(widget.children))
    return found


def _instructions(widget: Widget) -> Iterator[Instruction]:
    """The widget's own instructions in drawing order (before, main, after), not its children's."""
    canvas = widget.canvas
    groups = [canvas.before] if canvas.has_before else []
    groups.append(canvas)
    if canvas.has_after:
        groups.append(canvas.after)
    for group in groups:
        yield from _flatten(group)


def _flatten(group: InstructionGroup) -> Iterator[Instruction]:
    for instruction in group.children:
        if isinstance(instruction, CanvasBase):
            continue  # canvas.before/after (walked on their own) or a child widget's canvas
        if isinstance(instruction, InstructionGroup):
            yield from _flatten(instruction)
        else:
            yield instruction


def _draws_focus(instructions: Iterator[Instruction]) -> bool:
    """Whether some shape is drawn while the current colour is the focus colour."""
    focus = theme.color("focus")
    live = False
    for instruction in instructions:
        if isinstance(instruction, Color):
            rgba = instruction.rgba
            same = all(abs(a - b) <= _TOLERANCE for a, b in zip(rgba[:3], focus[:3], strict=True))
            live = same and rgba[3] > 0.01
        elif live and isinstance(instruction, VertexInstruction) and _shows(instruction):
            return True
    return False


def _shows(shape: VertexInstruction) -> bool:
    """Whether a shape covers any pixel: a line with points, a rectangle with an area."""
    if isinstance(shape, Line):
        # A line's points are rebuilt when the next frame draws it; snapshots come after one.
        return bool(shape.points)
    size = getattr(shape, "size", None)
    return size is None or (size[0] > 0 and size[1] > 0)


def _name(widget: Widget) -> str:
    label = getattr(widget, "label", None) or getattr(widget, "title", None)
    words = getattr(label, "text", "")
    return f"{type(widget).__name__}:{words}" if words else type(widget).__name__

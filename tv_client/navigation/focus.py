"""Two-dimensional spatial focus for a remote: pure geometry, no widgets.

Coordinates: one logical space, the 1920x1080 layout, with x growing right and **y growing
down** (the top edge of a rect is ``y``, its bottom ``y + h``). Screens convert Kivy's y-up
widget positions into this space before asking.

`move` follows Android TV's FocusFinder (and the W3C CSS spatial navigation draft):

1. Candidates are focusable items (visible and enabled) lying in the direction: both their
   leading and trailing edges are further that way than the current item's.
2. Moving left/right, only candidates overlapping the current item vertically (in its "beam")
   count: the end of a row is an edge, as on Android TV, never a jump to a diagonal neighbour.
3. Moving up/down, candidates in the beam win, except over those lying wholly before the
   nearest of them (so a short row is never skipped for a fuller one further away); with
   nothing in the beam, every candidate competes.
4. The lowest score ``13 * major**2 + minor**2`` wins: the gap along the direction, weighted,
   plus the offset between centres across it. Ties go to the earlier item in ``items``.
5. Nothing there: focus stays. Moving up/down into another row lands on the row's remembered
   item (`FocusMemory`) when it is still focusable.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from tv_client.navigation.keys import Action


class Direction(enum.Enum):
    """A focus direction."""

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"

    @property
    def vertical(self) -> bool:
        return self in (Direction.UP, Direction.DOWN)

    @classmethod
    def of(cls, action: Action) -> Direction | None:
        """The direction of an arrow action, None for any other action."""
        return cls.__members__.get(action.name)


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in the y-down logical space."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True)
class Focusable:
    """Something that can take focus; ``row`` groups the items of one row for focus memory."""

    id: str
    rect: Rect
    row: str | None = None
    visible: bool = True
    enabled: bool = True

    @property
    def focusable(self) -> bool:
        return self.visible and self.enabled


@dataclass(frozen=True)
class FocusMemory:
    """What was focused last, overall and in each row. Immutable: `remember` returns a new one."""

    current: str | None = None
    rows: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", MappingProxyType(dict(self.rows)))

    def remember(self, focused_id: str, items: Iterable[Focusable]) -> FocusMemory:
        """A memory in which ``focused_id`` is focused (and last in its row, if it has one)."""
        item = _find(focused_id, items)
        rows = dict(self.rows)
        if item is not None and item.row is not None:
            rows[item.row] = focused_id
        return replace(self, current=focused_id, rows=rows)

    def recall(self, row: str, items: Iterable[Focusable]) -> str | None:
        """The row's last focused id if that item is still focusable, else None."""
        item = _find(self.rows.get(row), items)
        return item.id if item is not None and item.focusable and item.row == row else None


def _find(item_id: str | None, items: Iterable[Focusable]) -> Focusable | None:
    return next((item for item in items if item.id == item_id), None)


def _edges(rect: Rect, direction: Direction) -> tuple[float, float]:
    """(start, end) of ``rect`` along the direction of travel (negated for up/left)."""
    if direction is Direction.RIGHT:
        return rect.x, rect.right
    if direction is Direction.LEFT:
        return -rect.right, -rect.x
    if direction is Direction.DOWN:
        return rect.y, rect.bottom
    return -rect.bottom, -rect.y


def _across(rect: Rect, direction: Direction) -> tuple[float, float]:
    """(start, end) of ``rect`` on the axis perpendicular to the direction."""
    return (rect.x, rect.right) if direction.vertical else (rect.y, rect.bottom)


def _is_candidate(source: Rect, target: Rect, direction: Direction) -> bool:
    (s_start, s_end), (t_start, t_end) = _edges(source, direction), _edges(target, direction)
    return t_start > s_start and t_end > s_end


def _in_beam(source: Rect, target: Rect, direction: Direction) -> bool:
    (s_start, s_end), (t_start, t_end) = _across(source, direction), _across(target, direction)
    return t_start < s_end and t_end > s_start


def _score(source: Rect, target: Rect, direction: Direction) -> float:
    major = max(0.0, _edges(target, direction)[0] - _edges(source, direction)[1])
    s_start, s_end = _across(source, direction)
    t_start, t_end = _across(target, direction)
    minor = abs((s_start + s_end) / 2 - (t_start + t_end) / 2)
    return 13 * major * major + minor * minor


def _best(source: Rect, candidates: list[Focusable], direction: Direction) -> Focusable | None:
    beam = [c for c in candidates if _in_beam(source, c.rect, direction)]
    if beam and direction.vertical:
        nearest_start = min(_edges(c.rect, direction)[0] for c in beam)
        closer = [c for c in candidates if _edges(c.rect, direction)[1] <= nearest_start]
        candidates = beam + [c for c in closer if c not in beam]
    elif not direction.vertical:
        candidates = beam
    if not candidates:
        return None
    return min(candidates, key=lambda c: _score(source, c.rect, direction))


def _overlaps(rect: Rect, viewport: Rect) -> bool:
    across = rect.x < viewport.right and rect.right > viewport.x
    return across and rect.y < viewport.bottom and rect.bottom > viewport.y


def _target(
    source: Focusable, direction: Direction, items: Sequence[Focusable], viewport: Rect | None
) -> Focusable | None:
    found = [
        item
        for item in items
        if item.focusable
        and item.id != source.id
        and _is_candidate(source.rect, item.rect, direction)
    ]
    on_screen = [item for item in found if viewport and _overlaps(item.rect, viewport)]
    return _best(source.rect, on_screen, direction) or _best(source.rect, found, direction)


def move(
    current_id: str,
    direction: Direction,
    items: Sequence[Focusable],
    *,
    memory: FocusMemory | None = None,
    viewport: Rect | None = None,
) -> str:
    """The id that focus moves to from ``current_id``; ``current_id`` itself when nothing is there.

    Args:
        current_id: the focused item; if it is not in ``items`` at all, focus is repaired instead.
        direction: where to go.
        items: everything on the screen (invisible and disabled items are never targets).
        memory: per-row memory; moving up/down into a row lands on the row's remembered item.
        viewport: the visible part of the screen; targets overlapping it are preferred to those
            scrolled out of sight, which are still reached when nothing visible lies that way.
    """
    source = _find(current_id, items)
    if source is None:
        return repair(current_id, items) or current_id
    target = _target(source, direction, items, viewport)
    if target is None:
        return current_id
    entering_row = direction.vertical and target.row is not None and target.row != source.row
    remembered = memory.recall(target.row, items) if memory and entering_row else None
    return remembered or target.id


def first_focus(items: Sequence[Focusable], memory: FocusMemory | None = None) -> str | None:
    """Where focus starts on a screen: the remembered item if still focusable, else the top-left.

    Returns None when nothing on the screen can take focus.
    """
    remembered = _find(memory.current, items) if memory else None
    if remembered is not None and remembered.focusable:
        return remembered.id
    focusable = [item for item in items if item.focusable]
    if not focusable:
        return None
    return min(focusable, key=lambda item: (item.rect.y, item.rect.x)).id


def _gap(a: Rect, b: Rect) -> float:
    dx = max(0.0, b.x - a.right, a.x - b.right)
    dy = max(0.0, b.y - a.bottom, a.y - b.bottom)
    return math.hypot(dx, dy)


def _centre_distance(a: Rect, b: Rect) -> float:
    (ax, ay), (bx, by) = a.center, b.center
    return math.hypot(ax - bx, ay - by)


def repair(
    current_id: str | None, items: Sequence[Focusable], *, last_rect: Rect | None = None
) -> str | None:
    """Keep focus from getting lost when the focused item is hidden, disabled or removed.

    Args:
        current_id: the focused item; returned unchanged while it is still focusable.
        items: the screen's items now.
        last_rect: where the focused item was, for when it has left ``items`` altogether.

    Returns:
        The focusable item nearest to where focus was (edge gap, then centre distance), the
        top-left item when that place is unknown, or None when nothing can take focus.
    """
    current = _find(current_id, items)
    if current is not None and current.focusable:
        return current.id
    where = current.rect if current is not None else last_rect
    focusable = [item for item in items if item.focusable]
    if where is None or not focusable:
        return first_focus(focusable)
    return min(focusable, key=lambda i: (_gap(where, i.rect), _centre_distance(where, i.rect))).id

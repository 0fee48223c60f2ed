"""Scrolling for a focus-driven screen: reveal the focused item, virtualise long rows and grids.

Pure and standard library only. Coordinates are the 1920x1080 logical layout of ``focus``
(y grows down). A row or grid of 2,000 courses materialises only ``visible_range`` of them;
off-screen grid cells have no rectangles, so arrows move through ``grid_neighbour`` indices.
"""

from __future__ import annotations

import math

from tv_client.navigation.focus import Direction, Rect


def _reveal_axis(start: float, end: float, view_start: float, view_end: float, margin: float):
    margin = max(0.0, min(margin, (view_end - view_start) / 2))
    low, high = view_start + margin, view_end - margin
    if start < low or end - start > high - low:
        return start - low
    return max(0.0, end - high)


def scroll_to_reveal(rect: Rect, viewport: Rect, margin: float = 0) -> tuple[float, float]:
    """The smallest scroll ``(dx, dy)`` that brings ``rect`` inside ``viewport`` less ``margin``.

    Both are in content coordinates (y down); add ``(dx, dy)`` to the viewport's position (a
    positive dy scrolls down). A rect larger than the viewport is aligned to its top/left edge.
    The margin is capped at half the viewport. Clamping to the content's extent is the caller's.
    """
    dx = _reveal_axis(rect.x, rect.right, viewport.x, viewport.right, margin)
    dy = _reveal_axis(rect.y, rect.bottom, viewport.y, viewport.bottom, margin)
    return dx, dy


def visible_range(
    first_offset: float,
    item_extent: float,
    spacing: float,
    viewport_extent: float,
    count: int,
    overscan: int = 1,
) -> range:
    """The indices a virtualised row (or a grid's rows) must materialise.

    Item ``i`` spans ``[first_offset + i * (item_extent + spacing), ... + item_extent)`` in the
    viewport's coordinates (``first_offset`` is negative once scrolled); every item overlapping
    ``[0, viewport_extent)`` is included, plus ``overscan`` more on each side, within
    ``range(count)``.
    """
    pitch = item_extent + spacing
    if pitch <= 0 or item_extent < 0 or count < 0 or overscan < 0:
        raise ValueError("need item_extent >= 0, item_extent + spacing > 0, count, overscan >= 0")
    first = math.floor((-first_offset - item_extent) / pitch) + 1
    last = math.ceil((viewport_extent - first_offset) / pitch) - 1
    start, stop = max(0, first - overscan), min(count, last + 1 + overscan)
    return range(start, stop) if start < stop else range(0)


def grid_visible_range(
    first_offset: float,
    row_extent: float,
    spacing: float,
    viewport_extent: float,
    count: int,
    columns: int,
    overscan: int = 1,
) -> range:
    """The item indices a vertically scrolling virtualised grid of ``columns`` must materialise."""
    rows = visible_range(
        first_offset, row_extent, spacing, viewport_extent, -(-count // columns), overscan
    )
    return range(rows.start * columns, min(count, rows.stop * columns)) if rows else range(0)


def grid_neighbour(index: int, direction: Direction, count: int, columns: int) -> int | None:
    """The neighbour of ``index`` in a row-major grid, or None at an edge (like Android TV).

    Left/right stop at the row's ends (no wrapping); down from the row above a partial last
    row, where nothing is directly below, goes to the last item.
    """
    if columns < 1 or not 0 <= index < count:
        raise ValueError(f"index {index} is outside a grid of {count} items in {columns} columns")
    column = index % columns
    if direction is Direction.LEFT:
        return index - 1 if column > 0 else None
    if direction is Direction.RIGHT:
        return index + 1 if column < columns - 1 and index + 1 < count else None
    if direction is Direction.UP:
        return index - columns if index >= columns else None
    next_row_start = (index // columns + 1) * columns
    return min(index + columns, count - 1) if next_row_start < count else None

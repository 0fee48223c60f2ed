"""Keeping focus in view: scroll_to_reveal, visible_range for virtualised rows, grid_neighbour."""

from __future__ import annotations

import pytest

from tv_client.navigation.focus import Direction, Rect
from tv_client.navigation.scrolling import (
    grid_neighbour,
    grid_visible_range,
    scroll_to_reveal,
    visible_range,
)

UP, DOWN, LEFT, RIGHT = Direction.UP, Direction.DOWN, Direction.LEFT, Direction.RIGHT
SCREEN = Rect(0, 0, 1920, 1080)


@pytest.mark.parametrize(
    ("rect", "viewport", "margin", "expected"),
    [
        (Rect(100, 100, 200, 300), SCREEN, 0, (0, 0)),  # already in view
        (Rect(100, 100, 200, 300), SCREEN, 100, (0, 0)),  # exactly at the margin
        (Rect(100, 100, 200, 300), SCREEN, 150, (-50, -50)),
        (Rect(100, 1000, 200, 300), SCREEN, 0, (0, 220)),  # below: scroll down to its bottom
        (Rect(100, 1000, 200, 300), SCREEN, 54, (0, 274)),
        (Rect(100, -400, 200, 300), SCREEN, 0, (0, -400)),  # above: scroll up to its top
        (Rect(2000, 100, 200, 300), SCREEN, 96, (376, 0)),  # right, with the 5% safe area
        (Rect(-50, 100, 200, 300), SCREEN, 96, (-146, 0)),
        (Rect(1800, 1000, 200, 300), SCREEN, 0, (80, 220)),  # both axes
        (Rect(100, 200, 200, 2000), SCREEN, 0, (0, 200)),  # taller than the view: its top
        (Rect(100, -200, 200, 2000), SCREEN, 50, (0, -250)),
        (Rect(100, 500, 200, 300), Rect(0, 1000, 1920, 1080), 0, (0, -500)),  # scrolled view
        (Rect(100, 2200, 200, 300), Rect(0, 1000, 1920, 1080), 0, (0, 420)),
        (Rect(10, 10, 10, 10), Rect(0, 0, 100, 100), 500, (-40, -40)),  # margin capped at half
    ],
)
def test_scroll_to_reveal(rect, viewport, margin, expected):
    assert scroll_to_reveal(rect, viewport, margin) == expected


def test_scroll_to_reveal_then_in_view():
    rect, view = Rect(1700, 1500, 200, 300), SCREEN
    dx, dy = scroll_to_reveal(rect, view, 54)
    moved = Rect(view.x + dx, view.y + dy, view.w, view.h)
    assert scroll_to_reveal(rect, moved, 54) == (0, 0)


@pytest.mark.parametrize(
    ("first_offset", "extent", "spacing", "viewport", "count", "overscan", "expected"),
    [
        (0, 200, 40, 1000, 100, 0, range(0, 5)),
        (0, 200, 40, 1000, 100, 1, range(0, 6)),
        (0, 200, 40, 1000, 100, 3, range(0, 8)),
        (-500, 200, 40, 1000, 100, 0, range(2, 7)),  # scrolled
        (-500, 200, 40, 1000, 100, 1, range(1, 8)),
        (-200, 200, 40, 1000, 100, 0, range(1, 5)),  # item 0 ends exactly at the edge
        (-201, 200, 40, 1000, 100, 0, range(1, 6)),  # item 5 starts at 999
        (-199, 200, 40, 1000, 100, 0, range(0, 5)),
        (40, 200, 40, 960, 100, 0, range(0, 4)),  # item 4 starts exactly at the far edge
        (0, 200, 40, 1000, 0, 1, range(0)),  # no items
        (0, 200, 40, 1000, 3, 1, range(0, 3)),  # fewer than fit
        (-500, 200, 40, 1000, 5, 0, range(2, 5)),  # the end of the list
        (-500, 200, 40, 1000, 5, 1, range(1, 5)),
        (-22_960, 200, 40, 1000, 100, 1, range(94, 100)),  # item 99 ends at the far edge
        (-5000, 200, 40, 1000, 5, 1, range(0)),  # scrolled past everything
        (2000, 200, 40, 1000, 5, 1, range(0)),  # not reached yet
        (0, 300, 0, 1080, 2000, 1, range(0, 5)),  # no spacing
        (0.5, 200.5, 39.5, 1000, 100, 0, range(0, 5)),  # fractional layout (scaled)
    ],
)
def test_visible_range(first_offset, extent, spacing, viewport, count, overscan, expected):
    assert visible_range(first_offset, extent, spacing, viewport, count, overscan) == expected


def test_visible_range_of_a_long_catalog_stays_small():
    for offset in range(0, -480_000, -7_919):
        assert len(visible_range(offset, 200, 40, 1920, 2000)) <= 11


@pytest.mark.parametrize(
    ("extent", "spacing", "count", "overscan"),
    [(0, 0, 5, 1), (200, -200, 5, 1), (-1, 40, 5, 1), (200, 40, -1, 1), (200, 40, 5, -1)],
)
def test_visible_range_rejects_bad_layouts(extent, spacing, count, overscan):
    with pytest.raises(ValueError, match="item_extent"):
        visible_range(0, extent, spacing, 1000, count, overscan)


@pytest.mark.parametrize(
    ("first_offset", "viewport", "count", "columns", "overscan", "expected"),
    [
        (0, 300, 10, 4, 0, range(0, 8)),
        (0, 300, 10, 4, 1, range(0, 10)),  # the partial last row is cut at count
        (-300, 300, 10, 4, 0, range(4, 10)),
        (0, 300, 0, 4, 1, range(0)),
        (-480, 200, 2000, 5, 1, range(5, 20)),
    ],
)
def test_grid_visible_range(first_offset, viewport, count, columns, overscan, expected):
    assert grid_visible_range(first_offset, 200, 40, viewport, count, columns, overscan) == expected


# A 4-column grid of 10 items:   0 1 2 3
#                                4 5 6 7
#                                8 9
@pytest.mark.parametrize(
    ("index", "direction", "count", "columns", "expected"),
    [
        (0, LEFT, 10, 4, None),
        (1, LEFT, 10, 4, 0),
        (4, LEFT, 10, 4, None),  # no wrapping to the row above
        (2, RIGHT, 10, 4, 3),
        (3, RIGHT, 10, 4, None),  # no wrapping to the next row
        (8, RIGHT, 10, 4, 9),
        (9, RIGHT, 10, 4, None),  # end of the partial row
        (0, UP, 10, 4, None),
        (5, UP, 10, 4, 1),
        (9, UP, 10, 4, 5),
        (1, DOWN, 10, 4, 5),
        (5, DOWN, 10, 4, 9),
        (6, DOWN, 10, 4, 9),  # nothing below: the last item
        (7, DOWN, 10, 4, 9),
        (8, DOWN, 10, 4, None),
        (9, DOWN, 10, 4, None),
        (4, DOWN, 8, 4, None),  # full last row
        (3, DOWN, 8, 4, 7),
        (0, DOWN, 3, 1, 1),  # a single column is a list
        (2, DOWN, 3, 1, None),
        (0, RIGHT, 3, 1, None),
        (0, RIGHT, 3, 5, 1),  # fewer items than columns
        (2, RIGHT, 3, 5, None),
        (0, DOWN, 3, 5, None),
        (0, DOWN, 1, 1, None),
    ],
)
def test_grid_neighbour(index, direction, count, columns, expected):
    assert grid_neighbour(index, direction, count, columns) == expected


@pytest.mark.parametrize(
    ("index", "count", "columns"), [(-1, 10, 4), (10, 10, 4), (0, 0, 4), (0, 10, 0)]
)
def test_grid_neighbour_rejects_bad_input(index, count, columns):
    with pytest.raises(ValueError, match="outside a grid"):
        grid_neighbour(index, RIGHT, count, columns)

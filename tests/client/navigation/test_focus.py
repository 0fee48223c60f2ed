"""Spatial focus: moves over several layouts, row memory, first focus and repair."""

from __future__ import annotations

import pytest

from tv_client.navigation.focus import (
    Direction,
    Focusable,
    FocusMemory,
    Rect,
    first_focus,
    move,
    repair,
)
from tv_client.navigation.keys import Action

UP, DOWN, LEFT, RIGHT = Direction.UP, Direction.DOWN, Direction.LEFT, Direction.RIGHT


def row(name, y, x0, count, *, w=200, h=300, gap=40, in_row=True):
    """``count`` posters ``name0``.. left to right from ``x0``."""
    return [
        Focusable(f"{name}{i}", Rect(x0 + i * (w + gap), y, w, h), row=name if in_row else None)
        for i in range(count)
    ]


def column(name, x, y0, count, *, w=240, h=80, gap=20):
    return [Focusable(f"{name}{i}", Rect(x, y0 + i * (h + gap), w, h)) for i in range(count)]


def grid(count, columns, *, size=200, gap=40, x0=100, y0=100):
    return [
        Focusable(
            f"g{i}",
            Rect(x0 + (i % columns) * (size + gap), y0 + (i // columns) * (size + gap), size, size),
        )
        for i in range(count)
    ]


# A home screen: a left menu column and three rows of posters, of different counts and offsets.
# menu0..menu3 at x 96..336, y 100, 200, 300, 400 (80 high)
# cont0..cont2   y 100..400, x 400 + 240 i
# rec0..rec5     y 460..760, x 400 + 240 i
# ser0..ser4     y 820..1120, x 460 + 240 i   (runs past the bottom of the screen)
HOME = [
    *column("menu", 96, 100, 4),
    *row("cont", 100, 400, 3),
    *row("rec", 460, 400, 6),
    *row("ser", 820, 460, 5),
]

# A 4-column grid of 10 items: the last row holds g8 and g9 only.
GRID = grid(10, 4)


def _keyboard():
    """An on-screen keyboard: three rows of ten keys, then 123 (2 wide), space (6), del (2)."""
    keys = [
        Focusable(f"k{r}{c}", Rect(100 + c * 90, 600 + r * 90, 80, 80))
        for r in range(3)
        for c in range(10)
    ]
    bottom = [("k123", 0, 2), ("space", 2, 6), ("del", 8, 2)]
    keys += [Focusable(n, Rect(100 + c * 90, 870, w * 90 - 10, 80)) for n, c, w in bottom]
    return keys


KEYBOARD = _keyboard()

# Overlapping cards in a stacked carousel, and a frame enclosing a button.
OVERLAP = [
    Focusable("a", Rect(0, 0, 300, 200)),
    Focusable("b", Rect(200, 0, 300, 200)),
    Focusable("c", Rect(400, 0, 300, 200)),
    Focusable("frame", Rect(0, 400, 1000, 400)),
    Focusable("inner", Rect(100, 500, 100, 100)),
]

# Hidden and disabled items are never targets.
SKIPS = [
    Focusable("p0", Rect(0, 0, 200, 200)),
    Focusable("p1", Rect(240, 0, 200, 200), visible=False),
    Focusable("p2", Rect(480, 0, 200, 200), enabled=False),
    Focusable("p3", Rect(720, 0, 200, 200)),
    Focusable("q0", Rect(0, 300, 200, 200), visible=False),
    Focusable("r0", Rect(0, 600, 200, 200)),
]

MOVES = [
    # home: into and out of the menu
    ("home", HOME, "menu0", RIGHT, "cont0"),
    ("home", HOME, "menu3", RIGHT, "rec0"),
    ("home", HOME, "cont0", LEFT, "menu1"),
    ("home", HOME, "rec0", LEFT, "menu3"),
    ("home", HOME, "ser0", LEFT, "ser0"),  # nothing in its beam to the left
    ("home", HOME, "menu0", DOWN, "menu1"),
    ("home", HOME, "menu3", UP, "menu2"),
    ("home", HOME, "menu0", UP, "menu0"),
    # home: along and between rows
    ("home", HOME, "cont0", RIGHT, "cont1"),
    ("home", HOME, "cont1", LEFT, "cont0"),
    ("home", HOME, "cont2", RIGHT, "cont2"),  # the row's end is an edge, no diagonal jump
    ("home", HOME, "rec5", RIGHT, "rec5"),
    ("home", HOME, "cont0", DOWN, "rec0"),
    ("home", HOME, "cont2", DOWN, "rec2"),
    ("home", HOME, "rec0", DOWN, "ser0"),
    ("home", HOME, "rec3", DOWN, "ser3"),  # nearest centre among two in the beam
    ("home", HOME, "rec5", DOWN, "ser4"),
    ("home", HOME, "rec5", UP, "cont2"),  # short row above: its nearest item, not a skip
    ("home", HOME, "rec4", UP, "cont2"),
    ("home", HOME, "ser4", UP, "rec4"),
    ("home", HOME, "cont1", UP, "cont1"),  # top edge
    ("home", HOME, "ser2", DOWN, "ser2"),  # bottom edge
    # grid with a partial last row
    ("grid", GRID, "g0", RIGHT, "g1"),
    ("grid", GRID, "g3", RIGHT, "g3"),
    ("grid", GRID, "g4", LEFT, "g4"),
    ("grid", GRID, "g5", DOWN, "g9"),
    ("grid", GRID, "g7", DOWN, "g9"),  # nothing below: the nearest in the last row
    ("grid", GRID, "g6", DOWN, "g9"),
    ("grid", GRID, "g9", RIGHT, "g9"),  # no diagonal jump up to g6
    ("grid", GRID, "g9", DOWN, "g9"),
    ("grid", GRID, "g9", UP, "g5"),
    ("grid", GRID, "g8", UP, "g4"),
    ("grid", GRID, "g1", UP, "g1"),
    # keyboard with wide keys
    ("keyboard", KEYBOARD, "k00", RIGHT, "k01"),
    ("keyboard", KEYBOARD, "k20", DOWN, "k123"),
    ("keyboard", KEYBOARD, "k21", DOWN, "k123"),
    ("keyboard", KEYBOARD, "k25", DOWN, "space"),
    ("keyboard", KEYBOARD, "k29", DOWN, "del"),
    ("keyboard", KEYBOARD, "space", UP, "k24"),  # centre tie: the earlier key
    ("keyboard", KEYBOARD, "space", RIGHT, "del"),
    ("keyboard", KEYBOARD, "space", LEFT, "k123"),
    ("keyboard", KEYBOARD, "del", UP, "k28"),
    ("keyboard", KEYBOARD, "k123", DOWN, "k123"),
    ("keyboard", KEYBOARD, "k09", RIGHT, "k09"),
    # overlapping items
    ("overlap", OVERLAP, "a", RIGHT, "b"),
    ("overlap", OVERLAP, "b", RIGHT, "c"),
    ("overlap", OVERLAP, "c", LEFT, "b"),
    ("overlap", OVERLAP, "inner", RIGHT, "inner"),  # never into the enclosing frame
    ("overlap", OVERLAP, "inner", UP, "a"),
    ("overlap", OVERLAP, "a", DOWN, "frame"),
    # invisible and disabled items
    ("skips", SKIPS, "p0", RIGHT, "p3"),
    ("skips", SKIPS, "p3", LEFT, "p0"),
    ("skips", SKIPS, "p0", DOWN, "r0"),
    ("skips", SKIPS, "r0", UP, "p0"),
]


@pytest.mark.parametrize(
    ("layout", "items", "start", "direction", "expected"),
    MOVES,
    ids=[f"{m[0]}-{m[2]}-{m[3].name}" for m in MOVES],
)
def test_move(layout, items, start, direction, expected):
    assert move(start, direction, items) == expected


def test_move_from_a_hidden_item_uses_its_place():
    items = [*SKIPS[:1], Focusable("gone", Rect(240, 0, 200, 200), visible=False), *SKIPS[3:]]
    assert move("gone", RIGHT, items) == "p3"


def test_move_from_an_unknown_item_repairs_focus():
    assert move("nope", RIGHT, HOME) == "menu0"
    assert move("nope", RIGHT, []) == "nope"


def test_move_does_not_mutate_items():
    items = list(HOME)
    move("cont0", DOWN, items)
    assert items == HOME


# ---- viewport ------------------------------------------------------------------------------

# A row scrolled left: s0 and s1 sit off screen; a second row below starts on screen.
SCROLLED = [
    *row("top", 100, -380, 6, in_row=False),  # top0 -380..-180, top1 -140..60, top2 100..300
    Focusable("below_left", Rect(-300, 500, 200, 300)),
    Focusable("below_right", Rect(900, 500, 200, 300)),
]
VIEWPORT = Rect(0, 0, 1920, 1080)


def test_viewport_prefers_what_is_on_screen():
    assert move("top2", DOWN, SCROLLED) == "below_left"
    assert move("top2", DOWN, SCROLLED, viewport=VIEWPORT) == "below_right"


def test_viewport_still_reaches_off_screen_targets():
    assert move("top1", LEFT, SCROLLED, viewport=VIEWPORT) == "top0"
    assert move("rec0", DOWN, HOME, viewport=Rect(0, 0, 1920, 800)) == "ser0"


# ---- row memory ----------------------------------------------------------------------------


def _walk(items, start, *directions, memory=None):
    memory = (memory or FocusMemory()).remember(start, items)
    current = start
    for direction in directions:
        current = move(current, direction, items, memory=memory)
        memory = memory.remember(current, items)
    return current, memory


def test_row_memory_brings_focus_back():
    current, memory = _walk(HOME, "cont0", DOWN, RIGHT, RIGHT, RIGHT, UP)
    assert current == "cont0"  # geometry alone gives cont2
    assert move("rec3", UP, HOME) == "cont2"
    assert memory.rows == {"cont": "cont0", "rec": "rec3"}
    assert move("cont0", DOWN, HOME) == "rec0"  # what geometry alone gives
    assert move("cont0", DOWN, HOME, memory=memory) == "rec3"


def test_row_memory_down_right_twice_up_down():
    current, _ = _walk(HOME, "cont1", DOWN, RIGHT, RIGHT, UP, DOWN)
    assert current == "rec3"


@pytest.mark.parametrize(
    "change",
    [
        lambda item: None,  # removed
        lambda item: Focusable(item.id, item.rect, item.row, visible=False),
        lambda item: Focusable(item.id, item.rect, item.row, enabled=False),
        lambda item: Focusable(item.id, item.rect, row="other"),
    ],
    ids=["removed", "hidden", "disabled", "moved-row"],
)
def test_row_memory_falls_back_to_geometry(change):
    _, memory = _walk(HOME, "cont0", DOWN, RIGHT, RIGHT, RIGHT, UP)
    items = [changed for item in HOME if (changed := change(item) if item.id == "rec3" else item)]
    assert move("cont0", DOWN, items, memory=memory) == "rec0"


def test_row_memory_only_applies_to_vertical_moves_into_another_row():
    memory = FocusMemory().remember("rec4", HOME)
    assert move("menu3", RIGHT, HOME, memory=memory) == "rec0"  # horizontal entry: geometry
    assert move("rec1", RIGHT, HOME, memory=memory) == "rec2"  # within the row: geometry
    assert move("cont0", DOWN, HOME, memory=memory) == "rec4"


def test_focus_memory_is_immutable():
    memory = FocusMemory()
    after = memory.remember("cont1", HOME)
    assert memory == FocusMemory()
    assert after.current == "cont1"
    assert after.rows == {"cont": "cont1"}
    with pytest.raises(TypeError):
        after.rows["cont"] = "cont0"  # type: ignore[index]


def test_remembering_an_item_without_a_row():
    memory = FocusMemory().remember("menu1", HOME).remember("unknown", HOME)
    assert memory.current == "unknown"
    assert memory.rows == {}


# ---- first focus ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "memory", "expected"),
    [
        (HOME, None, "menu0"),
        (HOME, FocusMemory(current="rec2"), "rec2"),
        (HOME, FocusMemory(current="gone"), "menu0"),
        ([Focusable("x", Rect(0, 0, 1, 1), visible=False), *GRID], None, "g0"),
        (SKIPS, FocusMemory(current="p1"), "p0"),  # remembered but hidden
        (row("r", 100, 900, 2) + row("s", 50, 1200, 1), None, "s0"),  # top first, then left
        ([], None, None),
        ([Focusable("x", Rect(0, 0, 1, 1), enabled=False)], None, None),
    ],
)
def test_first_focus(items, memory, expected):
    assert first_focus(items, memory) == expected


def test_direction_of_action():
    assert Direction.of(Action.UP) is UP
    assert Direction.of(Action.RIGHT) is RIGHT
    assert Direction.of(Action.OK) is None
    assert Direction.of(Action.DIGIT) is None


# ---- repair --------------------------------------------------------------------------------


def _hide(items, item_id, **changes):
    return [
        Focusable(i.id, i.rect, i.row, **{"visible": False, **changes}) if i.id == item_id else i
        for i in items
    ]


def _without(items, item_id):
    return [i for i in items if i.id != item_id]


def _reflowed_rec_row():
    """rec2 finished and left "continue watching"-style: rec3.. slide one place left."""
    return [
        *column("menu", 96, 100, 4),
        *row("cont", 100, 400, 3),
        *[
            Focusable(f"rec{i + 1 if i >= 2 else i}", Rect(400 + i * 240, 460, 200, 300), row="rec")
            for i in range(5)
        ],
    ]


@pytest.mark.parametrize(
    ("current", "items", "last_rect", "expected"),
    [
        ("rec2", HOME, None, "rec2"),  # still focusable: unchanged
        ("rec2", _hide(HOME, "rec2"), None, "rec1"),  # hidden: nearest, earlier on a tie
        ("rec5", _hide(HOME, "rec5"), None, "rec4"),
        ("rec2", _hide(HOME, "rec2", visible=True, enabled=False), None, "rec1"),
        ("cont1", _hide(_hide(HOME, "cont1"), "cont0"), None, "cont2"),
        ("rec2", _reflowed_rec_row(), Rect(880, 460, 200, 300), "rec3"),  # slid into its place
        ("rec2", _without(HOME, "rec2"), None, "menu0"),  # place unknown: top-left
        ("menu0", _hide(_without(HOME, "cont0"), "menu0"), None, "menu1"),
        ("x", [], Rect(0, 0, 10, 10), None),
        ("x", _hide(SKIPS[:1], "p0"), None, None),
        (None, GRID, None, "g0"),
    ],
)
def test_repair(current, items, last_rect, expected):
    assert repair(current, items, last_rect=last_rect) == expected

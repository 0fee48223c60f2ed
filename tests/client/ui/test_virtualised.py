"""A fuller catalog: rows and cards are virtualised, focus stays revealed, layout scales."""

from __future__ import annotations

import copy

import pytest

pytestmark = pytest.mark.kivy


@pytest.fixture(scope="module")
def backend(serve_feed, small_feed):
    """Each course of the small feed cloned 12 times: every home row is full (12 cards)."""
    feed = copy.deepcopy(small_feed)
    clones = []
    for n in range(12):
        for course in small_feed["courses"]:
            clone = copy.deepcopy(course)
            clone["external_id"] = f"{course['external_id']}-{n}"
            clones.append(clone)
    feed["courses"] = clones
    return serve_feed(feed)


def ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def test_rows_and_cards_are_virtualised_and_focus_is_always_revealed(tv_app):
    app = tv_app()
    state = app.wait_for(ready)
    total_rows = len(state["rows"])
    assert total_rows >= 6
    assert state["materialised_rows"] < total_rows
    assert state["materialised_cards"] < state["materialised_rows"] * 12

    for n in range(1, 12):
        state = app.press("RIGHT")
        assert state["focus"] == f"latest-0/{n}"
        x, _y, w, _h = state["focus_rect"]
        assert x >= 0 and x + w <= 1920, state["focus_rect"]
    assert app.press("RIGHT")["focus"] == "latest-0/11"  # the end of a row is an edge
    assert state["materialised_cards"] < state["materialised_rows"] * 12

    for _ in range(total_rows - 1):
        state = app.press("DOWN")
        _x, y, _w, h = state["focus_rect"]
        assert y >= 0 and y + h <= 1080, state["focus_rect"]
    # Entering unvisited rows from the far right lands on the card below, not on card 0.
    assert state["focus"].startswith("series-") and not state["focus"].endswith("/0")
    assert state["materialised_rows"] < total_rows
    app.screenshot("home-scrolled")
    for _ in range(total_rows - 1):
        state = app.press("UP")
    assert state["focus"] == "latest-0/11"  # the first row remembered its card


def test_the_next_card_and_row_are_prepared_after_the_frame_not_during_it(tv_app):
    """A key press materialises only what comes on screen; the card beyond the edge and the
    row below follow in a later frame, so the next press finds them ready."""
    app = tv_app()
    state = app.wait_for(ready)
    first_row = state["focus"].rpartition("/")[0]
    # 4.8 cards fit across (1728 px at a 360 px pitch): cards 0-4 show, card 5 is prepared.
    state = app.wait_for(lambda s: s["row_cards"][first_row] == [0, 1, 2, 3, 4, 5])
    below = [key for key in state["row_cards"] if key != first_row]
    assert below, "the rows below the first are materialised too"
    for _ in range(5):
        state = app.press("RIGHT")
    app.wait_for(lambda s: max(s["row_cards"][first_row]) == 7)
    state = app.press_now("RIGHT")
    assert state["focus"] == f"{first_row}/6"
    assert max(state["row_cards"][first_row]) == 7, "card 8 is not prepared in the key's frame"
    # Scrolled: card 6 is revealed with half a card of margin, so 7 peeks in and 8 is
    # prepared; on the left, only one card beyond the edge is kept.
    state = app.wait_for(lambda s: max(s["row_cards"][first_row]) == 8)
    cards = state["row_cards"][first_row]
    assert cards == list(range(cards[0], 9)) and len(cards) <= 8, cards


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (3840, 2160)])
def test_layout_scales_with_the_window(tv_app, width, height):
    app = tv_app(KCFG_GRAPHICS_WIDTH=str(width), KCFG_GRAPHICS_HEIGHT=str(height))
    state = app.wait_for(ready)
    if state["window"] != [width, height]:
        pytest.skip(f"the virtual screen gave a {state['window']} window")
    scale = height / 1080
    lx, ly, lw, lh = state["focus_rect"]
    grow, poster_h = 1.08, 180  # the focused poster is enlarged around its centre
    title_h = lh - poster_h  # the title line under it keeps its size (no text is re-rendered)
    lift = poster_h * (grow - 1) / 2
    outer = (lx - lw * (grow - 1) / 2, ly - lift, lw * grow, poster_h * grow + title_h)
    # Logical rects are y-down; Kivy's window pixels are y-up.
    expected = (
        outer[0] * scale,
        height - (outer[1] + outer[3]) * scale,
        outer[2] * scale,
        outer[3] * scale,
    )
    assert state["focus_window_rect"] == pytest.approx(expected, rel=0.01)
    app.screenshot(f"home-{width}x{height}")

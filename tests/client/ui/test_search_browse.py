"""The real app under Xvfb: the home top bar, search with the on-screen keyboard, and browse."""

from __future__ import annotations

import copy

import pytest

pytestmark = pytest.mark.kivy

MATHS = ["分数的初步认识", "时分秒"]


def home_ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def test_up_from_the_first_row_reaches_the_top_bar_and_down_comes_back(tv_app):
    app = tv_app()
    app.wait_for(home_ready)
    app.press("RIGHT")
    assert app.press("UP")["focus"] == "nav/search"
    assert app.press("RIGHT")["focus"] == "nav/browse"
    assert app.press("RIGHT")["focus"] == "nav/settings"  # Live is not ready yet: skipped
    assert app.press("RIGHT")["focus"] == "nav/settings"
    assert app.press("UP")["focus"] == "nav/settings"
    app.screenshot("home-top-bar")
    state = app.press("DOWN")
    assert state["focus"] == "latest-0/1" and state["focused_title"]


def test_typing_sx_finds_the_maths_courses_and_back_keeps_the_text(tv_app):
    app = tv_app()
    app.wait_for(home_ready)
    app.press("UP")
    search = app.press("OK")
    assert search["screen"] == "search" and search["focus"] == "key/0/0"
    assert search["text"] == "" and search["status"] == "idle"

    state = app.press("DOWN", "DOWN", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    assert state["focused_key"] == "s"
    app.press("OK", "DOWN", "LEFT", "LEFT")
    state = app.press("OK")
    assert state["text"] == "sx" and state["focused_key"] == "x"
    state = app.wait_for(lambda s: s["status"] == "results")
    assert set(MATHS) <= set(state["results"])  # the backend's own ranking decides the rest
    assert state["materialised_cards"] == len(state["results"])
    app.screenshot("search")

    state = app.press("RIGHT", "RIGHT", "RIGHT")  # y, z, then into the results
    assert state["focus"] == "result/0"
    title = state["results"][0]
    app.press("OK")
    course = app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")
    assert course["title"] == title

    back = app.press("BACK")
    assert back["screen"] == "search" and back["text"] == "sx" and back["focus"] == "result/0"
    app.press("BACK")  # out of the results, onto the keyboard
    app.press("BACK", "BACK")  # delete x and s
    state = app.press("BACK")  # nothing typed: back home
    assert state["screen"] == "home" and state["stack"] == ["home"]


def test_browse_primary_grade_three_maths(tv_app):
    app = tv_app()
    app.wait_for(home_ready)
    app.press("UP", "RIGHT")
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "browse" and s["status"] == "ready")
    assert state["focus"] == "stage/primary" and state["chips"]["stage"][0] == "小学"

    app.press("OK")  # 小学 is already chosen: on to the grades
    state = app.press("RIGHT", "RIGHT", "RIGHT")
    assert state["focus"] == "grade/g3"
    app.press("OK")
    state = app.press("RIGHT", "RIGHT")
    assert state["focus"] == "subject/math"
    app.press("OK")
    state = app.wait_for(
        lambda s: s["status"] == "ready" and s["selected"]["subject"] == "math", limit=30
    )
    assert state["selected"] == {"stage": "primary", "grade": "g3", "subject": "math"}
    assert sorted(state["results"]) == sorted(MATHS)

    state = app.press("DOWN")
    assert state["focus"] == "course/0"
    app.screenshot("browse")
    app.press("OK")
    course = app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")
    assert course["title"] == state["results"][0]
    assert app.press("BACK")["focus"] == "course/0"
    assert app.press("BACK")["focus"] == "subject/math"
    assert app.press("BACK")["screen"] == "home"


@pytest.fixture(scope="module")
def big_backend(serve_feed, small_feed):
    """Each course of the small feed cloned 12 times: 48 primary courses, two pages."""
    feed = copy.deepcopy(small_feed)
    feed["courses"] = []
    for n in range(12):
        for course in small_feed["courses"]:
            clone = copy.deepcopy(course)
            clone["external_id"] = f"{course['external_id']}-{n}"
            feed["courses"].append(clone)
    return serve_feed(feed)


def test_browse_pages_and_virtualises_the_grid(tv_app, big_backend):
    app = tv_app(TV_BACKEND_URL=big_backend.url)
    app.wait_for(home_ready)
    app.press("UP", "RIGHT")
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "browse" and s["status"] == "ready")
    assert len(state["results"]) == 24  # the first page
    state = app.press("DOWN", "DOWN", "DOWN")
    assert state["focus"] == "course/0"
    for _ in range(3):
        state = app.press("DOWN")
    state = app.wait_for(lambda s: len(s["results"]) == 48 and not s["loading_more"])
    assert state["materialised_cards"] < 48
    for _ in range(20):
        state = app.press("DOWN")
    assert state["focus"] == "course/45"  # the first of the last row (48 = 9 rows of 5 + 3)
    app.screenshot("browse-scrolled")
    assert state["materialised_cards"] < 48

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
    assert app.press("RIGHT")["focus"] == "nav/live"
    assert app.press("RIGHT")["focus"] == "nav/settings"
    assert app.press("RIGHT")["focus"] == "nav/settings"  # the end of the bar is an edge
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
    assert state["highlights"] == ["_Key:x"]  # the key alone: the query box is not outlined
    app.screenshot("search")

    state = app.press("RIGHT", "RIGHT", "RIGHT")  # y, z, then into the results
    assert state["focus"] == "result/0"
    assert state["highlights"] == [f"GridCard:{state['results'][0]}"]
    app.screenshot("search-results")
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
    assert state["highlights"] == ["_Chip:小学"]

    app.press("OK")  # 小学 is already chosen: on to the grades
    assert app.state()["chips"]["grade"] == ["全部", "三年级", "四年级"]  # grades with courses
    state = app.press("RIGHT")
    assert state["focus"] == "grade/g3"
    app.press("OK")
    state = app.press("RIGHT")
    assert state["chips"]["subject"] == ["全部", "数学"]  # what the third grade is taught
    assert state["focus"] == "subject/math"
    app.press("OK")
    state = app.wait_for(
        lambda s: s["status"] == "ready" and s["selected"]["subject"] == "math", limit=30
    )
    assert (state["selected"]["stage"], state["selected"]["grade"]) == ("primary", "g3")
    assert sorted(state["results"]) == sorted(MATHS)
    assert sorted(state["tags"]) == ["同步课堂", "智趣新课堂"]  # each card names its series

    state = app.press("DOWN")
    assert state["focus"] == "course/0" and len(state["highlights"]) == 1
    assert state["highlights"][0].startswith("GridCard:")
    app.screenshot("browse")
    app.press("OK")
    course = app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")
    assert course["title"] == state["results"][0]
    assert app.press("BACK")["focus"] == "course/0"
    assert app.press("BACK")["focus"] == "subject/math"
    assert app.press("BACK")["screen"] == "home"


def open_browse(app) -> dict:
    app.wait_for(home_ready)
    app.press("UP", "RIGHT")
    app.press("OK")
    return app.wait_for(lambda s: s["screen"] == "browse" and s["status"] == "ready")


def test_each_stage_offers_only_its_own_subjects(tv_app):
    app = tv_app()
    state = open_browse(app)
    assert state["chips"]["subject"] == ["全部", "语文", "数学", "安全"]  # no 物理 in 小学
    assert state["chips"]["stage"] == ["小学", "初中", "家庭教育"]  # stages with courses
    state = app.press("RIGHT", "OK")
    assert state["selected"]["stage"] == "junior" and state["chips"]["grade"] == ["全部", "八年级"]
    assert state["chips"]["subject"] == ["全部", "物理"]
    state = app.press("DOWN", "RIGHT", "OK")
    state = app.wait_for(lambda s: s["status"] == "ready" and s["selected"]["subject"] == "physics")
    assert state["results"] == ["光现象"] and state["highlights"] == ["_Chip:物理"]
    app.screenshot("browse-junior-physics")


def test_a_series_page_from_the_mode_row(tv_app):
    app = tv_app()
    state = open_browse(app)
    assert state["levels"] == ["mode", "stage", "grade", "subject"]
    state = app.press("UP")
    assert state["focus"] == "mode/stages" and state["highlights"] == ["_Chip:按学段"]
    app.press("RIGHT", "OK")
    state = app.wait_for(lambda s: s["mode"] == "series" and s["status"] == "ready")
    assert state["levels"] == ["mode", "series"]
    assert state["chips"]["series"] == [
        "智趣新课堂",
        "未来建设者",
        "书香校园",
        "安全教育",
        "同步课堂",
        "岳麓讲堂",
    ]
    assert state["focus"] == "series/zhiqu" and state["results"] == ["时分秒"]
    assert state["tags"] == [""]  # a series page does not repeat the series on its cards
    state = app.press("LEFT", "LEFT")  # the row's start is an edge
    state = app.press(*["RIGHT"] * 5, "OK")
    state = app.wait_for(lambda s: s["selected"]["series"] == "yuelu" and s["status"] == "ready")
    assert state["results"] == ["亲子共读"] and state["description"] == "长沙名师讲座"
    state = app.press("DOWN")
    assert state["focus"] == "course/0" and len(state["highlights"]) == 1
    app.screenshot("browse-series")
    assert app.press("BACK")["focus"] == "series/yuelu"
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

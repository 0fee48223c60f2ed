"""The real app under Xvfb: home rows, focus movement, course, player, Back and Home."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.kivy


def ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def test_home_shows_rows_and_focus_moves(tv_app):
    app = tv_app()
    state = app.wait_for(ready)
    assert state["rows"][0] == "最新课程"
    assert state["focus"] == "latest-0/0"
    app.screenshot("home")

    assert app.press("RIGHT")["focus"] == "latest-0/1"
    assert app.press("RIGHT")["focus"] == "latest-0/2"
    down = app.press("DOWN")  # the nearest card below: a short row's "see all" card
    assert down["focus"].startswith("series-")
    assert app.press("UP")["focus"] == "latest-0/2"  # the row remembered its card


def test_posters_that_404_keep_their_placeholder(tv_app):
    app = tv_app()
    app.wait_for(ready)
    state = app.wait_for(lambda s: "failed" in s["posters"].values())
    assert "loaded" not in state["posters"].values()


def test_ok_opens_course_then_player_and_back_returns_to_the_same_card(tv_app):
    app = tv_app()
    app.wait_for(ready)
    app.press("RIGHT")
    title = app.state()["focused_title"]
    app.press("OK")
    course = app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")
    assert course["title"] == title
    assert course["focus"] == "continue" and course["continue"] == "从第 1 课开始"
    app.screenshot("course")

    app.press("OK")
    player = app.wait_for(lambda s: s["screen"] == "player")
    assert player["lesson_title"] == course["lessons"][0]
    app.screenshot("player")

    assert app.press("BACK")["screen"] == "course"
    home = app.press("BACK")
    assert home["screen"] == "home" and home["focus"] == "latest-0/1"
    assert app.press("BACK")["screen"] == "home"  # nothing behind home

    app.press("OK")
    app.wait_for(lambda s: s["screen"] == "course")
    assert app.press("HOME")["stack"] == ["home"]

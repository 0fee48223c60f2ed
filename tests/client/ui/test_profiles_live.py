"""The real app under Xvfb: who's watching, the continue row, "see all" and the Live entry."""

from __future__ import annotations

import json

import httpx
import pytest

from tv_client.profiles import FORMAT, ProfileStore
from tv_client.progress import CourseSummary, ProgressStore

pytestmark = pytest.mark.kivy

MENU = 109  # "m": Menu on a keyboard (the key table maps remotes' Menu keys too)


def home_ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def write_household(data_dir, last: str = "p1") -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    profiles = [
        {"id": "p1", "name": "小明", "grade": None},
        {"id": "p2", "name": "小红", "grade": "g3", "color": "#EF5350"},
    ]
    body = {"format": FORMAT, "version": 1, "last": last, "profiles": profiles}
    (data_dir / "profiles.json").write_text(json.dumps(body, ensure_ascii=False), "utf-8")


def test_who_is_watching_comes_first_and_the_childs_grade_shapes_home(tv_app, tmp_path):
    data_dir = tmp_path / "family"
    write_household(data_dir)
    app = tv_app(data_dir)
    state = app.wait_for(lambda s: s["screen"] == "profiles")
    assert state["profiles"] == ["小明", "小红"] and state["focus"] == "profile/p1"
    app.screenshot("profiles")

    assert app.press("RIGHT")["focus"] == "profile/p2"
    app.press("OK")
    home = app.wait_for(home_ready)
    assert home["stack"] == ["home"]  # Back on home does not return to the chooser
    assert home["rows"][0] == "为你推荐"  # recommended for 小红's grade three
    assert ProfileStore(data_dir).load().last == "p2"  # offered first next time

    app.call({"cmd": "key", "code": MENU})
    assert app.state()["screen"] == "profiles"
    assert app.state()["focus"] == "profile/p2"


def test_one_profile_is_not_asked_for(tv_app):
    app = tv_app()
    assert app.wait_for(home_ready)["stack"] == ["home"]
    app.call({"cmd": "key", "code": MENU})
    assert app.state()["screen"] == "home"  # nobody to switch to


def test_a_course_being_watched_is_first_and_see_all_opens_its_series(tv_app, backend, tmp_path):
    course = httpx.get(f"{backend.url}/api/v1/courses?limit=1").json()["items"][0]
    detail = httpx.get(f"{backend.url}/api/v1/courses/{course['id']}").json()
    data_dir = tmp_path / "watching"
    store = ProgressStore.in_data_dir(data_dir)
    first_lesson = detail["lessons"][0]
    store.record("guest", CourseSummary.from_course(detail), first_lesson["id"], 120, 600)

    app = tv_app(data_dir)
    state = app.wait_for(home_ready)
    assert state["rows"][0] == "继续观看" and state["focus"] == "continue/0"
    assert state["focused_title"] == detail["title"]["zh"]
    app.screenshot("home-continue")

    while not app.state()["focus"].startswith("series-"):
        app.press("DOWN")
    state = app.state()
    while True:  # to the end of the series row: its "see all" card
        moved = app.press("RIGHT")
        if moved["focus"] == state["focus"]:
            break
        state = moved
    assert state["focused_title"] == "查看全部 ›"
    assert app.press("OK")["screen"] == "browse"
    browse = app.wait_for(lambda s: s["status"] == "ready")
    assert browse["mode"] == "series", browse
    assert browse["selected"]["series"] == state["focus"].split("/")[0].removeprefix("series-")
    assert app.press("BACK")["screen"] == "home"


def test_live_opens_from_the_top_bar_and_back_returns(tv_app):
    app = tv_app()
    app.wait_for(home_ready)
    app.press("UP", "RIGHT")
    assert app.press("RIGHT")["focus"] == "nav/live"
    assert app.press("OK")["screen"] == "live"
    # This backend has no guide imported: live TV says so (tests/client/ui/test_guide_live.py
    # plays channels), with one focused 返回 button.
    live = app.wait_for(lambda s: s["status"] == "empty")
    assert live["notice"] == "还没有直播频道" and live["focus"] == "back"
    assert len(live["highlights"]) == 1
    app.screenshot("live-empty")
    assert app.press("BACK")["screen"] == "home"

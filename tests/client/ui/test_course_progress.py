"""The real app under Xvfb: a course marked with the guest's progress, "continue" first."""

from __future__ import annotations

import json
from urllib.request import urlopen

import pytest

from tv_client.progress import CourseSummary, ProgressStore

pytestmark = pytest.mark.kivy


def get(backend, path: str) -> dict:
    with urlopen(f"{backend.url}{path}", timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture
def course(backend) -> tuple[int, dict]:
    """The first course of home's first row with three lessons, and its place in the row."""
    latest = get(backend, "/api/v1/home")["rows"][0]["items"]
    index = next(n for n, item in enumerate(latest) if item["lesson_count"] >= 3)
    return index, get(backend, f"/api/v1/courses/{latest[index]['id']}")


def open_course(app, index: int) -> dict:
    app.wait_for(lambda s: s["screen"] == "home" and s["status"] == "ready")
    app.press(*["RIGHT"] * index)
    app.press("OK")
    return app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")


def test_the_course_continues_where_the_guest_left_off(tv_app, tmp_path, course):
    index, data = course
    first, second, third = data["lessons"][:3]
    data_dir = tmp_path / "box"
    store = ProgressStore.in_data_dir(data_dir)
    summary = CourseSummary.from_course(data)
    store.record("guest", summary, first["id"], first["duration"], first["duration"], now=100)
    store.record("guest", summary, second["id"], 20.0, second["duration"], now=200)
    assert (data_dir / "progress" / "progress-guest.json").is_file()

    app = tv_app(data_dir)
    state = open_course(app, index)
    assert state["title"] == data["title"]["zh"]
    assert state["focus"] == "continue"
    assert state["continue"] == f"继续学习 第 {second['position']} 课 · 0:20"
    marks = {str(first["id"]): "done", str(second["id"]): "started", str(third["id"]): "unwatched"}
    assert {k: v for k, v in state["marks"].items() if k in marks} == marks
    percent = int(20 / second["duration"] * 100)
    assert state["mark_labels"][:3] == ["✓ 已学完", f"看到 {percent}%", ""]
    app.screenshot("course-progress")

    app.press("OK")
    player = app.wait_for(lambda s: s["screen"] == "player")
    assert player["lesson_id"] == second["id"] and player["position"] == pytest.approx(20, abs=2)
    assert player["lesson_title"] == second["title"]["zh"]
    assert player["course_id"] == data["id"]
    app.screenshot("course-progress-player")

    back = app.press("BACK")
    assert back["screen"] == "course" and back["focus"] == "continue"
    assert back["continue"] == state["continue"]  # read again: nothing was played meanwhile

    assert app.press("DOWN")["focus"] == f"lesson/{first['id']}"
    app.press("OK")
    player = app.wait_for(lambda s: s["screen"] == "player")
    assert player["lesson_id"] == first["id"]
    assert player["position"] == pytest.approx(0, abs=2)  # done: from the start
    assert app.press("BACK")["focus"] == f"lesson/{first['id']}"
    assert app.press("DOWN")["focus"] == f"lesson/{second['id']}"
    app.press("OK")
    player = app.wait_for(lambda s: s["screen"] == "player")
    assert player["lesson_id"] == second["id"]
    assert player["position"] == pytest.approx(20, abs=2)  # where it was left


def test_a_course_never_watched_starts_at_lesson_one(tv_app, tmp_path, course):
    index, data = course
    app = tv_app(tmp_path / "fresh")
    state = open_course(app, index)
    assert state["focus"] == "continue" and state["continue"] == "从第 1 课开始"
    assert set(state["marks"].values()) == {"unwatched"}
    assert app.press("UP")["focus"] == "continue"  # nothing above the first line
    app.press("OK")
    player = app.wait_for(lambda s: s["screen"] == "player")
    assert player["lesson_id"] == data["lessons"][0]["id"]
    assert player["position"] == pytest.approx(0, abs=2)

"""Every screen shows exactly one focus highlight, read from what is drawn (widgets.highlight)."""

from __future__ import annotations

import json

import pytest

from tv_client.profiles import FORMAT

pytestmark = pytest.mark.kivy


def one_highlight(state: dict) -> bool:
    return len(state["highlights"]) == 1


def test_each_screen_has_one_highlight_wherever_focus_goes(tv_app, tmp_path):
    data_dir = tmp_path / "family"
    data_dir.mkdir()
    profiles = [{"id": "a", "name": "小明"}, {"id": "b", "name": "小红", "grade": "g3"}]
    body = {"format": FORMAT, "version": 1, "profiles": profiles}
    (data_dir / "profiles.json").write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    app = tv_app(data_dir)
    seen = {}

    def check(name: str) -> None:
        # Lines get their points when a frame draws them: wait for the screen to settle on one.
        state = app.wait_for(lambda s: s["screen"] == name and not s["busy"] and one_highlight(s))
        seen[name] = state["highlights"][0]

    check("profiles")
    app.press("OK")
    check("home")
    for steps, screen in ((["UP", "OK"], "search"), (["RIGHT", "OK"], "browse")):
        app.press(*steps)
        check(screen)
        app.press("BACK")
        check("home")  # on the top bar entry it came from
    app.press("RIGHT", "OK")
    check("live")
    assert app.press("OK")["screen"] == "home"  # 返回首页 goes back
    app.press("RIGHT", "OK")
    check("settings")
    app.press("HOME")
    app.press("DOWN", "OK")
    check("course")
    assert set(seen) == {"profiles", "home", "search", "browse", "live", "settings", "course"}

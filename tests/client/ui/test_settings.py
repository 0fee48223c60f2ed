"""The real app under Xvfb: settings from the home top bar, language, key tester, server address."""

from __future__ import annotations

import copy
from importlib.metadata import version

import pytest

pytestmark = pytest.mark.kivy

DIGIT_CODES = {str(d): 48 + d for d in range(10)}  # the keyboard's 0-9, as a remote's digits


def home_ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def open_settings(app) -> dict:
    """From home's first row: Up to the top bar, Right along it to 设置 (its last entry), OK."""
    app.wait_for(home_ready)
    state = app.press("UP")
    for _ in range(6):  # however many entries are enabled before it
        if state["focus"] == "nav/settings":
            break
        state = app.press("RIGHT")
    assert state["focus"] == "nav/settings"
    state = app.press("OK")
    assert state["screen"] == "settings" and state["stack"] == ["home", "settings"]
    return state


def type_digits(app, digits: str) -> dict:
    for digit in digits:
        app.call({"cmd": "key", "code": DIGIT_CODES[digit]})
    return app.state()


def test_english_takes_effect_at_once_and_stays_after_a_restart(tv_app, backend):
    app = tv_app()
    state = open_settings(app)
    assert state["focus"] == "item/language" and state["title"] == "设置"
    assert state["values"] == {
        "language": "中文",
        "quality": "自动（按网速）",
        "keys": "按确定开始",
        "backend": f"{backend.url}（默认）",
        "about": version("edutv"),
    }
    app.wait_for(lambda s: s["about"][2] == "服务器状态：连接正常")
    app.screenshot("settings")

    state = app.press("OK")
    assert state["focus"] == "choice/zh" and state["choices"] == ["中文", "English"]
    app.press("DOWN")
    app.screenshot("settings-language")
    state = app.press("OK")  # the app rebuilds itself in English, settings still on top
    assert state["screen"] == "settings" and state["stack"] == ["home", "settings"]
    assert (state["title"], state["focus"]) == ("Settings", "item/language")
    assert state["values"]["language"] == "English" and state["values"]["keys"].startswith("Press")

    app.press("BACK")
    home = app.wait_for(home_ready)
    assert "New courses" in home["rows"] and not any("课程" in row for row in home["rows"])
    app.screenshot("home-english")
    app.close()

    again = tv_app()  # the same data directory: the choice was saved
    home = again.wait_for(home_ready)
    assert "New courses" in home["rows"]


def test_quality_is_chosen_from_a_list_and_kept(tv_app):
    app = tv_app()
    open_settings(app)
    state = app.press("DOWN", "OK")
    assert state["focus"] == "choice/auto" and len(state["choices"]) == 5
    state = app.press("DOWN", "DOWN", "OK")
    assert state["values"]["quality"] == "最高 720p 高清" and state["focus"] == "item/quality"
    assert state["screen"] == "settings" and state["stack"] == ["home", "settings"]
    state = app.press("DOWN", "DOWN", "DOWN")
    assert state["focus"] == "item/about" and state["about"][0] == f"版本：{version('edutv')}"
    app.wait_for(lambda s: s["about"][2] == "服务器状态：连接正常")
    app.screenshot("settings-about")


def test_the_key_tester_names_each_key_and_only_back_twice_leaves(tv_app):
    app = tv_app()
    open_settings(app)
    state = app.press("DOWN", "DOWN", "OK")
    assert (state["focus"], state["mode"]) == ("tester", "key_test")
    for code, action in [
        (273, "UP"),
        (274, "DOWN"),
        (13, "OK"),
        (55, "DIGIT_7"),
        (282, "RED"),
        (285, "BLUE"),
        (280, "CHANNEL_UP"),
        (113, None),  # q: no action
    ]:
        app.call({"cmd": "key", "code": code})
        assert app.state()["tester"] == {"code": code, "action": action}
    state = app.press("BACK")
    assert state["mode"] == "key_test" and state["tester"] == {"code": 27, "action": "BACK"}
    assert state["hint"] == "再按一次返回键退出"
    assert state["tester_lines"][:2] == ["27 → BACK · 返回", "113 → 未映射"]
    app.screenshot("settings-key-tester")
    state = app.press("BACK")
    assert (state["screen"], state["mode"], state["focus"]) == ("settings", "list", "item/keys")
    assert app.press("BACK")["screen"] == "home"


def test_a_bad_server_address_is_refused_and_back_cancels(tv_app, backend):
    app = tv_app()
    open_settings(app)
    state = app.press("DOWN", "DOWN", "DOWN", "OK")
    assert state["mode"] == "edit" and state["editing"] == backend.url
    state = app.press("DOWN", "DOWN", "DOWN", "DOWN", "RIGHT", "RIGHT", "RIGHT")
    assert state["focused_key"] == "清空"
    app.press("OK")
    type_digits(app, "1921")
    state = app.press("RIGHT", "OK")  # 完成 Done
    assert state["editing"] == "1921" and state["error"] == "地址要以 http:// 或 https:// 开头"
    app.screenshot("settings-server-address")
    state = app.press("BACK")
    assert (state["mode"], state["error"]) == ("list", "")
    assert state["values"]["backend"] == f"{backend.url}（默认）"


@pytest.fixture(scope="module")
def other_backend(serve_feed, small_feed):
    """A second backend with one course only, so the home screen shows where it came from."""
    feed = copy.deepcopy(small_feed)
    feed["courses"] = feed["courses"][:1]
    feed["courses"][0]["title"] = {"zh": "另一台服务器的课", "en": "From the other server"}
    return serve_feed(feed)


def test_a_new_server_address_is_used_at_once(tv_app, other_backend):
    app = tv_app()
    open_settings(app)
    app.press("DOWN", "DOWN", "DOWN", "OK")
    app.press("DOWN", "DOWN", "DOWN", "DOWN", "RIGHT", "RIGHT", "RIGHT", "OK")  # 清空
    app.press("LEFT", "LEFT", "OK")  # http://
    state = app.press("LEFT", "OK")  # 123: the digits and . : / -
    assert state["focused_key"] == "ABC"
    type_digits(app, "127")
    app.press("UP", "UP", "UP", "UP", "RIGHT", "RIGHT", "RIGHT")  # .
    for part in ("0", "0", "1"):
        app.press("OK")
        type_digits(app, part)
    app.press("DOWN", "OK")  # :
    state = type_digits(app, str(other_backend.port))
    assert state["editing"] == other_backend.url
    state = app.press("DOWN", "DOWN", "DOWN")
    assert state["focused_key"] == "完成"
    state = app.press("OK")
    assert state["screen"] == "settings" and state["focus"] == "item/backend"
    assert state["values"]["backend"] == other_backend.url and state["error"] == ""
    state = app.wait_for(lambda s: s["about"][2] == "服务器状态：连接正常")
    assert state["about"][1] == f"服务器：{other_backend.url}"
    app.press("BACK")
    home = app.wait_for(home_ready)
    assert home["focused_title"] == "另一台服务器的课"

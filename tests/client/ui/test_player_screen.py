"""The real app plays a lesson through libVLC under Xvfb: frames, keys, progress, errors.

The backend serves a small ffmpeg ladder as the lessons of one course; the app runs with
``TV_PLAYER=vlc`` and dummy audio. Progress goes through the outbox to this backend.
"""

from __future__ import annotations

import copy
import ctypes.util
import shutil
import time

import httpx
import pytest

pytestmark = [pytest.mark.kivy, pytest.mark.vlc]


@pytest.fixture(scope="module")
def backend(serve_feed, small_feed, hls_ladder):
    """The small feed; its first course's first lesson plays the ladder, the second is missing
    (404) and the third is on a CDN this machine cannot reach."""
    feed = copy.deepcopy(small_feed)
    first = feed["courses"][0]["lessons"][0]
    folder = first["hls"].rsplit("/", 1)[0]
    first["subtitles"] = [{"lang": "zh", "url": f"{folder}/subs.zh.vtt"}]
    server = serve_feed(feed)
    media = server.app.extensions["edutv"].settings.media_dir
    shutil.copytree(hls_ladder, media / folder, dirs_exist_ok=True)
    cue = "00:00:00.000 --> 00:00:16.000\n同学们好，今天学习分数。\n"
    (media / folder / "subs.zh.vtt").write_text(f"WEBVTT\n\n{cue}", encoding="utf-8")
    return server


@pytest.fixture
def vlc_app(tv_app):
    if ctypes.util.find_library("vlc") is None:
        pytest.skip("libVLC is not installed (apt packages libvlc5 vlc-plugin-base)")
    return lambda **env: tv_app(TV_PLAYER="vlc", TV_VLC_OPTIONS="--aout=dummy", **env)


def open_first_course(app) -> dict:
    app.wait_for(lambda s: s["screen"] == "home" and s["status"] == "ready")
    for _ in range(8):  # to the fractions course on the "new courses" row
        state = app.state()
        if state["focused_title"] == "分数的初步认识":
            break
        app.press("RIGHT")
    app.press("OK")
    return app.wait_for(lambda s: s["screen"] == "course" and s["status"] == "ready")


def test_a_lesson_plays_pauses_seeks_and_its_progress_reaches_the_backend(vlc_app, backend):
    app = vlc_app()
    open_first_course(app)
    app.press("OK")  # "从第 1 课开始"
    state = app.wait_for(lambda s: s["screen"] == "player" and s["frames_drawn"] > 10, 20)
    assert state["state"] == "playing" and state["rendition"] in (240, 360, 540)
    # Subtitles are drawn by the app in its own CJK font (libVLC's would be tofu here).
    assert app.wait_for(lambda s: s["subtitle"])["subtitle"] == "同学们好，今天学习分数。"
    app.screenshot("player-playing")

    paused = app.press("OK")
    app.wait_for(lambda s: s["state"] == "paused")
    assert paused["overlay"]
    app.screenshot("player-paused")
    before = app.press("OK")["position"]
    app.press("RIGHT")  # one step: 10 s further, where it lands and plays on
    jumped = app.wait_for(lambda s: s["position"] > before + 5)  # sent once the keys rest
    shown = [jumped["position"]]
    while len(shown) < 25:  # the jump, its landing, playing on: never short of the target
        time.sleep(0.1)
        shown.append(app.state()["position"])
    assert all(before + 9.5 <= p <= before + 14 for p in shown), (before, shown)
    assert shown[-1] >= before + 10.5  # and it played on from there
    app.press("UP")
    info = app.state()["info"]
    assert "p" in info and "1x" in info

    back = app.press("BACK")  # closes the info panel
    assert back["screen"] == "player"
    course = app.press("BACK")
    assert course["screen"] == "course"
    device = (app.data_dir / "device-id").read_text().strip()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = httpx.get(
            f"{backend.url}/api/v1/progress", params={"device": device, "profile": "guest"}
        ).json()
        if answer["lessons"] and answer["lessons"][0]["position_s"] >= before + 9.5:
            break  # the seek or the stop has arrived (the pause before them said ~1 s)
        time.sleep(0.3)
    lesson = answer["lessons"][0]
    assert before + 9.5 <= lesson["position_s"] <= 16, answer  # the landing, or a little later
    assert not lesson["completed"]  # a seek is not watching: coverage stays low
    state = app.wait_for(lambda s: s["continue"] and "继续学习 第 1 课" in s["continue"])


def test_a_missing_video_shows_a_message_with_retry_and_back_returns(vlc_app, backend):
    app = vlc_app()
    course = open_first_course(app)
    app.press("DOWN", "DOWN")  # the second lesson has no media on the backend: a 404 playlist
    app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "player" and s["state"] == "error", 20)
    assert state["focus"] == "retry" and state["error"] == "not_found"
    assert "找不到" in state["message"]
    app.screenshot("player-error")
    assert app.press("BACK")["screen"] == "course"
    assert course["status"] == "ready"


def test_an_unreachable_server_says_so(vlc_app, backend):
    app = vlc_app()
    open_first_course(app)
    app.press("DOWN", "DOWN", "DOWN", "OK")  # the third lesson: cdn.example.org
    state = app.wait_for(lambda s: s["screen"] == "player" and s["state"] == "error", 30)
    assert state["error"] == "unreachable" and "连不上" in state["message"]
    assert app.press("OK")["screen"] == "player"  # Retry: tries again, still the player

"""Offline: the stored catalog with a banner, then recovery; and Chinese text really renders."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.kivy


def ready(state: dict) -> bool:
    return state["screen"] == "home" and state["status"] == "ready"


def test_offline_start_shows_the_stored_catalog_with_a_banner_then_recovers(
    tv_app, backend, tmp_path
):
    data_dir = tmp_path / "box"
    first = tv_app(data_dir)
    online = first.wait_for(ready)
    assert online["banner"] == ""
    first.close()

    backend.stop()
    try:
        second = tv_app(data_dir)
        offline = second.wait_for(ready, limit=60)
        assert offline["rows"] == online["rows"]
        assert offline["banner"].startswith("离线：显示 ")
        second.screenshot("home-offline")
    finally:
        backend.start()
    recovered = second.wait_for(lambda s: s["banner"] == "", limit=90)
    assert recovered["status"] == "ready"


def test_offline_with_nothing_stored_says_so(tv_app, backend, tmp_path):
    backend.stop()
    try:
        app = tv_app(tmp_path / "empty-box")
        state = app.wait_for(lambda s: s["status"] == "error", limit=60)
        assert "无法连接服务器" in state["message"]
    finally:
        backend.start()


def test_chinese_text_renders(tv_app, tmp_path):
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt: tesseract-ocr tesseract-ocr-chi-sim)")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    if "chi_sim" not in langs.stdout:
        pytest.skip("tesseract has no chi_sim data (apt: tesseract-ocr-chi-sim)")
    app = tv_app()
    app.wait_for(ready)
    shot = app.screenshot("home-ocr")
    out = subprocess.run(
        ["tesseract", str(shot), "stdout", "-l", "chi_sim"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace(" ", "")
    assert "最新课程" in out or "空中课堂" in out, out

"""Posters under Xvfb: real images from the backend replace placeholders, and survive restarts."""

from __future__ import annotations

import pytest
from PIL import Image

pytestmark = pytest.mark.kivy


def poster_paths(feed: dict) -> list[str]:
    return [course["poster"] for course in feed["courses"] if course.get("poster")]


def test_posters_load_in_the_background_and_come_from_disk_after_a_restart(
    tv_app, backend, small_feed, tmp_path
):
    media = backend.app.extensions["edutv"].settings.media_dir
    for n, path in enumerate(poster_paths(small_feed)):
        (media / path).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1280, 720), (40 * n % 255, 90, 160)).save(media / path, "JPEG")

    app = tv_app()
    state = app.wait_for(lambda s: s["status"] == "ready" and "loaded" in s["posters"].values())
    app.wait_for(lambda s: "loading" not in s["posters"].values())
    app.screenshot("home-posters")
    app.close()

    stored = list((tmp_path / "client" / "posters").iterdir())
    assert 1 <= len(stored) <= len(poster_paths(small_feed))  # fetched once, kept on disk
    assert "failed" not in state["posters"].values()
    backend.stop()  # offline: the stored catalog and the stored posters
    try:
        again = tv_app()
        offline = again.wait_for(lambda s: s["status"] == "ready" and s["banner"])
        again.wait_for(lambda s: "loading" not in s["posters"].values())
        assert "loaded" in again.state()["posters"].values(), offline["posters"]
    finally:
        backend.start()

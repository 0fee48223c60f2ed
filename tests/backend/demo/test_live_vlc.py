"""libVLC plays a linear channel served over loopback across a programme boundary: frames
keep coming while the channel moves from one lesson to the next (a discontinuity, new
timestamps) and the playlist slides.

Two 8 s lessons are made by ffmpeg in the backend's layout (two aligned renditions, 2 s
segments); ``/live/...`` and ``/media/...`` are served by a minimal Flask app on a loopback
port, with the schedule placed around the real clock: lesson A on air, lesson B 6 s later.
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask, send_from_directory
from lessons import make_lesson
from werkzeug.serving import make_server

from epg.model import Channel, Programme
from tv_backend.api import live as live_api
from tv_backend.api.errors import handle_service_error
from tv_backend.services.errors import ServiceError
from tv_backend.services.live import LiveChannels

vlc = pytest.importorskip("vlc")

pytestmark = [pytest.mark.media, pytest.mark.vlc, pytest.mark.slow]

CHANNEL = "hn-edu-1"


class Guide:
    def __init__(self, programmes: list[Programme]) -> None:
        self.programmes_ = programmes
        self.anchors: dict[str, dict] = {}

    def channel(self, channel_id: str) -> Channel | None:
        return Channel(CHANNEL, 1, {"zh": "教育台"}) if channel_id == CHANNEL else None

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        return [p for p in self.programmes_ if p.stop > start and p.start < stop]

    def anchor(self, channel_id: str) -> dict | None:
        return self.anchors.get(channel_id)

    def save_anchor(self, channel_id: str, data: dict) -> None:
        self.anchors[channel_id] = data


@pytest.fixture(scope="module")
def media_root(tmp_path_factory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    root = tmp_path_factory.mktemp("live-media")
    make_lesson(root, "alpha", "testsrc2")
    make_lesson(root, "beta", "smptebars")
    return root


def test_vlc_plays_a_channel_across_a_programme_boundary(media_root: Path) -> None:
    now = datetime.now(UTC)
    boundary = now + timedelta(seconds=8)
    schedule = [
        Programme(CHANNEL, now - timedelta(seconds=4), boundary, {"zh": "A"}, lesson_id=1),
        Programme(CHANNEL, boundary, boundary + timedelta(minutes=5), {"zh": "B"}, lesson_id=2),
    ]
    masters = {1: "lessons/alpha/master.m3u8", 2: "lessons/beta/master.m3u8"}
    live = LiveChannels(Guide(schedule), masters.get, media_root, slate=masters[1])
    app = Flask(__name__)
    app.extensions["edutv"] = SimpleNamespace(live=live)
    app.register_blueprint(live_api.blp)
    app.register_error_handler(ServiceError, handle_service_error)
    app.add_url_rule(
        "/media/<path:path>", "media", lambda path: send_from_directory(media_root, path)
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/live/{CHANNEL}/master.m3u8"
    instance = vlc.Instance("--no-xlib", "--vout=dummy", "--aout=dummy", "--quiet")
    player = instance.media_player_new()
    media = instance.media_new(url)
    player.set_media(media)
    stats = vlc.MediaStats()
    try:
        assert player.play() == 0
        decoded: list[tuple[float, int]] = []
        deadline = time.monotonic() + (boundary - datetime.now(UTC)).total_seconds() + 14
        while time.monotonic() < deadline:
            state = player.get_state()
            assert state not in (vlc.State.Error, vlc.State.Ended), state
            media.get_stats(stats)
            decoded.append((time.monotonic(), stats.decoded_video))
            time.sleep(0.25)
        switch = time.monotonic() - (datetime.now(UTC) - boundary).total_seconds()
        before = [n for t, n in decoded if t < switch]
        after = [n for t, n in decoded if t >= switch]
        assert before and before[-1] > 25, decoded  # lesson A played
        # frames kept coming after the boundary (B plays from the live edge + window)
        assert after[-1] - after[0] > 25 * 6, decoded
        assert player.get_state() == vlc.State.Playing
        # and never stopped for long once playing: no 2 s without a new frame
        started = next(t for t, n in decoded if n > 0)
        last_new, previous = started, 0
        for t, n in decoded:
            if n > previous:
                last_new, previous = t, n
            assert t - last_new < 2.0, decoded
    finally:
        player.stop()
        player.release()
        instance.release()
        server.shutdown()
        thread.join()

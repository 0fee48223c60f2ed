"""libVLC plays every demo lesson, from disk and over HTTP from `edutv serve` (gunicorn)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tv_backend.media.profile import LADDER

vlc = pytest.importorskip("vlc", reason="python-vlc is part of the dev extra")

pytestmark = [pytest.mark.media, pytest.mark.vlc, pytest.mark.slow]


@pytest.fixture(scope="module")
def instance():
    inst = vlc.Instance(
        "--no-xlib",
        "--vout=dummy",
        "--aout=dummy",
        "--quiet",
        "--no-video-title-show",
        "--adaptive-logic=rate",
    )
    yield inst
    inst.release()


def plays(instance, mrl: str, limit: float = 30.0) -> bool:
    """True once libVLC is Playing and its clock has moved past half a second."""
    player = instance.media_player_new()
    player.set_media(instance.media_new(mrl))
    player.play()
    try:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            state = player.get_state()
            if state in (vlc.State.Error, vlc.State.Ended):
                return False
            if state == vlc.State.Playing and player.get_time() > 500:
                return True
            time.sleep(0.05)
        return False
    finally:
        player.stop()
        player.release()


def lesson_urls(client) -> list[str]:
    courses = client.get("/api/v1/courses?limit=100").get_json()["items"]
    return [
        lesson["hls"]
        for course in courses
        for lesson in client.get(f"/api/v1/courses/{course['id']}").get_json()["lessons"]
    ]


def test_libvlc_plays_every_master_playlist(demo, instance):
    app, _ = demo
    media = app.extensions["edutv"].settings.resolved_media_dir
    paths = [media / url.removeprefix("/media/") for url in lesson_urls(app.test_client())]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda p: plays(instance, p.resolve().as_uri()), paths))
    failed = [str(p) for p, ok in zip(paths, results, strict=True) if not ok]
    assert failed == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(demo):
    """`edutv serve` (gunicorn) on the demo data; yields its base URL."""
    app, _ = demo
    settings = app.extensions["edutv"].settings
    port = free_port()
    env = {
        **os.environ,
        "TV_DATA_DIR": str(settings.data_dir),
        "TV_MEDIA_DIR": str(settings.resolved_media_dir),
        "TV_LOG_LEVEL": "warning",
    }
    edutv = Path(sys.executable).parent / "edutv"
    proc = subprocess.Popen([str(edutv), "serve", "--bind", f"127.0.0.1:{port}"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("edutv serve did not become ready")
        yield base
    finally:
        proc.terminate()
        proc.wait(20)


def test_gunicorn_serves_playlists_and_segments_with_hls_types(served, demo):
    app, _ = demo
    url = served + lesson_urls(app.test_client())[0]
    with urllib.request.urlopen(url, timeout=5) as r:
        assert r.headers["Content-Type"] == "application/vnd.apple.mpegurl"
        master = r.read().decode()
    assert master.startswith("#EXTM3U") and master.count("#EXT-X-STREAM-INF") == len(LADDER)
    rendition = next(line for line in master.splitlines() if line and not line.startswith("#"))
    playlist_url = url.rsplit("/", 1)[0] + "/" + rendition
    with urllib.request.urlopen(playlist_url, timeout=5) as r:
        segment = next(
            line for line in r.read().decode().splitlines() if line and not line.startswith("#")
        )
    with urllib.request.urlopen(urllib.parse.urljoin(playlist_url, segment), timeout=5) as r:
        assert r.headers["Content-Type"] == "video/mp2t"
        assert r.read(1) == b"\x47"  # MPEG-TS sync byte


def test_libvlc_and_ffprobe_play_a_lesson_over_http(served, demo, instance):
    app, _ = demo
    url = served + lesson_urls(app.test_client())[-1]
    assert plays(instance, url)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0 and probe.stdout.count("codec_type=video") == len(LADDER)

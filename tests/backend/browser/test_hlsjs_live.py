"""hls.js in Chromium plays a linear channel live, across a programme boundary.

The backend's own ``live`` and ``media`` blueprints serve a channel whose schedule is placed
around the real clock: programme A (ffmpeg test pattern) has been on air for 16 s and ends
`LEAD` seconds after the test starts; programme B (SMPTE colour bars) follows. Both lessons
are encoded with the production profile (`tv_backend.media.profile`: H.264 Main 3.1, AAC,
2 s MPEG-TS segments), so the browser decodes what EduTV ships.

A page served from another origin attaches hls.js to a ``<video muted autoplay>`` with the
channel's master playlist: every playlist and segment is a cross-origin request, so playback
proves the ``Access-Control-Allow-Origin`` headers. The test waits until hls.js has moved the
playhead into one of B's fragments (``FRAG_CHANGED`` with a higher discontinuity number than
the first fragment played) and played 2 s of it, then reads B's colour bars from the decoded
picture. A fatal hls.js error fails at once with its details; the screenshot and hls.js's
event log are saved under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask import Flask, Response, request, send_file

from epg.model import Channel, Programme
from tv_backend.api import live as live_api
from tv_backend.api import media as media_api
from tv_backend.api.errors import handle_service_error
from tv_backend.media import profile
from tv_backend.services.errors import ServiceError
from tv_backend.services.live import LiveChannels
from tv_backend.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.media, pytest.mark.slow]

CHANNEL = "hn-edu-1"
LEAD = 6  # seconds from the test's start to the programme boundary
PLAYED_INTO_B = 2.0  # seconds of B the video must play
DEADLINE = 60  # seconds for all of it
RENDITIONS = tuple(r for r in profile.LADDER if r.name in ("180p", "360p"))
# What hls.js feeds Media Source Extensions after transmuxing MPEG-TS to fragmented MP4.
MSE_TYPE = f'video/mp4; codecs="{profile.CODECS}"'
# SMPTE bars, left to right (75 % colours): red, green, blue above or below half.
BARS = ("111", "110", "011", "010", "101", "100", "001")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>EduTV live in hls.js</title>
<style>body { margin: 0; background: #000 } video { width: 640px; height: 360px }</style>
</head><body>
<video id="video" muted autoplay playsinline></video>
<script src="/hls.min.js"></script>
<script>
const log = window.edutv = { frags: [], errors: [], levels: [] };
const video = document.getElementById("video");
const source = new URLSearchParams(location.search).get("src");
if (source) {
  const hls = new Hls();
  hls.on(Hls.Events.FRAG_CHANGED, (_, { frag }) => log.frags.push(
    { sn: frag.sn, cc: frag.cc, url: frag.url, start: frag.start, level: frag.level }));
  hls.on(Hls.Events.LEVEL_LOADED, (_, { details }) => log.levels.push(
    { live: details.live, startCC: details.startCC, endCC: details.endCC }));
  hls.on(Hls.Events.ERROR, (_, data) => log.errors.push({
    type: data.type, details: data.details, fatal: data.fatal,
    reason: String(data.reason || data.error || ""),
    url: data.url || (data.frag && data.frag.url) || (data.context && data.context.url) || "",
    status: data.response ? data.response.code : null }));
  hls.loadSource(source);
  hls.attachMedia(video);
}
</script></body></html>
"""

STATE = """() => {
  const video = document.getElementById("video");
  const quality = video.getVideoPlaybackQuality();
  return { ...window.edutv, time: video.currentTime, paused: video.paused,
           frames: quality.totalVideoFrames, dropped: quality.droppedVideoFrames };
}"""

# The colour under the middle of each bar, from a small copy of the decoded picture
# (the video's source is hls.js's MediaSource blob, same-origin: the canvas is not tainted).
BAR_COLOURS = """() => {
  const video = document.getElementById("video");
  const canvas = Object.assign(document.createElement("canvas"), { width: 140, height: 80 });
  const context = canvas.getContext("2d");
  context.drawImage(video, 0, 0, 140, 80);
  const pixel = (x, y) => Array.from(context.getImageData(x, y, 1, 1).data);
  return [...Array(7).keys()].map(i => pixel(10 + 20 * i, 25));
}"""


def make_lesson(root: Path, key: str, source: str, seconds: int) -> str:
    """A lesson in the backend's layout, encoded with the production profile."""
    lesson = root / "lessons" / key
    master = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in RENDITIONS:
        out = lesson / rendition.name
        out.mkdir(parents=True)
        command = [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"{source}=size={rendition.resolution}:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            *profile.video_args(rendition), *profile.audio_args(),
            *profile.hls_args(profile.TIMELINE_OFFSET, str(out / "seg_%03d.ts"),
                              str(out / "index.m3u8")),
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=120)
        peak = (rendition.maxrate_kbps + profile.AUDIO_KBPS) * 1000
        master += [f"#EXT-X-STREAM-INF:BANDWIDTH={peak},RESOLUTION={rendition.resolution},"
                   f'CODECS="{profile.CODECS}"', f"{rendition.name}/index.m3u8"]  # fmt: skip
    (lesson / "master.m3u8").write_text("\n".join(master) + "\n")
    return f"lessons/{key}/master.m3u8"


class Guide:
    """An in-memory `LiveSource`: one channel and its programmes."""

    def __init__(self, programmes: list[Programme]) -> None:
        self.schedule, self.anchors = programmes, {}

    def channel(self, channel_id: str) -> Channel | None:
        return Channel(CHANNEL, 1, {"zh": "教育一台"}) if channel_id == CHANNEL else None

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        return [p for p in self.schedule if p.stop > start and p.start < stop]

    def anchor(self, channel_id: str) -> dict | None:
        return self.anchors.get(channel_id)

    def save_anchor(self, channel_id: str, data: dict) -> None:
        self.anchors[channel_id] = data


def backend_app(live: LiveChannels, media_dir: Path, origins: list[str | None]) -> Flask:
    """The live and media blueprints; ``origins`` collects each request's Origin header."""
    app = Flask(__name__)
    settings = Settings(data_dir=media_dir.parent, media_dir=media_dir)
    app.extensions["edutv"] = SimpleNamespace(live=live, settings=settings)
    app.register_blueprint(live_api.blp)
    app.register_blueprint(media_api.blp)
    app.register_error_handler(ServiceError, handle_service_error)
    app.before_request(lambda: origins.append(request.headers.get("Origin")))
    return app


def page_app(hlsjs: Path) -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/", "page", lambda: Response(PAGE, mimetype="text/html"))
    app.add_url_rule("/hls.min.js", "hlsjs", lambda: send_file(hlsjs, "text/javascript"))
    return app


def wait_for_b(page, deadline: float) -> tuple[dict, dict]:
    """Poll hls.js's log until the video has played `PLAYED_INTO_B` seconds into B."""
    state: dict = {}
    while time.monotonic() < deadline:
        state = page.evaluate(STATE)
        fatal = [e for e in state["errors"] if e["fatal"]]
        if fatal:
            pytest.fail(f"hls.js fatal error: {json.dumps(fatal, indent=1)}")
        first = state["frags"][0]["cc"] if state["frags"] else None
        into_b = [f for f in state["frags"] if "/lessons/beta/" in f["url"] and f["cc"] > first]
        if into_b and state["time"] >= into_b[0]["start"] + PLAYED_INTO_B:
            return state, into_b[0]
        time.sleep(0.25)
    pytest.fail(f"the video did not play into programme B in {DEADLINE} s: {json.dumps(state)}")


def test_hlsjs_plays_a_live_channel_across_a_programme_boundary(
    chromium, hlsjs, serve, artifacts, tmp_path
):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    root = tmp_path / "media"
    masters = {1: make_lesson(root, "alpha", "testsrc2", 24),
               2: make_lesson(root, "beta", "smptebars", 12)}  # fmt: skip
    page = chromium.new_page(viewport={"width": 640, "height": 360})
    site = serve(page_app(hlsjs))
    page.goto(site)
    if not page.evaluate(f"MediaSource.isTypeSupported({json.dumps(MSE_TYPE)})"):
        pytest.skip(f"this Chromium cannot decode H.264 through MSE ({MSE_TYPE})")

    now = datetime.now(UTC).replace(microsecond=0)
    boundary = now + timedelta(seconds=LEAD)
    schedule = [Programme(CHANNEL, now - timedelta(seconds=16), boundary, {"zh": "数学"},
                          lesson_id=1),
                Programme(CHANNEL, boundary, now + timedelta(minutes=10), {"zh": "科学"},
                          lesson_id=2)]  # fmt: skip
    live = LiveChannels(Guide(schedule), masters.get, root, relay_fetch=None)
    origins: list[str | None] = []
    backend = serve(backend_app(live, root, origins))
    began = time.monotonic()
    page.goto(f"{site}/?src={quote(f'{backend}/live/{CHANNEL}/master.m3u8', safe='')}")
    try:
        state, fragment = wait_for_b(page, began + DEADLINE)
        colours = page.evaluate(BAR_COLOURS)
    finally:
        page.screenshot(path=artifacts / "hlsjs-live-boundary.png")
        (artifacts / "hlsjs-live-boundary.json").write_text(json.dumps(page.evaluate(STATE)))
        page.close()

    assert state["errors"] == [], state["errors"]
    assert not state["paused"] and state["frames"] > 25 * (LEAD + PLAYED_INTO_B) / 2, state
    assert all(level["live"] for level in state["levels"]), state["levels"]
    bars = ["".join("1" if c > 128 else "0" for c in rgba[:3]) for rgba in colours]
    assert tuple(bars) == BARS, colours  # B's picture is on screen, not A's
    assert origins and set(origins) == {site}, set(origins)  # every request was cross-origin
    print(f"into B at {fragment['start']:.1f} s of media, {time.monotonic() - began:.1f} s in")

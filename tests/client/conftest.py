"""Fixtures for every client test: a real backend over HTTP, and a small HLS ladder.

``backend_app``: a migrated backend (SQLite, in-process cache) holding the small test feed;
``serve_wsgi(app)``: that (or any WSGI app) on a loopback port, stoppable and restartable on the
same port (``stop()``/``start()``), so tests watch the client go offline and recover.
``hls_ladder``: a small HLS ladder made by ffmpeg.

16 s of ``testsrc2`` at 240p/360p/540p (300/600/1200 kbit/s), 2 s segments, one master
playlist and a sidecar ``subs.vtt``, built once per session (a few seconds of ffmpeg); the
player tests play it directly, the UI tests serve it as a lesson of the backend.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tv_backend import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings

LADDER = ((426, 240, 300), (640, 360, 600), (960, 540, 1200))  # width, height, kbit/s
LADDER_SECONDS = 16
SEGMENT_SECONDS = 2


@pytest.fixture(scope="session")
def hls_ladder(tmp_path_factory) -> Path:
    """A directory with ``master.m3u8`` and ``v0``..``v2`` (lowest first), built by ffmpeg."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (apt package ffmpeg)")
    out = tmp_path_factory.mktemp("ladder")
    count = len(LADDER)
    scales = "".join(f"[s{i}]scale={w}:{h}[v{i}];" for i, (w, h, _) in enumerate(LADDER))
    graph = f"[0:v]split={count}" + "".join(f"[s{i}]" for i in range(count)) + ";" + scales
    maps, rates = [], []
    for i, (_w, _h, kbps) in enumerate(LADDER):
        maps += ["-map", f"[v{i}]", "-map", "1:a"]
        rates += [f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{kbps * 11 // 10}k"]
        rates += [f"-bufsize:v:{i}", f"{kbps * 2}k"]
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=960x540:rate=25:duration={LADDER_SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={LADDER_SECONDS}",
        "-filter_complex", graph.rstrip(";"), *maps,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *rates,
        "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "64k", "-ac", "2",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out / "v%v" / "seg_%03d.ts"),
        "-master_pl_name", "master.m3u8",
        "-var_stream_map", " ".join(f"v:{i},a:{i}" for i in range(count)),
        str(out / "v%v" / "index.m3u8"),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=120)
    (out / "subs.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:16.000\nEduTV\n")
    return out


class _OneRequestPerConnection(WSGIRequestHandler):
    # HTTP/1.0 closes every connection after its response, so a stopped server leaves no
    # kept-alive connection behind still answering for it.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args: object) -> None:
        pass


class BackendServer:
    """One WSGI app on a loopback port that tests can stop and start again."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = 0
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1",
            self.port,
            self.app,
            threaded=True,
            request_handler=_OneRequestPerConnection,
        )
        self.port = self._server.server_port
        # A short poll keeps stop() quick: shutdown() waits for the loop's next poll.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = None


@pytest.fixture(scope="module")
def backend_app(tmp_path_factory, fixtures_dir: Path):
    """A migrated backend app (SQLite, in-process cache) holding the small feed."""
    data = tmp_path_factory.mktemp("backend")
    app = create_app(Settings(data_dir=data, media_dir=data / "media"), migrate=True)
    feed = json.loads((fixtures_dir / "feed_small.json").read_text(encoding="utf-8"))
    app.extensions["edutv"].catalog_import.run(load_feed(feed))
    yield app
    app.extensions["edutv"].close()


@pytest.fixture
def serve_wsgi():
    """``serve_wsgi(app)``: a started `BackendServer`; stopped after the test."""
    started: list[BackendServer] = []

    def serve(app) -> BackendServer:
        server = BackendServer(app)
        server.start()
        started.append(server)
        return server

    yield serve
    for server in started:
        server.stop()

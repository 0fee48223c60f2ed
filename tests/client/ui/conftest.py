"""UI tests: the real TV app in a subprocess under Xvfb, against a real backend in a thread.

``tv_app(data_dir)`` starts ``driver.py`` under ``xvfb-run`` (a 1920x1080 virtual screen) and
returns an `AppProcess` that presses keys, reads the app's state and takes screenshots.
Screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tv_backend import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DRIVER = Path(__file__).with_name("driver.py")
KEYS = {"UP": 273, "DOWN": 274, "LEFT": 276, "RIGHT": 275, "OK": 13, "BACK": 27, "HOME": 278}


class _Quiet(WSGIRequestHandler):
    protocol_version = "HTTP/1.0"  # no kept-alive connection outlives stop()

    def log_request(self, *args: object) -> None:
        pass


class BackendServer:
    """One WSGI app on a loopback port; stop() and start() again on the same port."""

    def __init__(self, app) -> None:
        self.app, self.port, self._server, self._thread = app, 0, None, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=_Quiet
        )
        self.port = self._server.server_port
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None


@pytest.fixture(scope="module")
def serve_feed(tmp_path_factory) -> Iterator[Callable[[dict], BackendServer]]:
    """``serve_feed(feed)``: a migrated backend holding ``feed``, served until the module ends."""
    running = []

    def serve(feed: dict) -> BackendServer:
        data = tmp_path_factory.mktemp("backend")
        app = create_app(Settings(data_dir=data, media_dir=data / "media"), migrate=True)
        app.extensions["edutv"].catalog_import.run(load_feed(feed))
        server = BackendServer(app)
        server.start()
        running.append(server)
        return server

    yield serve
    for server in running:
        server.stop()
        server.app.extensions["edutv"].close()


@pytest.fixture(scope="module")
def small_feed(fixtures_dir: Path) -> dict:
    return json.loads((fixtures_dir / "feed_small.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def backend(serve_feed, small_feed) -> BackendServer:
    """The small test feed (posters point at files that do not exist: 404)."""
    return serve_feed(small_feed)


class AppProcess:
    """The app under Xvfb, spoken to over its stdin/stdout (see driver.py)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self._log = log_path.open("wb")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, str(DRIVER)]
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd=ROOT,
            text=True,
            encoding="utf-8",
            start_new_session=True,  # xvfb-run, Xvfb and the app: one group to kill
        )
        self._replies: queue.Queue[dict] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next(60)  # {"started": true}

    def _read(self) -> None:
        with self.proc.stdout:  # closed here, by its only reader, at EOF
            for line in self.proc.stdout:
                if line.startswith("@@ "):
                    self._replies.put(json.loads(line[3:]))

    def _next(self, timeout: float) -> dict:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the app did not answer in {timeout}s") from None
        assert reply.get("ok"), reply
        return reply

    def call(self, command: dict, timeout: float = 30) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._next(timeout)

    def state(self) -> dict:
        return self.call({"cmd": "state"})["state"]

    def press(self, *names: str) -> dict:
        for name in names:
            self.call({"cmd": "key", "code": KEYS[name]})
        return self.state()

    def press_now(self, name: str) -> dict:
        """Press ``name``; the state right after its handler, before the next frame."""
        return self.call({"cmd": "key", "code": KEYS[name], "state": True})["state"]

    def wait_for(self, predicate: Callable[[dict], bool], limit: float = 30) -> dict:
        deadline = time.monotonic() + limit
        while True:
            state = self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {limit}s; last state: {state}")
            time.sleep(0.1)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        saved = self.call({"cmd": "screenshot", "path": str(ARTIFACTS / f"{name}.png")})["path"]
        final = ARTIFACTS / f"{name}.png"
        shutil.move(saved, final)
        return final

    def close(self) -> None:
        """Quit the app; whatever is left of its process group after 20 s is killed.

        Killing only xvfb-run would orphan the app, which keeps stdout open: the reader
        thread would then never see EOF, and closing its stream here would wait forever.
        """
        if self.proc.poll() is None:
            try:
                self.call({"cmd": "quit"}, timeout=10)
                self.proc.wait(timeout=20)
            except (AssertionError, OSError, subprocess.TimeoutExpired):
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # Xvfb too, and the app if it hung
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        self._log.close()


@pytest.fixture
def tv_app(backend: BackendServer, tmp_path: Path) -> Iterator[Callable[..., AppProcess]]:
    """``tv_app(data_dir, **env)``: start the app against ``backend``; closed after the test."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (apt package xvfb)")
    started: list[AppProcess] = []

    def start(data_dir: Path | None = None, **extra: str) -> AppProcess:
        env = {
            **os.environ,
            "TV_BACKEND_URL": backend.url,
            "TV_CLIENT_DATA_DIR": str(data_dir or tmp_path / "client"),
            "TV_LANGUAGE": "zh",
            "TV_PLAYER": "null",  # simulated playback; tests/client/ui/test_player*.py use libVLC
            "KCFG_GRAPHICS_WIDTH": "1920",
            "KCFG_GRAPHICS_HEIGHT": "1080",
            **extra,
        }
        app = AppProcess(env, tmp_path / f"app-{len(started)}.log")
        app.data_dir = Path(env["TV_CLIENT_DATA_DIR"])
        started.append(app)
        return app

    yield start
    for app in started:
        app.close()

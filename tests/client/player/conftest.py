"""Player fixtures: a small HLS ladder made by ffmpeg, a server with faults, libVLC players.

``hls_ladder`` (in tests/client/conftest.py, shared with the UI tests): a small ffmpeg ladder.
``media_server``: serves the ladder; a test can make paths 404 (``missing``), cut bodies in
half (``truncated``), hold requests unanswered (``hang``: paths ending so), pace bodies to a
line's speed (``rate_bps``), or stop it (a backend that dies). It answers one request per
connection; ``keep_alive_server`` is the same over HTTP/1.1 kept-alive connections, counting
the connections it ``accepted``.
``vlc_instance``: the session's one ``vlc.Instance`` (as the app has one), dummy audio.
``make_player``: `VlcPlayer`s on that instance, released after the test.
``run_until``: pump a player until a condition holds, as the app's clock would.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: stop() leaves nothing open

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        media: MediaServer = self.server.media  # type: ignore[attr-defined]
        media.accepted += 1
        media.connections.add(self.connection)
        try:
            super().handle()
        except OSError:  # cut by stop(): the backend died under this request
            pass
        finally:
            media.connections.discard(self.connection)

    def do_GET(self) -> None:
        media: MediaServer = self.server.media  # type: ignore[attr-defined]
        path = self.path.partition("?")[0]
        media.requests.append(path)
        if "Range" in self.headers:
            media.ranges.append(self.headers["Range"])
        if media.hang is not None and path.endswith(media.hang):
            media.released.wait(30)
            return
        if path in media.missing:
            self.send_error(404)
            return
        super().do_GET()

    def copyfile(self, source, outputfile) -> None:
        media: MediaServer = self.server.media  # type: ignore[attr-defined]
        body = source.read()
        if self.path.partition("?")[0] in media.truncated:
            body = body[: len(body) // 2]  # Content-Length promised the whole file
        for start in range(0, len(body), 8192):
            chunk = body[start : start + 8192]
            media.pace(len(chunk))
            outputfile.write(chunk)


class _KeptAliveHandler(_Handler):
    protocol_version = "HTTP/1.1"


class MediaServer:
    """The ladder over HTTP on loopback, with faults a test can switch on."""

    def __init__(self, root: Path, *, keep_alive: bool = False) -> None:
        self.accepted = 0
        self.missing: set[str] = set()
        self.truncated: set[str] = set()
        self.requests: list[str] = []
        self.ranges: list[str] = []  # Range headers received (the files are sent whole)
        self.hang: str | None = None
        self.released = threading.Event()
        self.rate_bps: float | None = None
        self.connections: set[socket.socket] = set()
        self._sent_until = 0.0
        self._pace_lock = threading.Lock()
        kind = _KeptAliveHandler if keep_alive else _Handler
        handler = functools.partial(kind, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.media = self  # type: ignore[attr-defined]
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.running = True

    def url(self, path: str = "/master.m3u8") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def pace(self, size: int) -> None:
        """Sleep so that all connections together send at most ``rate_bps``."""
        if self.rate_bps is None:
            return
        with self._pace_lock:
            now = time.monotonic()
            self._sent_until = max(self._sent_until, now) + size * 8 / self.rate_bps
            wait = self._sent_until - now
        time.sleep(wait)

    def stop(self) -> None:
        """The backend dies: nothing listens on the port any more."""
        if self.running:
            self.running = False
            self.released.set()
            self._server.shutdown()
            self._server.server_close()
            for connection in list(self.connections):  # requests in flight die too
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._thread.join(timeout=5)


@pytest.fixture
def media_server(hls_ladder: Path) -> Iterator[MediaServer]:
    server = MediaServer(hls_ladder)
    yield server
    server.stop()


@pytest.fixture
def keep_alive_server(hls_ladder: Path) -> Iterator[MediaServer]:
    server = MediaServer(hls_ladder, keep_alive=True)
    yield server
    server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung backend)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture(scope="session")
def vlc_instance():
    vlc = pytest.importorskip("vlc")
    from tv_client.player.vlc_player import make_instance

    try:
        return make_instance(audio=False, extra=["--quiet"])
    except (RuntimeError, OSError, vlc.VLCException) as error:
        pytest.skip(f"libVLC cannot start here: {error}")


@pytest.fixture
def make_player(vlc_instance) -> Iterator[Callable[..., object]]:
    """``make_player(instance=None, **watchdogs)``: a `VlcPlayer`, released after the test."""
    from tv_client.player.vlc_player import VlcPlayer

    made = []

    def make(instance=None, **kwargs):
        kwargs.setdefault("first_frame_timeout_s", 8.0)
        kwargs.setdefault("stall_timeout_s", 4.0)
        kwargs.setdefault("relay_timeout_s", 3.0)
        player = VlcPlayer(instance or vlc_instance, **kwargs)
        made.append(player)
        return player

    yield make
    for player in made:
        player.release()


def _run_until(player, predicate: Callable[[], bool], limit: float = 10.0) -> bool:
    """Pump ``player`` every 20 ms (as the app's clock does) until ``predicate()``."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        player.pump()
        if predicate():
            return True
        time.sleep(0.02)
    player.pump()
    return predicate()


@pytest.fixture(scope="session")
def run_until():
    return _run_until


class Events:
    """A listener that keeps every event as ``(kind, data)``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict]] = []

    def __call__(self, kind: str, **data: object) -> None:
        self.seen.append((kind, data))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.seen]

    def of(self, kind: str) -> list[dict]:
        return [data for k, data in self.seen if k == kind]

    def states(self) -> list[str]:
        return [str(data["state"]) for data in self.of("state")]


@pytest.fixture
def events() -> Events:
    return Events()

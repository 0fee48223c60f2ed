"""Fixtures for progress sync: a settable clock, and the real backend over real HTTP.

``progress_backend`` serves one migrated app (SQLite, the small test feed) on a loopback port
that tests can stop and start again; it notes the id of every event that reached it.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tv_backend import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings

BEIJING = timezone(timedelta(hours=8))


class Clock:
    """The reporter's clock: an aware datetime that moves only when told."""

    def __init__(self, start: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=BEIJING)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Received:
    """WSGI middleware: the id of every progress event POSTed to ``app``, repeats included."""

    def __init__(self, app) -> None:
        self.app = app
        self.ids: list[str] = []

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/api/v1/progress":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            self.ids.extend(event["id"] for event in json.loads(body)["events"])
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


class _OneRequestPerConnection(WSGIRequestHandler):
    # HTTP/1.0 closes every connection after its response: a stopped server leaves no
    # kept-alive connection behind still answering for it.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args: object) -> None:
        pass


class Served:
    """One WSGI app on a loopback port that tests can stop and start again (same port)."""

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
def progress_backend(backend_app) -> Iterator[Served]:
    """``backend_app`` on loopback, behind ``Received`` (``progress_backend.app.ids``)."""
    served = Served(Received(backend_app))
    served.start()
    yield served
    served.stop()

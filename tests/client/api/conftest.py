"""A real backend over real HTTP for the catalog client: started in a thread, stoppable.

``backend`` serves one migrated app with the small test feed on 127.0.0.1; ``backend.stop()``
takes it off the network (connections are refused) and ``backend.start()`` brings it back on the
same port, so tests can watch the client go offline and recover.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tv_backend import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings
from tv_client.api import TIMEOUT, CatalogClient, DiskCache, RetryPolicy


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
def backend(backend_app) -> Iterator[BackendServer]:
    server = BackendServer(backend_app)
    server.start()
    yield server
    server.stop()


class Recorder:
    """What the client did: response statuses (an httpx hook) and the sleeps between retries."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.sleeps: list[float] = []

    def on_response(self, response: httpx.Response) -> None:
        self.statuses.append(response.status_code)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def catalog_client(backend, recorder, tmp_path) -> Iterator[CatalogClient]:
    """A client of ``backend`` with a fresh disk cache, a fixed jitter and recorded sleeps."""
    http = httpx.Client(timeout=TIMEOUT, event_hooks={"response": [recorder.on_response]})
    retry = RetryPolicy(jitter=lambda: 0.5, sleep=recorder.sleeps.append)
    client = CatalogClient(backend.url, http=http, cache=DiskCache(tmp_path / "cache"), retry=retry)
    yield client
    http.close()

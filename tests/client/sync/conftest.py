"""Fixtures for progress sync: a settable clock, an outbox and a local store in a temporary
directory, and the real backend over real HTTP.

``progress_backend`` serves one migrated app (SQLite, the small test feed) on a loopback port
that tests can stop and start again; it notes the id of every event that reached it.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tv_client.progress import ProgressStore
from tv_client.sync import Outbox

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


@pytest.fixture
def progress_backend(backend_app, serve_wsgi):
    """``backend_app`` on loopback, behind ``Received`` (``progress_backend.app.ids``)."""
    return serve_wsgi(Received(backend_app))


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(tmp_path / "outbox.db")
    yield box
    box.close()


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress")

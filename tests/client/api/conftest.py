"""A real backend over real HTTP for the catalog client: started in a thread, stoppable.

``backend`` serves one migrated app with the small test feed on 127.0.0.1; ``backend.stop()``
takes it off the network (connections are refused) and ``backend.start()`` brings it back on the
same port, so tests can watch the client go offline and recover.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tv_client.api import TIMEOUT, CatalogClient, DiskCache, RetryPolicy


@pytest.fixture
def backend(backend_app, serve_wsgi):
    """``backend_app`` on loopback; ``backend.stop()``/``start()`` take it off and back."""
    return serve_wsgi(backend_app)


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

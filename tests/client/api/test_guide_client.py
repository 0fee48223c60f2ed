"""The guide's client methods through an injected httpx transport: the requests they make,
ETag revalidation, and the stored copy served while offline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from tv_client.api import CatalogClient, DiskCache, Offline, RetryPolicy

CHANNELS = {"channels": [{"id": "a", "number": 1, "stream": "/live/a/master.m3u8"}]}
GUIDE = {"start": "2024-05-03T00:00:00Z", "stop": "2024-05-03T06:00:00Z", "channels": []}
NOW = {"now": "2024-05-03T02:10:00Z", "channels": [{"id": "a", "now": None, "next": None}]}


class Backend:
    """Serves ``body`` with an ETag and answers 304 to it; ``down`` refuses connections."""

    def __init__(self, body: dict) -> None:
        self.body, self.down = body, False
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.headers.get("If-None-Match") == '"v1"':
            response = httpx.Response(304)
        else:
            response = httpx.Response(200, json=self.body, headers={"ETag": '"v1"'})
        self.statuses.append(response.status_code)
        return response


@pytest.fixture
def make_client(tmp_path) -> Iterator:
    clients: list[httpx.Client] = []

    def make(backend: Backend) -> CatalogClient:
        http = httpx.Client(transport=httpx.MockTransport(backend))
        clients.append(http)
        retry = RetryPolicy(jitter=lambda: 0.0, sleep=lambda _: None)
        cache = DiskCache(tmp_path / "cache")
        return CatalogClient(
            "http://tv.test", http=http, cache=cache, retry=retry, clock=lambda: 5.0
        )

    yield make
    for http in clients:
        http.close()


@pytest.mark.parametrize(
    ("call", "body", "path", "query"),
    [
        (lambda c: c.channels(), CHANNELS, "/api/v1/channels", {}),
        (
            lambda c: c.guide(datetime(2024, 5, 3, 8, tzinfo=timezone(timedelta(hours=8))), 6),
            GUIDE,
            "/api/v1/guide",
            {"start": "2024-05-03T00:00:00Z", "hours": "6", "offset": "0", "limit": "50"},
        ),
        (
            lambda c: c.guide("2024-05-03T06:00:00Z", hours=3, offset=50, limit=20),
            GUIDE,
            "/api/v1/guide",
            {"start": "2024-05-03T06:00:00Z", "hours": "3", "offset": "50", "limit": "20"},
        ),
        (lambda c: c.guide_now(), NOW, "/api/v1/guide/now", {}),
        (
            lambda c: c.guide_now(at=datetime(2024, 5, 3, 2, 10, tzinfo=UTC)),
            NOW,
            "/api/v1/guide/now",
            {"at": "2024-05-03T02:10:00Z"},
        ),
    ],
    ids=["channels", "guide-datetime", "guide-page", "now", "now-at"],
)
def test_each_method_asks_for_its_resource(make_client, call, body, path, query):
    backend = Backend(body)
    fetched = call(make_client(backend))
    [request] = backend.requests
    assert request.url.path == path
    assert dict(request.url.params) == query
    assert (fetched.data, fetched.offline, fetched.fetched_at) == (body, False, 5.0)


def test_a_naive_start_is_refused_before_any_request(make_client):
    backend = Backend(GUIDE)
    with pytest.raises(ValueError, match="no time zone"):
        make_client(backend).guide(datetime(2024, 5, 3, 8), 6)
    assert backend.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.channels(),
        lambda c: c.guide("2024-05-03T00:00:00Z", 6),
        lambda c: c.guide_now(),
    ],
    ids=["channels", "guide", "now"],
)
def test_a_second_call_revalidates_and_reuses_the_stored_body(make_client, call):
    backend = Backend({"v": 1})
    client = make_client(backend)
    first = call(client)
    backend.body = {"v": 2}  # a 304 must not carry this: the stored body is served
    second = call(client)
    assert backend.statuses == [200, 304]
    assert backend.requests[1].headers["If-None-Match"] == '"v1"'
    assert second.data == first.data == {"v": 1}


def test_offline_serves_the_stored_guide_marked_offline(make_client):
    backend = Backend(GUIDE)
    client = make_client(backend)
    client.guide("2024-05-03T00:00:00Z", 6)
    backend.down = True
    stale = client.guide("2024-05-03T00:00:00Z", 6)
    assert (stale.data, stale.offline, stale.fetched_at) == (GUIDE, True, 5.0)
    with pytest.raises(Offline, match="/api/v1/guide"):
        client.guide("2024-05-03T06:00:00Z", 6)  # another window: nothing stored
    with pytest.raises(Offline, match="/api/v1/channels"):
        client.channels()

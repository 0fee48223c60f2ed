"""Failures a real backend will not produce on demand, through an injected httpx transport."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tv_client.api import ApiError, CatalogClient, DiskCache, Link, Offline, RetryPolicy

TAXONOMY = {"stages": []}


class Script:
    """Answers requests in turn from a list; a ``None`` answer is a refused connection."""

    def __init__(self, answers: list[httpx.Response | None]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if answer is None:
            raise httpx.ConnectError("connection refused", request=request)
        return answer


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(tmp_path, sleeps) -> Iterator:
    clients: list[httpx.Client] = []

    def make(script: Script, now: float = 1000.0) -> CatalogClient:
        http = httpx.Client(transport=httpx.MockTransport(script))
        clients.append(http)
        retry = RetryPolicy(jitter=lambda: 1.0, sleep=sleeps.append)
        cache = DiskCache(tmp_path / "cache")
        return CatalogClient(
            "http://tv.test/", http=http, cache=cache, retry=retry, clock=lambda: now
        )

    yield make
    for http in clients:
        http.close()


def _ok(body: object = TAXONOMY, etag: str = '"v1"') -> httpx.Response:
    return httpx.Response(200, json=body, headers={"ETag": etag})


def test_5xx_is_retried_with_backoff_then_succeeds(make_client, sleeps):
    script = Script([httpx.Response(503), httpx.Response(502), _ok()])
    fetched = make_client(script).taxonomy()
    assert fetched.data == TAXONOMY
    assert fetched.offline is False
    assert sleeps == [0.25, 0.5]
    assert len(script.requests) == 3


def test_5xx_after_every_retry_serves_the_stored_copy(make_client, sleeps):
    make_client(Script([_ok()]), now=1000.0).taxonomy()
    client = make_client(Script([httpx.Response(500)] * 3), now=2000.0)
    fetched = client.taxonomy()
    assert (fetched.data, fetched.offline, fetched.fetched_at) == (TAXONOMY, True, 1000.0)
    assert client.monitor.state is Link.OFFLINE


def test_refused_connections_with_nothing_stored_raise_offline(make_client, sleeps):
    script = Script([None, None, None])
    with pytest.raises(Offline, match=r"http://tv\.test.*ConnectError"):
        make_client(script).home(grade="g3")
    assert len(script.requests) == 3
    assert sleeps == [0.25, 0.5]


def test_a_200_that_is_not_json_counts_as_unreachable(make_client):
    make_client(Script([_ok()])).taxonomy()
    portal = httpx.Response(200, text="<html>Sign in to the hotel Wi-Fi</html>")
    assert make_client(Script([portal] * 3)).taxonomy().offline is True


def test_a_304_refreshes_the_stored_time(make_client):
    make_client(Script([_ok()]), now=1000.0).taxonomy()
    script = Script([httpx.Response(304, headers={"ETag": '"v1"'})])
    fetched = make_client(script, now=5000.0).taxonomy()
    assert script.requests[0].headers["If-None-Match"] == '"v1"'
    assert (fetched.data, fetched.offline, fetched.fetched_at) == (TAXONOMY, False, 5000.0)


def test_a_4xx_without_an_error_body_still_raises_api_error(make_client, sleeps):
    with pytest.raises(ApiError) as caught:
        make_client(Script([httpx.Response(403, text="Forbidden")])).taxonomy()
    assert (caught.value.status, caught.value.code) == (403, "http_403")
    assert sleeps == []


def test_requests_go_to_the_base_url_without_empty_filters(make_client):
    script = Script([_ok({"items": [], "next_cursor": None})])
    make_client(script).courses(grade="g3", limit=10)
    assert str(script.requests[0].url) == "http://tv.test/api/v1/courses?grade=g3&limit=10"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/media/posters/a.jpg", "http://tv.test/media/posters/a.jpg"),
        ("media/posters/a.jpg", "http://tv.test/media/posters/a.jpg"),
        ("https://cdn.example.org/x.m3u8", "https://cdn.example.org/x.m3u8"),
        (None, None),
        ("", ""),
    ],
)
def test_media_url(make_client, path, url):
    assert make_client(Script([])).media_url(path) == url


def test_probe_reads_healthz_once(make_client, sleeps):
    client = make_client(Script([None, httpx.Response(200, json={"status": "ok"})]))
    assert client.probe() is False
    assert client.monitor.state is Link.OFFLINE
    assert client.probe() is True
    assert client.monitor.state is Link.ONLINE
    assert sleeps == []

"""PosterFetcher against a real HTTP server: stored on disk, misses remembered, failures quiet."""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from PIL import Image
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tv_client.api.posters import PosterFetcher


def png(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), color).save(out, "PNG")
    return out.getvalue()


class PosterServer:
    """Serves /ok.png, /broken (an HTML error page with 200), /gone (404) and /boom (503)."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request: Request) -> Response:
        self.hits[request.path] += 1
        if request.path == "/ok.png":
            return Response(png(), mimetype="image/png")
        if request.path == "/broken":
            return Response("<html>captive portal</html>", mimetype="text/html")
        if request.path == "/boom":
            return Response("down", status=503)
        return Response('{"code": "not_found"}', status=404, mimetype="application/json")

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server() -> Iterator[PosterServer]:
    running = PosterServer()
    yield running
    running.stop()


@pytest.fixture
def fetcher(tmp_path) -> Iterator[PosterFetcher]:
    posters = PosterFetcher(tmp_path / "posters")
    yield posters
    posters.close()


def test_a_poster_is_fetched_once_then_read_from_disk(server, fetcher, tmp_path):
    url = server.url + "/ok.png"
    assert fetcher.get(url) == png()
    assert fetcher.get(url) == png()
    assert server.hits["/ok.png"] == 1
    again = PosterFetcher(tmp_path / "posters")  # a restart: still on disk
    assert again.get(url) == png() and server.hits["/ok.png"] == 1
    again.close()


@pytest.mark.parametrize("path", ["/gone", "/broken"])
def test_a_missing_or_non_image_poster_is_none_and_asked_for_once(server, fetcher, path):
    assert fetcher.get(server.url + path) is None
    assert fetcher.get(server.url + path) is None
    assert server.hits[path] == 1
    assert list(fetcher.directory.iterdir()) == []


def test_a_server_error_is_none_but_asked_again_later(server, fetcher):
    assert fetcher.get(server.url + "/boom") is None
    assert fetcher.get(server.url + "/boom") is None
    assert server.hits["/boom"] == 2  # a 5xx is the line, not the poster: not remembered


def test_an_unreachable_backend_is_none_without_raising(server, fetcher):
    url = server.url + "/ok.png"
    server.stop()
    assert fetcher.get(url) is None


def test_the_store_is_trimmed_to_half_when_over_its_limit(tmp_path):
    directory = tmp_path / "posters"
    directory.mkdir()
    for n in range(12):
        (directory / f"{n:02d}").write_bytes(b"x")
    PosterFetcher(directory, max_files=10).close()
    assert len(list(directory.iterdir())) == 5

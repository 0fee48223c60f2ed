"""Playlists, the observer's rendition and throughput, and the relay against a real server."""

from __future__ import annotations

import contextlib
import http.client
import queue
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tv_client.player.adaptive import (
    Fetch,
    Observer,
    Relay,
    Variant,
    is_master,
    parse_master,
    parse_media,
)
from tv_client.player.base import Rendition

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=545600,RESOLUTION=426x240,CODECS="avc1.4d401f,mp4a.40.2"
240p/index.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=985600,RESOLUTION=640x360,CODECS="avc1.4d401f,mp4a.40.2"
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1755600
https://cdn.example/540p/index.m3u8
"""
MEDIA = """#EXTM3U
#EXT-X-TARGETDURATION:2
#EXTINF:2.000,
card_000.ts
#EXTINF:1.5,
../../../bodies/a/240p/seg_000.ts
#EXT-X-ENDLIST
"""
BASE = "http://tv.example/media/lessons/k/master.m3u8"


def test_parse_master_reads_each_variant_with_absolute_urls() -> None:
    assert is_master(MASTER)
    assert parse_master(MASTER, BASE) == [
        Variant("http://tv.example/media/lessons/k/240p/index.m3u8", 545600, 426, 240),
        Variant("http://tv.example/media/lessons/k/360p/index.m3u8", 985600, 640, 360),
        Variant("https://cdn.example/540p/index.m3u8", 1755600, None, None),
    ]


def test_parse_media_gives_segment_start_times() -> None:
    base = "http://tv.example/media/lessons/k/240p/index.m3u8"
    assert not is_master(MEDIA)
    segments = parse_media(MEDIA, base)
    assert [(s.url.rsplit("/media/", 1)[1], s.start_s, s.duration_s) for s in segments] == [
        ("lessons/k/240p/card_000.ts", 0.0, 2.0),
        ("bodies/a/240p/seg_000.ts", 2.0, 1.5),
    ]


def _fetch(url: str, size: int = 0, seconds: float = 0.0, **kwargs) -> Fetch:
    return Fetch(1, url, kwargs.pop("status", 200), size, seconds, **kwargs)


def _observed() -> Observer:
    observer = Observer(BASE)
    observer.record(_fetch(BASE, body=MASTER.encode()))
    for rung in ("240p", "360p"):
        url = f"http://tv.example/media/lessons/k/{rung}/index.m3u8"
        media = MEDIA.replace("card_000", f"card_{rung}").replace("/240p/", f"/{rung}/")
        observer.record(_fetch(url, body=media.encode()))
    return observer


def test_the_rendition_is_that_of_the_segment_covering_the_position() -> None:
    observer = _observed()
    observer.record(_fetch("http://tv.example/media/lessons/k/240p/card_240p.ts", 250_000, 1.0))
    observer.record(_fetch("http://tv.example/media/bodies/a/240p/seg_000.ts", 250_000, 1.0))
    # the buffer runs ahead: the 360p card was fetched again after a switch, for 0-2 s
    observer.record(_fetch("http://tv.example/media/lessons/k/360p/card_360p.ts", 625_000, 1.0))
    assert observer.rendition_at(0.5) == Rendition(360, 640, 985600, 3_000_000)
    assert observer.rendition_at(2.5) == Rendition(240, 426, 545600, 3_000_000)
    assert observer.fetching is not None and observer.fetching.height == 360
    assert observer.rendition_at(99.0).height == 360  # beyond what was fetched: the latest


def test_measured_throughput_covers_the_last_segments_only() -> None:
    observer = _observed()
    assert observer.measured_bps is None
    segment = "http://tv.example/media/lessons/k/240p/card_240p.ts"
    observer.record(_fetch(segment, 10_000_000, 1.0))  # 80 Mbit/s, long ago
    for _ in range(4):
        observer.record(_fetch(segment, 125_000, 1.0))  # 1 Mbit/s
    assert observer.measured_bps == 1_000_000


@pytest.mark.parametrize(
    ("status", "error", "failed", "unreachable"),
    [
        (200, None, False, False),
        (404, None, True, False),
        (None, "refused", True, True),
        (None, "timeout", True, True),
        (200, "truncated", True, False),
        (200, "aborted", False, False),  # the player hung up (seek, stop): not a failure
    ],
)
def test_which_fetches_count_as_failures(status, error, failed, unreachable) -> None:
    fetch = Fetch(1, "http://x/a.ts", status, 0, 0.1, error)
    assert (fetch.failed, fetch.unreachable) == (failed, unreachable)


def test_failures_are_kept_and_do_not_count_as_segments() -> None:
    observer = _observed()
    observer.record(_fetch(BASE.replace("master", "gone"), status=404))
    assert [f.status for f in observer.failures] == [404]
    assert observer.fetching is None


# -- the relay against a real server -------------------------------------------------------------


@pytest.fixture
def relay():
    records: queue.SimpleQueue[Fetch] = queue.SimpleQueue()
    relay = Relay(records.put, timeout_s=1.0)
    relay.records = records
    yield relay
    relay.close()


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers=headers or {})  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    except http.client.IncompleteRead as error:
        return -1, error.partial, {}
    finally:
        connection.close()


def _records(relay, count: int = 0) -> list[Fetch]:
    """What the relay reported: at least ``count`` records (reports follow the last byte)."""
    found, deadline = [], time.monotonic() + 5
    while len(found) < count and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            found.append(relay.records.get(timeout=0.1))
    while not relay.records.empty():
        found.append(relay.records.get())
    return found


@pytest.mark.media
def test_relay_passes_playlists_and_segments_and_times_them(relay, media_server) -> None:
    session, local = relay.begin(media_server.url())
    status, body, _ = _get(local)
    assert status == 200 and is_master(body.decode())
    variant = parse_master(body.decode(), local)[0].url  # relative URIs resolve on the relay
    status, playlist, _ = _get(variant)
    segment = parse_media(playlist.decode(), variant)[0].url
    status, data, headers = _get(segment)
    assert status == 200 and data[:1] == b"G"  # an MPEG-TS sync byte
    assert int(headers["Content-Length"]) == len(data)
    fetches = _records(relay, 3)
    assert [urlsplit(f.url).path for f in fetches] == [
        "/master.m3u8", "/v0/index.m3u8", "/v0/seg_000.ts",
    ]  # fmt: skip
    assert all(f.session == session and not f.failed for f in fetches)
    assert fetches[0].body is not None and fetches[2].body is None
    assert fetches[2].size == len(data) and fetches[2].seconds > 0


@pytest.mark.media
def test_relay_keeps_upstream_connections_alive(relay, keep_alive_server) -> None:
    server = keep_alive_server
    session, _ = relay.begin(server.url())
    for path in ("/master.m3u8", "/v0/index.m3u8", "/v0/seg_000.ts", "/v0/seg_001.ts"):
        status, _, _ = _get(relay.local_url(server.url(path), session))
        assert status == 200
    assert server.accepted == 1  # four requests, one handshake
    assert not any(f.failed for f in _records(relay, 4))


@pytest.mark.media
def test_a_kept_connection_the_server_closed_is_retried_on_a_new_one(
    relay, keep_alive_server
) -> None:
    server = keep_alive_server
    session, _ = relay.begin(server.url())
    assert _get(relay.local_url(server.url("/v0/seg_000.ts"), session))[0] == 200
    deadline = time.monotonic() + 5
    while not server.connections and time.monotonic() < deadline:
        time.sleep(0.01)
    for kept in list(server.connections):  # the server's keep-alive timeout, say
        kept.shutdown(socket.SHUT_RDWR)
    status, data, _ = _get(relay.local_url(server.url("/v0/seg_001.ts"), session))
    assert status == 200 and data[:1] == b"G"
    assert server.accepted == 2
    assert [f.failed for f in _records(relay, 2)] == [False, False]


@pytest.mark.media
def test_relay_forwards_ranges(relay, media_server) -> None:
    _session, local = relay.begin(media_server.url("/v0/seg_001.ts"))
    _get(local, {"Range": "bytes=0-187"})
    assert media_server.ranges == ["bytes=0-187"]


@pytest.mark.media
def test_relay_reports_404_truncated_and_refused(relay, media_server) -> None:
    media_server.missing.add("/v1/index.m3u8")
    media_server.truncated.add("/v1/seg_000.ts")
    session, _ = relay.begin(media_server.url())
    status, _, _ = _get(relay.local_url(media_server.url("/v1/index.m3u8"), session))
    assert status == 404
    _get(relay.local_url(media_server.url("/v1/seg_000.ts"), session))
    media_server.stop()
    status, _, _ = _get(relay.local_url(media_server.url("/v1/seg_001.ts"), session))
    assert status == 502
    assert [(f.status, f.error) for f in _records(relay, 3)] == [
        (404, None), (200, "truncated"), (None, "refused"),
    ]  # fmt: skip


def test_relay_times_out_on_a_silent_server(relay, silent_port) -> None:
    started = time.monotonic()
    _session, local = relay.begin(f"http://127.0.0.1:{silent_port}/master.m3u8")
    status, _, _ = _get(local)
    assert status == 502 and time.monotonic() - started < 3
    assert [f.error for f in _records(relay, 1)] == ["timeout"]


@pytest.mark.media
def test_relay_refuses_requests_of_an_earlier_session(relay, media_server) -> None:
    _old, old_local = relay.begin(media_server.url())
    relay.begin(media_server.url())
    status, _, _ = _get(old_local)
    assert status == 410 and _records(relay) == []


def test_relay_rewrites_absolute_uris_through_itself(relay) -> None:
    session, _ = relay.begin("http://tv.example/media/master.m3u8")
    text = relay.rewrite(
        b'#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k?id=1"\n'
        b"https://cdn.example/a/seg.ts\nrelative.ts\n/media/b/seg.ts\n",
        session,
        "http://tv.example/media/v0/index.m3u8",
    ).decode()
    lines, local = text.splitlines(), f"http://127.0.0.1:{relay.port}/s{session}"
    assert lines[1] == f'#EXT-X-KEY:METHOD=AES-128,URI="{local}o1/k?id=1"'
    assert lines[2] == f"{local}o2/a/seg.ts"
    assert lines[3] == "relative.ts"
    assert lines[4] == f"{local}o0/media/b/seg.ts"
    assert relay.upstream(f"/s{session}o2/a/seg.ts") == (session, "https://cdn.example/a/seg.ts")
    assert relay.upstream("/elsewhere") is None


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        (
            "#EXT-X-STREAM-INF:BANDWIDTH=1920000,AVERAGE-BANDWIDTH=1540000,RESOLUTION=960x540",
            "#EXT-X-STREAM-INF:BANDWIDTH=1540000,AVERAGE-BANDWIDTH=1540000,RESOLUTION=960x540",
        ),
        (  # attribute order is free
            '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=500000,CODECS="avc1.4d401f",BANDWIDTH=640000',
            '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=500000,CODECS="avc1.4d401f",BANDWIDTH=500000',
        ),
        (  # no average declared: the peak stays
            "#EXT-X-STREAM-INF:BANDWIDTH=640000,RESOLUTION=426x240",
            "#EXT-X-STREAM-INF:BANDWIDTH=640000,RESOLUTION=426x240",
        ),
    ],
)
def test_libvlc_is_offered_each_variants_average_bandwidth(relay, line, offered) -> None:
    session, _ = relay.begin("http://tv.example/media/master.m3u8")
    master = f"#EXTM3U\n{line}\nv0/index.m3u8\n"
    text = relay.rewrite(master.encode(), session, "http://tv.example/media/master.m3u8")
    assert text.decode().splitlines()[1] == offered


@pytest.mark.media
def test_a_transfer_cut_by_cancel_closes_libvlcs_connection(relay, media_server) -> None:
    """libVLC was promised Content-Length bytes: unless its connection closes, its downloader
    waits for the rest forever, and libVLC's stop waits for its downloader."""
    media_server.rate_bps = 200_000  # a segment takes seconds: cancel lands mid-body
    session, _ = relay.begin(media_server.url())
    got: list[tuple[int, bytes, dict]] = []
    fetch = threading.Thread(
        target=lambda: got.append(
            _get(relay.local_url(media_server.url("/v2/seg_001.ts"), session))
        )
    )
    fetch.start()
    deadline = time.monotonic() + 5
    while not media_server.connections and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # some of the body has passed
    relay.cancel()
    fetch.join(timeout=5)
    assert not fetch.is_alive(), "the client still waits for the promised bytes"
    status, _, _ = got[0]
    assert status == -1  # cut short, and told so by the connection closing
    assert [f.error for f in _records(relay, 1)] == ["truncated"]

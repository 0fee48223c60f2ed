"""``/live/<channel>/...`` over HTTP: playlists with the HLS content type and cache headers,
catch-up (``?start=&end=``, as the M3U's catchup-source asks) as on-demand HLS, errors in the
one error body, and libVLC playing a catch-up URL to its end.

A minimal Flask app registers the live blueprint and the app's service-error handler, with a
`LiveChannels` over an in-memory guide and lessons written as files; the schedule is placed
around the real clock, since the blueprint asks for ``datetime.now(UTC)``.
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import hls_rules as hls
import m3u8
import pytest
from flask import Flask, request, send_from_directory
from lessons import make_lesson
from werkzeug.serving import make_server

from epg.model import Channel, Programme
from tv_backend.api import live as live_api
from tv_backend.api.errors import handle_service_error
from tv_backend.services.errors import ServiceError
from tv_backend.services.live import LiveChannels

CHANNEL = "hn-edu-1"
LATER = "hn-edu-2"  # starts in an hour
CLASS = "hn-edu-3"  # a live class on air (its upstream unreachable: the recording plays)
PAST = "hn-edu-4"  # on air for two hours: catch-up of its first programme
NONE = "hn-edu-5"  # keeps no catch-up (catchup_days 0)


def write_lesson(root: Path, key: str, segments: int) -> str:
    master = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for name, resolution in (("180p", "320x180"), ("360p", "640x360")):
        master += [f"#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION={resolution}",
                   f"{name}/index.m3u8"]  # fmt: skip
        index = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2"]
        for n in range(segments):
            index += ["#EXTINF:2.000000,", f"../../../bodies/{key}/{name}/seg_{n:03d}.ts"]
        (root / "lessons" / key / name).mkdir(parents=True)
        (root / "lessons" / key / name / "index.m3u8").write_text("\n".join(index) + "\n")
    (root / "lessons" / key / "master.m3u8").write_text("\n".join(master) + "\n")
    return f"lessons/{key}/master.m3u8"


class Guide:
    def __init__(self, schedule: dict[str, list[Programme]]) -> None:
        self.schedule = schedule
        self.anchors: dict[str, dict] = {}

    def channel(self, channel_id: str) -> Channel | None:
        if channel_id in self.schedule:
            days = 0 if channel_id == NONE else 7
            return Channel(channel_id, 1, {"zh": "教育台"}, catchup_days=days)
        return None

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        return [p for p in self.schedule[channel_id] if p.stop > start and p.start < stop]

    def anchor(self, channel_id: str) -> dict | None:
        return self.anchors.get(channel_id)

    def save_anchor(self, channel_id: str, data: dict) -> None:
        self.anchors[channel_id] = data


@pytest.fixture
def start(request) -> datetime:
    """The live class began 20 s before the test (its 30 s recording still plays), or as many
    seconds as the test asks (``indirect`` parametrization)."""
    ago = getattr(request, "param", 20)
    return datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=ago)


def offline(url: str) -> str:
    raise OSError(f"{url}: no network in tests")


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def client(tmp_path: Path, start: datetime, now: datetime):
    root = tmp_path / "media"
    masters = {1: write_lesson(root, "alpha", 30), 2: write_lesson(root, "slate", 3)}
    hour = timedelta(hours=1)
    schedule = {
        CHANNEL: [Programme(CHANNEL, now - timedelta(seconds=30), now + timedelta(hours=1),
                            {"zh": "数学"}, lesson_id=1)],
        LATER: [Programme(LATER, now + timedelta(hours=1), now + timedelta(hours=2),
                          {"zh": "语文"}, lesson_id=1)],
        CLASS: [Programme(CLASS, start, now + timedelta(hours=1), {"zh": "专递课堂"},
                          lesson_id=1, live=True, source="http://encoder.test/index.m3u8")],
        PAST: [Programme(PAST, now - 2 * hour, now - hour, {"zh": "物理"}, lesson_id=1),
               Programme(PAST, now - hour, now + hour, {"zh": "化学"}, lesson_id=1)],
        NONE: [Programme(NONE, now - hour, now + hour, {"zh": "美术"}, lesson_id=1)],
    }  # fmt: skip
    live = LiveChannels(Guide(schedule), masters.get, root, slate=masters[2], relay_fetch=offline)
    app = Flask(__name__)
    app.extensions["edutv"] = SimpleNamespace(live=live)
    app.register_blueprint(live_api.blp)
    app.register_error_handler(ServiceError, handle_service_error)
    return app.test_client()


def test_master_playlist(client):
    response = client.get(f"/live/{CHANNEL}/master.m3u8")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.apple.mpegurl"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    master = m3u8.loads(response.get_data(as_text=True))
    assert [p.uri for p in master.playlists] == ["180p.m3u8", "360p.m3u8"]


def test_rendition_playlist_is_live_with_absolute_media_uris(client):
    response = client.get(f"/live/{CHANNEL}/360p.m3u8")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.apple.mpegurl"
    assert response.headers["Cache-Control"] == "public, max-age=1"
    playlist = m3u8.loads(response.get_data(as_text=True))
    assert not playlist.is_endlist and playlist.target_duration == 2
    assert len(playlist.segments) >= 6  # on air for 30 s: a full window
    assert all(s.uri.startswith("/media/bodies/alpha/360p/seg_") for s in playlist.segments)
    assert playlist.segments[0].program_date_time is not None
    assert client.head(f"/live/{CHANNEL}/360p.m3u8").status_code == 200


@pytest.mark.parametrize(
    ("path", "status", "code", "message"),
    [
        ("/live/nope/master.m3u8", 404, "not_found", "There is no channel nope."),
        (f"/live/{CHANNEL}/1080p.m3u8", 404, "not_found", "no rendition '1080p'"),
        (f"/live/{LATER}/180p.m3u8", 503, "not_on_air", f"Channel {LATER} starts at "),
        (f"/live/{LATER}/master.m3u8", 503, "not_on_air", f"Channel {LATER} starts at "),
    ],
)
def test_errors_come_in_the_one_error_body(client, path, status, code, message):
    response = client.get(path)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert (body["code"], body["status"]) == (code, status)
    assert message in body["message"]


@pytest.mark.parametrize("start", [20, 90], indirect=True)  # in the recording, and after it
def test_attendance_counts_boxes_watching_a_live_class(client, start):
    for device in ("box-1", "box-2", "box-1"):
        assert client.get(f"/live/{CLASS}/180p.m3u8?device={device}").status_code == 200
    client.get(f"/live/{CLASS}/master.m3u8")  # no device: counted by its address
    client.get(f"/live/{CLASS}/360p.m3u8")
    client.get(f"/live/{CHANNEL}/180p.m3u8?device=box-9")  # not a live class: not counted
    response = client.get(
        f"/live/{CLASS}/attendance", query_string={"programme": start.isoformat()}
    )
    assert response.status_code == 200
    assert response.get_json() == {"channel": CLASS, "programme": start.isoformat(), "devices": 3}
    zulu = start.isoformat().replace("+00:00", "Z")  # a "+" would have to be %2B in a URL
    other = client.get(f"/live/{CHANNEL}/attendance?programme={zulu}")
    assert other.get_json()["devices"] == 0


def test_attendance_needs_a_programme_start_with_a_time_zone(client):
    for query in ("", "?programme=yesterday", "?programme=2026-09-01T08:00:00"):
        response = client.get(f"/live/{CLASS}/attendance{query}")
        assert response.status_code == 400
        assert response.get_json()["code"] == "invalid_query"


# --- catch-up -----------------------------------------------------------------------------


def following(*keys: str) -> dict[str, str]:
    """Each segment URI of the written lessons -> the next one in its own playlist."""
    chain: dict[str, str] = {}
    for key in keys:
        for name in ("180p", "360p"):
            uris = [f"/media/bodies/{key}/{name}/seg_{n:03d}.ts" for n in range(30)]
            chain.update(pairwise(uris))
    return chain


def stretch(start: datetime, end: datetime) -> str:
    return f"start={int(start.timestamp())}&end={int(end.timestamp())}"


def test_catchup_is_on_demand_hls_of_what_aired(client, now):
    aired = now - timedelta(hours=2)
    query = stretch(aired, aired + timedelta(minutes=2))  # alpha's 60 s, then the slate
    response = client.get(f"/live/{PAST}/master.m3u8?{query}&device=box-1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.apple.mpegurl"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["ETag"].startswith('"')
    master = m3u8.loads(response.get_data(as_text=True))
    assert [p.uri for p in master.playlists] == [f"180p.m3u8?{query}", f"360p.m3u8?{query}"]
    for variant in master.playlists:
        media = client.get(f"/live/{PAST}/{variant.uri}")
        assert media.status_code == 200 and media.mimetype == "application/vnd.apple.mpegurl"
        assert media.headers["Cache-Control"] == "public, max-age=86400"
        text = media.get_data(as_text=True)
        playlist = hls.check_vod(text, following=following("alpha", "slate"))
        assert playlist.segments[0].current_program_date_time == aired
        assert sum(s.duration for s in playlist.segments) == 120
        assert sum(s.discontinuity for s in playlist.segments) == 1 + 9  # and 9 slate loops
        again = client.get(f"/live/{PAST}/{variant.uri}",
                           headers={"If-None-Match": media.headers["ETag"]})  # fmt: skip
        assert again.status_code == 304 and not again.data
        assert again.headers["ETag"] == media.headers["ETag"]


def test_a_stretch_still_airing_ends_at_now_and_is_cached_briefly(client, now):
    query = stretch(now - timedelta(seconds=30), now + timedelta(minutes=10))
    response = client.get(f"/live/{CHANNEL}/360p.m3u8?{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=1"
    playlist = hls.check_vod(response.get_data(as_text=True), following=following("alpha"))
    last = playlist.segments[-1]
    assert last.current_program_date_time <= datetime.now(UTC)  # what has aired, and
    assert len(playlist.segments) >= 15  # all of it: 30 s of 2 s segments at least


@pytest.mark.parametrize("start", [20], indirect=True)
def test_a_live_class_caught_up_plays_its_recording_and_counts_no_one(client, start, now):
    response = client.get(f"/live/{CLASS}/180p.m3u8?{stretch(start, now)}&device=box-1")
    assert response.status_code == 200
    playlist = hls.check_vod(response.get_data(as_text=True), following=following("alpha"))
    assert all(s.uri.startswith("/media/bodies/alpha/180p/") for s in playlist.segments)
    counted = client.get(f"/live/{CLASS}/attendance", query_string={"programme": start.isoformat()})
    assert counted.get_json()["devices"] == 0  # catch-up is not watching the class live


@pytest.mark.parametrize(
    ("channel", "query", "status", "message"),
    [
        (PAST, "start=1764400000", 400, "both start and end"),
        (PAST, "end=1764400000", 400, "both start and end"),
        (PAST, "start=yesterday&end=1764400000", 400, "in Unix seconds"),
        (PAST, "start=-60&end=1764400000", 400, "in Unix seconds"),
        (PAST, "start=1764400000.5&end=1764403600", 400, "in Unix seconds"),
        (PAST, "ago=600&for=-60", 400, "must start before its end"),
        (PAST, "ago=600&for=25200", 400, "at most 6 hours"),
        (PAST, "ago=-60&for=60", 400, "plays what has aired"),
        (PAST, "ago=691200&for=600", 404, "keeps 7 days of catch-up"),
        (PAST, "ago=10800&for=600", 404, "had nothing scheduled"),
        (NONE, "ago=600&for=60", 404, f"Channel {NONE} keeps no catch-up."),
        ("nope", "ago=600&for=60", 404, "There is no channel nope."),
    ],
)
def test_catchup_errors_come_in_the_one_error_body(client, now, channel, query, status, message):
    if query.startswith("ago="):  # relative to now: ago seconds back, lasting for seconds
        ago, duration = (int(part.split("=")[1]) for part in query.split("&"))
        start = now - timedelta(seconds=ago)
        query = stretch(start, start + timedelta(seconds=duration))
    for path in ("master", "180p"):
        response = client.get(f"/live/{channel}/{path}.m3u8?{query}")
        assert response.status_code == status, response.get_json()
        body = response.get_json()
        assert set(body) == {"code", "status", "message", "errors"}
        assert body["code"] == ("invalid_query" if status == 400 else "not_found")
        assert message in body["message"]


def test_catchup_of_an_unknown_rendition_is_not_found(client, now):
    query = stretch(now - timedelta(hours=2), now - timedelta(hours=1, minutes=59))
    response = client.get(f"/live/{PAST}/1080p.m3u8?{query}")
    assert response.status_code == 404
    assert response.get_json()["errors"] == {"rendition": ["180p", "360p"]}


# --- libVLC plays a catch-up URL ----------------------------------------------------------


@pytest.mark.media
@pytest.mark.vlc
@pytest.mark.slow
def test_vlc_plays_a_catchup_url_across_a_programme_boundary_to_its_end(tmp_path: Path):
    vlc = pytest.importorskip("vlc")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    root = tmp_path / "media"
    masters = {1: make_lesson(root, "alpha", "testsrc2", 8),
               2: make_lesson(root, "beta", "smptebars", 8)}  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    a, b = now - timedelta(seconds=60), now - timedelta(seconds=52)
    schedule = [Programme(PAST, a, b, {"zh": "A"}, lesson_id=1),
                Programme(PAST, b, b + timedelta(seconds=8), {"zh": "B"}, lesson_id=2),
                Programme(PAST, b + timedelta(seconds=8), now + timedelta(minutes=5), {"zh": "C"},
                          lesson_id=1)]  # fmt: skip
    live = LiveChannels(Guide({PAST: schedule}), masters.get, root, slate=masters[1],
                        relay_fetch=None)  # fmt: skip
    app = Flask(__name__)
    app.extensions["edutv"] = SimpleNamespace(live=live)
    app.register_blueprint(live_api.blp)
    app.register_error_handler(ServiceError, handle_service_error)
    fetched: list[str] = []

    def media(path: str):
        fetched.append(request.path)
        return send_from_directory(root, path)

    app.add_url_rule("/media/<path:path>", "media", media)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    query = stretch(a, a + timedelta(seconds=16))  # A's 8 s then B's: a VOD of 16 s
    url = f"http://127.0.0.1:{server.server_port}/live/{PAST}/master.m3u8?{query}"
    instance = vlc.Instance("--no-xlib", "--vout=dummy", "--aout=dummy", "--quiet")
    player = instance.media_player_new()
    media_item = instance.media_new(url)
    player.set_media(media_item)
    stats = vlc.MediaStats()
    try:
        began = time.monotonic()
        assert player.play() == 0
        while time.monotonic() - began < 45 and player.get_state() != vlc.State.Ended:
            assert player.get_state() != vlc.State.Error
            time.sleep(0.25)
        took = time.monotonic() - began
        media_item.get_stats(stats)
        assert player.get_state() == vlc.State.Ended, took  # #EXT-X-ENDLIST: it ends
        assert took > 12, took  # played in real time, not skipped
        assert stats.decoded_video > 25 * 12, stats.decoded_video  # most of 16 s at 25 fps
        assert any("/lessons/alpha/" in p for p in fetched) and any(
            "/lessons/beta/" in p for p in fetched
        ), fetched  # both programmes, across the discontinuity between them
    finally:
        player.stop()
        player.release()
        instance.release()
        server.shutdown()
        thread.join()

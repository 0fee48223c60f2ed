"""``/live/<channel>/...`` over HTTP: playlists with the HLS content type and cache headers,
errors in the one error body.

A minimal Flask app registers the live blueprint and the app's service-error handler, with a
`LiveChannels` over an in-memory guide and lessons written as files; the schedule is placed
around the real clock, since the blueprint asks for ``datetime.now(UTC)``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import m3u8
import pytest
from flask import Flask

from epg.model import Channel, Programme
from tv_backend.api import live as live_api
from tv_backend.api.errors import handle_service_error
from tv_backend.services.errors import ServiceError
from tv_backend.services.live import LiveChannels

CHANNEL = "hn-edu-1"
LATER = "hn-edu-2"  # starts in an hour
CLASS = "hn-edu-3"  # a live class on air (its upstream unreachable: the recording plays)


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
            return Channel(channel_id, 1, {"zh": "教育台"})
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
def client(tmp_path: Path, start: datetime):
    root = tmp_path / "media"
    masters = {1: write_lesson(root, "alpha", 30), 2: write_lesson(root, "slate", 3)}
    now = datetime.now(UTC).replace(microsecond=0)
    schedule = {
        CHANNEL: [Programme(CHANNEL, now - timedelta(seconds=30), now + timedelta(hours=1),
                            {"zh": "数学"}, lesson_id=1)],
        LATER: [Programme(LATER, now + timedelta(hours=1), now + timedelta(hours=2),
                          {"zh": "语文"}, lesson_id=1)],
        CLASS: [Programme(CLASS, start, now + timedelta(hours=1), {"zh": "专递课堂"},
                          lesson_id=1, live=True, source="http://encoder.test/index.m3u8")],
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

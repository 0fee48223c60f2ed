"""The channels and guide API as the TV and IPTV players use it, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from epg.m3u import read_m3u
from epg.xmltv import read_xmltv

FIXTURE = Path(__file__).parents[1] / "fixtures" / "epg_small.xml"
IDS = ["hnjy1.edutv.cn", "hnjy2.edutv.cn", "kids.edutv.cn"]
GUIDE = "/api/v1/guide"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE tv [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<tv><channel id="evil.edutv.cn"><display-name>&lol3;</display-name></channel></tv>
"""


def post_xml(client, data: bytes, query: str = ""):
    return client.post(
        "/api/v1/epg/import" + query, data=data, headers={"Content-Type": "application/xml"}
    )


@pytest.fixture
def imported(client):
    response = post_xml(client, FIXTURE.read_bytes())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_import_reports_what_it_wrote(imported):
    assert imported["channels"] == 3 and imported["created"] == 3
    assert imported["programmes"] == 7 and imported["replaced"] == 0
    assert imported["skipped"] == imported["adjusted"] == imported["repaired"] == 0
    assert imported["version"] > 1
    assert "3 channels (3 new), 7 programmes" in imported["summary"]


def test_channels_list_every_channel_by_number(client, imported):
    response = client.get("/api/v1/channels")
    assert response.status_code == 200
    channels = response.get_json()["channels"]
    assert [c["id"] for c in channels] == IDS
    first = channels[0]
    assert first == {
        "id": "hnjy1.edutv.cn",
        "number": 1,
        "name": {"zh": "湖南教育一台", "en": "Hunan Education 1"},
        "logo": "https://example.org/logos/hnjy1.png",
        "group": {"zh": "", "en": ""},
        "stream": "/live/hnjy1.edutv.cn/master.m3u8",
        "catchup_days": 7,
    }
    assert response.headers["ETag"] and "max-age" in response.headers["Cache-Control"]


def test_guide_window_pages_by_channel_with_unclipped_programmes(client, imported):
    # 08:30-10:30 in Changsha: 00:30-02:30 UTC
    first = client.get(f"{GUIDE}?start=2026-11-30T08:30:00%2B08:00&hours=2&limit=2").get_json()
    assert first["start"] == "2026-11-30T00:30:00Z" and first["stop"] == "2026-11-30T02:30:00Z"
    assert [c["id"] for c in first["channels"]] == IDS[:2]
    assert first["next_offset"] == 2
    hnjy1 = first["channels"][0]["programmes"]
    assert [p["start"] for p in hnjy1] == [
        "2026-11-30T00:00:00Z",  # began before the window: drawn from its real start
        "2026-11-30T00:40:00Z",
        "2026-11-30T00:50:00Z",
        "2026-11-30T01:30:00Z",
    ]
    maths = hnjy1[0]
    assert maths["title"] == {"zh": "七年级数学：有理数", "en": "Grade 7 Maths: Rational Numbers"}
    assert maths["lesson_id"] == 11 and maths["course_id"] == 3
    assert maths["subject"] == "math" and maths["grade"] == 7
    assert maths["live"] is False and maths["filler"] is False
    assert hnjy1[1]["filler"] is True
    assert first["channels"][1]["programmes"][0]["live"] is True
    second = client.get(f"{GUIDE}?start=2026-11-30T00:30:00Z&hours=2&limit=2&offset=2").get_json()
    assert [c["id"] for c in second["channels"]] == ["kids.edutv.cn"]
    assert [p["title"]["zh"] for p in second["channels"][0]["programmes"]] == ["我是接班人"]
    assert second["next_offset"] is None


def test_guide_outside_the_programmes_answers_empty_timelines(client, imported):
    body = client.get(f"{GUIDE}?start=2030-01-01T00:00:00Z&hours=1").get_json()
    assert [c["programmes"] for c in body["channels"]] == [[], [], []]


def test_guide_far_into_a_long_programme_shows_it_from_its_real_start(client, imported):
    # hnjy1's 节目预告 runs 09:30 to 08:00 the next day (Changsha): this window is 19.5 h into it.
    body = client.get(f"{GUIDE}?start=2026-12-01T05:00:00%2B08:00&hours=1").get_json()
    by_id = {c["id"]: c["programmes"] for c in body["channels"]}
    assert [(p["title"]["zh"], p["start"]) for p in by_id["hnjy1.edutv.cn"]] == [
        ("节目预告", "2026-11-30T01:30:00Z")
    ]
    assert by_id["hnjy2.edutv.cn"] == by_id["kids.edutv.cn"] == []


def test_now_next_in_a_long_programme_and_after_the_last(client, imported):
    body = client.get("/api/v1/guide/now?at=2026-11-30T20:00:00%2B08:00").get_json()
    by_id = {c["id"]: c for c in body["channels"]}
    assert by_id["hnjy1.edutv.cn"]["now"]["title"]["zh"] == "节目预告"
    assert [by_id[c]["now"] for c in IDS[1:]] == [None, None]
    assert [by_id[c]["next"] for c in IDS] == [None, None, None]
    early = client.get("/api/v1/guide/now?at=2026-11-29T00:00:00Z").get_json()
    assert [c["next"]["start"] for c in early["channels"]] == [
        "2026-11-30T00:00:00Z",  # a day away: past the hours now/next reads
        "2026-11-30T00:00:00Z",
        "2026-11-30T02:00:00Z",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-11-30T08:00:00&hours=2", "start"),  # no time zone
        ("start=tomorrow", "start"),
        ("hours=0", "hours"),
        ("hours=49", "hours"),
        ("hours=two", "hours"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("colour=red", "colour"),
    ],
)
def test_guide_rejects_bad_parameters_with_400(client, query, field):
    response = client.get(f"{GUIDE}?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "invalid_request" and body["status"] == 400
    assert field in body["errors"]


def test_guide_answers_304_and_a_new_etag_after_a_write(client, imported):
    url = f"{GUIDE}?start=2026-11-30T00:00:00Z&hours=24"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert not again.get_data()
    changed = FIXTURE.read_bytes().replace("英语听力".encode(), "英语口语".encode())
    assert post_xml(client, changed).status_code == 200
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "英语口语" in after.get_data(as_text=True)


def test_now_and_next_of_every_channel(client, imported):
    response = client.get("/api/v1/guide/now?at=2026-11-30T08:45:00%2B08:00")
    assert response.status_code == 200 and response.headers["ETag"]
    body = response.get_json()
    assert body["now"] == "2026-11-30T00:45:00Z"
    by_id = {c["id"]: c for c in body["channels"]}
    assert list(by_id) == IDS
    assert by_id["hnjy1.edutv.cn"]["now"]["title"]["zh"] == "课间休息"
    assert by_id["hnjy1.edutv.cn"]["next"]["title"]["zh"] == "七年级语文：春"
    assert by_id["hnjy2.edutv.cn"]["now"]["title"]["zh"] == "名师直播课"
    assert by_id["kids.edutv.cn"]["now"] is None
    assert by_id["kids.edutv.cn"]["next"]["start"] == "2026-11-30T02:00:00Z"
    assert client.get("/api/v1/guide/now").status_code == 200  # the clock's minute
    assert client.get("/api/v1/guide/now?at=noon").status_code == 400


def test_epg_xml_is_valid_xmltv(client, imported, tmp_path):
    response = client.get("/epg.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml" and response.headers["ETag"]
    again = client.get("/epg.xml", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    parsed = read_xmltv(response.get_data())
    assert [c.id for c in parsed.channels] == IDS and len(parsed.programmes) == 7
    validator = shutil.which("tv_validate_file")
    if validator is None:
        pytest.skip("tv_validate_file (Debian xmltv-util) is not installed")
    path = tmp_path / "epg.xml"
    path.write_bytes(response.get_data())
    env = {**os.environ, "XMLTV_SUPPLEMENT": "/usr/share/xmltv"}
    result = subprocess.run(
        [validator, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_channels_m3u_ids_match_the_xmltv_ids(client, imported):
    response = client.get("/channels.m3u", base_url="http://tv.example.org")
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.mimetype in ("audio/x-mpegurl", "application/x-mpegurl")
    entries = read_m3u(response.get_data(as_text=True))
    xml_ids = [c.id for c in read_xmltv(client.get("/epg.xml").get_data()).channels]
    assert [e.tvg_id for e in entries] == xml_ids == IDS
    assert entries[0].url == "http://tv.example.org/live/hnjy1.edutv.cn/master.m3u8"
    assert response.get_data(as_text=True).startswith(
        '#EXTM3U x-tvg-url="http://tv.example.org/epg.xml"'
    )


def test_billion_laughs_is_refused_and_writes_nothing(client, services):
    version = services.epg_repo.version()
    response = post_xml(client, BILLION_LAUGHS)
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "invalid_xmltv" and "nothing was imported" in body["message"]
    assert client.get("/api/v1/channels").get_json() == {"channels": []}
    assert services.epg_repo.version() == version


@pytest.mark.parametrize(
    "data", [b"", b"<tv><channel id='a.b'>", b"not xml at all", b"\xff\xfe\x00garbage"]
)
def test_broken_xml_answers_400(client, data):
    response = post_xml(client, data)
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_xmltv"


def test_import_over_the_size_limit_answers_413(client, monkeypatch):
    monkeypatch.setattr("tv_backend.api.epg.MAX_IMPORT_BYTES", 100)
    response = post_xml(client, FIXTURE.read_bytes())
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
    assert client.get("/api/v1/channels").get_json() == {"channels": []}


def test_reimport_replaces_rather_than_duplicates(client, services, imported):
    again = post_xml(client, FIXTURE.read_bytes()).get_json()
    assert again["created"] == 0 and again["programmes"] == 7 and again["replaced"] == 7
    assert len(services.epg_repo.programmes()) == 7
    # A later file for one channel only replaces that channel's span.
    one = FIXTURE.read_bytes().split(b"<programme", 1)[0] + (
        b'<programme start="20261130090000 +0800" stop="20261130100000 +0800"'
        b' channel="hnjy2.edutv.cn"><title lang="zh">\xe7\x89\xa9\xe7\x90\x86</title>'
        b"</programme></tv>"
    )
    report = post_xml(client, one).get_json()
    assert report["programmes"] == 1 and report["replaced"] == 1
    hnjy2 = services.epg_repo.programmes("hnjy2.edutv.cn")
    assert [p.title["zh"] for p in hnjy2] == ["名师直播课", "物理"]
    assert len(services.epg_repo.programmes()) == 7


def test_merge_import_keeps_what_the_file_does_not_cover(client, services, imported):
    overlapping = FIXTURE.read_bytes().split(b"<programme", 1)[0] + (
        b'<programme start="20261130083000 +0800" stop="20261130093000 +0800"'
        b' channel="hnjy2.edutv.cn"><title lang="zh">\xe5\x8a\xa0\xe6\x92\xad</title>'
        b"</programme></tv>"
    )
    report = post_xml(client, overlapping, "?replace=false").get_json()
    assert report["repaired"] >= 1 and report["notes"]
    titles = [p.title["zh"] for p in services.epg_repo.programmes("hnjy2.edutv.cn")]
    assert "加播" in titles and "名师直播课" in titles


def test_put_channel_creates_then_replaces(client):
    body = {"number": 12, "name": {"zh": "体育频道", "en": "Sports"}, "catchup_days": 3}
    created = client.put("/api/v1/channels/sport.edutv.cn", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["stream"] == "/live/sport.edutv.cn/master.m3u8"
    replaced = client.put("/api/v1/channels/sport.edutv.cn", json={**body, "number": 13})
    assert replaced.status_code == 200 and replaced.get_json()["number"] == 13
    listed = client.get("/api/v1/channels").get_json()["channels"]
    assert [(c["id"], c["number"], c["catchup_days"]) for c in listed] == [
        ("sport.edutv.cn", 13, 3)
    ]


@pytest.mark.parametrize(
    ("channel_id", "body", "status", "field"),
    [
        ("nodot", {"number": 1, "name": {"zh": "x"}}, 422, "id"),
        ("a.b", {"number": 0, "name": {"zh": "x"}}, 400, "number"),
        ("a.b", {"number": 1}, 400, "name"),
        ("a.b", {"number": 1, "name": {"zh": "x"}, "timezone": "Mars/Olympus"}, 422, "channel"),
        ("a.b", {"number": 1, "name": {"zh": "x"}, "catchup_days": 99}, 400, "catchup_days"),
    ],
)
def test_put_channel_validates(client, channel_id, body, status, field):
    response = client.put(f"/api/v1/channels/{channel_id}", json=body)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["errors"]


def test_schedule_errors_name_the_field_path(client):
    client.put("/api/v1/channels/sched.edutv.cn", json={"number": 5, "name": {"zh": "排课"}})
    schedule = {
        "epoch": "2026-09-01",
        "templates": [{"id": "school", "periods": [{"start": "8:00", "stop": "25:00"}]}],
    }
    response = client.put("/api/v1/channels/sched.edutv.cn/schedule", json={"schedule": schedule})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_schedule"
    assert "templates[0].periods[0].stop" in body["message"]
    missing = client.put("/api/v1/channels/none.edutv.cn/schedule", json={"schedule": {}})
    assert missing.status_code in (404, 422)


def test_the_app_serves_linear_channels_with_the_one_error_body(client, imported):
    unknown = client.get("/live/nowhere.edutv.cn/master.m3u8")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    # The fixture's lessons have no media in this catalog: the channel is not on air, and says so
    silent = client.get("/live/hnjy1.edutv.cn/master.m3u8")
    body = silent.get_json()
    assert silent.status_code == 503 and body["code"] == "not_on_air", body
    assert body["message"] and set(body) >= {"code", "status", "message"}

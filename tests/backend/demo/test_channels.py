"""The demo's themed channels: a week of timetable from templates, every one on air, and the
live channel's periods live classes from the demo classroom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from epg.timeline import Span, check
from tv_backend.demo.channels import CHANNELS
from tv_backend.demo.seed import live_class_url

pytestmark = [pytest.mark.media, pytest.mark.slow]


def test_six_channels_carry_a_week_of_timetable_without_overlaps_or_gaps(demo):
    app, report = demo
    svc = app.extensions["edutv"]
    assert len(report.channels) == len(CHANNELS) >= 6
    assert [c.id for c in svc.epg.channels()] == [c.id for c in CHANNELS]
    now = datetime.now(UTC)
    for channel in CHANNELS:
        week = svc.epg_repo.programmes(channel.id, now, now + timedelta(days=6))
        span = Span(week[0].start, week[-1].stop)
        assert span.duration >= timedelta(days=6), channel.id
        assert check(week, span=span, channels=[channel.id]).ok, channel.id
        lessons = [p for p in week if not p.filler]
        assert lessons and all(p.lesson_id and p.course_id for p in lessons)
        assert any(p.title_in("zh").startswith("课间") for p in week if p.filler)
        live = {p.source for p in lessons if p.live}
        assert live == ({live_class_url(svc.settings)} if channel.live else set()), channel.id


def test_every_channel_is_on_air_now_with_now_and_next(demo):
    app, _ = demo
    client = app.test_client()
    now = client.get("/api/v1/guide/now").get_json()
    assert [c["id"] for c in now["channels"]] == [c.id for c in CHANNELS]
    assert all(c["now"] and c["next"] for c in now["channels"]), now
    for channel in CHANNELS:
        master = client.get(f"/live/{channel.id}/master.m3u8")
        assert master.status_code == 200, master.get_json()
        rendition = master.get_data(as_text=True).splitlines()[-1]
        playlist = client.get(f"/live/{channel.id}/{rendition}").get_data(as_text=True)
        assert "#EXT-X-MEDIA-SEQUENCE:" in playlist and "#EXT-X-ENDLIST" not in playlist
        assert playlist.count("#EXTINF:") >= 3

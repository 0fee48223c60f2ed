"""The real app under Xvfb: the programme guide and live TV against a backend holding an EPG.

The backend imports a small XMLTV (three channels, Chinese titles) through `EpgService` with
programmes laid around the real "now", so the guide opens on what really plays. Live streams
are not played here (``TV_PLAYER=null``, the UI tests' default): the backend's live playlists
need lessons with media, which the small feed has not; the player's URL is checked instead.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tv_client.viewmodels.guide import SHANGHAI, Reminders, floor_time, iso

pytestmark = pytest.mark.kivy

PAGE_UP, MENU, GREEN, YELLOW = 280, 109, 283, 284
DIGITS = {str(d): 48 + d for d in range(10)}
HALF_HOUR = timedelta(minutes=30)
CHANNELS = (  # id, number, name, programme length in minutes, titles
    ("hnjy1.edutv.cn", 1, "湖南教育一台", 60, ("七年级数学：有理数", "七年级语文：春", "英语听力")),
    ("hnjy2.edutv.cn", 2, "同步课堂", 30, ("名师直播课", "科学探究", "古诗朗读")),
    ("kids.edutv.cn", 12, "少儿频道", 90, ("我是接班人", "动画里的科学")),
)


def xmltv_time(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S +0800")


def schedule(now: datetime) -> dict[str, list[tuple[datetime, datetime, str]]]:
    """Each channel's programmes from 3 hours before now to 30 hours after, back to back,
    starting on the half hour (so the one on now is known to the test)."""
    base = floor_time(now, HALF_HOUR, SHANGHAI) - timedelta(hours=3)
    plan = {}
    for ident, _number, _name, minutes, titles in CHANNELS:
        items, start, n = [], base, 0
        while start < now + timedelta(hours=30):
            stop = start + timedelta(minutes=minutes)
            items.append((start, stop, f"{titles[n % len(titles)]}（{n + 1}）"))
            start, n = stop, n + 1
        plan[ident] = items
    return plan


def xmltv(plan, recorded: tuple[int, int] | None = None) -> bytes:
    """``recorded``: (course id, lesson id) that the first channel's programmes play."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<tv generator-info-name="EduTV UI tests">']
    for ident, number, name, _minutes, _titles in CHANNELS:
        lines += [
            f'<channel id="{ident}">',
            f'<display-name lang="zh">{name}</display-name>',
            f"<display-name>{number}</display-name>",
            "</channel>",
        ]
    for ident, items in plan.items():
        for start, stop, title in items:
            lines += [
                f'<programme start="{xmltv_time(start)}" stop="{xmltv_time(stop)}" '
                f'channel="{ident}">',
                f'<title lang="zh">{title}</title>',
                f'<desc lang="zh">{title}的内容介绍。</desc>',
                *_recorded(ident, recorded),
                "</programme>",
            ]
    lines.append("</tv>")
    return "\n".join(lines).encode("utf-8")


def _recorded(ident: str, recorded: tuple[int, int] | None) -> list[str]:
    if recorded is None or ident != CHANNELS[0][0]:
        return []
    course, lesson = recorded
    return [f'<episode-num system="edutv.course">{course}</episode-num>',
            f'<episode-num system="edutv.lesson">{lesson}</episode-num>']  # fmt: skip


def playing(plan, ident: str, at: datetime) -> tuple[datetime, datetime, str]:
    return next(p for p in plan[ident] if p[0] <= at < p[1])


@pytest.fixture(scope="module")
def epg_plan():
    return schedule(datetime.now(UTC))


@pytest.fixture(scope="module")
def backend(serve_feed, small_feed, epg_plan):
    """The small feed plus the guide: three channels with programmes around now."""
    server = serve_feed(small_feed)
    course = server.app.test_client().get("/api/v1/courses").get_json()["items"][0]
    detail = server.app.test_client().get(f"/api/v1/courses/{course['id']}").get_json()
    recorded = (course["id"], detail["lessons"][0]["id"])
    report = server.app.extensions["edutv"].epg.import_xmltv(xmltv(epg_plan, recorded))
    assert report.channels == 3, report
    return server


def key(app, code: int) -> dict:
    app.call({"cmd": "key", "code": code})
    return app.state()


def open_live(app) -> dict:
    app.wait_for(lambda s: s["screen"] == "home" and s["status"] == "ready")
    app.press("UP", "RIGHT", "RIGHT")
    assert app.state()["focus"] == "nav/live"
    app.press("OK")
    return app.wait_for(lambda s: s["screen"] == "live" and s["channel"] and s["channel_banner"])


def banner_now(state: dict) -> str:
    return state["channel_banner"]["now"]


def test_the_guide_moves_reminds_jumps_a_day_and_tunes(tv_app, epg_plan):
    app = tv_app()
    open_live(app)
    key(app, MENU)  # Menu on live TV: the guide, on the channel watched (the first)
    now = datetime.now(UTC)
    start, stop, title = playing(epg_plan, "hnjy1.edutv.cn", now)
    state = app.wait_for(lambda s: s["screen"] == "guide" and s["focused_title"] == title)
    assert state["stack"] == ["home", "live", "guide"]
    assert state["focused_channel"] == "hnjy1.edutv.cn" and state["focused_on_now"]
    assert state["rows"] == ["hnjy1.edutv.cn", "hnjy2.edutv.cn", "kids.edutv.cn"]
    assert state["row_labels"][0] == "01  湖南教育一台" and state["now_line"]
    assert state["day"].startswith("今天") and state["hint"] == "按 OK 观看"
    assert state["description"] == f"{title}的内容介绍。"
    assert state["highlights"] == ["GuideGrid"]
    app.screenshot("guide")

    later = app.press("RIGHT")  # the next programme of the row
    following = next(p for p in epg_plan["hnjy1.edutv.cn"] if p[0] == stop)
    assert later["focused_start"] == iso(stop) and later["focused_title"] == following[2]
    assert later["hint"] == "按 OK 预约" and not later["focused_on_now"]

    reminded = app.press("OK")  # a future programme: a reminder, said and saved
    reminder_key = f"hnjy1.edutv.cn@{iso(stop)}"
    assert reminded["reminders"] == [reminder_key] and reminded["focused_reminder"]
    assert "已预约" in reminded["toast"] and reminded["screen"] == "guide"
    saved = Reminders.from_json((app.data_dir / "reminders.json").read_text("utf-8"))
    assert reminder_key in saved
    app.screenshot("guide-reminder")

    back = app.press("LEFT")
    assert back["focused_start"] == iso(start) and back["focused_on_now"]
    down = app.press("DOWN")  # the next channel at the same time: what plays there now
    now = datetime.now(UTC)
    assert down["focused_channel"] == "hnjy2.edutv.cn" and down["focused_on_now"]
    assert down["focused_title"] == playing(epg_plan, "hnjy2.edutv.cn", now)[2]
    assert app.press("UP")["focused_channel"] == "hnjy1.edutv.cn"

    tomorrow = key(app, GREEN)  # a day on, at the same time of day
    assert tomorrow["day"].startswith("明天") and not tomorrow["now_line"]
    moved = datetime.fromisoformat(tomorrow["focused_start"])
    assert timedelta(hours=23) <= moved - start <= timedelta(hours=25)
    today = key(app, YELLOW)  # back to now
    assert today["day"].startswith("今天") and today["now_line"] and today["focused_on_now"]

    live = app.press("OK")  # what plays now: live TV on that channel, the guide closed
    assert live["screen"] == "live" and live["stack"] == ["home", "live"]
    assert live["channel"] == "hnjy1.edutv.cn"
    assert app.press("BACK")["screen"] == "home"


def test_live_zaps_with_ch_plus_tunes_digits_and_back_returns(tv_app, backend, epg_plan):
    app = tv_app()
    state = open_live(app)  # nothing watched yet: the first channel
    assert state["channel"] == "hnjy1.edutv.cn" and state["focus"] == "live"
    assert state["channel_banner"]["name"] == "湖南教育一台"
    assert state["url"] == f"{backend.url}/live/hnjy1.edutv.cn/master.m3u8"
    now_title = playing(epg_plan, "hnjy1.edutv.cn", datetime.now(UTC))[2]
    state = app.wait_for(lambda s: now_title in banner_now(s))
    assert state["highlights"] == ["ChannelBanner"]
    app.screenshot("live-banner")

    zapped = key(app, PAGE_UP)  # CH+: the banner moves at once, the tune when keys rest
    assert (
        zapped["channel_banner"]["name"] == "同步课堂"
        and zapped["channel_banner"]["number"] == "02"
    )
    assert zapped["shown_channel"] == "hnjy2.edutv.cn"
    now_title = playing(epg_plan, "hnjy2.edutv.cn", datetime.now(UTC))[2]
    assert now_title in banner_now(zapped)
    assert zapped["switching"] and zapped["channel_banner"]["status"] == "正在切换…"
    tuned = app.wait_for(lambda s: s["channel"] == "hnjy2.edutv.cn" and not s["switching"])
    assert tuned["url"].endswith("/live/hnjy2.edutv.cn/master.m3u8")
    assert tuned["state"] == "playing"

    key(app, DIGITS["1"])
    typing = app.state()
    assert typing["channel_banner"]["number"] == "1-"  # the number grows on the banner
    key(app, DIGITS["2"])  # as many digits as the longest number: tuned at once
    twelve = app.wait_for(lambda s: s["channel"] == "kids.edutv.cn")
    assert twelve["channel_banner"]["name"] == "少儿频道" and twelve["channel_number"] == 12
    app.screenshot("live-digits")

    assert app.press("BACK")["screen"] == "home"
    app.press("OK")  # 直播 again: the last channel watched
    again = app.wait_for(lambda s: s["screen"] == "live" and s["channel"])
    assert again["channel"] == "kids.edutv.cn"
    assert (app.data_dir / "live-channel.txt").read_text() == "kids.edutv.cn"


def test_a_reminder_pops_up_and_tunes_at_its_start(tv_app, tmp_path):
    data_dir = tmp_path / "reminded"
    data_dir.mkdir()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    record = {
        "format": Reminders.FORMAT,
        "version": Reminders.VERSION,
        "reminders": [
            {
                "channel_id": "kids.edutv.cn",
                "start": iso(start),
                "stop": iso(start + timedelta(hours=1)),
                "title": {"zh": "我是接班人"},
            }
        ],
    }
    (data_dir / "reminders.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    app = tv_app(data_dir)
    app.wait_for(lambda s: s["screen"] == "home" and s["status"] == "ready")
    state = app.wait_for(lambda s: s["screen"] == "live" and s["channel"] == "kids.edutv.cn", 40)
    assert "「我是接班人」开始了" in state["popup"]
    app.screenshot("live-reminder")
    assert len(Reminders.from_json((data_dir / "reminders.json").read_text("utf-8"))) == 0
    assert app.press("BACK")["screen"] == "home"


def test_ok_on_a_past_programme_plays_its_lesson_as_catch_up(tv_app, epg_plan, backend):
    app = tv_app()
    open_live(app)
    key(app, MENU)
    app.wait_for(lambda s: s["screen"] == "guide" and s["focused_on_now"])
    past = app.press("LEFT")  # the programme before the one on air: over, and recorded
    assert past["focused_past"] and past["focused_channel"] == "hnjy1.edutv.cn"
    state = app.press("OK")
    state = app.wait_for(lambda s: s["screen"] == "player", 15)
    assert state["stack"][-2:] == ["course", "player"]
    course = backend.app.test_client().get("/api/v1/courses").get_json()["items"][0]
    detail = backend.app.test_client().get(f"/api/v1/courses/{course['id']}").get_json()
    assert state["lesson_id"] == detail["lessons"][0]["id"]
    assert app.press("BACK")["screen"] == "course"  # Back: the course it belongs to


def test_home_shows_what_is_live_now_and_ok_tunes_that_channel(tv_app, epg_plan):
    app = tv_app()
    state = app.wait_for(lambda s: s["screen"] == "home" and "正在直播" in s["rows"])
    for _ in range(len(state["rows"])):
        if state["focus"].startswith("live/"):
            break
        state = app.press("DOWN")
    assert state["focus"] == "live/0"
    moments = [datetime.now(UTC) - timedelta(seconds=s) for s in (0, 60)]  # a boundary passed

    def on_air(ident: str, number: int) -> set[str]:
        return {f"{number} {playing(epg_plan, ident, at)[2]}" for at in moments}

    assert state["focused_title"] in on_air("hnjy1.edutv.cn", 1)
    state = app.press("RIGHT")
    assert state["focused_title"] in on_air("hnjy2.edutv.cn", 2)
    app.screenshot("home-live-now")
    app.press("OK")
    tuned = app.wait_for(lambda s: s["screen"] == "live" and s["channel"] == "hnjy2.edutv.cn")
    assert tuned["stack"] == ["home", "live"]
    assert app.press("BACK")["screen"] == "home"

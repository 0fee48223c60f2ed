"""The demo's themed channels: six channels programmed like a school timetable, a week ahead.

Each channel plays the demo courses of its theme. A school day follows a bell schedule
(25-minute periods from 07:30, 10-minute breaks, an evening block); weekends, holidays and the
vacation follow a looser day of 55-minute blocks. The calendar is the 2026-2027 autumn term
with its holidays and one 调休 make-up day, so the guide shows what a family would see.
三个课堂 is the live channel: every period of its day is a live class from the classroom
encoder at ``live_url`` (``scripts/live-class.sh`` plays that classroom in the demo), and the
class's recorded lesson plays whenever the encoder is not on the air.
Everything goes through `EpgService` (validation, the overlap check, one version bump per
write), as an operator's console would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time

from tv_backend.demo.content import COURSES, DemoCourse
from tv_backend.services.epg import EpgService

CALENDAR = {
    "terms": [
        {"name": "2026年秋季学期", "first": "2026-09-01", "last": "2027-01-22"},
        {"name": "2027年春季学期", "first": "2027-02-22", "last": "2027-07-02"},
    ],
    "holidays": [
        {"name": "国庆节", "first": "2026-10-01", "last": "2026-10-07"},
        {"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"},
        {"name": "清明节", "first": "2027-04-03", "last": "2027-04-05"},
    ],
    "make_up_days": [{"date": "2026-10-10", "follows": "fri", "name": "国庆调休"}],
}


@dataclass(frozen=True)
class DemoChannel:
    id: str
    number: int
    name_zh: str
    name_en: str
    group_zh: str
    courses: Callable[[DemoCourse], bool]  # which demo courses it plays
    live: bool = False  # its periods are live classes (三个课堂)


CHANNELS: tuple[DemoChannel, ...] = (
    DemoChannel("xiaoxue.hnedu.tv", 1, "湖南智慧教育·小学", "Hunan Primary", "同步课堂",
                lambda c: c.stage == "primary" and c.series in ("tongbu", "zhiqu")),
    DemoChannel("chuzhong.hnedu.tv", 2, "湖南智慧教育·初中", "Hunan Junior", "同步课堂",
                lambda c: c.stage == "junior"),
    DemoChannel("gaozhong.hnedu.tv", 3, "湖南智慧教育·高中", "Hunan Senior", "同步课堂",
                lambda c: c.stage in ("senior", "vocational")),
    DemoChannel("jiebanren.hnedu.tv", 4, "我是接班人", "Successors", "专题教育",
                lambda c: c.series in ("jiebanren", "anquan", "laodong")),
    DemoChannel("daguo.hnedu.tv", 5, "大国长技", "Great Crafts", "专题教育",
                lambda c: c.series in ("daguo", "weilai", "kepu")),
    DemoChannel("sangeketang.hnedu.tv", 6, "三个课堂", "Three Classrooms", "三个课堂",
                lambda c: c.series in ("sangeketang", "shuxiang", "xinli", "jiating"), live=True),
)  # fmt: skip


def seed_channels(
    epg: EpgService,
    course_ids: dict[str, int],
    *,
    start: date,
    days: int = 7,
    live_url: str | None = None,
) -> list[str]:
    """Create or replace the demo channels, their schedules, and ``days`` of guide from
    ``start``; ``course_ids`` maps demo course keys to catalog ids; ``live_url`` is the
    classroom encoder of the live channel (None: it plays its recordings). One line per
    channel."""
    lines = []
    for channel in CHANNELS:
        sources = [f"course-{course_ids[c.key]}" for c in COURSES if channel.courses(c)]
        if not sources:
            raise ValueError(f"demo channel {channel.id} plays no course of the catalog")
        epg.put_channel(channel.id, _channel_values(channel))
        live = live_url if channel.live else None
        epg.put_schedule(channel.id, schedule(sources, live=live), CALENDAR)
        report = epg.publish(channel.id, start, days)
        lines.append(f"{channel.number} {channel.name_zh}: {report.programmes} programmes")
    return lines


def _channel_values(channel: DemoChannel) -> dict:
    return {
        "number": channel.number,
        "names": {"zh": channel.name_zh, "en": channel.name_en},
        "timezone": "Asia/Shanghai",
        "group": {"zh": channel.group_zh},
        "catchup_days": 7,
    }


def schedule(sources: Sequence[str], *, live: str | None = None) -> dict:
    """A school day of 25-minute periods and a weekend of 55-minute blocks over ``sources``
    in turn, each a live class from the encoder at ``live`` if given; the schedule's JSON, as
    the operator API takes it."""
    return {
        "epoch": "2026-09-01",
        "templates": [
            {"id": "school", "name": {"zh": "上学日"},
             "periods": _periods(sources, time(7, 30), time(21, 30), 25, 10, live)},
            {"id": "weekend", "name": {"zh": "周末"},
             "periods": _periods(sources, time(8, 0), time(22, 0), 55, 5, live)},
        ],
        "rules": [
            {"id": "school-days", "template": "school", "priority": 10, "kinds": ["school"]},
            {"id": "other-days", "template": "weekend", "priority": 0,
             "kinds": ["weekend", "holiday", "vacation"]},
        ],
    }  # fmt: skip


def _periods(
    sources: Sequence[str], first: time, last: time, minutes: int, pause: int, live: str | None
) -> list[dict]:
    periods, at, number = [], first.hour * 60 + first.minute, 0
    end = last.hour * 60 + last.minute
    while at + minutes <= end:
        source = sources[number % len(sources)]
        periods.append(
            {
                "name": {"zh": f"第{number + 1}节", "en": f"Period {number + 1}"},
                "start": _clock(at),
                "stop": _clock(at + minutes),
                "source": source,
                **({"live": live} if live else {}),
            }
        )
        at += minutes
        if at + pause + minutes <= end:
            periods.append(
                {
                    "name": {"zh": "课间", "en": "Break"},
                    "start": _clock(at),
                    "stop": _clock(at + pause),
                }
            )
        at += pause
        number += 1
    return periods  # fmt: skip


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

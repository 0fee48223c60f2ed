"""EpgService.publish: a channel's schedule built from the catalog and published."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from tv_backend.services.epg import ScheduleRejected
from tv_backend.storage.catalog import CourseFilter

CHANNEL = "tongbu.edutv.cn"


def schedule(source: str) -> dict:
    return {
        "epoch": "2026-11-30",
        "templates": [
            {
                "id": "school",
                "periods": [
                    {"start": "08:00", "stop": "08:40", "source": source, "name": {"zh": "第一节"}},
                    {"start": "08:40", "stop": "08:50", "name": {"zh": "课间"}},
                ],
            }
        ],
        "rules": [
            {
                "id": "weekdays",
                "template": "school",
                "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            }
        ],
    }


@pytest.fixture
def course(catalog):
    found = catalog.epg.catalog.courses(CourseFilter(), limit=50)
    return next(c for c in found if len(c.lessons) >= 2)


@pytest.fixture
def channel(catalog):
    catalog.epg.put_channel(CHANNEL, {"number": 8, "names": {"zh": "同步课堂"}})
    return catalog


def test_publish_builds_whole_local_days_from_the_course(channel, course):
    svc = channel.epg
    svc.put_schedule(CHANNEL, schedule(f"course-{course.id}"))
    version = svc.version()
    report = svc.publish(CHANNEL, date(2026, 11, 30), 2)
    # Asia/Shanghai days: 2026-11-30 00:00 +08:00 to 2026-12-02 00:00 +08:00
    assert report.start == datetime(2026, 11, 29, 16, tzinfo=UTC)
    assert report.stop == datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert report.version > version and report.replaced == 0
    assert "no issues" in report.summary
    stored = svc.programmes(CHANNEL, report.start, report.stop)
    assert len(stored) == report.programmes
    assert all(a.stop == b.start for a, b in pairwise(stored))
    lessons = [p for p in stored if p.lesson_id is not None]
    ids = [lesson.id for lesson in course.lessons]
    assert [p.lesson_id for p in lessons][: len(ids)] == ids  # in order, from lesson 1
    assert {p.course_id for p in lessons} == {course.id}
    assert lessons[0].start == datetime(2026, 11, 30, 0, tzinfo=UTC)  # 08:00 in Changsha

    again = svc.publish(CHANNEL, date(2026, 11, 30), 2)
    assert again.replaced == report.programmes
    assert len(svc.programmes(CHANNEL, report.start, report.stop)) == report.programmes


def test_publish_needs_sources_the_catalog_has(channel):
    channel.epg.put_schedule(CHANNEL, schedule("course-999999"))
    with pytest.raises(ScheduleRejected) as caught:
        channel.epg.publish(CHANNEL, date(2026, 11, 30), 1)
    assert "course-999999" in caught.value.errors["sources"]


def test_the_guide_is_rebuilt_once_per_version(channel, course):
    svc = channel.epg
    first = svc.prepared()
    assert svc.prepared() is first
    svc.put_schedule(CHANNEL, schedule(f"course-{course.id}"))
    svc.publish(CHANNEL, date(2026, 11, 30), 1)
    assert svc.prepared() is not first


def test_anchors_round_trip_without_bumping_the_version(channel):
    repo = channel.epg_repo
    version = repo.version()
    assert repo.anchor(CHANNEL) is None
    repo.save_anchor(CHANNEL, {"time": "2026-11-30T00:00:00+00:00", "sequence": 3})
    repo.save_anchor(CHANNEL, {"time": "2026-11-30T00:00:00+00:00", "sequence": 4})
    assert repo.anchor(CHANNEL) == {"time": "2026-11-30T00:00:00+00:00", "sequence": 4}
    assert repo.version() == version

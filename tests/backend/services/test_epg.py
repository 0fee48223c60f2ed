"""EpgService: a channel's schedule built from the catalog and published; reads that load
only the programmes they show (a spy wrapping the real repository counts them) by range queries
that touch only the rows in range (the database's own query plans say so)."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import event

from epg.model import Channel, Programme
from epg.timeline import Guide
from tv_backend.services.epg import EpgService, Hours, ScheduleRejected
from tv_backend.storage.catalog import CourseFilter

CHANNEL = "tongbu.edutv.cn"
DAY = datetime(2026, 11, 30, tzinfo=UTC)  # the day the reads ask about
FAR = timedelta(days=10)  # stored before and after it, never to be loaded
BUSY, SPARSE, EMPTY = "busy.edutv.cn", "sparse.edutv.cn", "empty.edutv.cn"


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


# -- reads load what they show ------------------------------------------------------------------


def back_to_back(channel: str, start: datetime, count: int, minutes: int = 30) -> list[Programme]:
    step = timedelta(minutes=minutes)
    return [
        Programme(channel, start + i * step, start + (i + 1) * step, {"zh": f"{channel} {i}"})
        for i in range(count)
    ]


def sparse_programmes() -> list[Programme]:
    """A 20-hour programme into DAY, a gap, then one 10 days later."""
    return [
        Programme(SPARSE, DAY - timedelta(hours=14), DAY + timedelta(hours=6), {"zh": "长节目"}),
        Programme(SPARSE, DAY + FAR, DAY + FAR + timedelta(hours=1), {"zh": "很久以后"}),
    ]


@pytest.fixture
def stored(services) -> list[Programme]:
    """Three channels: BUSY with whole days of 30-minute programmes 10 days before DAY, on DAY
    and 10 days after; SPARSE (`sparse_programmes`); EMPTY with none. Returns every programme."""
    busy = [
        p
        for day in (DAY - FAR, DAY, DAY + FAR)
        for p in back_to_back(BUSY, day - timedelta(hours=1), 50)
    ]
    everything = busy + sparse_programmes()
    with services.epg_repo.write() as write:
        for number, ident in enumerate((BUSY, SPARSE, EMPTY), start=1):
            write.put_channel(Channel(ident, number, {"zh": ident}))
        for ident in (BUSY, SPARSE):
            mine = [p for p in everything if p.channel == ident]
            write.replace_programmes(ident, mine[0].start, mine[-1].stop, mine)
    return everything


class CountingRepository:
    """The real repository; remembers every programme its reads returned."""

    def __init__(self, repo) -> None:
        self._repo = repo
        self.loaded: list[Programme] = []

    def __getattr__(self, name: str):
        return getattr(self._repo, name)

    def _seen(self, found: list[Programme]) -> list[Programme]:
        self.loaded += found
        return found

    def programmes(self, *args, **kwargs) -> list[Programme]:
        return self._seen(self._repo.programmes(*args, **kwargs))

    def overlapping(self, *args, **kwargs) -> list[Programme]:
        return self._seen(self._repo.overlapping(*args, **kwargs))

    def first_from(self, *args, **kwargs) -> dict[str, Programme]:
        found = self._repo.first_from(*args, **kwargs)
        self._seen(list(found.values()))
        return found

    def each_programme(self, *args, **kwargs) -> Iterator[Programme]:
        for programme in self._repo.each_programme(*args, **kwargs):
            self.loaded.append(programme)
            yield programme


@pytest.fixture
def spy(services, stored) -> CountingRepository:
    return CountingRepository(services.epg_repo)


def keys(programmes) -> list[tuple[str, datetime]]:
    return sorted((p.channel, p.start) for p in programmes)


def overlapping(programmes, start: datetime, stop: datetime) -> list[Programme]:
    return [p for p in programmes if p.stop > start and p.start < stop]


@pytest.mark.parametrize(
    ("start", "hours"),
    [(DAY, 24), (DAY + timedelta(hours=2), 6), (DAY + timedelta(hours=5, minutes=45), 1)],
)
def test_a_guide_window_loads_only_its_hours_and_answers_as_the_whole_guide(
    services, stored, spy, start, hours
):
    svc = EpgService(spy, services.epg.catalog)
    stop = start + timedelta(hours=hours)
    page = svc.guide(start, stop, 0, 50)
    whole = Guide.of(stored, [BUSY, SPARSE, EMPTY]).window(start, stop)
    assert [(c.id, got) for c, got in page.channels] == [
        (c, whole[c]) for c in (BUSY, SPARSE, EMPTY)
    ]
    # What was read: the programmes overlapping the window's UTC hours, nothing 10 days away.
    hours_start = start.replace(minute=0)
    hours_stop = stop if stop.minute == 0 else stop.replace(minute=0) + timedelta(hours=1)
    assert keys(spy.loaded) == keys(overlapping(stored, hours_start, hours_stop))


def test_a_page_loads_its_own_channels_and_what_is_loaded_serves_later_reads(services, stored, spy):
    svc = EpgService(spy, services.epg.catalog)
    day = (DAY, DAY + timedelta(hours=24))
    svc.guide(*day, 0, 1)
    assert spy.loaded and {p.channel for p in spy.loaded} == {BUSY}
    svc.guide(*day, 1, 2)
    assert keys(spy.loaded) == keys(overlapping(stored, *day))
    loaded = len(spy.loaded)
    svc.guide(*day, 0, 3)
    svc.guide(DAY + timedelta(hours=3), DAY + timedelta(hours=9), 0, 3)
    assert len(spy.loaded) == loaded  # nothing read again
    svc.now_next(DAY + timedelta(hours=4, minutes=10))
    assert keys(spy.loaded[loaded:]) == keys(sparse_programmes()[1:])  # only SPARSE's next
    assert svc.prepared().hours.held >= loaded


@pytest.mark.parametrize("minutes", [0, 1, 30, 59, 60, 6 * 60 + 10, 23 * 60 + 59])
def test_now_next_reads_two_hours_and_the_next_of_channels_with_a_gap(
    services, stored, spy, minutes
):
    svc = EpgService(spy, services.epg.catalog)
    now = DAY + timedelta(minutes=minutes)
    page = svc.now_next(now)
    whole = Guide.of(stored, [BUSY, SPARSE, EMPTY]).now_next(now)
    assert [answer for _, answer in page.channels] == [whole[c] for c in (BUSY, SPARSE, EMPTY)]
    hour = now.replace(minute=0)
    near = overlapping(stored, hour, hour + timedelta(hours=2))
    beyond = [whole[c].next for c in (BUSY, SPARSE, EMPTY)]
    beyond = [p for p in beyond if p is not None and p.start >= hour + timedelta(hours=2)]
    assert keys(spy.loaded) == keys(near + beyond)


def test_catch_up_and_live_reads_are_one_range_query(services, stored, spy):
    svc = EpgService(spy, services.epg.catalog)
    start, stop = DAY + timedelta(hours=5), DAY + timedelta(hours=7)
    assert keys(svc.programmes(SPARSE, start, stop)) == keys(sparse_programmes()[:1])
    assert keys(svc.programmes(BUSY, start, stop)) == keys(
        overlapping([p for p in stored if p.channel == BUSY], start, stop)
    )
    assert svc.programmes(EMPTY, start, stop) == []
    assert keys(spy.loaded) == keys(overlapping(stored[:-1], start, stop))  # nothing more
    assert svc.prepared().hours.held == 0  # and nothing kept


def test_export_streams_the_store_and_keeps_none_of_it(services, stored, spy):
    svc = EpgService(spy, services.epg.catalog)
    data = svc.export_xmltv()
    assert data.count(b"<programme ") == len(stored)
    assert keys(spy.loaded) == keys(stored)
    spy.loaded.clear()
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Programme) and o.channel == BUSY]
    assert len(alive) == len([p for p in stored if p.channel == BUSY])  # the fixture's own


# -- range queries touch only the rows in range ---------------------------------------------------

SCANS = re.compile(r"\bSCAN (programmes|other)\b|Seq Scan on programmes")


def plans(engine, read) -> list[str]:
    """The query plans of the statements ``read()`` runs (PostgreSQL told to avoid full scans
    where it can: a tiny table would be scanned whatever the indexes)."""
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        if "programmes" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    found = []
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
        for statement, parameters in statements:
            rows = connection.exec_driver_sql(explain + statement, parameters)
            found.append("\n".join(str(tuple(row)) for row in rows))
    return found


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda repo: repo.overlapping(DAY, DAY + timedelta(hours=24)), id="all"),
        pytest.param(
            lambda repo: repo.overlapping(DAY, DAY + timedelta(hours=6), [BUSY, SPARSE]), id="page"
        ),
        pytest.param(lambda repo: repo.programmes(BUSY, DAY, DAY + timedelta(hours=2)), id="one"),
        pytest.param(lambda repo: repo.first_from(DAY, [BUSY, SPARSE, EMPTY]), id="next"),
    ],
)
def test_range_reads_use_indexes_not_scans(services, stored, read):
    found = plans(services.engine, lambda: read(services.epg_repo))
    assert found
    for plan in found:
        assert not SCANS.search(plan), plan


def test_overlapping_reads_what_a_whole_guide_answers(services, stored):
    repo = services.epg_repo
    for start in (DAY - FAR, DAY, DAY + timedelta(hours=5, minutes=59), DAY + FAR):
        stop = start + timedelta(hours=3)
        assert keys(repo.overlapping(start, stop)) == keys(overlapping(stored, start, stop))
        assert keys(repo.overlapping(start, stop, [SPARSE])) == keys(
            overlapping(sparse_programmes(), start, stop)
        )
    assert keys(repo.overlapping(DAY, None, [SPARSE])) == keys(sparse_programmes())
    assert list(repo.first_from(DAY + timedelta(hours=1), [SPARSE, EMPTY]).values()) == [
        sparse_programmes()[1]
    ]


# -- the hours of a prepared guide ----------------------------------------------------------------


def test_hours_are_loaded_once_and_the_least_recently_used_dropped_past_the_budget():
    programmes = back_to_back("a.edutv.cn", DAY, 96)  # two days, two per hour
    calls: list[tuple[datetime, datetime]] = []

    def load(start: datetime, stop: datetime, channels) -> list[Programme]:
        calls.append((start, stop))
        return [p for p in overlapping(programmes, start, stop) if p.channel in channels]

    hours = Hours(load, budget=10)
    at = [DAY + timedelta(hours=h) for h in range(48)]
    got = hours.covering(at[0], at[3], ["a.edutv.cn", "b.edutv.cn"])
    assert got == {"a.edutv.cn": overlapping(programmes, at[0], at[3]), "b.edutv.cn": []}
    assert calls == [(at[0], at[3])] and hours.held == 6
    hours.covering(at[2] + timedelta(minutes=10), at[5], ["a.edutv.cn"])
    assert calls[1:] == [(at[3], at[5])] and hours.held == 10  # only what was missing
    hours.covering(at[1], at[2], ["a.edutv.cn"])  # hour 1: used most recently
    hours.covering(at[20], at[22], ["a.edutv.cn"])
    assert calls[2:] == [(at[20], at[22])] and hours.held == 10  # hours 0 and 2 dropped
    hours.covering(at[1], at[2], ["a.edutv.cn"])
    hours.covering(at[3], at[5], ["a.edutv.cn"])
    assert calls[3:] == []
    hours.covering(at[0], at[1], ["a.edutv.cn"])
    assert calls[3:] == [(at[0], at[1])]
    wide = hours.covering(at[0], at[24], ["a.edutv.cn"])  # more than the budget: kept for it
    assert wide["a.edutv.cn"] == programmes[:48]


def test_hours_load_the_channels_a_read_lacks():
    programmes = [
        p for c in ("a.edutv.cn", "b.edutv.cn", "c.edutv.cn") for p in back_to_back(c, DAY, 8)
    ]
    calls: list[tuple[datetime, datetime, list[str]]] = []

    def load(start: datetime, stop: datetime, channels) -> list[Programme]:
        calls.append((start, stop, list(channels)))
        return [p for p in overlapping(programmes, start, stop) if p.channel in channels]

    hours = Hours(load)
    at = [DAY + timedelta(hours=h) for h in range(5)]
    hours.covering(at[0], at[2], ["a.edutv.cn"])
    got = hours.covering(at[1], at[3], ["b.edutv.cn", "a.edutv.cn"])
    assert calls == [
        (at[0], at[2], ["a.edutv.cn"]),
        (at[1], at[3], ["a.edutv.cn", "b.edutv.cn"]),  # a lacks hour 2, b both: one query
    ]
    assert got["a.edutv.cn"] == overlapping(programmes[:8], at[1], at[3])
    assert got["b.edutv.cn"] == overlapping(programmes[8:16], at[1], at[3])
    assert hours.held == 3 * 2 + 2 * 2  # a in hours 0-2, b in hours 1-2, two each
    hours.covering(at[2], at[3], ["a.edutv.cn", "b.edutv.cn"])
    assert len(calls) == 2
    hours.covering(at[0], at[3], ["a.edutv.cn", "b.edutv.cn"])
    assert calls[2:] == [(at[0], at[1], ["b.edutv.cn"])]  # only what is lacking


def test_hours_hold_a_programme_spanning_hours_once_per_answer():
    long = Programme("a.edutv.cn", DAY - timedelta(hours=3), DAY + timedelta(hours=2), {"zh": "长"})
    after = back_to_back("a.edutv.cn", DAY + timedelta(hours=2), 2)
    hours = Hours(lambda start, stop, _channels: overlapping([long, *after], start, stop))
    assert hours.covering(DAY, DAY + timedelta(hours=3), ["a.edutv.cn"]) == {
        "a.edutv.cn": [long, *after]
    }
    assert hours.held == 4  # the long one in hours 0 and 1

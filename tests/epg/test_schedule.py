"""Schedules: validation, rule priority, filling periods (continuity, shuffle, not-fit, filler,
fallback), daylight saving, JSON, and "same input, same guide"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from epg.calendar import AcademicCalendar, DayKind, Holiday, MakeUpDay, Term, ordinary_day
from epg.model import Channel, EpgError, Episode, Programme
from epg.schedule import (
    BREAK,
    OFF_AIR,
    DayTemplate,
    Fill,
    Item,
    Order,
    Period,
    Rule,
    Schedule,
    Source,
    build,
    local_to_utc,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
SHANGHAI = Channel("hn-edu-7", 7, {"zh": "湖南教育 七年级"}, timezone="Asia/Shanghai")
BERLIN = Channel("de-edu", 8, {"zh": "柏林课堂"}, timezone="Europe/Berlin")
MONDAY = date(2026, 9, 7)  # the first Monday of the 2026 autumn term

CALENDAR = AcademicCalendar(
    terms=(Term("2026 秋季学期", date(2026, 9, 1), date(2027, 1, 20)),),
    holidays=(Holiday("国庆节", date(2026, 10, 1), date(2026, 10, 7)),),
    make_up_days=(MakeUpDay(date(2026, 10, 10), FRI, "国庆调休"),),
)


def source(
    source_id: str, minutes: list[int] | int, order: Order = Order.IN_ORDER, count: int = 5
) -> Source:
    """Items ``1..n`` of ``minutes`` each (or of the listed lengths), titled "<id> <n>"."""
    lengths = minutes if isinstance(minutes, list) else [minutes] * count
    items = tuple(
        Item({"zh": f"{source_id} {n}"}, length * 60, lesson_id=n, course_id=1)
        for n, length in enumerate(lengths, 1)
    )
    return Source(source_id, items, order)


def one_period(
    source_id: str | None,
    start: time = time(8),
    stop: time = time(8, 40),
    weekdays: frozenset[int] = WEEKDAYS,
    epoch: date = MONDAY,
    **schedule: object,
) -> Schedule:
    template = DayTemplate("t", (Period(start, stop, source_id, {"zh": "第一节"}),))
    return Schedule(epoch, (template,), (Rule("r", "t", weekdays=weekdays),), **schedule)


def within(guide: list[Programme], start: datetime, stop: datetime) -> list[Programme]:
    return [p for p in guide if start <= p.start < stop]


def on(guide: list[Programme], day: date, channel: Channel = SHANGHAI) -> list[Programme]:
    """The programmes of local ``day``."""
    return [p for p in guide if p.start.astimezone(channel.tz).date() == day]


def lessons(guide: list[Programme], day: date, channel: Channel = SHANGHAI) -> list[int]:
    return [p.lesson_id for p in on(guide, day, channel) if not p.filler]


def assert_whole_days(guide: list[Programme], channel: Channel, start: date, days: int) -> None:
    """Sorted, without overlaps or holes, from the first local midnight to the last."""
    tz = channel.tz
    assert guide[0].start == datetime.combine(start, time(0), tz).astimezone(UTC)
    end = start + timedelta(days=days)
    assert guide[-1].stop == datetime.combine(end, time(0), tz).astimezone(UTC)
    for before, after in pairwise(guide):
        assert before.stop == after.start, (before, after)
    assert all(p.channel == channel.id for p in guide)


# -- templates and rules: validation --------------------------------------------------------


def first(name: str, start: time, stop: time, source_id: str | None = "math") -> Period:
    return Period(start, stop, source_id, {"zh": name})


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (
            (
                first("第一节", time(8), time(8, 40)),
                first("第二节", time(8, 50), time(9, 30)),
                first("第三节", time(10), time(9, 40)),
            ),
            "template 'weekday': period 3 '第三节' (10:00-09:40) ends before it starts",
        ),
        ((Period(time(10), time(10)),), "template 'weekday': period 1 (10:00-10:00) has no length"),
        (
            (first("第一节", time(8), time(8, 40)), first("第二节", time(8, 30), time(9, 10))),
            "template 'weekday': period 2 '第二节' (08:30-09:10) overlaps "
            "period 1 '第一节' (08:00-08:40)",
        ),
        (
            (first("第一节", time(8), time(8, 40)), first("早读", time(7, 20), time(7, 50))),
            "template 'weekday': period 2 '早读' (07:20-07:50) starts before "
            "period 1 '第一节' (08:00-08:40): list periods in time order",
        ),
        (
            (first("晚间", time(22), time(0)), first("午夜", time(23, 30), time(23, 50))),
            "period 2 '午夜' (23:30-23:50) overlaps period 1 '晚间' (22:00-24:00)",
        ),
        (
            (Period(time(8, tzinfo=ZoneInfo("Asia/Shanghai")), time(9)),),
            "template 'weekday': period 1: datetime.time(8, 0, tzinfo=",
        ),
        (
            (first("第一节", time(8), time(9), "数学 7"),),
            "period 1 '第一节' (08:00-09:00): source id",
        ),
    ],
)
def test_invalid_templates_name_the_periods(periods: tuple[Period, ...], message: str):
    with pytest.raises(EpgError) as error:
        DayTemplate("weekday", periods)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "periods",
    [
        (),  # a template of nothing: the fallback all day
        (first("全天", time(0), time(0)),),  # midnight to midnight
        (first("第一节", time(8), time(8, 40)), first("第二节", time(8, 40), time(9, 20))),
        (first("晚间", time(22), time(0)),),
    ],
)
def test_valid_templates(periods: tuple[Period, ...]):
    assert DayTemplate("weekday", periods).periods == periods


@pytest.mark.parametrize(
    ("build_it", "message"),
    [
        (lambda: Rule("r", "t", weekdays=frozenset()), "rule 'r': no weekdays"),
        (lambda: Rule("r", "t", weekdays=frozenset({7})), "rule 'r': weekday 7 is not 0-6"),
        (lambda: Rule("r", "t", kinds=frozenset({"term"})), "rule 'r': 'term' is not a valid"),
        (lambda: Rule("r", "t", kinds=frozenset()), "rule 'r': no day kinds"),
        (lambda: Rule("r", "t", priority=True), "rule 'r': priority True is not a whole number"),
        (
            lambda: Rule("r", "t", first=date(2026, 9, 10), last=date(2026, 9, 1)),
            "rule 'r': ends 2026-09-01 before it starts 2026-09-10",
        ),
        (lambda: Rule("r 1", "t"), "rule id 'r 1'"),
        (
            lambda: Schedule(MONDAY, (DayTemplate("weekday"),), (Rule("r", "weekdy"),)),
            "rule 'r' uses template 'weekdy', which is not defined (templates: 'weekday')",
        ),
        (
            lambda: Schedule(MONDAY, (DayTemplate("t"), DayTemplate("t"))),
            "template id 't' is used twice",
        ),
        (
            lambda: Schedule(MONDAY, (DayTemplate("t"),), (Rule("r", "t"), Rule("r", "t"))),
            "rule id 'r' is used twice",
        ),
        (lambda: Schedule(datetime(2026, 9, 7, tzinfo=UTC)), "is not a date"),
        (lambda: Item({"zh": "第1课"}, 0), "item '第1课': duration 0 is not 1 second or more"),
        (lambda: Item({}, 60), "item of 60 seconds has no title"),
        (lambda: Source("math", ()), "source 'math' has no items"),
        (lambda: Source("math", source("x", 5).items, "random"), "order 'random' is not"),
        (lambda: Fill({"zh": ""}), "filler card has no title"),
    ],
)
def test_invalid_schedules_say_what_is_wrong(build_it, message: str):
    with pytest.raises(EpgError) as error:
        build_it()
    assert message in str(error.value)


# -- which template a day uses ----------------------------------------------------------------

PRIORITIES = Schedule(
    MONDAY,
    tuple(DayTemplate(t) for t in ("school", "friday", "rest", "holiday", "exam")),
    (
        Rule("school", "school", 10, kinds=frozenset({DayKind.SCHOOL})),
        Rule("friday", "friday", 15, weekdays=frozenset({FRI}), kinds=frozenset({DayKind.SCHOOL})),
        Rule("rest", "rest", 10, kinds=frozenset({DayKind.WEEKEND, DayKind.VACATION})),
        Rule("holiday", "holiday", 20, kinds=frozenset({DayKind.HOLIDAY})),
        Rule("exam", "exam", 30, WEEKDAYS, first=date(2027, 1, 11), last=date(2027, 1, 15)),
    ),
)


@pytest.mark.parametrize(
    ("day", "template"),
    [
        (date(2026, 9, 1), "school"),
        (date(2026, 9, 4), "friday"),  # 15 beats the school days' 10
        (date(2026, 9, 5), "rest"),
        (date(2026, 10, 1), "holiday"),
        (date(2026, 10, 9), "friday"),
        (date(2026, 10, 10), "friday"),  # 调休: a Saturday working as a Friday
        (date(2026, 10, 11), "rest"),
        (date(2027, 1, 11), "exam"),  # the date range, priority 30
        (date(2027, 1, 15), "exam"),  # ... up to its last day
        (date(2027, 1, 16), "rest"),  # exam week is Monday to Friday
        (date(2027, 1, 18), "school"),
        (date(2027, 7, 20), "rest"),  # vacation
    ],
)
def test_the_highest_priority_matching_rule_wins(day: date, template: str):
    found = PRIORITIES.template_for(CALENDAR.day_kind(day))
    assert found is not None
    assert found.id == template


@pytest.mark.parametrize(("listed", "winner"), [(("a", "b"), "a"), (("b", "a"), "b")])
def test_equal_priorities_go_to_the_rule_listed_first(listed: tuple[str, str], winner: str):
    schedule = Schedule(
        MONDAY, (DayTemplate("a"), DayTemplate("b")), tuple(Rule(r, r, 5) for r in listed)
    )
    rule = schedule.rule_for(ordinary_day(MONDAY))
    assert rule is not None
    assert rule.id == winner


@pytest.mark.parametrize(
    ("rule", "day", "matches"),
    [
        (Rule("r", "t"), date(2026, 9, 5), True),  # no condition: every day
        (Rule("r", "t", weekdays=WEEKDAYS), date(2026, 9, 4), True),
        (Rule("r", "t", weekdays=WEEKDAYS), date(2026, 9, 5), False),
        (Rule("r", "t", weekdays=WEEKDAYS), date(2026, 10, 10), True),  # 调休 Saturday
        (Rule("r", "t", weekdays=frozenset({SAT})), date(2026, 10, 10), False),
        (Rule("r", "t", weekdays=WEEKDAYS), date(2026, 10, 1), True),  # a holiday Thursday
        (
            Rule("r", "t", weekdays=WEEKDAYS, kinds=frozenset({DayKind.SCHOOL})),
            date(2026, 10, 1),
            False,
        ),
        (Rule("r", "t", first=date(2026, 9, 7)), date(2026, 9, 6), False),
        (Rule("r", "t", first=date(2026, 9, 7)), date(2026, 9, 7), True),
        (Rule("r", "t", last=date(2026, 9, 7)), date(2026, 9, 7), True),
        (Rule("r", "t", last=date(2026, 9, 7)), date(2026, 9, 8), False),
        (Rule("r", "t", kinds=frozenset({DayKind.VACATION})), date(2027, 2, 1), True),
    ],
)
def test_rule_conditions(rule: Rule, day: date, matches: bool):
    assert rule.matches(CALENDAR.day_kind(day)) is matches


def test_a_day_no_rule_matches_is_one_fallback_programme():
    schedule = one_period("math", weekdays=frozenset({MON}))
    guide = build(SHANGHAI, schedule, [source("math", 20)], date(2026, 9, 8), 1)
    assert [(p.title, p.filler) for p in guide] == [(OFF_AIR, True)]
    assert_whole_days(guide, SHANGHAI, date(2026, 9, 8), 1)


# -- in order: continuity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (MONDAY, [1, 2]),
        (MONDAY + timedelta(1), [3, 4]),
        (MONDAY + timedelta(2), [5, 1]),  # wraps after the last lesson
        (MONDAY + timedelta(3), [2, 3]),
        (MONDAY + timedelta(4), [4, 5]),
        (MONDAY + timedelta(5), []),  # no rule on the weekend ...
        (MONDAY + timedelta(7), [1, 2]),  # ... and Monday continues where Friday stopped
    ],
)
def test_in_order_sources_continue_across_days(day: date, expected: list[int]):
    guide = build(SHANGHAI, one_period("math"), [source("math", 20)], MONDAY, 8)
    assert lessons(guide, day) == expected


@pytest.mark.parametrize("start", [MONDAY + timedelta(days) for days in (1, 2, 4, 9, 30)])
def test_continuity_does_not_depend_on_where_the_build_starts(start: date):
    schedule, sources = one_period("math"), [source("math", 20, count=7)]
    whole = build(SHANGHAI, schedule, sources, MONDAY, 40)
    part = build(SHANGHAI, schedule, sources, start, 3)
    assert (
        part == [p for p in whole if start <= p.start.astimezone(SHANGHAI.tz).date()][: len(part)]
    )
    assert lessons(part, start) == lessons(whole, start)


def test_one_source_in_two_periods_continues_from_the_first_to_the_second():
    template = DayTemplate(
        "t",
        (Period(time(8), time(8, 40), "math"), Period(time(10), time(10, 20), "math")),
    )
    schedule = Schedule(MONDAY, (template,), (Rule("r", "t", weekdays=WEEKDAYS),))
    guide = build(SHANGHAI, schedule, [source("math", 20, count=9)], MONDAY, 2)
    assert lessons(guide, MONDAY) == [1, 2, 3]
    assert lessons(guide, MONDAY + timedelta(1)) == [4, 5, 6]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 30), [1, 2]),  # the epoch
        (date(2026, 10, 1), []),  # 国庆节: no school day, nothing advances
        (date(2026, 10, 8), [3, 4]),
        (date(2026, 10, 9), [5, 6]),
        (date(2026, 10, 10), [7, 8]),  # the 调休 Saturday is a school day
        (date(2026, 10, 11), []),
        (date(2026, 10, 12), [9, 10]),
    ],
)
def test_continuity_follows_the_calendar(day: date, expected: list[int]):
    schedule = Schedule(
        date(2026, 9, 30),
        (DayTemplate("t", (Period(time(8), time(8, 40), "math"),)),),
        (Rule("r", "t", kinds=frozenset({DayKind.SCHOOL})),),
    )
    guide = build(SHANGHAI, schedule, [source("math", 20, count=20)], day, 1, CALENDAR)
    assert lessons(guide, day) == expected


def test_before_the_epoch_every_day_starts_over():
    schedule = one_period("math", weekdays=EVERY_DAY)
    guide = build(SHANGHAI, schedule, [source("math", 20)], MONDAY - timedelta(7), 9)
    assert lessons(guide, MONDAY - timedelta(7)) == [1, 2]
    assert lessons(guide, MONDAY - timedelta(1)) == [1, 2]
    assert lessons(guide, MONDAY) == [1, 2]  # the epoch: lesson 1 again
    assert lessons(guide, MONDAY + timedelta(1)) == [3, 4]


# -- shuffled ---------------------------------------------------------------------------------


def shuffled_guide(channel: Channel = SHANGHAI, days: int = 7) -> list[Programme]:
    schedule = one_period("clips", weekdays=EVERY_DAY)
    return build(channel, schedule, [source("clips", 5, Order.SHUFFLED, 8)], MONDAY, days)


def test_shuffled_periods_are_the_same_for_the_same_input():
    assert shuffled_guide() == shuffled_guide()


def test_shuffled_periods_play_each_item_once_in_another_order_each_day():
    guide = shuffled_guide()
    orders = [lessons(guide, MONDAY + timedelta(days)) for days in range(7)]
    assert all(sorted(order) == list(range(1, 9)) for order in orders)  # 8 x 5 min = 40 min
    assert len({tuple(order) for order in orders}) == 7


def test_another_channel_shuffles_differently():
    other = Channel("hn-edu-8", 8, {"zh": "湖南教育 八年级"})
    assert lessons(shuffled_guide(other), MONDAY) != lessons(shuffled_guide(), MONDAY)


def test_a_shuffled_period_longer_than_its_source_plays_it_again():
    schedule = one_period("clips", time(8), time(9, 20))  # 80 minutes of 40
    guide = build(SHANGHAI, schedule, [source("clips", 5, Order.SHUFFLED, 8)], MONDAY, 1)
    played = lessons(guide, MONDAY)
    assert sorted(played) == sorted(list(range(1, 9)) * 2)


# -- items that do not fit --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected", "filler_minutes"),
    [
        (MONDAY, [1], 10),  # 30 fits, the 20 after it fits 10 minutes no longer: filler
        (MONDAY + timedelta(1), [2], 20),  # 20, then 30 does not fit: stop, never skip
        (MONDAY + timedelta(2), [3], 10),
        (MONDAY + timedelta(3), [1], 10),  # wrapped
    ],
)
def test_in_order_stops_at_an_item_that_does_not_fit_and_fills(
    day: date, expected: list[int], filler_minutes: int
):
    guide = build(SHANGHAI, one_period("math"), [source("math", [30, 20, 30])], MONDAY, 4)
    assert lessons(guide, day) == expected
    period_start = datetime.combine(day, time(8), SHANGHAI.tz)
    period = within(guide, period_start, period_start + timedelta(minutes=40))
    fill = [p for p in period if p.filler]
    assert sum((p.duration for p in fill), timedelta()) == timedelta(minutes=filler_minutes)
    assert [p.title for p in fill] == [BREAK]


def test_an_item_longer_than_its_period_plays_cut_at_the_period_end():
    guide = build(SHANGHAI, one_period("math"), [source("math", [50, 20])], MONDAY, 2)
    monday = [p for p in on(guide, MONDAY) if not p.filler]
    assert [(p.lesson_id, p.duration) for p in monday] == [(1, timedelta(minutes=40))]
    assert monday[0].stop.astimezone(SHANGHAI.tz).time() == time(8, 40)
    assert lessons(guide, MONDAY + timedelta(1)) == [2]  # the course moves on


def test_shuffled_skips_what_does_not_fit_and_takes_what_does():
    schedule = one_period("clips")
    guide = build(SHANGHAI, schedule, [source("clips", [50, 10], Order.SHUFFLED)], MONDAY, 1)
    assert lessons(guide, MONDAY) == [2, 2, 2, 2]  # the 50 never fits 40: the 10 four times


def test_shuffled_cuts_one_item_when_none_fits():
    schedule = one_period("clips")
    guide = build(SHANGHAI, schedule, [source("clips", [50, 60], Order.SHUFFLED)], MONDAY, 1)
    played = [p for p in guide if not p.filler]
    assert len(played) == 1
    assert played[0].duration == timedelta(minutes=40)


@pytest.mark.parametrize("day", [MONDAY + timedelta(days) for days in range(5)])
def test_shuffled_leaves_less_filler_than_its_shortest_item(day: date):
    clips = source("clips", [25, 15, 12, 7], Order.SHUFFLED)
    guide = build(SHANGHAI, one_period("clips"), [clips], day, 1)
    period_start = datetime.combine(day, time(8), SHANGHAI.tz)
    period = within(guide, period_start, period_start + timedelta(minutes=40))
    fill = sum((p.duration for p in period if p.filler), timedelta())
    assert fill < timedelta(minutes=7)
    assert period[-1].stop == period_start + timedelta(minutes=40)


# -- filler and fallback ----------------------------------------------------------------------


def bells(*, filler: Fill | None = None, fallback: Fill | None = None) -> Schedule:
    periods = (
        Period(time(8), time(8, 40), "math", {"zh": "第一节"}),
        Period(time(8, 40), time(8, 50), None, {"zh": "课间", "en": "Recess"}),
        Period(time(8, 50), time(9, 30), "math", {"zh": "第二节"}),
        Period(time(10), time(10, 40), "math", {"zh": "第三节"}),  # 09:30-10:00: a gap
    )
    extra = {"filler": filler} if filler else {}
    extra |= {"fallback": fallback} if fallback else {}
    return Schedule(MONDAY, (DayTemplate("t", periods),), (Rule("r", "t"),), **extra)


def local_slots(guide: list[Programme], channel: Channel = SHANGHAI) -> list[tuple]:
    tz = channel.tz
    return [
        (
            p.start.astimezone(tz).strftime("%H:%M"),
            p.stop.astimezone(tz).strftime("%H:%M"),
            p.title.get("zh"),
            p.filler,
        )
        for p in guide
    ]


def test_breaks_gaps_and_the_hours_around_the_template():
    guide = build(SHANGHAI, bells(), [source("math", 40, count=9)], MONDAY, 1)
    assert local_slots(guide) == [
        ("00:00", "08:00", OFF_AIR["zh"], True),
        ("08:00", "08:40", "math 1", False),
        ("08:40", "08:50", "课间", True),  # a break's card carries its name
        ("08:50", "09:30", "math 2", False),
        ("09:30", "10:00", BREAK["zh"], True),  # between periods: the filler
        ("10:00", "10:40", "math 3", False),
        ("10:40", "00:00", OFF_AIR["zh"], True),  # after the last period: the fallback
    ]
    assert guide[2].title == {"zh": "课间", "en": "Recess"}
    assert_whole_days(guide, SHANGHAI, MONDAY, 1)


ENCODER = "http://school.example.cn/live/class1/master.m3u8"


def test_a_live_period_is_one_live_programme_whose_recording_is_the_next_lesson():
    periods = (
        Period(time(8), time(8, 40), "math", {"zh": "第一节"}),
        Period(time(8, 50), time(9, 30), "math", {"zh": "第二节"}, live=ENCODER),
        Period(time(10), time(10, 40), "math", {"zh": "第三节"}),
    )
    schedule = Schedule(MONDAY, (DayTemplate("t", periods),), (Rule("r", "t"),))
    math = source("math", 20, count=9)  # two 20-minute lessons fit a period
    guide = build(SHANGHAI, schedule, [math], MONDAY, 1)
    assert local_slots(guide)[1:8] == [
        ("08:00", "08:20", "math 1", False),
        ("08:20", "08:40", "math 2", False),
        ("08:40", "08:50", BREAK["zh"], True),
        ("08:50", "09:30", "math 3", False),  # the whole period, one programme
        ("09:30", "10:00", BREAK["zh"], True),
        ("10:00", "10:20", "math 4", False),  # the course goes on after the live class
        ("10:20", "10:40", "math 5", False),
    ]
    live = [p for p in guide if p.live]
    assert [(p.source, p.lesson_id) for p in live] == [(ENCODER, math.items[2].lesson_id)]
    assert Schedule.from_dict(json.loads(json.dumps(schedule.to_dict()))) == schedule


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (Period(time(8), time(9), None, {}, live=ENCODER), "needs a source"),
        (
            Period(time(8), time(9), "math", {}, live="rtmp://x/y"),
            r"HTTP\(S\) encoder URL, not .rtmp",
        ),
    ],
)
def test_a_live_period_needs_its_recording_and_an_http_encoder(period: Period, message: str):
    with pytest.raises(EpgError, match=message):
        DayTemplate("t", (period,))


def test_a_filler_source_plays_before_the_card():
    clips = source("clips", [4, 3], Order.SHUFFLED)
    guide = build(
        SHANGHAI,
        bells(filler=Fill(BREAK, "clips")),
        [source("math", 40, count=9), clips],
        MONDAY,
        1,
    )
    recess = within(
        guide, *(datetime.combine(MONDAY, t, SHANGHAI.tz) for t in (time(8, 40), time(8, 50)))
    )
    assert all(p.filler for p in recess)
    assert {p.title["zh"] for p in recess[:-1]} <= {"clips 1", "clips 2"}
    assert recess[0].title["zh"] in {"clips 1", "clips 2"}
    # 10 minutes of 4s and 3s: 4+3+3 or 3+4+3 ... at most 2 minutes are left for the card
    leftover = [p for p in recess if p.title["zh"] == "课间"]
    assert sum((p.duration for p in leftover), timedelta()) < timedelta(minutes=3)


def test_a_fallback_source_fills_the_unscheduled_hours():
    promo = source("promo", [60], Order.SHUFFLED)
    schedule = bells(fallback=Fill({"zh": "湖南教育频道"}, "promo", {"zh": "稍后回来"}))
    guide = build(SHANGHAI, schedule, [source("math", 40, count=9), promo], MONDAY, 1)
    morning = local_slots(guide)[:8]
    assert morning == [(f"{h:02}:00", f"{h + 1:02}:00", "promo 1", True) for h in range(8)]
    evening = [p for p in guide if p.stop.astimezone(SHANGHAI.tz).time() == time(0)][-1]
    assert evening.title == {"zh": "湖南教育频道"}  # 10:40-00:00 is 13 h 20: 13 promos, a card
    assert evening.description == {"zh": "稍后回来"}
    assert evening.duration == timedelta(minutes=20)


# -- time zones and daylight saving -----------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/Berlin", date(2026, 3, 28), time(8), "2026-03-28T07:00:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(8), "2026-03-29T06:00:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(1, 59), "2026-03-29T00:59:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(2), "2026-03-29T01:00:00+00:00"),  # the gap ...
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), "2026-03-29T01:00:00+00:00"),  # ... is
        ("Europe/Berlin", date(2026, 3, 29), time(3), "2026-03-29T01:00:00+00:00"),  # the jump
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), "2026-10-25T00:30:00+00:00"),  # first
        ("Europe/Berlin", date(2026, 10, 25), time(3), "2026-10-25T02:00:00+00:00"),
        ("Europe/Berlin", date(2026, 10, 25), time(8), "2026-10-25T07:00:00+00:00"),
        ("Asia/Shanghai", date(2026, 3, 29), time(8), "2026-03-29T00:00:00+00:00"),
        ("Asia/Shanghai", date(2026, 10, 25), time(0), "2026-10-24T16:00:00+00:00"),
    ],
)
def test_local_to_utc(zone: str, day: date, at: time, expected: str):
    assert local_to_utc(day, at, ZoneInfo(zone)).isoformat() == expected


def test_local_to_utc_never_goes_backwards_through_a_change():
    tz = ZoneInfo("Europe/Berlin")
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        moments = [local_to_utc(day, time(h, m), tz) for h in range(24) for m in range(0, 60, 10)]
        assert moments == sorted(moments)


@pytest.mark.parametrize(
    ("channel", "monday", "utc_hours"),
    [
        # the spring change is on Sunday 2026-03-29: 08:00 is 07:00Z before, 06:00Z after
        (BERLIN, date(2026, 3, 23), [7, 7, 7, 7, 7, 7, 6, 6]),
        # the autumn change is on Sunday 2026-10-25: 06:00Z before, 07:00Z after
        (BERLIN, date(2026, 10, 19), [6, 6, 6, 6, 6, 6, 7, 7]),
        (SHANGHAI, date(2026, 3, 23), [0] * 8),  # no daylight saving
        (SHANGHAI, date(2026, 10, 19), [0] * 8),
    ],
)
def test_a_channel_keeps_its_local_slots_through_daylight_saving(
    channel: Channel, monday: date, utc_hours: list[int]
):
    schedule = one_period("math", weekdays=EVERY_DAY, epoch=monday)
    guide = build(channel, schedule, [source("math", 20)], monday, 8)
    starts = [p.start for p in guide if not p.filler]
    assert len(starts) == 16
    firsts = starts[::2]
    assert [s.astimezone(channel.tz).strftime("%H:%M") for s in firsts] == ["08:00"] * 8
    assert [s.hour for s in firsts] == utc_hours
    assert [s.date() for s in firsts] == [monday + timedelta(days) for days in range(8)]
    assert_whole_days(guide, channel, monday, 8)


NIGHT = DayTemplate(
    "night",
    (
        Period(time(1, 30), time(2, 30), None, {"zh": "A"}),
        Period(time(2, 30), time(3), None, {"zh": "B"}),
        Period(time(3), time(4), None, {"zh": "C"}),
    ),
)


@pytest.mark.parametrize(
    ("day", "expected", "hours"),
    [
        # spring forward: 02:00-03:00 does not exist. A is cut at the jump (30 minutes), B lies
        # inside the gap and does not happen, C is whole; the day lasts 23 hours.
        (
            date(2026, 3, 29),
            [("A", "00:30", "01:00"), ("C", "01:00", "02:00")],
            23,
        ),
        # autumn: 02:00-03:00 happens twice. A starts and ends in the first one (60 minutes),
        # B runs at 02:59 so it keeps the repeated hour (90 minutes); the day lasts 25 hours.
        (
            date(2026, 10, 25),
            [("A", "23:30", "00:30"), ("B", "00:30", "02:00"), ("C", "02:00", "03:00")],
            25,
        ),
        (  # an ordinary night
            date(2026, 10, 26),
            [("A", "00:30", "01:30"), ("B", "01:30", "02:00"), ("C", "02:00", "03:00")],
            24,
        ),
    ],
)
def test_periods_in_the_daylight_saving_gap_and_fold(
    day: date, expected: list[tuple[str, str, str]], hours: int
):
    schedule = Schedule(day, (NIGHT,), (Rule("r", "night"),))
    guide = build(BERLIN, schedule, [], day, 1)
    periods = [p for p in guide if p.title.get("zh") in {"A", "B", "C"}]
    assert [
        (p.title["zh"], p.start.strftime("%H:%M"), p.stop.strftime("%H:%M")) for p in periods
    ] == expected
    assert guide[-1].stop - guide[0].start == timedelta(hours=hours)
    assert_whole_days(guide, BERLIN, day, 1)


# -- the whole thing --------------------------------------------------------------------------


def full_schedule() -> tuple[Schedule, list[Source]]:
    school = DayTemplate(
        "school",
        (
            Period(time(8), time(8, 40), "math7", {"zh": "第一节"}),
            Period(time(8, 40), time(8, 50), None, {"zh": "课间"}),
            Period(time(8, 50), time(9, 30), "chinese7", {"zh": "第二节"}),
            Period(time(19), time(19, 30), "jiebanren", {"zh": "我是接班人"}),
        ),
        {"zh": "上学日"},
    )
    weekend = DayTemplate(
        "weekend", (Period(time(9), time(11), "daguo", {"zh": "大国长技"}),), {"zh": "周末"}
    )
    schedule = Schedule(
        date(2026, 9, 1),
        (school, weekend),
        (
            Rule("school", "school", 10, kinds=frozenset({DayKind.SCHOOL})),
            Rule("weekend", "weekend", 10, frozenset({SAT, SUN})),
            Rule("holiday", "weekend", 20, kinds=frozenset({DayKind.HOLIDAY})),
        ),
        Fill(BREAK, "clips"),
        Fill(OFF_AIR),
    )
    sources = [
        source("math7", [40, 35, 40, 20, 45, 40]),
        source("chinese7", 40, count=12),
        source("jiebanren", 15, Order.SHUFFLED, count=6),
        source("daguo", [25, 30, 28, 26, 24], Order.SHUFFLED),
        source("clips", [2, 3, 4], Order.SHUFFLED),
    ]
    return schedule, sources


def test_same_input_same_guide():
    schedule, sources = full_schedule()
    first = build(SHANGHAI, schedule, sources, date(2026, 9, 28), 14, CALENDAR)
    again = build(SHANGHAI, schedule, list(reversed(sources)), date(2026, 9, 28), 14, CALENDAR)
    assert first == again
    assert_whole_days(first, SHANGHAI, date(2026, 9, 28), 14)
    assert all(p.start.tzinfo is UTC and p.stop.tzinfo is UTC for p in first)


def test_a_schedule_read_back_from_json_builds_the_same_guide():
    schedule, sources = full_schedule()
    data = json.loads(json.dumps(schedule.to_dict(), ensure_ascii=False))
    again = Schedule.from_dict(data)
    assert again == schedule
    sources_again = [Source.from_dict(json.loads(json.dumps(s.to_dict()))) for s in sources]
    assert sources_again == sources
    start = date(2026, 10, 5)
    assert build(SHANGHAI, again, sources_again, start, 7, CALENDAR) == build(
        SHANGHAI, schedule, sources, start, 7, CALENDAR
    )


def test_source_ids_are_what_build_needs():
    schedule, _ = full_schedule()
    assert schedule.source_ids() == {"math7", "chinese7", "jiebanren", "daguo", "clips"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"sources": []},
            "template 'school': period 1 '第一节' (08:00-08:40) plays source 'math7', "
            "which is not among the sources given",
        ),
        ({"days": -1}, "build of hn-edu-7: days -1 is not 0 or more"),
        ({"start": datetime(2026, 10, 5, tzinfo=UTC)}, "build of hn-edu-7: start"),
    ],
)
def test_build_refuses_what_it_cannot_use(arguments: dict, message: str):
    schedule, sources = full_schedule()
    call = {"sources": sources, "start": date(2026, 10, 5), "days": 1} | arguments
    with pytest.raises(EpgError) as error:
        build(SHANGHAI, schedule, call["sources"], call["start"], call["days"])
    assert message in str(error.value)


def test_a_missing_filler_source_is_named():
    schedule, sources = full_schedule()
    with pytest.raises(EpgError, match="filler plays source 'clips', which is not among"):
        build(SHANGHAI, schedule, [s for s in sources if s.id != "clips"], MONDAY, 1)


def test_zero_days_is_an_empty_guide():
    schedule, sources = full_schedule()
    assert build(SHANGHAI, schedule, sources, MONDAY, 0) == []


# -- JSON -------------------------------------------------------------------------------------


SCHEDULE_JSON = {
    "epoch": "2026-09-01",
    "templates": [
        {
            "id": "weekday",
            "name": {"zh": "上学日"},
            "periods": [
                {"name": {"zh": "第一节"}, "start": "08:00", "stop": "08:40", "source": "math7"},
                {"name": {"zh": "课间"}, "start": "08:40", "stop": "08:50"},
                {"name": {"zh": "第二节"}, "start": "08:50", "stop": "09:30", "source": "math7"},
                {"name": {"zh": "晚间"}, "start": "22:00", "stop": "24:00", "source": "daguo"},
            ],
        }
    ],
    "rules": [
        {
            "id": "school",
            "template": "weekday",
            "priority": 10,
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "kinds": ["school"],
            "first": "2026-09-01",
            "last": "2027-01-20",
        }
    ],
    "filler": {"title": {"zh": "休息一下", "en": "Break"}, "source": "clips"},
    "fallback": {"title": {"zh": "精彩节目 稍后呈现", "en": "Programmes resume soon"}},
}


def test_schedule_json_both_ways():
    schedule = Schedule.from_dict(SCHEDULE_JSON)
    assert schedule.templates[0].periods[3].stop == time(0)  # "24:00": the end of the day
    assert schedule.rules[0].weekdays == WEEKDAYS
    assert schedule.rules[0].kinds == {DayKind.SCHOOL}
    assert schedule.to_dict() == SCHEDULE_JSON


def test_schedule_json_defaults():
    schedule = Schedule.from_dict({"epoch": "2026-09-01"})
    assert schedule == Schedule(date(2026, 9, 1))
    assert (schedule.filler.title, schedule.fallback.title) == (BREAK, OFF_AIR)


def changed(path: str, value: object) -> dict:
    """``SCHEDULE_JSON`` with the field at ``path`` (dots and [n]) set, or deleted if None."""
    data = json.loads(json.dumps(SCHEDULE_JSON))
    keys = [
        int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")
    ]
    target = data
    for key in keys[:-1]:
        target = target[key]
    if value is None:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("epoch", None, "epoch: missing"),
        ("epoch", "2026/09/01", "epoch: '2026/09/01' is not a date (YYYY-MM-DD)"),
        ("templates[0].periods[2].start", "8h50", "templates[0].periods[2].start: '8h50' is not"),
        ("templates[0].periods[1].stop", "25:00", "templates[0].periods[1].stop: '25:00' is not a"),
        ("templates[0].periods[0].start", "24:00", "templates[0].periods[0].start: '24:00' is"),
        ("templates[0].periods[0].source", 7, "templates[0].periods[0].source: expected a string"),
        ("templates[0].periods[0].name", "第一节", "templates[0].periods[0].name: expected texts"),
        ("templates[0].periods[1].strat", "08:40", "templates[0].periods[1].strat: unknown field"),
        ("templates[0].periods", {}, "templates[0].periods: expected a list, got an object"),
        (
            "templates[0].periods[2].start",
            "08:45",
            "templates[0]: template 'weekday': period 3 '第二节' (08:45-09:30) overlaps "
            "period 2 '课间' (08:40-08:50)",
        ),
        ("templates[0].id", None, "templates[0].id: missing"),
        ("rules[0].weekdays[1]", "tuesday", "rules[0].weekdays[1]: 'tuesday' is not one of"),
        ("rules[0].kinds[0]", "term", "rules[0].kinds[0]: 'term' is not school, weekend, holi"),
        ("rules[0].priority", "high", "rules[0].priority: expected a whole number, got a string"),
        ("rules[0].priority", True, "rules[0].priority: expected a whole number, got true/false"),
        (
            "rules[0].last",
            "2026-08-01",
            "rules[0]: rule 'school': ends 2026-08-01 before it starts 2026-09-01",
        ),
        ("rules[0].template", "weekend", "rule 'school' uses template 'weekend', which is not"),
        ("filler.sorce", "clips", "filler.sorce: unknown field"),
        ("fallback.title", None, "fallback.title: missing"),
        ("fallback", [], "fallback: expected an object, got a list"),
    ],
)
def test_schedule_json_errors_name_the_field(path: str, value: object, message: str):
    with pytest.raises(EpgError) as error:
        Schedule.from_dict(changed(path, value))
    assert message in str(error.value)


def test_source_json_both_ways():
    data = {
        "id": "jiebanren",
        "order": "shuffled",
        "name": {"zh": "我是接班人"},
        "items": [
            {
                "title": {"zh": "我是接班人 第3期"},
                "duration": 1500,
                "lesson_id": 301,
                "course_id": 30,
                "stage": "junior",
                "grade": 7,
                "subject": "moral",
                "rating": "G",
                "description": {"zh": "少年强则国强"},
                "categories": ["思政"],
                "episode": {"season": 2026, "episode": 3},
            }
        ],
    }
    source_ = Source.from_dict(data)
    assert source_.order is Order.SHUFFLED
    assert source_.items[0].episode == Episode(season=2026, episode=3)
    assert source_.to_dict() == data
    programme = source_.items[0].programme(
        "hn-edu-7", datetime(2026, 9, 7, tzinfo=UTC), datetime(2026, 9, 7, 0, 25, tzinfo=UTC)
    )
    assert (programme.lesson_id, programme.grade, programme.categories) == (301, 7, ("思政",))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id": "x", "items": []}, "source 'x' has no items"),
        ({"id": "x"}, "items: missing"),
        (
            {"id": "x", "items": [{"title": {"zh": "a"}, "duration": 60}, {"title": {"zh": "b"}}]},
            "items[1].duration: missing",
        ),
        (
            {"id": "x", "items": [{"title": {"zh": "a"}, "duration": "40"}]},
            "items[0].duration: expected a whole number, got a string",
        ),
        (
            {"id": "x", "items": [{"title": {"zh": "a"}, "duration": 0}]},
            "items[0]: item 'a': duration 0 is not 1 second or more",
        ),
        (
            {"id": "x", "items": [{"title": {"zh": "a"}, "duration": 60, "episode": {"part": 0}}]},
            "items[0].episode: episode part must be 1 or more",
        ),
        (
            {"id": "x", "order": "random", "items": [{"title": {"zh": "a"}, "duration": 60}]},
            "source 'x': order 'random' is not in_order, shuffled",
        ),
    ],
)
def test_source_json_errors_name_the_field(data: dict, message: str):
    with pytest.raises(EpgError) as error:
        Source.from_dict(data)
    assert message in str(error.value)

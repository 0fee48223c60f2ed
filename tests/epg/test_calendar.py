"""The academic calendar: day kinds and their precedence, validation, JSON both ways."""

from __future__ import annotations

import json
from datetime import date

import pytest

from epg.calendar import (
    AcademicCalendar,
    Day,
    DayKind,
    Holiday,
    MakeUpDay,
    Term,
    ordinary_day,
    weekday_name,
)
from epg.model import EpgError

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
AUTUMN = "2026 秋季学期"
SPRING = "2027 春季学期"

CALENDAR = AcademicCalendar(
    terms=(
        Term(AUTUMN, date(2026, 9, 1), date(2027, 1, 20)),
        Term(SPRING, date(2027, 2, 22), date(2027, 7, 2)),
    ),
    holidays=(
        Holiday("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
        Holiday("元旦", date(2027, 1, 1), date(2027, 1, 3)),
        Holiday("春节", date(2027, 2, 6), date(2027, 2, 12)),  # in the winter vacation
    ),
    make_up_days=(
        MakeUpDay(date(2026, 10, 10), FRI, "国庆调休"),
        MakeUpDay(date(2027, 2, 20), MON, "春节调休"),  # before the spring term starts
    ),
)


@pytest.mark.parametrize(
    ("day", "kind", "weekday", "name", "term"),
    [
        (date(2026, 8, 31), DayKind.VACATION, MON, None, None),
        (date(2026, 9, 1), DayKind.SCHOOL, TUE, None, AUTUMN),  # a term's first day counts
        (date(2026, 9, 4), DayKind.SCHOOL, FRI, None, AUTUMN),
        (date(2026, 9, 5), DayKind.WEEKEND, SAT, None, AUTUMN),
        (date(2026, 10, 1), DayKind.HOLIDAY, THU, "国庆节", AUTUMN),
        (date(2026, 10, 4), DayKind.HOLIDAY, SUN, "国庆节", AUTUMN),  # a holiday beats a weekend
        (date(2026, 10, 7), DayKind.HOLIDAY, WED, "国庆节", AUTUMN),  # ... up to its last day
        (date(2026, 10, 8), DayKind.SCHOOL, THU, None, AUTUMN),
        (date(2026, 10, 10), DayKind.SCHOOL, FRI, "国庆调休", AUTUMN),  # 调休: Saturday as Friday
        (date(2026, 10, 11), DayKind.WEEKEND, SUN, None, AUTUMN),
        (date(2027, 1, 2), DayKind.HOLIDAY, SAT, "元旦", AUTUMN),
        (date(2027, 1, 20), DayKind.SCHOOL, WED, None, AUTUMN),  # a term's last day counts
        (date(2027, 1, 21), DayKind.VACATION, THU, None, None),
        (date(2027, 2, 8), DayKind.HOLIDAY, MON, "春节", None),  # a holiday in a vacation
        (date(2027, 2, 20), DayKind.VACATION, SAT, None, None),  # 调休 outside a term: closed
        (date(2027, 2, 22), DayKind.SCHOOL, MON, None, SPRING),
        (date(2027, 7, 20), DayKind.VACATION, TUE, None, None),
    ],
)
def test_day_kind(day: date, kind: DayKind, weekday: int, name: str | None, term: str | None):
    result = CALENDAR.day_kind(day)
    assert (result.date, result.kind, result.weekday, result.name, result.term) == (
        day,
        kind,
        weekday,
        name,
        term,
    )
    assert result.school is (kind is DayKind.SCHOOL)
    assert result.make_up is (day == date(2026, 10, 10))


@pytest.mark.parametrize(
    ("make_up_days", "kind", "weekday"),
    [
        # a 调休 day listed inside a holiday's range: the explicit date wins, a school Monday
        ((MakeUpDay(date(2026, 10, 4), MON),), DayKind.SCHOOL, MON),
        # the same Sunday without the make-up day: the holiday
        ((), DayKind.HOLIDAY, SUN),
    ],
)
def test_a_make_up_day_beats_the_holiday_range_it_lies_in(
    make_up_days: tuple[MakeUpDay, ...], kind: DayKind, weekday: int
):
    calendar = AcademicCalendar(CALENDAR.terms, CALENDAR.holidays, make_up_days)
    day = calendar.day_kind(date(2026, 10, 4))
    assert (day.kind, day.weekday) == (kind, weekday)


@pytest.mark.parametrize(
    ("day", "kind", "weekday"),
    [
        (date(2026, 9, 3), DayKind.SCHOOL, THU),
        (date(2026, 9, 4), DayKind.WEEKEND, FRI),
        (date(2026, 9, 5), DayKind.WEEKEND, SAT),
        (date(2026, 9, 6), DayKind.SCHOOL, SUN),
        (date(2026, 9, 11), DayKind.SCHOOL, THU),  # a Friday working as a Thursday
    ],
)
def test_a_calendar_with_its_own_weekend(day: date, kind: DayKind, weekday: int):
    calendar = AcademicCalendar(
        terms=(Term(AUTUMN, date(2026, 9, 1), date(2027, 1, 20)),),
        make_up_days=(MakeUpDay(date(2026, 9, 11), THU),),
        weekend=frozenset({FRI, SAT}),
    )
    result = calendar.day_kind(day)
    assert (result.kind, result.weekday) == (kind, weekday)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 10, 1), DayKind.SCHOOL),  # no holidays without a calendar
        (date(2026, 10, 9), DayKind.SCHOOL),
        (date(2026, 10, 10), DayKind.WEEKEND),
        (date(2026, 10, 11), DayKind.WEEKEND),
    ],
)
def test_a_day_without_a_calendar(day: date, kind: DayKind):
    assert ordinary_day(day) == Day(day, kind, day.weekday())


def test_with_no_terms_every_day_is_vacation_or_holiday():
    calendar = AcademicCalendar(holidays=(Holiday("国庆节", date(2026, 10, 1), date(2026, 10, 7)),))
    assert calendar.day_kind(date(2026, 9, 2)).kind is DayKind.VACATION
    assert calendar.day_kind(date(2026, 10, 2)).kind is DayKind.HOLIDAY


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Term(AUTUMN, date(2027, 1, 20), date(2026, 9, 1)),
            f"term '{AUTUMN}': ends 2026-09-01 before it starts 2027-01-20",
        ),
        (
            lambda: Holiday("国庆节", date(2026, 10, 7), date(2026, 10, 1)),
            "holiday '国庆节': ends 2026-10-01 before it starts 2026-10-07",
        ),
        (lambda: Term(" ", date(2026, 9, 1), date(2027, 1, 20)), "term 2026-09-01..2027-01-20 has"),
        (
            lambda: AcademicCalendar(
                terms=(
                    Term("秋", date(2026, 9, 1), date(2027, 1, 20)),
                    Term("春", date(2027, 1, 20), date(2027, 7, 2)),
                )
            ),
            "terms '秋' (2026-09-01..2027-01-20) and '春' (2027-01-20..2027-07-02) overlap",
        ),
        (
            lambda: AcademicCalendar(
                holidays=(
                    Holiday("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
                    Holiday("中秋节", date(2026, 9, 25), date(2026, 10, 1)),
                )
            ),
            "holidays '中秋节' (2026-09-25..2026-10-01) and '国庆节' (2026-10-01..2026-10-07) "
            "overlap",
        ),
        (
            lambda: AcademicCalendar(make_up_days=(MakeUpDay(date(2026, 10, 12), FRI, "调休"),)),
            "make-up day 2026-10-12 (调休) is a Monday, not a weekend day",
        ),
        (
            lambda: AcademicCalendar(
                make_up_days=(
                    MakeUpDay(date(2026, 10, 10), FRI),
                    MakeUpDay(date(2026, 10, 10), MON),
                )
            ),
            "make-up day 2026-10-10 is listed twice",
        ),
        (
            lambda: AcademicCalendar(make_up_days=(MakeUpDay(date(2026, 10, 10), SUN),)),
            "make-up day 2026-10-10 follows Sunday, a weekend day",
        ),
        (lambda: MakeUpDay(date(2026, 10, 10), 7), "make-up day 2026-10-10: follows 7, not a"),
        (lambda: AcademicCalendar(weekend=frozenset({7})), "calendar weekend: 7 is not a weekday"),
        (
            lambda: AcademicCalendar(weekend=frozenset(range(7))),
            "calendar weekend: every weekday is a weekend day",
        ),
    ],
)
def test_invalid_calendars_say_what_is_wrong(build, message: str):
    with pytest.raises(EpgError) as error:
        build()
    assert message in str(error.value)


@pytest.mark.parametrize(
    "calendar",
    [
        CALENDAR,
        AcademicCalendar(),
        AcademicCalendar(
            terms=(Term(AUTUMN, date(2026, 9, 1), date(2027, 1, 20)),),
            make_up_days=(MakeUpDay(date(2026, 9, 11), THU),),
            weekend=frozenset({FRI, SAT}),
        ),
    ],
)
def test_a_calendar_survives_json(calendar: AcademicCalendar):
    data = json.loads(json.dumps(calendar.to_dict(), ensure_ascii=False))
    assert AcademicCalendar.from_dict(data) == calendar


def test_the_json_reads_like_the_operators_words():
    assert CALENDAR.to_dict()["make_up_days"][0] == {
        "date": "2026-10-10",
        "follows": "fri",
        "name": "国庆调休",
    }
    assert CALENDAR.to_dict()["weekend"] == ["sat", "sun"]
    assert CALENDAR.to_dict()["terms"][0] == {
        "name": AUTUMN,
        "first": "2026-09-01",
        "last": "2027-01-20",
    }


def test_from_dict_accepts_lists_and_defaults_the_weekend():
    calendar = AcademicCalendar.from_dict(
        {"terms": [{"name": AUTUMN, "first": "2026-09-01", "last": "2027-01-20"}]}
    )
    assert calendar.weekend == frozenset({SAT, SUN})
    assert calendar.day_kind(date(2026, 9, 5)).kind is DayKind.WEEKEND


TERM = {"name": AUTUMN, "first": "2026-09-01", "last": "2027-01-20"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the value: expected an object, got a list"),
        ({"terms": {}}, "terms: expected a list, got an object"),
        ({"terms": [TERM | {"first": "2026-9-1"}]}, "terms[0].first: '2026-9-1' is not a date"),
        ({"terms": [TERM | {"last": "2026-02-30"}]}, "terms[0].last: '2026-02-30' is not a date"),
        ({"terms": [TERM, {"name": "春", "first": "2027-02-22"}]}, "terms[1].last: missing"),
        ({"terms": [TERM | {"name": 2026}]}, "terms[0].name: expected a string, got int"),
        ({"terms": [TERM | {"note": "x"}]}, "terms[0].note: unknown field"),
        (
            {"terms": [TERM | {"first": "2027-02-01"}]},
            f"terms[0]: term '{AUTUMN}': ends 2027-01-20 before it starts 2027-02-01",
        ),
        (
            {"holidays": [{"name": "国庆节", "first": "2026-10-01", "last": 7}]},
            "holidays[0].last: 7 is not a date",
        ),
        (
            {"make_up_days": [{"date": "2026-10-10", "follows": "friday"}]},
            "make_up_days[0].follows: 'friday' is not one of mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            {"make_up_days": [{"date": "2026-10-12", "follows": "fri"}]},
            "make-up day 2026-10-12 is a Monday, not a weekend day",
        ),
        ({"weekend": "sat"}, "weekend: expected a list, got a string"),
        ({"weekend": ["sat", "sunday"]}, "weekend[1]: 'sunday' is not one of"),
        ({"term": []}, "term: unknown field"),
    ],
)
def test_from_dict_errors_name_the_field(data: object, message: str):
    with pytest.raises(EpgError) as error:
        AcademicCalendar.from_dict(data)
    assert message in str(error.value)


@pytest.mark.parametrize(("weekday", "name"), [(MON, "mon"), (FRI, "fri"), (SUN, "sun")])
def test_weekday_names(weekday: int, name: str):
    assert weekday_name(weekday) == name

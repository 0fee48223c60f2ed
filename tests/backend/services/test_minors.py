"""Minors' mode rules: budgets, windows, grants, warnings, rest and stages, by table."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tv_backend.services.minors import (
    Calendar,
    ChildRules,
    Grant,
    Viewing,
    Window,
    age_on,
    budget_for_age,
    decide,
    viewed_seconds,
)

SH = ZoneInfo("Asia/Shanghai")
CHILD = ChildRules(birth_date=date(2015, 3, 1), stage="primary")  # 10: one hour a day
MIN = 60.0


def at(hour: int, minute: int = 0, day: int = 2, zone=SH) -> datetime:
    """A local time on 2025-09-``day`` (Shanghai unless told), as the server's UTC."""
    return datetime(2025, 9, day, hour, minute, tzinfo=zone).astimezone(UTC)


def watched(device: str, start: datetime, minutes: float) -> Viewing:
    return Viewing(device, start, start + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("birth", "day", "age", "budget"),
    [
        (date(2018, 9, 3), date(2025, 9, 2), 6, timedelta(hours=1)),
        (date(2017, 9, 2), date(2025, 9, 2), 8, timedelta(hours=1)),  # a birthday counts
        (date(2009, 9, 3), date(2025, 9, 2), 15, timedelta(hours=1)),
        (date(2009, 9, 2), date(2025, 9, 2), 16, timedelta(hours=2)),
        (date(2008, 2, 29), date(2025, 9, 2), 17, timedelta(hours=2)),
        (date(2007, 9, 2), date(2025, 9, 2), 18, None),  # not a minor
    ],
)
def test_the_budget_follows_the_age_on_the_day(birth, day, age, budget):
    assert age_on(birth, day) == age
    assert budget_for_age(age) == budget


A, B = "box-living-room", "box-bedroom"


@pytest.mark.parametrize(
    ("viewing", "now", "spent_min", "stop"),
    [
        ([], at(10), 0, at(11)),
        ([watched(A, at(9), 20), watched(B, at(9, 10), 20)], at(10), 40, at(10, 20)),  # summed
        ([watched(A, at(9), 20), watched(A, at(9, 10), 20)], at(10), 30, at(10, 30)),  # one TV
        ([watched(B, at(9, 50), 10)], at(10), 10, at(10, 25)),  # B plays now: twice as fast
        ([watched(A, at(21, 50, day=1), 30)], at(10), 0, at(11)),  # yesterday's
        ([watched(A, at(21), 30)], at(21, 30), 30, at(22)),  # the window ends first
    ],
)
def test_todays_viewing_is_summed_across_tvs(viewing, now, spent_min, stop):
    decision = decide(CHILD, viewing, now, device=A)
    assert decision.allowed and decision.reason is None
    assert (decision.spent_s, decision.stop_at) == (spent_min * MIN, stop)
    assert decision.seconds_left == (stop - now).total_seconds()
    assert decision.warn_at == max(now, stop - timedelta(minutes=5))


@pytest.mark.parametrize(
    ("now", "allowed", "reason", "next_allowed"),
    [
        (at(5, 59), False, "curfew", at(6)),
        (at(6), True, None, None),
        (at(21, 59), True, None, None),
        (at(22), False, "curfew", at(6, day=3)),
        (at(23, 30), False, "curfew", at(6, day=3)),
        (at(0, 30), False, "curfew", at(6)),
    ],
)
def test_no_viewing_from_ten_at_night_to_six_in_the_morning(now, allowed, reason, next_allowed):
    decision = decide(CHILD, [], now, device=A)
    assert (decision.allowed, decision.reason, decision.next_allowed_at) == (
        allowed,
        reason,
        next_allowed,
    )


def test_the_warning_comes_five_minutes_before_the_stop():
    decision = decide(CHILD, [watched(A, at(19), 57)], at(19, 57), device=A)
    assert (decision.stop_at, decision.warn_at, decision.seconds_left) == (at(20), at(19, 57), 180)
    calm = decide(CHILD, [watched(A, at(19), 30)], at(19, 30), device=A)
    assert calm.warn_at == at(19, 55)


def test_a_spent_budget_allows_again_at_the_next_window_of_the_next_day():
    decision = decide(CHILD, [watched(A, at(18), 60)], at(19), device=A)
    assert (decision.allowed, decision.reason, decision.budget_left_s) == (
        False,
        "budget_spent",
        0,
    )
    assert decision.next_allowed_at == at(6, day=3)
    assert decision.stop_at is decision.rest_at is None


LATE = (Window(time(20), time(1)),)
HOUR, FOUR_HOURS = timedelta(hours=1), timedelta(hours=4)


@pytest.mark.parametrize(
    ("budget", "viewing", "now", "spent_min", "stop"),
    [
        # 23:30 to 00:20: 30 minutes were yesterday's, 20 are today's
        (HOUR, [watched(A, at(23, 30, day=1), 50)], at(0, 20), 20, at(1)),
        # 40 minutes left at 23:50: the budget resets at midnight, the window ends first
        (HOUR, [watched(A, at(23, 30, day=1), 20)], at(23, 50, day=1), 20, at(1)),
        (FOUR_HOURS, [watched(A, at(20, day=1), 230)], at(23, 50, day=1), 230, at(1)),
        (3 * HOUR, [watched(A, at(20, day=1), 170)], at(22, 50, day=1), 170, at(23, day=1)),
    ],
)
def test_a_window_and_a_session_crossing_midnight(budget, viewing, now, spent_min, stop):
    rules = ChildRules(date(2015, 3, 1), "primary", daily_budget=budget, windows=LATE)
    decision = decide(rules, viewing, now, device=A)
    assert decision.allowed
    assert (decision.spent_s, decision.stop_at) == (spent_min * MIN, stop)


def test_a_custom_window_refuses_between_and_opens_at_the_next():
    rules = ChildRules(
        date(2015, 3, 1),
        "primary",
        windows=(Window(time(16), time(18)), Window(time(19), time(20))),
    )
    decision = decide(rules, [], at(18, 30), device=A)
    assert (decision.reason, decision.next_allowed_at) == ("curfew", at(19))
    assert decide(rules, [], at(19, 30), device=A).stop_at == at(20)


def test_a_window_from_midnight_to_midnight_is_the_whole_day():
    rules = ChildRules(
        date(2015, 3, 1),
        "primary",
        daily_budget=timedelta(hours=2),
        windows=(Window(time(0), time(0)),),
    )
    assert decide(rules, [], at(23, 30), device=A).stop_at == at(2, day=3)  # 30 min + 2 h


@pytest.mark.parametrize(
    ("budget", "viewing", "reason", "next_allowed"),
    [
        (timedelta(minutes=90), [watched(A, at(9), 80)], None, None),
        (timedelta(minutes=90), [watched(A, at(9), 90)], "budget_spent", at(6, day=3)),
        (timedelta(0), [], "budget_spent", None),  # nothing allows within a week
    ],
)
def test_a_parent_sets_the_budget(budget, viewing, reason, next_allowed):
    rules = ChildRules(date(2015, 3, 1), "primary", daily_budget=budget)
    decision = decide(rules, viewing, at(12), device=A)
    assert (decision.reason, decision.next_allowed_at) == (reason, next_allowed)


@pytest.mark.parametrize(
    ("grants", "now", "allowed", "stop"),
    [
        ([Grant(at(19), timedelta(minutes=30), "mum")], at(19), True, at(19, 30)),
        ([Grant(at(8, day=1), timedelta(minutes=30))], at(19), False, None),  # yesterday's
        ([Grant(at(22, 5), timedelta(minutes=20), "dad")], at(22, 5), True, at(22, 25)),
        ([Grant(at(22, 5), timedelta(minutes=20))], at(22, 30), False, None),
    ],
)
def test_a_parents_grant_adds_time_to_its_day_and_opens_the_window(grants, now, allowed, stop):
    decision = decide(CHILD, [watched(A, at(17), 60)], now, device=A, grants=grants)
    assert (decision.allowed, decision.stop_at) == (allowed, stop)


@pytest.mark.parametrize(
    ("viewing", "now", "rest"),
    [
        ([], at(10), at(10, 30)),
        ([watched(A, at(10), 20)], at(10, 20), at(10, 30)),
        ([watched(A, at(10), 20), watched(B, at(10, 22), 18)], at(10, 40), at(11)),  # any TV
        ([watched(A, at(10), 20)], at(10, 30), at(11)),  # a 10-minute break: a new run
        ([watched(A, at(10), 30)], at(10, 30), at(10, 30)),  # due now
    ],
)
def test_a_rest_reminder_every_thirty_minutes_of_continuous_viewing(viewing, now, rest):
    rules = ChildRules(date(2015, 3, 1), "primary", daily_budget=timedelta(hours=3))
    assert decide(rules, viewing, now, device=A).rest_at == rest


@pytest.mark.parametrize(
    ("stage", "extra", "allowed"),
    [
        (None, frozenset(), True),
        ("primary", frozenset(), True),
        ("family", frozenset(), True),
        ("junior", frozenset(), False),
        ("junior", frozenset({"junior"}), True),
    ],
)
def test_content_is_limited_to_the_childs_stage(stage, extra, allowed):
    rules = ChildRules(date(2015, 3, 1), "primary", extra_stages=extra)
    decision = decide(rules, [], at(10), device=A, content_stage=stage)
    assert decision.allowed is allowed
    if not allowed:
        assert (decision.reason, decision.next_allowed_at) == ("stage", None)


BERLIN, HAVANA = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Havana")


def test_a_dst_day_starts_at_its_own_midnight_and_has_its_own_length():
    rules = ChildRules(date(2015, 3, 1), "primary", zone="Europe/Berlin")
    spring = datetime(2025, 3, 30, 12, tzinfo=BERLIN)  # 23 hours
    calendar = Calendar(rules, (), spring)
    start, end = calendar.day_start(spring.date()), calendar.day_start(date(2025, 3, 31))
    assert (start, end - start) == (datetime(2025, 3, 29, 23, tzinfo=UTC), timedelta(hours=23))
    autumn = datetime(2025, 10, 26, tzinfo=BERLIN)  # 25 hours: 00:00 to 04:00 is five
    night = [Viewing(A, autumn, datetime(2025, 10, 26, 4, tzinfo=BERLIN))]
    assert viewed_seconds(night, autumn, autumn + timedelta(days=1)) == 5 * 3600


def test_a_dst_gap_at_midnight_starts_the_day_at_one():
    rules = ChildRules(date(2015, 3, 1), "primary", zone="America/Havana")
    calendar = Calendar(rules, (), datetime(2025, 3, 9, 12, tzinfo=HAVANA))
    assert calendar.day_start(date(2025, 3, 9)) == datetime(2025, 3, 9, 5, tzinfo=UTC)


def test_windows_follow_the_wall_clock_across_a_dst_change():
    rules = ChildRules(date(2015, 3, 1), "primary", zone="Europe/Berlin")
    before = datetime(2025, 3, 30, 5, 30, tzinfo=BERLIN)  # DST since 02:00
    decision = decide(rules, [], before, device=A)
    assert (decision.reason, decision.next_allowed_at) == (
        "curfew",
        datetime(2025, 3, 30, 4, tzinfo=UTC),  # 06:00 CEST
    )
    late = datetime(2025, 3, 30, 21, 30, tzinfo=BERLIN)
    assert decide(rules, [], late, device=A).stop_at == datetime(2025, 3, 30, 20, tzinfo=UTC)


# Properties

minutes = st.integers(0, 16 * 60)  # from 06:00 local, within the day's window
spans = st.lists(st.tuples(st.sampled_from([A, B]), minutes, st.integers(1, 90)), max_size=6)


def viewings(items) -> list[Viewing]:
    return [watched(device, at(6) + timedelta(minutes=m), length) for device, m, length in items]


@hypothesis.settings(max_examples=200, database=None, derandomize=True)
@given(spans, spans)
def test_more_viewing_never_leaves_more_time(before, more):
    now = at(22) - timedelta(seconds=1)
    early = viewings(before)
    later = [v for v in early + viewings(more) if v.end <= now]
    first = decide(CHILD, [v for v in early if v.end <= now], now, device=A)
    second = decide(CHILD, later, now, device=A)
    assert second.budget_left_s <= first.budget_left_s
    assert second.spent_s >= first.spent_s


@hypothesis.settings(max_examples=200, database=None, derandomize=True)
@given(spans, st.integers(0, 15 * 60), st.integers(1, 59))
def test_seconds_left_shrink_while_watching(before, start, step):
    """Watching on from ``start`` (on TV A): the time left never grows within the day."""
    began = at(6) + timedelta(minutes=start)
    past = [v for v in viewings(before) if v.end <= began]
    previous = None
    for n in range(4):
        now = min(began + timedelta(minutes=n * step), at(22) - timedelta(seconds=1))
        decision = decide(CHILD, [*past, Viewing(A, began, now)], now, device=A)
        left = decision.seconds_left if decision.allowed else 0.0
        if previous is not None:
            assert left <= previous
        previous = left

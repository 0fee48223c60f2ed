"""Minors' mode: when, how long and what a child may watch, as pure rules (issue 6).

No database and no clock: the caller passes the child's `ChildRules`, the viewing of all the
household's TVs as `Viewing` intervals (from their heartbeats, in server time), the parents'
`Grant` records and ``now``; `decide` answers a `Decision` for now. Everything is judged in
server time (a box's clock can be set back) and in the household's time zone.

Rules (defaults from China's 2024 guide for minors' mode, 移动互联网未成年人模式建设指南):

- **Daily budget**: by age on the day, 1 h under 16 and 2 h at 16 and 17 (`BUDGET_BY_AGE`, the
  defaults the issue takes from the 2024 guide; the guide also has a 40-minute band under 8,
  one line to add); a parent can set another (``ChildRules.daily_budget``). It resets at local
  midnight; a session crossing midnight counts on each side of it for its own day (a 23- or
  25-hour DST day included).
- **Summed across TVs**: each TV's viewing counts, so two TVs playing for the child at once
  spend the budget twice as fast. The other reading (count overlapping time once) would let a
  child keep one TV in each room playing for free; a second TV left playing is visible to the
  parent, who can grant time. A TV's own intervals are merged first, so a heartbeat reported
  twice never counts twice.
- **Allowed windows** (``ChildRules.windows``): local times when viewing may happen, default
  06:00 to 22:00 (no viewing from 22:00 to 06:00). A window may cross midnight (20:00 to 01:00);
  a window whose start equals its end is the whole day. Each window is placed on real dates
  through the time zone, so a DST change moves it with the wall clock.
- **Rest**: a reminder every `REST_EVERY` of continuous viewing (any TV); a break of at least
  `REST_BREAK` with nothing playing starts a new run.
- **Stage**: content of the child's own stage, or of an ``open_stages`` stage (``family``),
  or of a stage a parent allowed (``extra_stages``); anything else is refused.
- **Grants**: a parent's PIN grants ``extra`` time at ``at``: the budget of that local day
  grows by it, and viewing is allowed from ``at`` for that long even outside the windows (a
  parent at 22:05 saying "finish the lesson"). Grants are records, kept by the caller as a log.
- **Warning**: the client warns `WARN_BEFORE` (5 min) before it must stop (``warn_at``), then
  stops gracefully at ``stop_at``.

When several reasons refuse, the answer names the first of ``stage``, ``curfew``,
``budget_spent``, and ``next_allowed_at`` is when both the window and the budget allow again
(None for ``stage``: time does not help; also None if nothing allows within a week).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
BUDGET_BY_AGE = ((16, timedelta(hours=1)), (18, timedelta(hours=2)))  # the defaults
REST_EVERY = timedelta(minutes=30)
REST_BREAK = timedelta(minutes=5)
WARN_BEFORE = timedelta(minutes=5)
SEARCH_DAYS = 7  # how far ahead next_allowed_at looks

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Window:
    """Allowed local times, from ``start`` to ``end`` (crossing midnight if ``end <= start``)."""

    start: time
    end: time


DAYTIME = (Window(time(6), time(22)),)


@dataclass(frozen=True)
class ChildRules:
    birth_date: date
    stage: str
    daily_budget: timedelta | None = None  # None: by age (`BUDGET_BY_AGE`)
    windows: tuple[Window, ...] = DAYTIME
    extra_stages: frozenset[str] = frozenset()  # allowed by a parent
    open_stages: frozenset[str] = frozenset({"family"})  # for every age
    zone: str = DEFAULT_ZONE


@dataclass(frozen=True)
class Viewing:
    """One TV playing for the child from ``start`` to ``end`` (server time, aware)."""

    device: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Grant:
    """Extra time a parent granted with the PIN at ``at``."""

    at: datetime
    extra: timedelta
    parent: str = ""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None  # None, "stage", "curfew" or "budget_spent"
    spent_s: float  # today's viewing, summed across TVs
    budget_s: float | None  # today's budget with grants; None: no limit
    budget_left_s: float | None
    seconds_left: float | None  # until stop_at
    stop_at: datetime | None  # when the client stops, if nothing changes
    warn_at: datetime | None  # WARN_BEFORE stop_at (now if that has passed)
    rest_at: datetime | None  # the next rest reminder
    next_allowed_at: datetime | None  # when refused: when viewing is allowed again


def decide(
    rules: ChildRules,
    viewing: Sequence[Viewing],
    now: datetime,
    *,
    device: str,
    content_stage: str | None = None,
    grants: Sequence[Grant] = (),
) -> Decision:
    """Whether ``device`` may play (``content_stage``) for the child at ``now``, and until when."""
    # In UTC: Python compares and subtracts two times of one zone by their wall clocks.
    now, viewing = now.astimezone(UTC), [in_utc(v) for v in viewing]
    grants = [Grant(g.at.astimezone(UTC), g.extra, g.parent) for g in grants]
    calendar = Calendar(rules, grants, now)
    spent = calendar.spent(viewing, now)
    budget = calendar.budget(calendar.day(now))
    left = None if budget is None else max(0.0, budget - spent)
    common = {"spent_s": spent, "budget_s": budget, "budget_left_s": left}
    reason = _refusal(rules, content_stage, calendar, now, left)
    if reason is not None:
        later = None if reason == "stage" else calendar.next_allowed(viewing, now)
        return Decision(False, reason, **common, **_NOT_PLAYING, next_allowed_at=later)
    stop = calendar.stop_at(viewing, now, device, left)
    return Decision(
        True,
        None,
        **common,
        seconds_left=None if stop is None else (stop - now).total_seconds(),
        stop_at=stop,
        warn_at=None if stop is None else max(now, stop - WARN_BEFORE),
        rest_at=rest_at(viewing, now),
        next_allowed_at=None,
    )


_NOT_PLAYING = {"seconds_left": None, "stop_at": None, "warn_at": None, "rest_at": None}


def _refusal(rules, content_stage, calendar, now, left) -> str | None:
    allowed_stages = {rules.stage, *rules.extra_stages, *rules.open_stages}
    if content_stage is not None and content_stage not in allowed_stages:
        return "stage"
    if calendar.open_span(now) is None:
        return "curfew"
    if left is not None and left <= 0:
        return "budget_spent"
    return None


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def budget_for_age(age: int) -> timedelta | None:
    """The guide's daily budget at ``age``; None (no limit) from 18."""
    return next((budget for below, budget in BUDGET_BY_AGE if age < below), None)


def in_utc(viewing: Viewing) -> Viewing:
    return Viewing(viewing.device, viewing.start.astimezone(UTC), viewing.end.astimezone(UTC))


def merge_spans(spans: Iterable[Span], gap: timedelta = timedelta(0)) -> list[Span]:
    """The union of ``spans``, sorted; spans apart by ``gap`` or less join."""
    merged: list[list[datetime]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def viewed_seconds(viewing: Iterable[Viewing], start: datetime, end: datetime) -> float:
    """Viewing between ``start`` and ``end``, each TV's own overlaps once, TVs summed."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    by_device: dict[str, list[Span]] = {}
    for v in map(in_utc, viewing):
        by_device.setdefault(v.device, []).append((max(v.start, start), min(v.end, end)))
    spans = [span for spans in by_device.values() for span in merge_spans(spans)]
    return sum((e - s).total_seconds() for s, e in spans)


def rest_at(viewing: Iterable[Viewing], now: datetime) -> datetime:
    """The next rest reminder: every `REST_EVERY` since the current run of viewing began."""
    runs = merge_spans(((v.start, min(v.end, now)) for v in viewing), REST_BREAK)
    current = [s for s, e in runs if e >= now - REST_BREAK]
    start = current[-1] if current else now
    elapsed = now - start
    periods = max(1, -(-elapsed // REST_EVERY))  # ceil, at least one
    return start + periods * REST_EVERY


class Calendar:
    """The household's days and allowed spans around ``now``, in its time zone."""

    def __init__(self, rules: ChildRules, grants: Sequence[Grant], now: datetime) -> None:
        self.rules, self.grants = rules, grants
        self.zone = ZoneInfo(rules.zone)
        today = self.day(now)
        days = [today + timedelta(days=n) for n in range(-1, SEARCH_DAYS + 2)]
        windows = [self._place(w, d) for d in days for w in rules.windows]
        granted = [(g.at, g.at + g.extra) for g in grants]
        self.spans = merge_spans([*windows, *granted])

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        """Local midnight (or the first moment of the day, if a DST gap skips midnight)."""
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)

    def _place(self, window: Window, day: date) -> Span:
        end_day = day if window.end > window.start else day + timedelta(days=1)
        start = datetime.combine(day, window.start, self.zone)
        return start.astimezone(UTC), datetime.combine(end_day, window.end, self.zone).astimezone(
            UTC
        )

    def budget(self, day: date) -> float | None:
        base = self.rules.daily_budget
        if base is None:
            base = budget_for_age(age_on(self.rules.birth_date, day))
        if base is None:
            return None
        extra = sum((g.extra for g in self.grants if self.day(g.at) == day), timedelta(0))
        return (base + extra).total_seconds()

    def spent(self, viewing: Iterable[Viewing], now: datetime) -> float:
        return viewed_seconds(viewing, self.day_start(self.day(now)), now)

    def open_span(self, moment: datetime) -> Span | None:
        """The allowed span (windows and grants) holding ``moment``."""
        return next((s for s in self.spans if s[0] <= moment < s[1]), None)

    def next_allowed(self, viewing: Sequence[Viewing], now: datetime) -> datetime | None:
        """The first moment from ``now`` when a window (or grant) and the budget both allow."""
        moment = now
        for _ in range(4 * SEARCH_DAYS):
            budget = self.budget(self.day(moment))
            if (
                budget is not None
                and viewed_seconds(viewing, self._start_of(moment), now) >= budget
            ):
                moment = self.day_start(self.day(moment) + timedelta(days=1))
            elif self.open_span(moment) is None:
                later = [start for start, _ in self.spans if start > moment]
                if not later:
                    return None
                moment = later[0]
            else:
                return moment
        return None

    def _start_of(self, moment: datetime) -> datetime:
        return self.day_start(self.day(moment))

    def stop_at(
        self, viewing: Sequence[Viewing], now: datetime, device: str, left: float | None
    ) -> datetime | None:
        """When the allowed span or the budget runs out for the TVs playing now."""
        _, span_end = self.open_span(now) or (now, now)
        playing = {v.device for v in viewing if v.start <= now <= v.end} | {device}
        if left is None:
            return None if span_end >= self.spans[-1][1] else span_end
        budget_end = now + timedelta(seconds=left / len(playing))
        midnight = self.day_start(self.day(now) + timedelta(days=1))
        if budget_end >= midnight:  # the budget resets first: the next day's runs out later
            tomorrow = self.budget(self.day(midnight)) or 0.0
            budget_end = midnight + timedelta(seconds=tomorrow / len(playing))
        return min(span_end, budget_end)

"""Schedules as operators write them, and `build`, which turns one into a channel's guide.

The words are the operators' (the Hunan education channels are programmed like a school
timetable):

- A `Source` is what a slot plays from: a course's lessons, a series (我是接班人, 大国长技), a
  playlist; its items (`Item`) are played **in order** or **shuffled**.
- A `Period` is a block: a fixed run of time, from ``start`` to ``stop`` local time, filled
  from one source (第一节 08:00-08:40 plays 七年级数学). A period without a source is a break
  (课间 08:40-08:50): filler plays in it, and its card carries the period's name.
- A `DayTemplate` is a bell schedule: periods in time order, none overlapping.
- A `Rule` says when a template is used: on some weekdays, between two dates, on some kinds of
  day of the `AcademicCalendar` (school days, weekends, holidays, vacation); every condition a
  rule states must hold. The matching rule of highest ``priority`` wins; on equal priorities
  the rule listed first wins. No rule: the day gets the fallback.
- A `Schedule` holds the templates and rules of a channel, its filler and its fallback (both a
  `Fill`), and the ``epoch`` its courses count from.

How a day is filled:

- **In order, continuing** (episode continuity): each in-order source keeps one position per
  channel, advanced by every period that plays it, in time order; it wraps after the last item.
  Monday's 08:00 period plays lessons 1-2, Tuesday's continues with 3-4, and a course that also
  plays on Wednesday's 第三节 continues there. The position is counted by replaying the
  schedule from ``epoch`` (lesson 1 plays at the source's first period on or after it), never
  kept between builds, so a guide built from Tuesday agrees with one built from Monday. Before
  the epoch each day starts the source over.
- **Shuffled**: each period draws from ``random.Random`` seeded with the channel id, the date,
  the template id and the period's start, so the same input gives the same guide and another
  date another order. Items are taken from successive shuffles of the whole source (a period
  longer than the source repeats items).
- **Items that do not fit** the rest of a period: an in-order period stops at the first item
  that does not fit (it waits for the next period: lessons are never skipped); a shuffled
  period skips it and tries the next item that fits. Either way the rest of the period is
  filler. An item longer than the whole period plays cut at the period's end rather than never
  (it would stall a course for good); it counts as played.
- **Filler** covers the rest of a period, a break period and the time between two periods:
  items of the filler source that fit, shuffled per gap (seeded with the channel and the gap's
  start), then one card programme (``Fill.title``, a break period's own name) for what no item
  fits. **Fallback** covers a day no rule matches and the hours before a template's first
  period and after its last, the same way. Both are ``filler=True``.

Time: periods are wall-clock times in the channel's zone (`Channel.timezone`, zoneinfo),
converted to UTC per date by `local_to_utc`, so a Europe/Berlin channel keeps 08:00 local on
both sides of a daylight-saving change and its UTC times move by an hour. A time that does not
exist (the spring-forward gap, 02:00-03:00 in Berlin on 2026-03-29) becomes the instant the
clocks jump (03:00 new time): a period inside the gap vanishes that day, one straddling it is
shortened. A time that happens twice (the autumn fold, 02:00-03:00 on 2026-10-25) means its
first occurrence: the period running at 02:59 lasts an hour longer. The mapping never goes
backwards, so periods can neither overlap nor leave holes. A stop of 00:00 (``"24:00"`` in
JSON) is the midnight that ends the day.

`build` returns the programmes of whole local days, sorted, contiguous from the first day's
midnight to the last day's end, without overlaps: the guide has no holes. Same input, same
guide: nothing reads a clock, no randomness but the seeded one.

JSON (`Schedule.to_dict`/`from_dict`, `Source.to_dict`/`from_dict`): sources are referenced
by id; errors name the field's path (``templates[0].periods[2].start``). `build` checks that
every referenced source was given.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from epg.calendar import (
    MIDNIGHT_END,
    WEEKDAYS,
    AcademicCalendar,
    Day,
    DayKind,
    _build,
    _Fields,
    ordinary_day,
)
from epg.model import Channel, EpgError, Episode, Programme, Texts, pick_text

__all__ = [
    "BREAK",
    "OFF_AIR",
    "DayTemplate",
    "Fill",
    "Item",
    "Order",
    "Period",
    "Rule",
    "Schedule",
    "Source",
    "build",
    "local_to_utc",
]

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
BREAK: Texts = {"zh": "休息一下", "en": "Break"}  # the default filler card
OFF_AIR: Texts = {"zh": "精彩节目 稍后呈现", "en": "Programmes resume soon"}  # the fallback card
_DAY = 24 * 3600


def _check_id(what: str, value: object) -> None:
    if not isinstance(value, str) or not ID.fullmatch(value):
        raise EpgError(f"{what} id {value!r}: letters, digits, '.', '_' or '-'")


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- what plays --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """Something a slot can play; becomes one `Programme` with the same metadata."""

    title: Texts
    duration: int  # seconds
    lesson_id: int | None = None
    course_id: int | None = None
    description: Texts = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    stage: str | None = None
    grade: int | None = None
    subject: str | None = None
    rating: str | None = None
    episode: Episode | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(self.categories))
        name = pick_text(self.title)
        if not name:
            raise EpgError(f"item of {self.duration!r} seconds has no title")
        if not _whole_number(self.duration) or self.duration < 1:
            raise EpgError(f"item {name!r}: duration {self.duration!r} is not 1 second or more")

    def programme(
        self, channel: str, start: datetime, stop: datetime, *, filler: bool = False
    ) -> Programme:
        return Programme(
            channel=channel,
            start=start,
            stop=stop,
            title=dict(self.title),
            description=dict(self.description),
            lesson_id=self.lesson_id,
            course_id=self.course_id,
            categories=self.categories,
            stage=self.stage,
            grade=self.grade,
            subject=self.subject,
            rating=self.rating,
            episode=self.episode,
            filler=filler,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": dict(self.title), "duration": self.duration}
        for key in ("lesson_id", "course_id", "stage", "grade", "subject", "rating"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.description:
            data["description"] = dict(self.description)
        if self.categories:
            data["categories"] = list(self.categories)
        if self.episode is not None:
            data["episode"] = {
                key: value for key, value in vars(self.episode).items() if value is not None
            }
        return data

    @classmethod
    def from_dict(cls, data: object, path: str = "item") -> Item:
        fields = _Fields(data, path)
        episode = None
        if fields.get("episode", None) is not None:
            numbers = _Fields(fields.get("episode"), fields.where("episode"))
            keys = ("season", "episode", "episodes", "part", "parts")
            episode = _build(numbers.path, Episode, *(numbers.integer(key, None) for key in keys))
            numbers.done()
        item = _build(
            path,
            cls,
            fields.texts("title"),
            fields.integer("duration"),
            fields.integer("lesson_id", None),
            fields.integer("course_id", None),
            fields.texts("description", {}),
            fields.strings("categories", ()),
            fields.text("stage", None),
            fields.integer("grade", None),
            fields.text("subject", None),
            fields.text("rating", None),
            episode,
        )
        fields.done()
        return item


class Order(StrEnum):
    """How a source's items are played; the values are the JSON words."""

    IN_ORDER = "in_order"
    SHUFFLED = "shuffled"


@dataclass(frozen=True)
class Source:
    """Named, ordered items: a course's lessons, a series, a playlist."""

    id: str
    items: tuple[Item, ...]
    order: Order = Order.IN_ORDER
    name: Texts = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_id("source", self.id)
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise EpgError(f"source {self.id!r} has no items")
        try:
            object.__setattr__(self, "order", Order(self.order))
        except ValueError:
            words = ", ".join(order.value for order in Order)
            raise EpgError(f"source {self.id!r}: order {self.order!r} is not {words}") from None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "order": self.order.value}
        if self.name:
            data["name"] = dict(self.name)
        data["items"] = [item.to_dict() for item in self.items]
        return data

    @classmethod
    def from_dict(cls, data: object, path: str = "") -> Source:
        fields = _Fields(data, path)
        items = tuple(
            Item.from_dict(item, fields.where(f"items[{index}]"))
            for index, item in enumerate(fields.array("items"))
        )
        source = _build(
            path,
            cls,
            fields.text("id"),
            items,
            fields.text("order", Order.IN_ORDER.value),
            fields.texts("name", {}),
        )
        fields.done()
        return source


# -- when it plays -----------------------------------------------------------------------------


def _clock(moment: time, *, end: bool = False) -> str:
    if end and moment == time(0):
        return MIDNIGHT_END
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _seconds(moment: time, *, end: bool = False) -> int:
    """Seconds since midnight; an ``end`` at 00:00 is the midnight ending the day."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return _DAY if end and seconds == 0 else seconds


@dataclass(frozen=True)
class Period:
    """A block of the bell schedule: ``start`` to ``stop`` local time, filled from ``source``.

    ``source=None`` makes a break (课间), filled with filler under the period's name. A
    ``stop`` of ``time(0)`` is the midnight ending the day. ``live``: the period is a live class
    (三个课堂) from the classroom encoder at that HTTP(S) URL; it is one programme over the
    whole period, and the source's next item is its recording, played when the class is not
    on the air.
    """

    start: time
    stop: time
    source: str | None = None
    name: Texts = field(default_factory=dict)
    live: str | None = None

    def label(self, number: int) -> str:
        """How errors name the period: ``period 3 '第三节' (10:00-09:40)``."""
        name = pick_text(self.name)
        return (
            f"period {number}"
            + (f" {name!r}" if name else "")
            + f" ({_clock(self.start)}-{_clock(self.stop, end=True)})"
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.name:
            data["name"] = dict(self.name)
        data["start"] = _clock(self.start)
        data["stop"] = _clock(self.stop, end=True)
        if self.source is not None:
            data["source"] = self.source
        if self.live is not None:
            data["live"] = self.live
        return data


@dataclass(frozen=True)
class DayTemplate:
    """A bell schedule: periods at fixed local times, in time order, none overlapping."""

    id: str
    periods: tuple[Period, ...] = ()
    name: Texts = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_id("template", self.id)
        object.__setattr__(self, "periods", tuple(self.periods))
        where = f"template {self.id!r}"
        previous: tuple[int, Period] | None = None
        for number, period in enumerate(self.periods, 1):
            for moment in (period.start, period.stop):
                if not isinstance(moment, time) or moment.tzinfo is not None:
                    raise EpgError(
                        f"{where}: period {number}: {moment!r} is not a wall-clock time "
                        "(no time zone: the channel's zone applies)"
                    )
            if period.source is not None:
                _check_id(f"{where}: {period.label(number)}: source", period.source)
            if period.live is not None and (
                period.source is None or not period.live.startswith(("http://", "https://"))
            ):
                raise EpgError(
                    f"{where}: {period.label(number)}: a live class needs a source (its "
                    f"recording) and an HTTP(S) encoder URL, not {period.live!r}"
                )
            start, stop = _seconds(period.start), _seconds(period.stop, end=True)
            if stop < start:
                raise EpgError(f"{where}: {period.label(number)} ends before it starts")
            if stop == start:
                raise EpgError(f"{where}: {period.label(number)} has no length")
            if previous is not None:
                before_number, before = previous
                if start < _seconds(before.start):
                    raise EpgError(
                        f"{where}: {period.label(number)} starts before "
                        f"{before.label(before_number)}: list periods in time order"
                    )
                if start < _seconds(before.stop, end=True):
                    raise EpgError(
                        f"{where}: {period.label(number)} overlaps {before.label(before_number)}"
                    )
            previous = (number, period)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.name:
            data["name"] = dict(self.name)
        data["periods"] = [period.to_dict() for period in self.periods]
        return data


@dataclass(frozen=True)
class Rule:
    """When ``template`` is used: every condition given must hold (None: any).

    ``weekdays`` are timetable weekdays (`Day.weekday`): a 调休 Saturday that works as a
    Friday matches a Monday-Friday rule, not a weekend one. ``first``/``last`` are inclusive.
    """

    id: str
    template: str
    priority: int = 0
    weekdays: frozenset[int] | None = None
    kinds: frozenset[DayKind] | None = None
    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        _check_id("rule", self.id)
        where = f"rule {self.id!r}"
        _check_id(f"{where}: template", self.template)
        if not _whole_number(self.priority):
            raise EpgError(f"{where}: priority {self.priority!r} is not a whole number")
        if self.weekdays is not None:
            object.__setattr__(self, "weekdays", frozenset(self.weekdays))
            for weekday in self.weekdays:
                if not _whole_number(weekday) or weekday not in range(7):
                    raise EpgError(f"{where}: weekday {weekday!r} is not 0-6 (Monday 0)")
            if not self.weekdays:
                raise EpgError(f"{where}: no weekdays: it would never match")
        if self.kinds is not None:
            try:
                object.__setattr__(self, "kinds", frozenset(DayKind(k) for k in self.kinds))
            except ValueError as error:
                words = ", ".join(kind.value for kind in DayKind)
                raise EpgError(f"{where}: {error}; day kinds are {words}") from None
            if not self.kinds:
                raise EpgError(f"{where}: no day kinds: it would never match")
        if self.first is not None and self.last is not None and self.last < self.first:
            raise EpgError(
                f"{where}: ends {self.last.isoformat()} before it starts {self.first.isoformat()}"
            )

    def matches(self, day: Day) -> bool:
        return (
            (self.weekdays is None or day.weekday in self.weekdays)
            and (self.kinds is None or day.kind in self.kinds)
            and (self.first is None or self.first <= day.date)
            and (self.last is None or day.date <= self.last)
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "template": self.template}
        data["priority"] = self.priority
        if self.weekdays is not None:
            data["weekdays"] = [WEEKDAYS[weekday] for weekday in sorted(self.weekdays)]
        if self.kinds is not None:
            data["kinds"] = [kind.value for kind in DayKind if kind in self.kinds]
        if self.first is not None:
            data["first"] = self.first.isoformat()
        if self.last is not None:
            data["last"] = self.last.isoformat()
        return data


@dataclass(frozen=True)
class Fill:
    """What covers time nobody programmed: items of ``source`` that fit, then a card."""

    title: Texts  # the card's
    source: str | None = None
    description: Texts = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not pick_text(self.title):
            raise EpgError("filler card has no title")
        if self.source is not None:
            _check_id("filler source", self.source)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": dict(self.title)}
        if self.source is not None:
            data["source"] = self.source
        if self.description:
            data["description"] = dict(self.description)
        return data


def _default_filler() -> Fill:
    return Fill(dict(BREAK))


def _default_fallback() -> Fill:
    return Fill(dict(OFF_AIR))


@dataclass(frozen=True)
class Schedule:
    """A channel's templates, their rules, its filler and fallback; see the module rules."""

    epoch: date  # in-order sources count from here (usually the first day of a term)
    templates: tuple[DayTemplate, ...] = ()
    rules: tuple[Rule, ...] = ()
    filler: Fill = field(default_factory=_default_filler)
    fallback: Fill = field(default_factory=_default_fallback)

    def __post_init__(self) -> None:
        if not isinstance(self.epoch, date) or isinstance(self.epoch, datetime):
            raise EpgError(f"schedule epoch {self.epoch!r} is not a date")
        object.__setattr__(self, "templates", tuple(self.templates))
        object.__setattr__(self, "rules", tuple(self.rules))
        _check_unique("template", [template.id for template in self.templates])
        _check_unique("rule", [rule.id for rule in self.rules])
        known = {template.id for template in self.templates}
        for rule in self.rules:
            if rule.template not in known:
                listed = ", ".join(repr(t) for t in sorted(known)) or "none"
                raise EpgError(
                    f"rule {rule.id!r} uses template {rule.template!r}, which is not defined "
                    f"(templates: {listed})"
                )

    def template(self, template_id: str) -> DayTemplate:
        for template in self.templates:
            if template.id == template_id:
                return template
        raise EpgError(f"template {template_id!r} is not defined")

    def rule_for(self, day: Day) -> Rule | None:
        """The rule that decides ``day``: the highest priority that matches, the first listed
        on a tie; None when no rule matches (the fallback's day)."""
        best: Rule | None = None
        for rule in self.rules:
            if rule.matches(day) and (best is None or rule.priority > best.priority):
                best = rule
        return best

    def template_for(self, day: Day) -> DayTemplate | None:
        rule = self.rule_for(day)
        return None if rule is None else self.template(rule.template)

    def source_ids(self) -> frozenset[str]:
        """Every source the schedule plays: what `build` must be given."""
        ids = {p.source for t in self.templates for p in t.periods if p.source is not None}
        ids.update(fill.source for fill in (self.filler, self.fallback) if fill.source)
        return frozenset(ids)

    def to_dict(self) -> dict[str, Any]:
        """The JSON operators edit; `from_dict` reads it back to an equal schedule."""
        return {
            "epoch": self.epoch.isoformat(),
            "templates": [template.to_dict() for template in self.templates],
            "rules": [rule.to_dict() for rule in self.rules],
            "filler": self.filler.to_dict(),
            "fallback": self.fallback.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> Schedule:
        """The schedule in ``data`` (JSON-like); an `EpgError` names the bad field's path."""
        fields = _Fields(data, "")
        epoch = fields.date("epoch")
        templates = []
        for t in fields.objects("templates", required=False):
            periods = []
            for p in t.objects("periods", required=False):
                periods.append(
                    Period(
                        p.time("start"),
                        p.time("stop", end=True),
                        p.text("source", None),
                        p.texts("name", {}),
                        p.text("live", None),
                    )
                )
            templates.append(
                _build(t.path, DayTemplate, t.text("id"), tuple(periods), t.texts("name", {}))
            )
        rules = []
        for r in fields.objects("rules", required=False):
            kinds = r.strings("kinds", None)
            if kinds is not None:
                for index, kind in enumerate(kinds):
                    if kind not in {k.value for k in DayKind}:
                        words = ", ".join(k.value for k in DayKind)
                        raise EpgError(f"{r.where('kinds')}[{index}]: {kind!r} is not {words}")
            rules.append(
                _build(
                    r.path,
                    Rule,
                    r.text("id"),
                    r.text("template"),
                    r.integer("priority", 0),
                    r.weekdays("weekdays", required=False),
                    None if kinds is None else frozenset(DayKind(k) for k in kinds),
                    r.date("first", None),
                    r.date("last", None),
                )
            )
        filler = _fill_from(fields, "filler", _default_filler())
        fallback = _fill_from(fields, "fallback", _default_fallback())
        fields.done()
        return _build("", cls, epoch, tuple(templates), tuple(rules), filler, fallback)


def _fill_from(fields: _Fields, key: str, default: Fill) -> Fill:
    if fields.get(key, None) is None:
        return default
    f = _Fields(fields.get(key), fields.where(key))
    fill = _build(
        f.path, Fill, f.texts("title"), f.text("source", None), f.texts("description", {})
    )
    f.done()
    return fill


def _check_unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise EpgError(f"{what} id {value!r} is used twice")
        seen.add(value)


# -- building the guide ------------------------------------------------------------------------


def local_to_utc(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``tz``.

    A repeated time (autumn fold) is its first occurrence; a time that does not exist (spring
    gap) is the instant the clocks jump, the first instant whose wall clock is past it. Both
    keep the mapping monotonic: later wall times never come out earlier.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None))
    moment = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) == wall:
        return moment
    # In the gap: fold=0 reads it with the offset before the jump, so ``moment`` is past the
    # jump; the jump lies within the day before it. Bisect for it to the second.
    low, high = 0, _DAY  # seconds before ``moment``; at ``high`` the wall clock is not past
    while high - low > 1:
        middle = (low + high) // 2
        probe = moment - timedelta(seconds=middle)
        if probe.astimezone(tz).replace(tzinfo=None) > wall:
            low = middle
        else:
            high = middle
    return moment - timedelta(seconds=low)


@dataclass(frozen=True)
class _Slot:
    number: int
    period: Period
    start: datetime
    stop: datetime


Play = tuple[Item, int]  # an item and the seconds it plays (less than its duration when cut)


def _in_order(items: tuple[Item, ...], position: int, seconds: int) -> tuple[list[Play], int]:
    """Items from ``position`` on while they fit; the new position."""
    plays: list[Play] = []
    remaining = seconds
    while remaining > 0:
        item = items[position % len(items)]
        if item.duration <= remaining:
            plays.append((item, item.duration))
            remaining -= item.duration
        elif not plays:  # longer than the whole period: cut, or the course would stall
            plays.append((item, remaining))
            remaining = 0
        else:
            break
        position += 1
    return plays, position


def _shuffled(
    items: tuple[Item, ...], seconds: int, rng: random.Random, *, cut: bool
) -> list[Play]:
    """Successive shuffles of ``items``, each item taken if it fits; with ``cut``, one item cut
    to length when none fits at all."""
    plays: list[Play] = []
    remaining = seconds
    shortest = min(item.duration for item in items)
    while remaining >= shortest:  # each round takes one item at least: the shortest fits
        order = list(items)
        rng.shuffle(order)
        for item in order:
            if item.duration <= remaining:
                plays.append((item, item.duration))
                remaining -= item.duration
    if cut and not plays and seconds > 0:
        order = list(items)
        rng.shuffle(order)
        plays.append((order[0], seconds))
    return plays


class _Builder:
    """One channel's schedule over dates; holds nothing that changes between days."""

    def __init__(
        self,
        channel: Channel,
        schedule: Schedule,
        sources: Mapping[str, Source],
        calendar: AcademicCalendar | None,
    ) -> None:
        self.channel = channel
        self.schedule = schedule
        self.sources = sources
        self.calendar = calendar
        self.tz = channel.tz

    def day(self, day: date) -> Day:
        return self.calendar.day_kind(day) if self.calendar else ordinary_day(day)

    def slots(self, day: date) -> tuple[DayTemplate | None, list[_Slot]]:
        template = self.schedule.template_for(self.day(day))
        if template is None:
            return None, []
        slots = []
        for number, period in enumerate(template.periods, 1):
            start = local_to_utc(day, period.start, self.tz)
            stop_day = day + timedelta(days=1) if period.stop == time(0) else day
            stop = local_to_utc(stop_day, period.stop, self.tz)
            if stop > start:  # a period inside a spring-forward gap does not happen that day
                slots.append(_Slot(number, period, start, stop))
        return template, slots

    def advance(self, day: date, positions: dict[str, int]) -> None:
        """Move the in-order positions past ``day`` without building its programmes."""
        for slot in self.slots(day)[1]:
            source = self._in_order_source(slot)
            if source is not None:
                seconds = int((slot.stop - slot.start).total_seconds())
                _, positions[source.id] = _in_order(
                    source.items, positions.get(source.id, 0), seconds
                )

    def _in_order_source(self, slot: _Slot) -> Source | None:
        if slot.period.source is None:
            return None
        source = self.sources[slot.period.source]
        return source if source.order is Order.IN_ORDER else None

    def programmes(self, day: date, positions: dict[str, int]) -> list[Programme]:
        day_start = local_to_utc(day, time(0), self.tz)
        day_stop = local_to_utc(day + timedelta(days=1), time(0), self.tz)
        template, slots = self.slots(day)
        out: list[Programme] = []
        cursor = day_start
        for index, slot in enumerate(slots):
            fill = self.schedule.fallback if index == 0 else self.schedule.filler
            out += self.cover(cursor, slot.start, fill, fill.title)
            out += self.play(day, template, slot, positions)
            cursor = slot.stop
        out += self.cover(cursor, day_stop, self.schedule.fallback, self.schedule.fallback.title)
        return out

    def play(
        self,
        day: date,
        template: DayTemplate | None,
        slot: _Slot,
        positions: dict[str, int],
    ) -> list[Programme]:
        filler = self.schedule.filler
        if slot.period.source is None:  # a break: filler, its card under the period's name
            return self.cover(slot.start, slot.stop, filler, slot.period.name or filler.title)
        source = self.sources[slot.period.source]
        seconds = int((slot.stop - slot.start).total_seconds())
        if slot.period.live is not None:  # one live programme; the next item is its recording
            return [self.live_class(day, template, slot, source, positions)]
        if source.order is Order.IN_ORDER:
            plays, positions[source.id] = _in_order(
                source.items, positions.get(source.id, 0), seconds
            )
        else:
            template_id = template.id if template else ""
            seed = f"{self.channel.id}|{day.isoformat()}|{template_id}|{_clock(slot.period.start)}"
            plays = _shuffled(source.items, seconds, random.Random(seed), cut=True)
        out, cursor = self.place(plays, slot.start, filler=False)
        return out + self.cover(cursor, slot.stop, filler, filler.title)

    def live_class(
        self,
        day: date,
        template: DayTemplate | None,
        slot: _Slot,
        source: Source,
        positions: dict[str, int],
    ) -> Programme:
        if source.order is Order.IN_ORDER:
            position = positions.get(source.id, 0)
            item = source.items[position % len(source.items)]
            positions[source.id] = position + 1
        else:
            template_id = template.id if template else ""
            seed = f"{self.channel.id}|{day.isoformat()}|{template_id}|{_clock(slot.period.start)}"
            item = random.Random(seed).choice(source.items)
        programme = item.programme(self.channel.id, slot.start, slot.stop)
        return replace(programme, live=True, source=slot.period.live)

    def place(
        self, plays: list[Play], start: datetime, *, filler: bool
    ) -> tuple[list[Programme], datetime]:
        out = []
        cursor = start
        for item, seconds in plays:
            stop = cursor + timedelta(seconds=seconds)
            out.append(item.programme(self.channel.id, cursor, stop, filler=filler))
            cursor = stop
        return out, cursor

    def cover(self, start: datetime, stop: datetime, fill: Fill, card: Texts) -> list[Programme]:
        """``start``-``stop`` with the fill's items that fit (shuffled per gap), then a card."""
        if stop <= start:
            return []
        plays: list[Play] = []
        if fill.source is not None:
            seconds = int((stop - start).total_seconds())
            seed = f"{self.channel.id}|{start.isoformat()}|fill"
            plays = _shuffled(
                self.sources[fill.source].items, seconds, random.Random(seed), cut=False
            )
        out, cursor = self.place(plays, start, filler=True)
        if cursor < stop:
            out.append(
                Programme(
                    channel=self.channel.id,
                    start=cursor,
                    stop=stop,
                    title=dict(card),
                    description=dict(fill.description),
                    filler=True,
                )
            )
        return out


def _source_map(sources: Iterable[Source] | Mapping[str, Source]) -> dict[str, Source]:
    values = sources.values() if isinstance(sources, Mapping) else sources
    by_id: dict[str, Source] = {}
    for source in values:
        if not isinstance(source, Source):
            raise EpgError(f"sources: {source!r} is not a Source")
        if source.id in by_id:
            raise EpgError(f"source {source.id!r} is given twice")
        by_id[source.id] = source
    return by_id


def _check_sources(schedule: Schedule, sources: Mapping[str, Source]) -> None:
    def missing(source_id: str) -> bool:
        return source_id not in sources

    for template in schedule.templates:
        for number, period in enumerate(template.periods, 1):
            if period.source is not None and missing(period.source):
                raise EpgError(
                    f"template {template.id!r}: {period.label(number)} plays source "
                    f"{period.source!r}, which is not among the sources given"
                )
    for what, fill in (("filler", schedule.filler), ("fallback", schedule.fallback)):
        if fill.source is not None and missing(fill.source):
            raise EpgError(
                f"{what} plays source {fill.source!r}, which is not among the sources given"
            )


def build(
    channel: Channel,
    schedule: Schedule,
    sources: Iterable[Source] | Mapping[str, Source],
    start: date,
    days: int = 7,
    calendar: AcademicCalendar | None = None,
) -> list[Programme]:
    """The guide of ``channel`` for ``days`` local days from ``start``.

    ``sources`` must hold every source the schedule plays (`Schedule.source_ids`). Without a
    ``calendar`` every weekday is a school day and Saturday and Sunday are weekend days.
    In-order positions are replayed from the schedule's epoch: the cost grows with the days
    between the epoch and ``start`` (a year is a few thousand periods), never the answer.
    """
    if not isinstance(start, date) or isinstance(start, datetime):
        raise EpgError(f"build of {channel.id}: start {start!r} is not a date")
    if not _whole_number(days) or days < 0:
        raise EpgError(f"build of {channel.id}: days {days!r} is not 0 or more")
    by_id = _source_map(sources)
    _check_sources(schedule, by_id)
    builder = _Builder(channel, schedule, by_id, calendar)
    positions: dict[str, int] = {}
    day = schedule.epoch
    while day < start:
        builder.advance(day, positions)
        day += timedelta(days=1)
    guide: list[Programme] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day <= schedule.epoch:  # the epoch starts every course over; so does each day before
            positions = {}
        guide += builder.programmes(day, positions)
    return guide

"""The academic calendar: which dates are school days, and whose timetable a school day follows.

Schools in Hunan plan a year the way the ministry publishes it: terms (2026 秋季学期,
2026-09-01..2027-01-20), public holidays (国庆节 2026-10-01..10-07) and 调休 make-up working
days (2026-10-10, a Saturday, works as a Friday). `AcademicCalendar.day_kind` turns that into
one `Day` per date, which is what a schedule's activation rules match on.

Rules, checked in this order; the first that applies decides (`DayKind`):

1. **Make-up day inside a term**: a school day that follows the listed weekday's timetable.
   A make-up day is one explicitly listed date, so it beats every range, holiday ranges
   included: a 调休 day that falls inside a holiday's range is a school day.
2. **Holiday** (inside or outside a term): a holiday, with its name. Holidays may lie in a
   vacation: 春节 is still 春节 for a channel's programming.
3. **Outside every term**: vacation, make-up days included: the labour calendar's 调休 does not
   open a school that is closed for the summer.
4. **A weekend weekday** (Saturday and Sunday unless the calendar says otherwise): weekend.
5. Otherwise a school day following its own weekday.

Dates are whole days in the channel's own time zone (no time, no zone); ranges are inclusive at
both ends, as operators write them. Weekdays are ``date.weekday()`` numbers (Monday 0) in
Python and the names ``"mon"`` .. ``"sun"`` in JSON.

Checked when built (`EpgError`, naming what): ranges that end before they start, terms that
overlap, holidays that overlap (a date would have two names), a make-up day that is not a
weekend day, listed twice, or that follows a weekend weekday. `AcademicCalendar.from_dict`
reads the JSON the backend stores and names the bad field (``terms[1].first``);
`AcademicCalendar.to_dict` writes it back.

The ``_Fields`` reader at the end is shared with `epg.schedule` (same package, same errors).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from itertools import pairwise
from typing import Any

from epg.model import EpgError, Texts

__all__ = [
    "WEEKDAYS",
    "AcademicCalendar",
    "Day",
    "DayKind",
    "Holiday",
    "MakeUpDay",
    "Term",
    "ordinary_day",
    "weekday_name",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index: date.weekday()
_WEEKDAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WEEKEND = frozenset({5, 6})


def weekday_name(weekday: int) -> str:
    """The JSON name of ``weekday`` (0 → ``"mon"``)."""
    return WEEKDAYS[weekday]


class DayKind(StrEnum):
    """What a date is for a school; the values are the JSON words."""

    SCHOOL = "school"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    VACATION = "vacation"


@dataclass(frozen=True)
class Day:
    """One date as a schedule sees it.

    ``weekday`` is the timetable's weekday, not the calendar's: a 调休 Saturday that works as a
    Friday has ``weekday == 4``, so every rule keyed on weekdays treats it as the Friday it is.
    """

    date: date
    kind: DayKind
    weekday: int
    name: str | None = None  # the holiday's, or the make-up day's
    term: str | None = None  # the term the date lies in, if any
    make_up: bool = False

    @property
    def school(self) -> bool:
        return self.kind is DayKind.SCHOOL


def ordinary_day(day: date, weekend: frozenset[int] = DEFAULT_WEEKEND) -> Day:
    """``day`` for a channel without a calendar: a school day unless it is a weekend weekday
    (there are no terms, so no vacation, and no holidays)."""
    weekday = day.weekday()
    return Day(day, DayKind.WEEKEND if weekday in weekend else DayKind.SCHOOL, weekday)


def _span(first: date, last: date) -> str:
    return f"{first.isoformat()}..{last.isoformat()}"


@dataclass(frozen=True)
class Term:
    """A named run of school dates, ``first`` and ``last`` included."""

    name: str
    first: date
    last: date

    def __post_init__(self) -> None:
        _check_range("term", self.name, self.first, self.last)

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Holiday:
    """A named run of days off, ``first`` and ``last`` included; inside a term or not."""

    name: str
    first: date
    last: date

    def __post_init__(self) -> None:
        _check_range("holiday", self.name, self.first, self.last)

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


def _check_range(what: str, name: str, first: date, last: date) -> None:
    if not name.strip():
        raise EpgError(f"{what} {_span(first, last)} has no name")
    if last < first:
        raise EpgError(
            f"{what} {name!r}: ends {last.isoformat()} before it starts {first.isoformat()}"
        )


@dataclass(frozen=True)
class MakeUpDay:
    """A 调休 day: a weekend date that is a working day with ``follows``'s timetable."""

    date: date
    follows: int  # a weekday, Monday 0
    name: str = ""  # "国庆调休"

    def __post_init__(self) -> None:
        if isinstance(self.follows, bool) or self.follows not in range(7):
            raise EpgError(
                f"make-up day {self.date.isoformat()}: follows {self.follows!r}, not a weekday 0-6"
            )


@dataclass(frozen=True)
class AcademicCalendar:
    """Terms, holidays and make-up days of a school year (or several); see the module rules."""

    terms: tuple[Term, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    make_up_days: tuple[MakeUpDay, ...] = ()
    weekend: frozenset[int] = DEFAULT_WEEKEND

    def __post_init__(self) -> None:
        # tuples and a frozenset whatever the caller passed: the value stays frozen and equal
        object.__setattr__(self, "terms", tuple(self.terms))
        object.__setattr__(self, "holidays", tuple(self.holidays))
        object.__setattr__(self, "make_up_days", tuple(self.make_up_days))
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        for weekday in self.weekend:
            if isinstance(weekday, bool) or weekday not in range(7):
                raise EpgError(f"calendar weekend: {weekday!r} is not a weekday 0-6")
        if len(self.weekend) == 7:
            raise EpgError("calendar weekend: every weekday is a weekend day")
        _check_disjoint("terms", self.terms)
        _check_disjoint("holidays", self.holidays)
        seen: set[date] = set()
        for make_up in self.make_up_days:
            where = f"make-up day {make_up.date.isoformat()}" + (
                f" ({make_up.name})" if make_up.name else ""
            )
            if make_up.date in seen:
                raise EpgError(f"{where} is listed twice")
            seen.add(make_up.date)
            if make_up.date.weekday() not in self.weekend:
                weekday = _WEEKDAY_WORDS[make_up.date.weekday()]
                raise EpgError(f"{where} is a {weekday}, not a weekend day")
            if make_up.follows in self.weekend:
                weekday = _WEEKDAY_WORDS[make_up.follows]
                raise EpgError(f"{where} follows {weekday}, a weekend day: it would be no school")

    def term_of(self, day: date) -> Term | None:
        return next((term for term in self.terms if day in term), None)

    def holiday_of(self, day: date) -> Holiday | None:
        return next((holiday for holiday in self.holidays if day in holiday), None)

    def make_up_of(self, day: date) -> MakeUpDay | None:
        return next((make_up for make_up in self.make_up_days if make_up.date == day), None)

    def day_kind(self, day: date) -> Day:
        """What ``day`` is, by the precedence in the module docstring."""
        term = self.term_of(day)
        term_name = term.name if term else None
        make_up = self.make_up_of(day)
        if make_up is not None and term is not None:
            return Day(day, DayKind.SCHOOL, make_up.follows, make_up.name or None, term_name, True)
        holiday = self.holiday_of(day)
        if holiday is not None:
            return Day(day, DayKind.HOLIDAY, day.weekday(), holiday.name, term_name)
        if term is None:
            return Day(day, DayKind.VACATION, day.weekday())
        if day.weekday() in self.weekend:
            return Day(day, DayKind.WEEKEND, day.weekday(), None, term_name)
        return Day(day, DayKind.SCHOOL, day.weekday(), None, term_name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON the backend stores; `from_dict` reads it back to an equal calendar."""
        return {
            "terms": [_range_dict(term) for term in self.terms],
            "holidays": [_range_dict(holiday) for holiday in self.holidays],
            "make_up_days": [
                {"date": m.date.isoformat(), "follows": WEEKDAYS[m.follows]}
                | ({"name": m.name} if m.name else {})
                for m in self.make_up_days
            ],
            "weekend": [WEEKDAYS[weekday] for weekday in sorted(self.weekend)],
        }

    @classmethod
    def from_dict(cls, data: object) -> AcademicCalendar:
        """The calendar in ``data`` (JSON-like); an `EpgError` names the bad field's path."""
        fields = _Fields(data, "")
        terms = [
            _build(term.path, Term, term.text("name"), term.date("first"), term.date("last"))
            for term in fields.objects("terms", required=False)
        ]
        holidays = [
            _build(h.path, Holiday, h.text("name"), h.date("first"), h.date("last"))
            for h in fields.objects("holidays", required=False)
        ]
        make_ups = [
            _build(m.path, MakeUpDay, m.date("date"), m.weekday("follows"), m.text("name", ""))
            for m in fields.objects("make_up_days", required=False)
        ]
        weekend = fields.weekdays("weekend", required=False)
        fields.done()
        return _build(
            "calendar",
            cls,
            tuple(terms),
            tuple(holidays),
            tuple(make_ups),
            DEFAULT_WEEKEND if weekend is None else weekend,
        )


def _range_dict(value: Term | Holiday) -> dict[str, str]:
    return {"name": value.name, "first": value.first.isoformat(), "last": value.last.isoformat()}


def _check_disjoint(what: str, ranges: Sequence[Term] | Sequence[Holiday]) -> None:
    ordered = sorted(ranges, key=lambda r: (r.first, r.last))
    for before, after in pairwise(ordered):
        if after.first <= before.last:
            raise EpgError(
                f"{what} {before.name!r} ({_span(before.first, before.last)}) and "
                f"{after.name!r} ({_span(after.first, after.last)}) overlap"
            )


# -- reading JSON-like data (shared with epg.schedule) -------------------------------------------

_REQUIRED: Any = object()
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
MIDNIGHT_END = "24:00"  # a period's stop at the end of the day, in JSON


def _build(path: str, factory: Any, *args: Any) -> Any:
    """``factory(*args)``, its `EpgError` prefixed with ``path`` so the message says where."""
    try:
        return factory(*args)
    except EpgError as error:
        raise EpgError(f"{path}: {error}" if path else str(error)) from None


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), type(value).__name__ if value is not None else "null"
    )


class _Fields:
    """One JSON object being read; every error names the field's path (``terms[1].first``).

    `done` refuses keys nobody read: a misspelt ``"strat"`` is an error, not a silent default.
    """

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise EpgError(f"{path or 'the value'}: expected an object, got {_kind(data)}")
        self.data = data
        self.path = path
        self.read: set[str] = set()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: Any = _REQUIRED) -> Any:
        self.read.add(key)
        if key not in self.data or self.data[key] is None:
            if default is _REQUIRED:
                raise EpgError(f"{self.where(key)}: missing")
            return default
        return self.data[key]

    def done(self) -> None:
        unknown = sorted(str(key) for key in self.data if key not in self.read)
        if unknown:
            raise EpgError(f"{self.where(unknown[0])}: unknown field")

    def text(self, key: str, default: Any = _REQUIRED) -> str:
        value = self.get(key, default)
        if value is not default and not isinstance(value, str):
            raise EpgError(f"{self.where(key)}: expected a string, got {_kind(value)}")
        return value

    def integer(self, key: str, default: Any = _REQUIRED) -> int:
        value = self.get(key, default)
        if value is not default and (isinstance(value, bool) or not isinstance(value, int)):
            raise EpgError(f"{self.where(key)}: expected a whole number, got {_kind(value)}")
        return value

    def boolean(self, key: str, default: Any = _REQUIRED) -> bool:
        value = self.get(key, default)
        if value is not default and not isinstance(value, bool):
            raise EpgError(f"{self.where(key)}: expected true or false, got {_kind(value)}")
        return value

    def texts(self, key: str, default: Any = _REQUIRED) -> Texts:
        value = self.get(key, default)
        if value is default:
            return dict(value) if isinstance(value, dict) else value
        if not isinstance(value, Mapping) or not all(
            isinstance(lang, str) and isinstance(text, str) for lang, text in value.items()
        ):
            raise EpgError(
                f'{self.where(key)}: expected texts by language ({{"zh": "...", "en": "..."}})'
            )
        return dict(value)

    def strings(self, key: str, default: Any = _REQUIRED) -> tuple[str, ...]:
        value = self.get(key, default)
        if value is default:
            return value
        items = self._list(key, value)
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise EpgError(f"{self.where(key)}[{index}]: expected a string, got {_kind(item)}")
        return tuple(items)

    def date(self, key: str, default: Any = _REQUIRED) -> date:
        value = self.get(key, default)
        if value is default:
            return value
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise EpgError(f"{self.where(key)}: {value!r} is not a date (YYYY-MM-DD)") from None

    def time(self, key: str, *, end: bool = False) -> time:
        """``HH:MM`` or ``HH:MM:SS``; with ``end``, ``24:00`` (midnight ending the day) too,
        returned as ``time(0)``."""
        value = self.get(key)
        match = _TIME.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise EpgError(f"{self.where(key)}: {value!r} is not a time (HH:MM)")
        if end and value == MIDNIGHT_END:
            return time(0)
        hour, minute, second = (int(part) if part else 0 for part in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise EpgError(f"{self.where(key)}: {value!r} is not a time of day")
        return time(hour, minute, second)

    def weekday(self, key: str) -> int:
        value = self.get(key)
        if value not in WEEKDAYS:
            raise EpgError(f"{self.where(key)}: {value!r} is not one of {', '.join(WEEKDAYS)}")
        return WEEKDAYS.index(value)

    def weekdays(self, key: str, required: bool = True) -> frozenset[int] | None:
        value = self.get(key, _REQUIRED if required else None)
        if value is None:
            return None
        days = set()
        for index, item in enumerate(self._list(key, value)):
            if item not in WEEKDAYS:
                raise EpgError(
                    f"{self.where(key)}[{index}]: {item!r} is not one of {', '.join(WEEKDAYS)}"
                )
            days.add(WEEKDAYS.index(item))
        return frozenset(days)

    def objects(self, key: str, required: bool = True) -> Iterable[_Fields]:
        """Each object of the list at ``key``, read in turn; each must be `done` with."""
        value = self.get(key, _REQUIRED if required else [])
        for index, item in enumerate(self._list(key, value)):
            nested = _Fields(item, f"{self.where(key)}[{index}]")
            yield nested
            nested.done()

    def array(self, key: str) -> list[Any]:
        """The list at ``key`` (required)."""
        return self._list(key, self.get(key))

    def _list(self, key: str, value: object) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise EpgError(f"{self.where(key)}: expected a list, got {_kind(value)}")
        return list(value)

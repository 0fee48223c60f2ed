"""Timeline queries of the programme guide: now/next, windows, overlap and gap checks, repairs.

Rules:

- A `Timeline` holds one channel's programmes sorted by start and free of overlaps; it is
  built once, when the schedule changes, and answers with `bisect`: O(log n) for now/next,
  O(log n + k) for a window of k programmes. A `Guide` holds the timelines of a line-up and
  answers for many channels at once (paging by channels is the caller's: pass the page's ids).
- Times are UTC, start inclusive, stop exclusive, as in `epg.model`; every time-dependent
  function takes ``now``: no clock, no I/O, standard library only.
- Real feeds overlap, repeat and come unsorted. `check` accepts any of that and reports it
  (`Report`, one `Issue` per problem, with a message for the operator); `repair` fixes it by
  explicit `Rule`s applied in the order given, and returns every `Change` it made. Zero-length
  programmes cannot exist (`Programme` refuses them), so neither function looks for them.
- Ties are broken by input order (the first listed wins among programmes with the same start
  and stop), so the same input always gives the same output.
- The guide pages by local day, midnight to midnight in the channel's zone: `local_day` is 23
  or 25 hours long on DST days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import groupby, pairwise
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from epg.model import EpgError, Programme, Texts, utc, zone

__all__ = [
    "STANDARD_RULES",
    "Action",
    "Change",
    "DropCovered",
    "DropDuplicates",
    "FillGaps",
    "FillerFactory",
    "Guide",
    "Issue",
    "IssueKind",
    "LaterStartWins",
    "NowNext",
    "Repaired",
    "Report",
    "Rule",
    "Span",
    "Timeline",
    "by_channel",
    "check",
    "filler",
    "local_date",
    "local_day",
    "repair",
    "sort_programmes",
]


# -- sorting -------------------------------------------------------------------------------------


def _times(programme: Programme) -> tuple[datetime, datetime]:
    return programme.start, programme.stop


def sort_programmes(programmes: Iterable[Programme]) -> list[Programme]:
    """By channel, then start, then stop; stable, so equal times keep their input order (the
    tie-break every rule here relies on)."""
    return sorted(programmes, key=lambda p: (p.channel, p.start, p.stop))


def by_channel(programmes: Iterable[Programme]) -> dict[str, list[Programme]]:
    """Channel id -> its programmes by start then stop; channels in id order."""
    grouped: dict[str, list[Programme]] = {}
    for programme in sort_programmes(programmes):
        grouped.setdefault(programme.channel, []).append(programme)
    return grouped


# -- spans and local days ------------------------------------------------------------------------


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _when(start: datetime, stop: datetime) -> str:
    """``2026-03-29 08:30-08:45 UTC``: the date once, as an operator reads it."""
    day = start.date()
    if stop.date() == day:
        return f"{day.isoformat()} {_clock(start)}-{_clock(stop)} UTC"
    if stop == datetime.combine(day + timedelta(days=1), time(), UTC):
        return f"{day.isoformat()} {_clock(start)}-24:00 UTC"
    return f"{day.isoformat()} {_clock(start)} to {stop.date().isoformat()} {_clock(stop)} UTC"


@dataclass(frozen=True)
class Span:
    """A stretch of time in UTC, ``start`` inclusive, ``stop`` exclusive: a day to check, to
    fill, to page the guide by."""

    start: datetime
    stop: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", utc(self.start))
        object.__setattr__(self, "stop", utc(self.stop))
        if self.stop <= self.start:
            raise EpgError(
                f"span {self.start.isoformat()} to {self.stop.isoformat()}: stop is not after start"
            )

    @property
    def duration(self) -> timedelta:
        return self.stop - self.start

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= utc(moment) < self.stop

    def __str__(self) -> str:
        return _when(self.start, self.stop)


def _tz(timezone: str | tzinfo) -> tzinfo:
    return zone(timezone) if isinstance(timezone, str) else timezone


def local_day(day: date, timezone: str | tzinfo) -> Span:
    """The local calendar ``day`` in ``timezone`` (an IANA name or a tzinfo) as a UTC span.

    The guide pages by the channel's own day, so the span is midnight to midnight there: 23
    hours when clocks spring forward, 25 when they fall back. A midnight the clocks skip is read
    with the offset before the jump (fold 0), which is the instant of the jump, the day's first;
    a midnight that happens twice starts the day at its first occurrence.
    """
    tz = _tz(timezone)
    start = datetime.combine(day, time(), tz)
    stop = datetime.combine(day + timedelta(days=1), time(), tz)
    return Span(start, stop)


def local_date(moment: datetime, timezone: str | tzinfo) -> date:
    """The local calendar day ``moment`` falls on in ``timezone``: which guide page is today."""
    return utc(moment).astimezone(_tz(timezone)).date()


# -- one channel, many channels ------------------------------------------------------------------


@dataclass(frozen=True)
class NowNext:
    """What a channel shows at ``now`` (None in a gap) and the first programme after it (None
    after the last)."""

    channel: str
    now: datetime
    current: Programme | None
    next: Programme | None


def _title(programme: Programme, language: str = "zh") -> str:
    return repr(programme.title_in(language))


def _overlap_message(where: str, programmes: Sequence[Programme], language: str = "zh") -> str:
    titles = [_title(p, language) for p in programmes]
    listed = ", ".join(titles[:-1]) + f" and {titles[-1]}"
    return f"{where} is covered by {listed}"


@dataclass(frozen=True)
class Timeline:
    """One channel's programmes, sorted and free of overlaps, ready for queries.

    Built once per schedule change (O(n log n), O(n) for sorted input) so each query is a
    bisection rather than a scan: the backend answers 500 channels from prepared timelines.
    Overlapping programmes are refused (a programme would be ambiguous on air, and the stops
    would not be sorted, which the window's bisection needs): `check` and `repair` them first.
    ``programmes`` may be given in any order; the timeline keeps them sorted.
    """

    channel: str
    programmes: tuple[Programme, ...] = ()
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)
    _stops: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.programmes, key=_times))
        for programme in ordered:
            if programme.channel != self.channel:
                raise EpgError(
                    f"timeline of {self.channel}: {_title(programme)} at "
                    f"{_when(programme.start, programme.stop)} is on {programme.channel}"
                )
        for before, after in pairwise(ordered):
            if before.stop > after.start:
                where = f"timeline of {self.channel}: " + _when(
                    after.start, min(before.stop, after.stop)
                )
                raise EpgError(
                    _overlap_message(where, (before, after)) + " (check and repair them first)"
                )
        object.__setattr__(self, "programmes", ordered)
        object.__setattr__(self, "_starts", tuple(p.start for p in ordered))
        object.__setattr__(self, "_stops", tuple(p.stop for p in ordered))

    def __len__(self) -> int:
        return len(self.programmes)

    @property
    def span(self) -> Span | None:
        """From the first start to the last stop; None when empty."""
        if not self.programmes:
            return None
        return Span(self.programmes[0].start, self.programmes[-1].stop)

    def now_next(self, now: datetime) -> NowNext:
        """The programme on air at ``now`` and the next one. O(log n).

        At a programme's start it is on air; at its stop it is not (the next one is, or none).
        """
        now = utc(now)
        index = bisect_right(self._starts, now)  # programmes[:index] started by now
        current = None
        if index and self._stops[index - 1] > now:
            current = self.programmes[index - 1]
        upcoming = self.programmes[index] if index < len(self.programmes) else None
        return NowNext(self.channel, now, current, upcoming)

    def at(self, moment: datetime) -> Programme | None:
        """The programme on air at ``moment``, None in a gap. O(log n)."""
        return self.now_next(moment).current

    def window(self, start: datetime, stop: datetime, *, clip: bool = False) -> list[Programme]:
        """The programmes overlapping [start, stop), by start. O(log n + k).

        Unclipped by default: the guide grid draws a programme that began before the window
        from its real start, with the overlap visible. ``clip=True`` cuts the first and last to
        the window (new `Programme` values; the others are returned as they are).
        """
        return self._window(Span(start, stop), clip)

    def _window(self, span: Span, clip: bool) -> list[Programme]:
        first = bisect_right(self._stops, span.start)  # first stopping after the window starts
        end = bisect_left(self._starts, span.stop, first)  # first starting at or after its stop
        found = list(self.programmes[first:end])
        if clip and found:
            if found[0].start < span.start:
                found[0] = replace(found[0], start=span.start)
            if found[-1].stop > span.stop:
                found[-1] = replace(found[-1], stop=span.stop)
        return found


@dataclass(frozen=True, eq=False)
class Guide:
    """The timelines of a line-up, by channel id, for queries over many channels at once.

    ``channels`` given to a query selects and orders the channels answered (a page of the
    guide); by default every channel, in id order. An id the guide does not hold is an error:
    a channel without programmes is declared when building (`Guide.of`) and answers empty.
    """

    timelines: Mapping[str, Timeline]

    def __post_init__(self) -> None:
        for channel, timeline in self.timelines.items():
            if timeline.channel != channel:
                raise EpgError(f"guide: the timeline under {channel} is of {timeline.channel}")
        object.__setattr__(self, "timelines", MappingProxyType(dict(self.timelines)))

    @classmethod
    def of(cls, programmes: Iterable[Programme], channels: Iterable[str] = ()) -> Guide:
        """A guide of ``programmes`` (any order, several channels; no overlaps within a
        channel) plus empty timelines for ``channels`` that have none."""
        grouped = by_channel(programmes)
        ids = sorted(set(grouped).union(channels))
        return cls({c: Timeline(c, tuple(grouped.get(c, ()))) for c in ids})

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.timelines)

    def timeline(self, channel: str) -> Timeline:
        try:
            return self.timelines[channel]
        except KeyError:
            raise EpgError(f"guide has no channel {channel!r}") from None

    def _selected(self, channels: Iterable[str] | None) -> list[Timeline]:
        if channels is None:
            return list(self.timelines.values())
        return [self.timeline(channel) for channel in channels]

    def now_next(self, now: datetime, channels: Iterable[str] | None = None) -> dict[str, NowNext]:
        """Now/next of each channel. O(c log n) for c channels."""
        now = utc(now)
        return {t.channel: t.now_next(now) for t in self._selected(channels)}

    def window(
        self,
        start: datetime,
        stop: datetime,
        channels: Iterable[str] | None = None,
        *,
        clip: bool = False,
    ) -> dict[str, list[Programme]]:
        """Channel id -> `Timeline.window` of each channel. O(c log n + k) for k programmes."""
        span = Span(start, stop)
        return {t.channel: t._window(span, clip) for t in self._selected(channels)}


# -- checks --------------------------------------------------------------------------------------


class IssueKind(StrEnum):
    DUPLICATE = "duplicate"  # the same programme (every field equal) listed more than once
    OVERLAP = "overlap"  # a stretch on air in two programmes or more
    GAP = "gap"  # a stretch with no programme


_KIND_ORDER = {kind: order for order, kind in enumerate(IssueKind)}


@dataclass(frozen=True)
class Issue:
    """One problem of one channel over [start, stop), with the programmes involved: the copies
    of a duplicate, the programmes of an overlap, the neighbours of a gap (none, one or two)."""

    kind: IssueKind
    channel: str
    start: datetime
    stop: datetime
    programmes: tuple[Programme, ...]

    @property
    def message(self) -> str:
        return self.describe()

    def describe(self, language: str = "zh") -> str:
        """The operator's sentence, titles in ``language`` (Chinese first, as everywhere)."""
        where = f"{self.channel}: {_when(self.start, self.stop)}"
        if self.kind is IssueKind.DUPLICATE:
            title = _title(self.programmes[0], language)
            return f"{where}: {title} is listed {len(self.programmes)} times"
        if self.kind is IssueKind.OVERLAP:
            return _overlap_message(where, self.programmes, language)
        before = [_title(p, language) for p in self.programmes if p.stop <= self.start]
        after = [_title(p, language) for p in self.programmes if p.start >= self.stop]
        if before and after:
            return f"{where} has no programme (between {before[0]} and {after[0]})"
        if before:
            return f"{where} has no programme (after {before[0]})"
        if after:
            return f"{where} has no programme (before {after[0]})"
        return f"{where} has no programme"

    def __str__(self) -> str:
        return self.message


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@dataclass(frozen=True)
class Report:
    """What `check` found: issues by channel then time; ``ok`` when there are none."""

    issues: tuple[Issue, ...]
    channels: int
    programmes: int
    span: Span | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    def of(self, kind: IssueKind) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.kind is kind)

    @property
    def summary(self) -> str:
        """``3 channels, 120 programmes over 2026-03-29 00:00-24:00 UTC: 2 overlaps, 1 gap``."""
        scope = f"{_count(self.channels, 'channel')}, {_count(self.programmes, 'programme')}"
        if self.span is not None:
            scope += f" over {self.span}"
        counts = [_count(len(self.of(kind)), kind.value) for kind in IssueKind if self.of(kind)]
        return f"{scope}: {', '.join(counts) if counts else 'no issues'}"

    def __str__(self) -> str:
        return "\n".join([self.summary, *(issue.message for issue in self.issues)])


def _dedupe(ordered: list[Programme]) -> tuple[list[Programme], list[list[Programme]]]:
    """The first of each set of equal programmes, and those sets with copies (sorted input)."""
    unique: list[Programme] = []
    repeated: list[list[Programme]] = []
    for _, run in groupby(ordered, key=_times):
        copies: list[list[Programme]] = []
        for programme in run:
            for group in copies:
                if group[0] == programme:
                    group.append(programme)
                    break
            else:
                copies.append([programme])
        unique.extend(group[0] for group in copies)
        repeated.extend(group for group in copies if len(group) > 1)
    return unique, repeated


@dataclass(frozen=True)
class _Piece:
    start: datetime
    stop: datetime
    on_air: tuple[Programme, ...]
    before: Programme | None  # of a gap: the programme that ended last
    after: Programme | None  # ... and the one that starts next


def _pieces(
    ordered: list[Programme], lo: datetime | None = None, hi: datetime | None = None
) -> Iterator[_Piece]:
    """[lo, hi) cut where a programme starts or stops, with what is on air in each piece.

    ``ordered`` is sorted by start then stop; lo and hi default to its first start and last
    stop. O(n log n) plus the programmes on air per piece (two at most in sane data).
    """
    if not ordered and (lo is None or hi is None):
        return
    lo = ordered[0].start if lo is None else lo
    hi = max(p.stop for p in ordered) if hi is None else hi
    inside = {moment for p in ordered for moment in _times(p) if lo < moment < hi}
    points = sorted({lo, hi, *inside})
    on_air: list[Programme] = []
    latest: Programme | None = None  # stops last among those started
    index = 0
    for start, stop in pairwise(points):
        on_air = [p for p in on_air if p.stop > start]
        while index < len(ordered) and ordered[index].start <= start:
            programme = ordered[index]
            if programme.stop > start:
                on_air.append(programme)
            if latest is None or programme.stop > latest.stop:
                latest = programme
            index += 1
        upcoming = ordered[index] if index < len(ordered) else None
        yield _Piece(start, stop, tuple(on_air), latest, upcoming)


def _check_channel(channel: str, ordered: list[Programme], span: Span | None) -> list[Issue]:
    if span is not None:
        ordered = [p for p in ordered if p.stop > span.start and p.start < span.stop]
    unique, repeated = _dedupe(ordered)
    issues = [
        Issue(IssueKind.DUPLICATE, channel, group[0].start, group[0].stop, tuple(group))
        for group in repeated
    ]
    lo, hi = (span.start, span.stop) if span is not None else (None, None)
    for piece in _pieces(unique, lo, hi):
        if len(piece.on_air) > 1:
            issues.append(Issue(IssueKind.OVERLAP, channel, piece.start, piece.stop, piece.on_air))
        elif not piece.on_air:
            neighbours = tuple(p for p in (piece.before, piece.after) if p is not None)
            issues.append(Issue(IssueKind.GAP, channel, piece.start, piece.stop, neighbours))
    return issues


def check(
    programmes: Iterable[Programme], *, span: Span | None = None, channels: Iterable[str] = ()
) -> Report:
    """Duplicates, overlaps and gaps of ``programmes``, in any order, of any channels.

    Without ``span``, each channel is checked from its first start to its last stop. With it
    (a local day, say), only what touches the span is reported, overlaps and gaps cut to it,
    and a gap runs to the span's edges; ``channels`` then names channels expected to be covered
    even if they have no programme at all. Exact duplicates are reported once each (with every
    copy) and count once for overlaps. O(n log n).
    """
    listed = list(programmes)
    grouped = by_channel(listed)
    ids = sorted(set(grouped).union(channels))
    issues = [
        issue
        for channel in ids
        for issue in _check_channel(channel, grouped.get(channel, []), span)
    ]
    issues.sort(key=lambda i: (i.channel, i.start, i.stop, _KIND_ORDER[i.kind]))
    return Report(tuple(issues), len(ids), len(listed), span)


# -- repairs -------------------------------------------------------------------------------------


class Action(StrEnum):
    DROPPED = "dropped"
    TRIMMED = "trimmed"
    FILLED = "filled"


@dataclass(frozen=True)
class Change:
    """One change a repair made, for the operator's report: ``before`` as it was (None when
    filled), ``after`` as it is (None when dropped), ``cause`` the programme that won, covers
    or was copied."""

    action: Action
    rule: str
    channel: str
    before: Programme | None
    after: Programme | None
    cause: Programme | None
    message: str

    def __str__(self) -> str:
        return self.message


class Rule(Protocol):
    """A repair rule: one channel's programmes (sorted by start then stop, input order among
    equal times) in, the repaired ones and the changes out."""

    name: ClassVar[str]

    def apply(
        self, channel: str, programmes: list[Programme]
    ) -> tuple[list[Programme], list[Change]]: ...


def _at(programme: Programme) -> str:
    return f"{_title(programme)} at {_when(programme.start, programme.stop)}"


@dataclass(frozen=True)
class DropDuplicates:
    """Drop every copy of a programme listed more than once (all fields equal), keeping the
    first: a feed merged from overlapping downloads repeats whole days."""

    name: ClassVar[str] = "drop-duplicates"

    def apply(
        self, channel: str, programmes: list[Programme]
    ) -> tuple[list[Programme], list[Change]]:
        unique, repeated = _dedupe(programmes)
        changes = [
            Change(
                Action.DROPPED,
                self.name,
                channel,
                copy,
                None,
                group[0],
                f"{channel}: dropped a duplicate of {_at(copy)}",
            )
            for group in repeated
            for copy in group[1:]
        ]
        return unique, changes


@dataclass(frozen=True)
class DropCovered:
    """Drop a programme whose whole time lies within another's (a block's items listed with
    the block, say), keeping the outer one; of programmes with the same times, the first listed
    is kept. Partial overlaps are left to `LaterStartWins`."""

    name: ClassVar[str] = "drop-covered"

    def apply(
        self, channel: str, programmes: list[Programme]
    ) -> tuple[list[Programme], list[Change]]:
        # By start, the longest first (stable: input order among equal times), so whatever
        # covers a programme comes before it and the furthest stop so far is its cover.
        outer_first = sorted(programmes, key=lambda p: (p.start, -p.duration))
        kept: list[Programme] = []
        changes: list[Change] = []
        cover: Programme | None = None
        for programme in outer_first:
            if cover is not None and programme.stop <= cover.stop:
                changes.append(
                    Change(
                        Action.DROPPED,
                        self.name,
                        channel,
                        programme,
                        None,
                        cover,
                        f"{channel}: dropped {_at(programme)}, covered by {_at(cover)}",
                    )
                )
                continue
            kept.append(programme)
            cover = programme
        return sorted(kept, key=_times), changes


@dataclass(frozen=True)
class LaterStartWins:
    """Where two programmes overlap, the one that starts later keeps its time and the earlier
    one ends where it starts (a late change to a schedule is announced by its new start).

    Programmes starting together cannot both be kept: the longest is (it leaves no hole), the
    first listed among equally long ones. Afterwards the channel has no overlaps; a programme
    nested in a longer one cuts the longer one short and the rest of its time becomes a gap
    (use `DropCovered` first to keep the longer one instead).
    """

    name: ClassVar[str] = "later-start-wins"

    def apply(
        self, channel: str, programmes: list[Programme]
    ) -> tuple[list[Programme], list[Change]]:
        changes: list[Change] = []
        starters: list[Programme] = []
        for _, run in groupby(programmes, key=lambda p: p.start):
            same_start = list(run)
            winner = max(same_start, key=lambda p: p.stop)  # the first of the longest
            starters.append(winner)
            for loser in same_start:
                if loser is winner:
                    continue
                why = "the same times as" if loser.stop == winner.stop else "the same start as"
                changes.append(
                    Change(
                        Action.DROPPED,
                        self.name,
                        channel,
                        loser,
                        None,
                        winner,
                        f"{channel}: dropped {_at(loser)}, which has {why} {_title(winner)}",
                    )
                )
        result: list[Programme] = []
        for index, programme in enumerate(starters):
            following = starters[index + 1] if index + 1 < len(starters) else None
            if following is not None and programme.stop > following.start:
                trimmed = replace(programme, stop=following.start)
                changes.append(
                    Change(
                        Action.TRIMMED,
                        self.name,
                        channel,
                        programme,
                        trimmed,
                        following,
                        f"{channel}: trimmed {_at(programme)} to end at "
                        f"{_clock(following.start)}, where {_title(following)} starts",
                    )
                )
                programme = trimmed
            result.append(programme)
        return result, changes


FillerFactory = Callable[[str, datetime, datetime], Programme]
"""(channel, start, stop) -> the programme to fill that gap with, ``filler=True``."""


def filler(title: Texts, **fields: Any) -> FillerFactory:
    """A factory of filler programmes titled ``title`` (a test card, the channel's loop),
    other `Programme` fields as given."""

    def make(channel: str, start: datetime, stop: datetime) -> Programme:
        return Programme(channel, start, stop, title, filler=True, **fields)

    return make


@dataclass(frozen=True)
class FillGaps:
    """Fill every stretch with no programme by one from ``make``, which must return a
    ``filler=True`` programme of exactly that channel and time.

    Without ``span`` the gaps between a channel's first start and last stop are filled; with it
    (the day being published), the gaps within the span, up to its edges, and channels passed to
    `repair` that have no programme at all. Leaving gaps is the default: leave this rule out.
    """

    make: FillerFactory
    span: Span | None = None
    name: ClassVar[str] = "fill-gaps"

    def apply(
        self, channel: str, programmes: list[Programme]
    ) -> tuple[list[Programme], list[Change]]:
        lo, hi = (self.span.start, self.span.stop) if self.span is not None else (None, None)
        fills: list[Programme] = []
        changes: list[Change] = []
        for piece in _pieces(programmes, lo, hi):
            if piece.on_air:
                continue
            made = self.make(channel, piece.start, piece.stop)
            if not (
                isinstance(made, Programme)
                and made.channel == channel
                and _times(made) == (piece.start, piece.stop)
                and made.filler
            ):
                raise EpgError(
                    f"fill-gaps on {channel} at {_when(piece.start, piece.stop)}: the factory "
                    f"returned {made!r}, not a filler programme of that channel and time"
                )
            fills.append(made)
            changes.append(
                Change(
                    Action.FILLED,
                    self.name,
                    channel,
                    None,
                    made,
                    None,
                    f"{channel}: filled {_when(piece.start, piece.stop)} with {_title(made)}",
                )
            )
        return sorted(programmes + fills, key=_times), changes


STANDARD_RULES: tuple[Rule, ...] = (DropDuplicates(), LaterStartWins())
"""The usual fix of a feed: no copies, no overlaps, gaps left as they are."""


@dataclass(frozen=True)
class Repaired:
    """What `repair` returns: the programmes by channel then start, and what it changed."""

    programmes: tuple[Programme, ...]
    changes: tuple[Change, ...]

    @property
    def summary(self) -> str:
        """``2 dropped, 1 trimmed, 3 filled`` or ``no changes``."""
        counts = {action: 0 for action in Action}
        for change in self.changes:
            counts[change.action] += 1
        parts = [f"{number} {action.value}" for action, number in counts.items() if number]
        return ", ".join(parts) if parts else "no changes"

    def __str__(self) -> str:
        return "\n".join([self.summary, *(change.message for change in self.changes)])


def repair(
    programmes: Iterable[Programme],
    rules: Sequence[Rule] = STANDARD_RULES,
    *,
    channels: Iterable[str] = (),
) -> Repaired:
    """``programmes`` (any order, any channels) repaired by ``rules``, applied to each channel
    in the order given; ``channels`` adds channels with no programme (for `FillGaps` with a
    span). Pure and deterministic: ties go to the first listed. O(n log n) per rule.
    """
    grouped = by_channel(programmes)
    result: list[Programme] = []
    changes: list[Change] = []
    for channel in sorted(set(grouped).union(channels)):
        current = grouped.get(channel, [])
        for rule in rules:
            current, made = rule.apply(channel, current)
            current = sorted(current, key=_times)
            changes.extend(made)
        result.extend(current)
    return Repaired(tuple(result), tuple(changes))

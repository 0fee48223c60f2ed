"""Linear channels as live HLS: a plan made once per schedule publication, and a cheap sliding
window over it for every playlist request (RFC 8216).

The work is split by how often it runs. `build_plan` runs when a channel's schedule is
published: it lays every scheduled lesson's segments end to end on the channel's timeline,
filling what is left of each slot (and the gaps between slots) with a looped slate, and
numbers every segment. `render` runs on every request (``/live/<channel>/<rendition>.m3u8``,
a thousand a second): two bisections find the window at ``now`` and a dozen lines are written.
`render_master` depends on the plan only and can be cached with it.

RFC 8216 rules the plan and the window keep:

* **Timeline.** Segments follow each other without gaps, so ``#EXT-X-PROGRAM-DATE-TIME`` of
  any segment is the previous one's plus its ``#EXTINF`` (§4.3.2.6). A segment is published
  when its start time has come (``start <= now``); the window is the shortest run of segments
  ending with the one playing at ``now`` that lasts at least ``window`` target durations, so it
  never drops below three target durations (§6.2.2) once the plan has aired that long. A plan's
  first moments (a new channel) have a shorter window, as any live stream that has just begun.
* **Numbers.** Segment *i* of a plan has media sequence number ``anchor.sequence + i``
  (§4.3.3.2): it only grows, by exactly the segments that left the window, and a number always
  names the same URI. Each segment has a discontinuity sequence number (§4.3.3.3) that grows
  by one at every ``#EXT-X-DISCONTINUITY`` (§4.3.2.3): before each run's first segment (a new
  lesson or the slate: timestamps and encodings restart), at every loop of the slate, and
  where a lesson's own playlist had one. ``#EXT-X-DISCONTINUITY-SEQUENCE`` is the number of the
  window's first segment, which therefore never carries the tag: a discontinuity leaves the
  window exactly when the number goes up. Every tag is followed by ``#EXT-X-PROGRAM-DATE-TIME``,
  and so is the window's first segment.
* **Target duration** (§4.3.3.1) is the longest ``#EXTINF`` of anything the plan could play,
  rounded up to whole seconds; it is kept in the anchor so re-publishing never changes it (a
  lesson with longer segments is refused instead). Renditions share one timeline: a lesson's
  renditions must have the same segments (IDR-aligned, as ``tv_backend/media/profile.py``
  encodes them), and every item on a channel must have the same ladder (§6.2.4).
* No ``#EXT-X-ENDLIST``: a channel never ends; ``now`` after the plan's end is an error that asks
  for the next publication.

**Catch-up** (`render_vod`): what a plan aired from ``start`` to ``stop`` as an on-demand
playlist (``#EXT-X-PLAYLIST-TYPE:VOD``, ``#EXT-X-ENDLIST``): every segment that overlaps the
stretch, numbered from 0, with the same discontinuity tags and program date-times as the
windows had. Only what has aired (``stop <= now``), so a VOD playlist never changes.

**Placing items.** Whole segments only (a segment cannot be cut without re-encoding). A
programme's lesson starts where the previous item ended, which is within half a segment of
the programme's start; a segment is kept when its midpoint is before the programme's stop, so
a long lesson is cut at the segment boundary nearest the stop. Whatever time remains before the
next programme starts (a short lesson, a gap, a programme with nothing recorded) plays the
slate from its beginning, looped, again to the boundary nearest the next start. Every item is
thus within half a segment of its scheduled time and the error never accumulates.

**The anchor** is what the backend persists per channel (`Anchor.as_dict`): where the plan
begins and with which numbers, and which item is playing there. A plan is a pure function of
(anchor, schedule, media), so every worker process, and the same process after a restart,
builds the same plan. On a publication the backend takes ``current.anchor(now)`` (the start of
the oldest item still in the window, so the new plan can draw full windows at once), builds the
new plan from it with the new schedule, checks it with `ensure_continues` (the new schedule must
not rewrite what was already published; give ``until`` a margin for workers that switch a
little later) and persists the new anchor. A new channel starts from ``Anchor(time)``:
sequence and discontinuity 0.

**Live classes.** A live programme's run is planned like any other, from its recorded lesson
(or the slate when it has none), so the numbering is fixed in advance; the rest of its slot
after a shorter recording is slate that still belongs to the class; `Run.live` gives the
upstream HLS URL and `Plan.run_at` the run on air, which is what the backend's relay needs.
Putting the upstream's own segments into the window is left to the relay (see `Run.live`).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from epg.hls import (
    MICROS,
    MasterPlaylist,
    Segment,
    Variant,
    format_date,
    format_duration,
    parse_master,
    parse_media,
)
from epg.model import EpgError, Programme, utc

__all__ = [
    "ALIGNMENT",
    "DEFAULT_WINDOW",
    "Anchor",
    "Media",
    "Plan",
    "PlannedSegment",
    "Run",
    "build_plan",
    "ensure_continues",
    "render",
    "render_master",
    "render_vod",
]

DEFAULT_WINDOW = 6  # target durations in a window: 6 segments of 2 s
ALIGNMENT = 50_000  # µs renditions of one segment may differ by (a frame at 25 fps is 40 ms)
_ROUNDING = 1_000  # µs over a whole second that still counts as that second (printed 2.0004)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    return (utc(moment) - _EPOCH) // _TICK


def _moment(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True, eq=False)
class Media:
    """One lesson's HLS (or the slate's): its ladder and its segments on one timeline.

    ``durations`` (µs) are the first rendition's; every rendition must have as many segments,
    each within `ALIGNMENT` of it, so one sequence number means the same moment in all of
    them. ``uris`` are absolute. ``breaks`` are the segments a ``#EXT-X-DISCONTINUITY``
    precedes in the lesson's own playlists.
    """

    where: str  # the master playlist's URI, for messages
    variants: tuple[Variant, ...]
    durations: tuple[int, ...]
    uris: Mapping[str, tuple[str, ...]]
    breaks: frozenset[int] = frozenset()
    independent: bool = False

    @classmethod
    def load(cls, master_uri: str, read: Callable[[str], str]) -> Media:
        """Parse the master at ``master_uri`` (absolute) and its media playlists.

        ``read(uri)`` returns a playlist's text: the caller's I/O (files under the media root,
        a cache), so this stays pure. Relative URIs are resolved against where each playlist
        is, so ``../../../bodies/...`` lands on the shared bodies.
        """
        master = parse_master(read(master_uri), master_uri)
        playlists = {v.name: parse_media(read(v.uri), v.uri) for v in master.variants}
        return cls.of(master, playlists, master_uri)

    @classmethod
    def of(
        cls, master: MasterPlaylist, playlists: Mapping[str, Sequence[Segment]], where: str
    ) -> Media:
        """A lesson from its parsed master and media playlists (by rendition name)."""
        names = [v.name for v in master.variants]
        missing = [n for n in names if n not in playlists]
        if missing:
            raise EpgError(f"{where}: no media playlist for rendition(s) {', '.join(missing)}")
        reference = list(playlists[names[0]])
        for name in names[1:]:
            other = playlists[name]
            if len(other) != len(reference):
                raise EpgError(
                    f"{where}: rendition {name} has {len(other)} segments, "
                    f"{names[0]} has {len(reference)}: renditions must be segment-aligned"
                )
            for index, (a, b) in enumerate(zip(reference, other, strict=True)):
                if abs(a.duration - b.duration) > ALIGNMENT or a.discontinuity != b.discontinuity:
                    raise EpgError(
                        f"{where}: segment {index} of {name} ({format_duration(b.duration)} s) "
                        f"does not match {names[0]} ({format_duration(a.duration)} s)"
                    )
        return cls(
            where=where,
            variants=master.variants,
            durations=tuple(s.duration for s in reference),
            uris={n: tuple(s.uri for s in playlists[n]) for n in names},
            breaks=frozenset(i for i, s in enumerate(reference) if s.discontinuity and i),
            independent=master.independent,
        )

    @property
    def renditions(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)


@dataclass(frozen=True)
class Anchor:
    """Where a plan begins and with which numbers: what the backend persists per channel.

    The segment starting at ``time`` has media sequence number ``sequence`` and discontinuity
    sequence number ``discontinuity``. What plays from there:

    * ``programme`` and ``offset`` set: that programme's medium (its lesson, or the slate for a
      live class with nothing recorded) from its segment ``offset``; then the programmes that
      start after it.
    * ``programme`` set, ``offset`` None: the slate, the programme being over; then the
      programmes that start after it.
    * neither: the slate until the first programme that starts at or after ``time`` (a new
      channel; give ``programme`` and ``offset`` to join a programme in progress instead).

    ``target_duration`` is the channel's ``#EXT-X-TARGETDURATION`` once chosen (None: the
    first plan chooses it).
    """

    time: datetime
    sequence: int = 0
    discontinuity: int = 0
    target_duration: int | None = None
    programme: datetime | None = None  # that programme's start (unique on a channel)
    offset: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "time", utc(self.time))
        if self.programme is not None:
            object.__setattr__(self, "programme", utc(self.programme))
        if self.sequence < 0 or self.discontinuity < 0:
            raise EpgError(f"anchor at {self.time.isoformat()}: sequence numbers are 0 or more")
        if self.target_duration is not None and self.target_duration < 1:
            raise EpgError(f"anchor at {self.time.isoformat()}: target duration must be 1 s+")
        if self.offset is not None and (self.programme is None or self.offset < 0):
            raise EpgError(f"anchor at {self.time.isoformat()}: an offset needs a programme")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (times as ISO 8601 UTC) to persist per channel."""
        return {
            "time": self.time.isoformat(),
            "sequence": self.sequence,
            "discontinuity": self.discontinuity,
            "target_duration": self.target_duration,
            "programme": self.programme.isoformat() if self.programme else None,
            "offset": self.offset,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Anchor:
        try:
            programme = data.get("programme")
            return cls(
                time=datetime.fromisoformat(data["time"]),
                sequence=int(data["sequence"]),
                discontinuity=int(data["discontinuity"]),
                target_duration=data.get("target_duration"),
                programme=datetime.fromisoformat(programme) if programme else None,
                offset=data.get("offset"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise EpgError(f"stored anchor {dict(data)!r} is unreadable: {error}") from error


@dataclass(frozen=True)
class Run:
    """A stretch of one medium played without a break: a programme's lesson from ``offset``,
    or the slate.

    ``programme`` is the programme whose slot it plays (None: filler slate); ``after`` is the
    start of the last programme placed before a filler run began (what its anchor resumes
    after; None when none was).
    """

    start: datetime
    stop: datetime
    sequence: int  # media sequence number of its first segment
    count: int  # segments
    discontinuity: int  # discontinuity sequence number of its first segment
    programme: Programme | None
    offset: int  # index of its first segment in its medium
    slate: bool  # plays the slate (filler, or a live class with nothing recorded)
    after: datetime | None = None

    @property
    def live(self) -> str | None:
        """The upstream HLS URL of a live class, for the backend's relay.

        The planned segments stay the fallback (the recorded lesson, or the slate). Splicing
        the upstream's segments in is the relay's work: it must cut them on this run's
        planned boundaries (same durations, same encoding profile) and pick, once per
        sequence number, relayed or fallback URI, or the same number would name two URIs.
        """
        if self.programme is not None and self.programme.live:
            return self.programme.source
        return None


@dataclass(frozen=True)
class PlannedSegment:
    """One segment of a plan, as a rendition's playlist lists it."""

    sequence: int
    start: datetime
    duration: int  # µs
    discontinuity: int
    uri: str


@dataclass(frozen=True, eq=False)
class Plan:
    """A channel's segments from its anchor on; build with `build_plan`, read with `render`."""

    channel: str
    target_duration: int
    window: int  # in target durations
    sequence: int  # media sequence number of the first segment
    runs: tuple[Run, ...]
    variants: tuple[Variant, ...]  # the channel's ladder (bandwidths: the highest of any item)
    independent: bool
    _bounds: array = field(repr=False)  # µs: start of each segment, then the plan's end
    _discontinuity: array = field(repr=False)  # discontinuity sequence number per segment
    _medium: array = field(repr=False)  # index into _media per segment
    _index: array = field(repr=False)  # segment index within its medium
    _media: tuple[Media, ...] = field(repr=False)
    _run_starts: tuple[int, ...] = field(repr=False)  # index of each run's first segment

    @property
    def start(self) -> datetime:
        return _moment(self._bounds[0])

    @property
    def stop(self) -> datetime:
        return _moment(self._bounds[-1])

    @property
    def renditions(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variants)

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def segment(self, sequence: int, rendition: str) -> PlannedSegment:
        """The segment numbered ``sequence`` in ``rendition``."""
        index = sequence - self.sequence
        if not 0 <= index < len(self):
            raise EpgError(f"channel {self.channel}: no segment {sequence} in the plan")
        return PlannedSegment(
            sequence=sequence,
            start=_moment(self._bounds[index]),
            duration=self._bounds[index + 1] - self._bounds[index],
            discontinuity=self._discontinuity[index],
            uri=self._uri(index, self._check(rendition)),
        )

    def window_at(self, now: datetime) -> tuple[int, int]:
        """Indexes of the first and last segments in the window at ``now``.

        ``render``'s output depends only on these and the rendition: a cache key.
        """
        moment = _micros(now)
        bounds = self._bounds
        if moment < bounds[0]:
            raise EpgError(
                f"channel {self.channel}: nothing planned before {self.start.isoformat()} "
                f"(now is {_moment(moment).isoformat()})"
            )
        if moment >= bounds[-1]:
            raise EpgError(
                f"channel {self.channel}: the plan ended at {self.stop.isoformat()} "
                f"(now is {_moment(moment).isoformat()}); publish a schedule that goes further"
            )
        last = bisect_right(bounds, moment) - 1
        span = self.window * self.target_duration * MICROS
        first = max(bisect_right(bounds, bounds[last + 1] - span, 0, last + 1) - 1, 0)
        return first, last

    def span(self, start: datetime, stop: datetime) -> tuple[int, int]:
        """Indexes of the first and last segments that overlap [start, stop) (`render_vod`)."""
        begin, end = _micros(start), _micros(stop)
        bounds = self._bounds
        if begin >= end:
            raise EpgError(
                f"channel {self.channel}: {utc(start).isoformat()} is not before "
                f"{utc(stop).isoformat()}"
            )
        if begin < bounds[0] or end > bounds[-1]:
            raise EpgError(
                f"channel {self.channel}: {utc(start).isoformat()} to {utc(stop).isoformat()} "
                f"is not all planned ({self.start.isoformat()} to {self.stop.isoformat()})"
            )
        return bisect_right(bounds, begin) - 1, bisect_left(bounds, end) - 1

    def run_at(self, now: datetime) -> Run:
        """The run on air at ``now`` (for the live relay: `Run.live`)."""
        _, last = self.window_at(now)
        return self.runs[bisect_right(self._run_starts, last) - 1]

    def anchor(self, now: datetime) -> Anchor:
        """The anchor to build the next plan from, on a publication at ``now``.

        The start of the oldest run in the window at ``now``, so that the next plan holds
        every segment its windows will show from ``now`` on.
        """
        first, _ = self.window_at(now)
        run = self.runs[bisect_right(self._run_starts, first) - 1]
        if run.programme is not None:
            programme, offset = run.programme.start, run.offset
        else:
            programme, offset = run.after, None
        return Anchor(
            time=run.start,
            sequence=run.sequence,
            discontinuity=run.discontinuity,
            target_duration=self.target_duration,
            programme=programme,
            offset=offset,
        )

    def _check(self, rendition: str) -> str:
        if rendition not in self._media[0].uris:
            raise EpgError(
                f"channel {self.channel} has no rendition {rendition!r} "
                f"({', '.join(self.renditions)})"
            )
        return rendition

    def _uri(self, index: int, rendition: str) -> str:
        return self._media[self._medium[index]].uris[rendition][self._index[index]]


def build_plan(
    channel: str,
    programmes: Iterable[Programme],
    media: Mapping[int, Media],
    *,
    anchor: Anchor,
    slate: Media | None = None,
    until: datetime | None = None,
    window: int = DEFAULT_WINDOW,
) -> Plan:
    """The plan of ``channel`` from ``anchor`` on.

    ``programmes`` are the channel's schedule (any order; they must not overlap) from the
    anchor's programme on at least; earlier ones are ignored. ``media`` maps each scheduled
    ``lesson_id`` to its `Media`; a programme without a lesson plays the slate. ``slate`` fills
    what the lessons leave of the slots and the gaps between them; without one, any such time
    longer than half a target duration is an error. ``until`` extends the plan with slate past
    the last programme. ``window`` is the window's length in target durations (3 or more).
    """
    if window < 3:
        raise EpgError(f"channel {channel}: a window of {window} target durations is under 3")
    schedule = _schedule(channel, programmes)
    head, rest = _resume(channel, schedule, anchor)
    ladder = _Ladder(channel)
    lessons: dict[int, int] = {}  # lesson id -> index in `used`
    used: list[Media] = []
    for programme in ([head] if head else []) + rest:
        if programme.lesson_id is not None and programme.lesson_id not in lessons:
            medium = media.get(programme.lesson_id)
            if medium is None:
                raise EpgError(f"{_where(programme)}: lesson {programme.lesson_id} has no media")
            ladder.check(medium, f"{_where(programme)} (lesson {programme.lesson_id})")
            lessons[programme.lesson_id] = len(used)
            used.append(medium)
    slate_index: int | None = None
    if slate is not None:
        ladder.check(slate, f"channel {channel}: the slate")
        slate_index = len(used)
        used.append(slate)
    if not used:
        raise EpgError(f"channel {channel}: nothing to play from {anchor.time.isoformat()}")
    target = _target(channel, used, anchor.target_duration)

    builder = _Builder(channel, anchor, target, used, slate_index)
    if head is not None:
        builder.programme(head, _lesson(lessons, head), anchor.offset or 0)
    else:
        builder.after = anchor.programme
    for programme in rest:
        builder.fill(_micros(programme.start))
        builder.programme(programme, _lesson(lessons, programme), 0)
    if until is not None:
        builder.fill(_micros(until))
    if not builder.durations:
        raise EpgError(f"channel {channel}: nothing to play from {anchor.time.isoformat()}")
    return builder.plan(anchor.sequence, window, ladder.variants(), used)


def _lesson(lessons: dict[int, int], programme: Programme) -> int | None:
    return None if programme.lesson_id is None else lessons[programme.lesson_id]


def _where(programme: Programme) -> str:
    return f"programme on {programme.channel} at {programme.start.isoformat()}"


def _schedule(channel: str, programmes: Iterable[Programme]) -> list[Programme]:
    schedule = sorted(programmes, key=lambda p: p.start)
    for previous, programme in pairwise(schedule):
        if programme.start < previous.stop:
            raise EpgError(
                f"channel {channel}: {_where(programme)} overlaps the one at "
                f"{previous.start.isoformat()}"
            )
    for programme in schedule:
        if programme.channel != channel:
            raise EpgError(f"channel {channel}: {_where(programme)} is not on this channel")
    return schedule


def _find(schedule: list[Programme], start: datetime) -> Programme | None:
    return next((p for p in schedule if p.start == start), None)


def _resume(
    channel: str, schedule: list[Programme], anchor: Anchor
) -> tuple[Programme | None, list[Programme]]:
    """The programme the anchor plays (if any) and the programmes to place after it."""
    if anchor.programme is None:
        return None, [p for p in schedule if p.start >= anchor.time]
    rest = [p for p in schedule if p.start > anchor.programme]
    if anchor.offset is None:
        return None, rest
    head = _find(schedule, anchor.programme)
    if head is None:
        raise EpgError(
            f"channel {channel}: the anchor's programme at {anchor.programme.isoformat()} is not "
            "in the schedule (a publication may not remove what is on air)"
        )
    return head, rest


def _target(channel: str, used: list[Media], fixed: int | None) -> int:
    """The target duration: the longest segment rounded up, or the anchor's if it holds."""
    longest = max(used, key=lambda m: max(m.durations))
    needed = max(1, math.ceil((max(longest.durations) - _ROUNDING) / MICROS))
    if fixed is None:
        return needed
    if needed > fixed:
        raise EpgError(
            f"channel {channel}: {longest.where} has a {format_duration(max(longest.durations))}"
            f" s segment, longer than the channel's target duration of {fixed} s"
        )
    return fixed


class _Ladder:
    """The channel's renditions: every item must have the same ones (§6.2.4)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.first: Media | None = None
        self.peaks: dict[str, int] = {}
        self.averages: dict[str, int | None] = {}
        self.independent = True

    def check(self, medium: Media, where: str) -> None:
        if self.first is None:
            self.first = medium
        else:
            expected = {v.name: _identity(v) for v in self.first.variants}
            found = {v.name: _identity(v) for v in medium.variants}
            if found != expected:
                raise EpgError(
                    f"{where}: renditions {_describe(found)} differ from the channel's "
                    f"{_describe(expected)} (from {self.first.where}); every item on a channel "
                    "must share one ladder"
                )
        for v in medium.variants:
            self.peaks[v.name] = max(self.peaks.get(v.name, 0), v.bandwidth)
            average = self.averages.get(v.name, 0)
            self.averages[v.name] = (
                None
                if average is None or v.average_bandwidth is None
                else max(average, v.average_bandwidth)
            )
        self.independent = self.independent and medium.independent

    def variants(self) -> tuple[Variant, ...]:
        assert self.first is not None
        return tuple(
            Variant(
                name=v.name,
                uri=v.name,  # render_master makes the real URI from its template
                bandwidth=self.peaks[v.name],
                average_bandwidth=self.averages[v.name],
                resolution=v.resolution,
                codecs=v.codecs,
                frame_rate=v.frame_rate,
            )
            for v in self.first.variants
        )


def _identity(v: Variant) -> tuple[str | None, str | None, float | None]:
    return (v.resolution, v.codecs, v.frame_rate)


def _describe(ladder: Mapping[str, tuple[str | None, str | None, float | None]]) -> str:
    return "[" + "; ".join(f"{n} {r} {c} {f}" for n, (r, c, f) in ladder.items()) + "]"


class _Builder:
    """Lays segments end to end from the anchor (the rules: module docstring, Placing items)."""

    def __init__(
        self, channel: str, anchor: Anchor, target: int, used: list[Media], slate: int | None
    ) -> None:
        self.channel = channel
        self.target = target
        self.used = used
        self.slate = slate
        self.time = _micros(anchor.time)
        self.bounds = array("q", [self.time])
        self.durations: list[int] = []
        self.discontinuity = array("q")
        self.medium = array("H")
        self.index = array("I")
        self.next_discontinuity = anchor.discontinuity  # the number of the next segment
        self.runs: list[dict[str, Any]] = []
        self.filling = False  # the last run is filler slate that may go on
        self.after: datetime | None = None  # start of the last programme placed
        self.sequence0 = anchor.sequence

    def programme(self, programme: Programme, lesson: int | None, offset: int) -> None:
        """Place ``programme``'s medium from segment ``offset``, cut at its stop."""
        stop = _micros(programme.stop)
        if lesson is None and not programme.live:
            self.fill(stop)  # nothing recorded: its slot is filler
            self.after = programme.start
            return
        if lesson is None and self.slate is None:
            self._uncovered(stop)
            self.after = programme.start
            return
        medium = lesson if lesson is not None else self.slate
        assert medium is not None
        durations = self.used[medium].durations
        looped = lesson is None
        index = offset if not looped else offset % len(durations)
        started = False
        while looped or index < len(durations):
            if 2 * self.time + durations[index] >= 2 * stop:
                break
            if not started:
                self._open(programme, offset, slate=looped)
                started = True
            self._add(medium, index, wrap=looped and index == 0)
            index += 1
            if looped and index == len(durations):
                index = 0
        self.filling = False
        if programme.live and not looped and self.slate is not None:
            self._live_tail(programme, stop, len(durations), max(0, offset - len(durations)))
        self.after = programme.start

    def _live_tail(self, programme: Programme, stop: int, recorded: int, position: int) -> None:
        """The rest of a live class's slot after its recording: slate that still belongs to
        the class (`Run.live` holds to its stop, so the relay and attendance do). Its run's
        offset counts on from the recording's segments, so an anchor inside it resumes here."""
        assert self.slate is not None
        durations = self.used[self.slate].durations
        index, started = position % len(durations), False
        while 2 * self.time + durations[index] < 2 * stop:
            if not started:
                self._open(programme, recorded + position, slate=True)
                started = True
            self._add(self.slate, index, wrap=index == 0)
            index = (index + 1) % len(durations)

    def fill(self, until: int) -> None:
        """Slate up to the segment boundary nearest ``until``."""
        if self.slate is None:
            self._uncovered(until)
            return
        durations = self.used[self.slate].durations
        while 2 * self.time + durations[self._slate_position()] < 2 * until:
            if not self.filling:
                self._open(None, 0, slate=True)
                self.filling = True
            position = self._slate_position()
            self._add(self.slate, position, wrap=position == 0)

    def _slate_position(self) -> int:
        if not self.filling:
            return 0
        return self.runs[-1]["count"] % len(self.used[self.slate or 0].durations)

    def _uncovered(self, until: int) -> None:
        if 2 * (until - self.time) > self.target * MICROS:
            raise EpgError(
                f"channel {self.channel}: nothing to play from {_moment(self.time).isoformat()} "
                f"to {_moment(until).isoformat()} (no slate given)"
            )

    def _open(self, programme: Programme | None, offset: int, *, slate: bool) -> None:
        if self.runs:
            self.next_discontinuity += 1
        self.runs.append(
            {
                "first": len(self.durations),
                "count": 0,
                "discontinuity": self.next_discontinuity,
                "programme": programme,
                "offset": offset,
                "slate": slate,
                "after": self.after if programme is None else None,
            }
        )

    def _add(self, medium: int, index: int, *, wrap: bool) -> None:
        run = self.runs[-1]
        if run["count"] and (wrap or index in self.used[medium].breaks):
            self.next_discontinuity += 1
        duration = self.used[medium].durations[index]
        self.durations.append(duration)
        self.time += duration
        self.bounds.append(self.time)
        self.discontinuity.append(self.next_discontinuity)
        self.medium.append(medium)
        self.index.append(index)
        run["count"] += 1

    def plan(
        self, sequence: int, window: int, variants: tuple[Variant, ...], used: list[Media]
    ) -> Plan:
        runs = tuple(
            Run(
                start=_moment(self.bounds[r["first"]]),
                stop=_moment(self.bounds[r["first"] + r["count"]]),
                sequence=sequence + r["first"],
                count=r["count"],
                discontinuity=r["discontinuity"],
                programme=r["programme"],
                offset=r["offset"],
                slate=r["slate"],
                after=r["after"],
            )
            for r in self.runs
        )
        return Plan(
            channel=self.channel,
            target_duration=self.target,
            window=window,
            sequence=sequence,
            runs=runs,
            variants=variants,
            independent=all(m.independent for m in used),
            _bounds=self.bounds,
            _discontinuity=self.discontinuity,
            _medium=self.medium,
            _index=self.index,
            _media=tuple(used),
            _run_starts=tuple(r["first"] for r in self.runs),
        )


def render(plan: Plan, rendition: str, now: datetime) -> str:
    """The live media playlist of ``rendition`` at ``now``: the window, no ``#EXT-X-ENDLIST``.

    Raises `EpgError` when ``now`` is before the plan's start or at or after its end.
    """
    plan._check(rendition)
    first, last = plan.window_at(now)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{plan.target_duration}",
        f"#EXT-X-MEDIA-SEQUENCE:{plan.sequence + first}",
        f"#EXT-X-DISCONTINUITY-SEQUENCE:{plan._discontinuity[first]}",
    ]
    lines += _segment_lines(plan, rendition, first, last)
    return "\n".join(lines) + "\n"


def render_vod(plan: Plan, rendition: str, start: datetime, stop: datetime, now: datetime) -> str:
    """The on-demand playlist of ``rendition`` from ``start`` to ``stop``: catch-up.

    Lists every segment that overlaps [start, stop), numbered from 0 (``#EXT-X-MEDIA-SEQUENCE``
    and ``#EXT-X-DISCONTINUITY-SEQUENCE`` 0), an ``#EXT-X-DISCONTINUITY`` and a
    ``#EXT-X-PROGRAM-DATE-TIME`` wherever `render` has them (between items, at slate loops),
    then ``#EXT-X-ENDLIST``. Raises `EpgError` unless ``start < stop <= now`` and the plan
    covers the stretch: only what has aired, so the playlist is final.
    """
    plan._check(rendition)
    first, last = plan.span(start, stop)
    if stop > now:
        raise EpgError(
            f"channel {plan.channel}: catch-up to {utc(stop).isoformat()} has not aired yet "
            f"(now is {utc(now).isoformat()})"
        )
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{plan.target_duration}",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-DISCONTINUITY-SEQUENCE:0",
    ]
    lines += _segment_lines(plan, rendition, first, last)
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def render_master(plan: Plan, uri: str = "{rendition}.m3u8") -> str:
    """The channel's master playlist; ``uri`` makes each rendition's playlist URI (relative to
    the master's, or absolute) from ``{rendition}`` and ``{channel}``.

    BANDWIDTH is the highest of any item's (RFC 8216 §4.3.4.2: an upper bound of the peak
    rate), AVERAGE-BANDWIDTH the highest average (left out if an item lacks it).
    """
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    if plan.independent:
        lines.append("#EXT-X-INDEPENDENT-SEGMENTS")
    for v in plan.variants:
        attrs = [f"BANDWIDTH={v.bandwidth}"]
        if v.average_bandwidth is not None:
            attrs.append(f"AVERAGE-BANDWIDTH={v.average_bandwidth}")
        if v.resolution is not None:
            attrs.append(f"RESOLUTION={v.resolution}")
        if v.codecs is not None:
            attrs.append(f'CODECS="{v.codecs}"')
        if v.frame_rate is not None:
            attrs.append(f"FRAME-RATE={v.frame_rate:.3f}")
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attrs))
        lines.append(uri.format(rendition=v.name, channel=plan.channel))
    return "\n".join(lines) + "\n"


def ensure_continues(old: Plan, new: Plan, until: datetime) -> None:
    """Refuse a new plan that rewrites what the old one published before ``until``.

    Every segment of ``old`` that starts in the new plan's span and before ``until`` must be in
    ``new`` with the same number, times, discontinuity number and URIs, and so must the
    discontinuity tags between them; the target duration and the renditions must stay. Pass
    the publication time plus a margin: workers still on the old plan keep publishing for a
    moment.
    """
    where = f"channel {new.channel}"
    if new.target_duration != old.target_duration:
        raise EpgError(
            f"{where}: target duration {new.target_duration} s would replace "
            f"{old.target_duration} s"
        )
    if new.renditions != old.renditions:
        raise EpgError(f"{where}: renditions {new.renditions} would replace {old.renditions}")
    limit = _micros(until)
    begin = bisect_left(old._bounds, new._bounds[0], 0, len(old))
    for index in range(begin, len(old)):
        if old._bounds[index] >= limit:
            break
        sequence = old.sequence + index
        other = sequence - new.sequence
        at = f"{where}: segment {sequence} at {_moment(old._bounds[index]).isoformat()}"
        if not 0 <= other < len(new) or new._bounds[other] != old._bounds[index]:
            raise EpgError(f"{at} has another number or time in the new plan")
        if new._bounds[other + 1] != old._bounds[index + 1]:
            raise EpgError(f"{at} has another duration in the new plan")
        if new._discontinuity[other] != old._discontinuity[index]:
            raise EpgError(f"{at} has another discontinuity sequence number in the new plan")
        if (
            index > begin
            and other > 0
            and (new._discontinuity[other] - new._discontinuity[other - 1])
            != (old._discontinuity[index] - old._discontinuity[index - 1])
        ):
            raise EpgError(f"{at}: its discontinuity tag differs in the new plan")
        for rendition in old.renditions:
            if new._uri(other, rendition) != old._uri(index, rendition):
                raise EpgError(
                    f"{at} ({rendition}) would change from {old._uri(index, rendition)} "
                    f"to {new._uri(other, rendition)}"
                )


def _segment_lines(plan: Plan, rendition: str, first: int, last: int) -> list[str]:
    """Segments ``first``..``last``: a date on the first, and a discontinuity with a date
    wherever an item (or a slate loop) begins; shared by the live and on-demand playlists."""
    bounds, discontinuity = plan._bounds, plan._discontinuity
    lines = []
    for index in range(first, last + 1):
        if index == first:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{format_date(bounds[index])}")
        elif discontinuity[index] != discontinuity[index - 1]:
            lines.append("#EXT-X-DISCONTINUITY")
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{format_date(bounds[index])}")
        lines.append(f"#EXTINF:{format_duration(bounds[index + 1] - bounds[index])},")
        lines.append(plan._uri(index, rendition))
    return lines

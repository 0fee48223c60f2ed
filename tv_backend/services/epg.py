"""Channels and the programme guide: XMLTV import and export, the M3U playlist, guide windows
and now/next, and the operators' writes (channels, schedules, publishing).

The rules of the guide itself live in the pure ``epg`` package; this module moves its values in
and out of storage:

- **Import** (`EpgService.import_xmltv`): ``epg.xmltv.read_xmltv`` reads the file (hostile or
  malformed input raises `XmltvRejected`, 400, and nothing is written). In ONE transaction the
  file's channels are upserted (XMLTV carries names, number and logo; an existing channel keeps
  its time zone, group, line-ups and catch-up) and, per channel, the programmes overlapping the
  span the file covers for it (its first start to its last stop) are replaced by the file's,
  repaired with ``epg.timeline.repair`` (no copies, no overlaps). ``replace=False`` keeps the
  stored programmes of that span and merges the file's into them (the same repair decides).
  Programmes of channels neither declared nor stored are skipped and reported.
- **Reads** (`guide`, `now_next`) are answered from a `Prepared` guide: the channels, read
  once per guide version, and `Hours`, the programmes one UTC hour at a time, loaded from SQL
  when a read first needs them (the channels it asks for in the hours it lacks, by range
  queries that read only the rows in range: ``storage.epg``) and dropped least recently used
  past a budget. A read loads only what it shows (now/next: the hour of ``now`` and the next,
  plus the next programme of channels with nothing starting in them), so its cost does not
  grow with the stored schedule, and a process holds a few days of guide at most. A new
  version (any write, from any process) starts a new `Prepared` on the next read.
  `programmes` (one channel: the live channels' and catch-up's question) is one range query.
  `export_xmltv` streams the whole store into the document and keeps none of it. The HTTP edge
  caches the answers' bytes, with their ETag, under the same version: each is serialised once
  per version, not per request.
- **Publishing** (`publish`): a channel's schedule definition (``epg.schedule.Schedule`` JSON)
  and academic calendar are stored with `put_schedule`; `publish` builds ``days`` local days
  with ``epg.schedule.build`` from the catalog (source ``course-<id>``: that course's lessons in
  order), checks them with ``epg.timeline.check`` and replaces that span.

Every write bumps the guide version in its own transaction and then calls ``publish_version``
(the response cache's), as catalog writes do.

Errors (`ServiceError`\\s): `XmltvRejected` 400 ``invalid_xmltv``, `ImportTooLarge` 413
``too_large``, `ChannelRejected` 422 ``invalid_channel``, `ScheduleRejected` 422
``invalid_schedule``, `NotFound` 404.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from epg.calendar import AcademicCalendar
from epg.m3u import write_m3u
from epg.model import Channel, EpgError, Programme, utc
from epg.schedule import Item, Schedule, Source, build
from epg.timeline import Guide, IssueKind, NowNext, Span, Timeline, by_channel, check, repair
from epg.xmltv import XMLTV_ID, read_xmltv, write_xmltv
from tv_backend.services.errors import NotFound, ServiceError
from tv_backend.storage.catalog import CatalogRepository
from tv_backend.storage.epg import EpgRepository

MAX_IMPORT_BYTES = 64 * 1024 * 1024
MAX_NOTES = 20  # notes listed in a report; the counts cover all of them
MAX_PUBLISH_DAYS = 31
COURSE_SOURCE = re.compile(r"course-([1-9][0-9]{0,9})")
STREAM_PATH = "live/{id}/master.m3u8"
CATCHUP_QUERY = "?start={utc}&end={utcend}"  # Kodi's placeholders, appended to the stream URL
_MICRO = timedelta(microseconds=1)
HOURS_BUDGET = 64_000  # programmes held by a Prepared guide's hours (~60 h of 500 channels)


class XmltvRejected(ServiceError):
    status = 400
    code = "invalid_xmltv"


class ImportTooLarge(ServiceError):
    status = 413
    code = "too_large"


class ChannelRejected(ServiceError):
    status = 422
    code = "invalid_channel"


class ScheduleRejected(ServiceError):
    status = 422
    code = "invalid_schedule"


@dataclass(frozen=True)
class ImportReport:
    channels: int  # declared by the file and stored
    created: int  # of those, new
    programmes: int  # stored for the file's span
    replaced: int  # stored programmes the import removed
    skipped: int  # elements of the file not imported
    adjusted: int  # imported with an inferred value (a stop, an id)
    repaired: int  # changes made by the repair
    unknown_channels: tuple[str, ...]  # programmes' channels the file did not declare
    notes: tuple[str, ...]  # the first MAX_NOTES notes, skipped then adjusted then repaired
    version: int | None

    @property
    def summary(self) -> str:
        return (
            f"{self.channels} channels ({self.created} new), {self.programmes} programmes "
            f"({self.replaced} replaced); {self.skipped} skipped, {self.adjusted} adjusted, "
            f"{self.repaired} repaired"
        )


@dataclass(frozen=True)
class PublishReport:
    channel: str
    start: datetime
    stop: datetime
    programmes: int
    replaced: int
    summary: str  # epg.timeline.Report.summary
    issues: tuple[str, ...]
    version: int | None


def _hour(moment: datetime) -> int:
    """The UTC hour holding ``moment``, counted from the epoch."""
    return int(moment.timestamp() // 3600)


def _at_hour(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * 3600, UTC)


def _runs(hours: list[int]) -> list[tuple[int, int]]:
    """Sorted hours as runs of consecutive ones, [first, end)."""
    runs: list[tuple[int, int]] = []
    for hour in hours:
        if runs and runs[-1][1] == hour:
            runs[-1] = (runs[-1][0], hour + 1)
        else:
            runs.append((hour, hour + 1))
    return runs


@dataclass
class _Hour:
    """One UTC hour: per channel loaded, the programmes overlapping it (a channel without any
    is in ``loaded`` only)."""

    programmes: dict[str, tuple[Programme, ...]] = field(default_factory=dict)
    loaded: set[str] = field(default_factory=set)
    size: int = 0  # programmes held


class Hours:
    """The guide's programmes one UTC hour at a time, at one guide version.

    An hour holds, per channel, the programmes overlapping it (one that spans hours is in
    each). A read loads what it lacks, the channels it asks for in the hours it needs: one range
    query per run of hours (``load(start, stop, channels)``: the programmes of ``channels``
    overlapping [start, stop), by channel then start), so a page of the guide reads only its own
    channels. The least recently used hours are dropped once more than ``budget`` programmes
    are held (the hours a read needs are kept for it, whatever their size).
    """

    def __init__(
        self,
        load: Callable[[datetime, datetime, Collection[str]], list[Programme]],
        *,
        budget: int = HOURS_BUDGET,
    ) -> None:
        self._load = load
        self._budget = budget
        self._hours: OrderedDict[int, _Hour] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        """Programmes held, counted once per hour they are in."""
        return self._held

    def covering(
        self, start: datetime, stop: datetime, channels: Collection[str]
    ) -> dict[str, list[Programme]]:
        """Per channel of ``channels``, by start, every programme overlapping [start, stop)
        and maybe others overlapping the same UTC hours (select with a `Timeline`)."""
        wanted = range(_hour(start), _hour(stop - _MICRO) + 1)
        with self._lock:
            self._fill(wanted, set(channels))
            found: dict[str, list[Programme]] = {c: [] for c in channels}
            for hour in wanted:
                self._hours.move_to_end(hour)
                held = self._hours[hour].programmes
                for channel, programmes in found.items():
                    for programme in held.get(channel, ()):
                        if not programmes or programme.start > programmes[-1].start:
                            programmes.append(programme)  # one spanning hours: once
            self._evict(keep=len(wanted))
        return found

    def _fill(self, wanted: range, channels: set[str]) -> None:
        lacking: dict[int, set[str]] = {}
        for hour in wanted:
            held = self._hours.get(hour)
            lacking[hour] = channels - held.loaded if held is not None else channels
        for first, end in _runs([hour for hour in wanted if lacking[hour]]):
            run = range(first, end)
            ids = sorted(set().union(*(lacking[hour] for hour in run)))
            found: dict[int, dict[str, list[Programme]]] = {hour: {} for hour in run}
            for programme in self._load(_at_hour(first), _at_hour(end), ids):
                last = min(end, _hour(programme.stop - _MICRO) + 1)
                for hour in range(max(first, _hour(programme.start)), last):
                    if programme.channel in lacking[hour]:
                        found[hour].setdefault(programme.channel, []).append(programme)
            for hour in run:
                self._add(hour, lacking[hour], found[hour])

    def _add(self, hour: int, channels: set[str], found: dict[str, list[Programme]]) -> None:
        held = self._hours.setdefault(hour, _Hour())
        size = sum(map(len, found.values()))
        held.programmes.update((c, tuple(p)) for c, p in found.items())
        held.loaded |= channels
        held.size += size
        self._held += size

    def _evict(self, keep: int) -> None:
        while self._held > self._budget and len(self._hours) > keep:
            _, dropped = self._hours.popitem(last=False)
            self._held -= dropped.size


@dataclass(frozen=True, eq=False)
class Prepared:
    """The guide at one version: channels by number, and their programmes by the hour."""

    version: int
    channels: tuple[Channel, ...]
    hours: Hours

    @property
    def by_id(self) -> dict[str, Channel]:
        return {c.id: c for c in self.channels}


@dataclass(frozen=True)
class GuidePage:
    start: datetime
    stop: datetime
    channels: list[tuple[Channel, list[Programme]]]
    next_offset: int | None


@dataclass(frozen=True)
class NowNextPage:
    now: datetime
    channels: list[tuple[Channel, NowNext]]


def stream_path(channel_id: str) -> str:
    """The channel's live playlist, relative to the backend's root (no leading slash)."""
    return STREAM_PATH.format(id=channel_id)


def _note(note) -> str:
    return f"line {note.line} <{note.element}>: {note.reason}"


def _grade_number(code: str | None) -> int | None:
    digits = re.search(r"(\d+)$", code or "")
    return int(digits.group(1)) if digits else None


class EpgService:
    """The guide's use-cases; ``publish_version`` is called after each committed write."""

    def __init__(
        self,
        repo: EpgRepository,
        catalog: CatalogRepository,
        *,
        publish_version: Callable[[int], None] = lambda version: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        hours_budget: int = HOURS_BUDGET,
    ) -> None:
        self.repo = repo
        self.catalog = catalog
        self._publish_version = publish_version
        self._now = now
        self._hours_budget = hours_budget
        self._prepared: Prepared | None = None
        self._lock = threading.Lock()

    # -- reads -----------------------------------------------------------------------------

    def version(self) -> int:
        return self.repo.version()

    def prepared(self) -> Prepared:
        """The in-process guide at the current version, started afresh when the version moved
        (its programmes are loaded by the hour as reads ask for them)."""
        version = self.repo.version()
        current = self._prepared
        if current is not None and current.version == version:
            return current
        with self._lock:
            current = self._prepared
            if current is not None and current.version == version:
                return current
            # Read after the version: the data can only be newer than its label, and a newer
            # version starts again.
            hours = Hours(self.repo.overlapping, budget=self._hours_budget)
            self._prepared = Prepared(version, tuple(self.repo.channels()), hours)
            return self._prepared

    def channels(self) -> list[Channel]:
        """Every channel, by number then id."""
        return list(self.prepared().channels)

    def channel(self, channel_id: str) -> Channel:
        found = self.repo.channel(channel_id)
        if found is None:
            raise NotFound(f"There is no channel {channel_id!r}.")
        return found

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        """The channel's programmes overlapping [start, stop), by start (unclipped)."""
        return self.repo.programmes(channel_id, utc(start), utc(stop))

    def guide(self, start: datetime, stop: datetime, offset: int, limit: int) -> GuidePage:
        """A page of channels (``offset``, ``limit``) with their programmes overlapping
        [start, stop), unclipped."""
        prepared = self.prepared()
        start, stop = utc(start), utc(stop)
        page = prepared.channels[offset : offset + limit]
        ids = [c.id for c in page]
        found = prepared.hours.covering(start, stop, ids)
        window = Guide({c: Timeline(c, tuple(found[c])) for c in ids}).window(start, stop, ids)
        following = offset + limit if offset + limit < len(prepared.channels) else None
        return GuidePage(start, stop, [(c, window[c.id]) for c in page], following)

    def now_next(self, now: datetime | None = None) -> NowNextPage:
        """What every channel shows at ``now`` and the programme after it. The hour of ``now``
        and the next are read; a channel with nothing starting in them gets its next from SQL."""
        prepared = self.prepared()
        now = utc(now or self._now())
        ids = [c.id for c in prepared.channels]
        horizon = _at_hour(_hour(now) + 2)
        found = prepared.hours.covering(now, horizon, ids)
        later = [c for c in ids if not any(p.start > now for p in found[c])]
        for channel, programme in self.repo.first_from(horizon, later).items():
            found[channel].append(programme)
        guide = Guide({c: Timeline(c, tuple(found[c])) for c in ids})
        answers = guide.now_next(now, ids)
        return NowNextPage(now, [(c, answers[c.id]) for c in prepared.channels])

    def export_xmltv(self) -> bytes:
        """Every stored programme as XMLTV; channels whose id is no XMLTV id (no dot) and
        channels without programmes are left out. The programmes are streamed from SQL into
        the document: none is kept once it is written."""
        channels = [c for c in self.repo.channels() if XMLTV_ID.fullmatch(c.id)]
        ids = {c.id for c in channels}
        return write_xmltv(channels, (p for p in self.repo.each_programme() if p.channel in ids))

    def m3u(self, base_url: str) -> str:
        """The channel list for IPTV players, with absolute URLs under ``base_url``."""
        base = base_url.rstrip("/") + "/"

        def catchup(channel: Channel) -> str | None:
            if channel.catchup_days <= 0:
                return None
            return base + stream_path(channel.id) + CATCHUP_QUERY

        return write_m3u(
            self.prepared().channels,
            stream_url=lambda c: base + stream_path(c.id),
            guide_url=base + "epg.xml",
            catchup_url=catchup,
        )

    # -- import ------------------------------------------------------------------------------

    def import_xmltv(
        self, data: bytes, *, replace: bool = True, max_bytes: int = MAX_IMPORT_BYTES
    ) -> ImportReport:
        """Import an XMLTV document in one transaction (see the module docstring)."""
        if len(data) > max_bytes:
            raise ImportTooLarge(
                f"The XMLTV file is {len(data)} bytes; at most {max_bytes} are accepted."
            )
        try:
            parsed = read_xmltv(data, max_bytes=max_bytes)
        except EpgError as exc:
            raise XmltvRejected(
                f"The XMLTV file was refused; nothing was imported: {exc}", {"body": [str(exc)]}
            ) from None
        notes = [_note(n) for n in parsed.skipped] + [_note(n) for n in parsed.adjusted]
        created = 0
        written = removed = repaired = 0
        unknown: list[str] = []
        with self.repo.write() as write:
            for channel in parsed.channels:
                stored = write.channel(channel.id)
                if stored is not None:  # XMLTV has no zone, group, line-ups or catch-up
                    channel = _replaced(
                        channel,
                        timezone=stored.timezone,
                        group=stored.group,
                        lineups=stored.lineups,
                        catchup_days=stored.catchup_days,
                        logo=channel.logo or stored.logo,
                    )
                created += write.put_channel(channel)
                if not XMLTV_ID.fullmatch(channel.id):
                    notes.append(f"channel {channel.id!r}: no XMLTV id (no dot); /epg.xml omits it")
            declared = {c.id for c in parsed.channels}
            stored_unknown = write.known_channels(parsed.unknown_channels)
            for ident in parsed.unknown_channels:
                if ident not in stored_unknown:
                    unknown.append(ident)
                    notes.append(f"programmes of channel {ident!r} skipped: no such channel")
            for ident, items in by_channel(parsed.programmes).items():
                if ident not in declared and ident not in stored_unknown:
                    continue
                start = min(p.start for p in items)
                stop = max(p.stop for p in items)
                kept = [] if replace else write.programmes(ident, start, stop)
                fixed = repair([*kept, *items])
                repaired += len(fixed.changes)
                notes += [change.message for change in fixed.changes]
                removed += write.replace_programmes(ident, start, stop, fixed.programmes)
                written += len(fixed.programmes)
        self._publish_version(write.version)
        return ImportReport(
            channels=len(parsed.channels),
            created=created,
            programmes=written,
            replaced=removed,
            skipped=len(parsed.skipped) + sum(1 for p in parsed.programmes if p.channel in unknown),
            adjusted=len(parsed.adjusted),
            repaired=repaired,
            unknown_channels=tuple(unknown),
            notes=tuple(notes[:MAX_NOTES]),
            version=write.version,
        )

    # -- operator writes ---------------------------------------------------------------------

    def put_channel(self, channel_id: str, values: Mapping[str, Any]) -> tuple[Channel, bool]:
        """Create or replace a channel from validated ``values`` (the `Channel` fields but the
        id); True when it was new."""
        if not XMLTV_ID.fullmatch(channel_id) or len(channel_id) > 128:
            raise ChannelRejected(
                f"{channel_id!r} is not a channel id: letters, digits and '-' in dot-separated "
                "parts, at least two (such as 'hnjy1.edutv.cn').",
                {"id": ["Not an XMLTV channel id."]},
            )
        try:
            channel = Channel(id=channel_id, **values)
        except EpgError as exc:
            raise ChannelRejected(
                f"The channel is not valid: {exc}", {"channel": [str(exc)]}
            ) from None
        with self.repo.write() as write:
            created = write.put_channel(channel)
        self._publish_version(write.version)
        return channel, created

    def put_schedule(
        self, channel_id: str, schedule: Any, calendar: Any = None
    ) -> tuple[Schedule, AcademicCalendar | None]:
        """Store a channel's schedule definition and calendar (JSON) once both read."""
        parsed_schedule = _read("schedule", Schedule.from_dict, schedule)
        parsed_calendar = None
        if calendar is not None:
            parsed_calendar = _read("calendar", AcademicCalendar.from_dict, calendar)
        with self.repo.write() as write:
            if write.channel(channel_id) is None:
                raise NotFound(f"There is no channel {channel_id!r}.")
            write.put_schedule(
                channel_id,
                parsed_schedule.to_dict(),
                parsed_calendar.to_dict() if parsed_calendar else None,
            )
        self._publish_version(write.version)
        return parsed_schedule, parsed_calendar

    def schedule(self, channel_id: str) -> tuple[dict, dict | None]:
        stored = self.repo.schedule(channel_id)
        if stored is None:
            raise NotFound(f"Channel {channel_id!r} has no schedule; PUT one first.")
        return stored

    def publish(self, channel_id: str, start: date, days: int) -> PublishReport:
        """Build ``days`` local days of the channel from ``start`` and replace that span."""
        if not 1 <= days <= MAX_PUBLISH_DAYS:
            raise ScheduleRejected(
                f"days must be 1 to {MAX_PUBLISH_DAYS}.", {"days": ["Out of range."]}
            )
        channel = self.channel(channel_id)
        schedule_json, calendar_json = self.schedule(channel_id)
        schedule = _read("schedule", Schedule.from_dict, schedule_json)
        calendar = None
        if calendar_json is not None:
            calendar = _read("calendar", AcademicCalendar.from_dict, calendar_json)
        sources = self.sources(schedule.source_ids())
        try:
            programmes = build(channel, schedule, sources, start, days, calendar)
        except EpgError as exc:
            raise ScheduleRejected(
                f"The schedule cannot be built: {exc}", {"schedule": [str(exc)]}
            ) from None
        if not programmes:
            raise ScheduleRejected("The schedule built no programmes.", {"days": ["Nothing."]})
        span = Span(programmes[0].start, programmes[-1].stop)
        report = check(programmes, span=span, channels=[channel_id])
        clashes = report.of(IssueKind.OVERLAP) + report.of(IssueKind.DUPLICATE)
        if clashes:
            raise ScheduleRejected(
                f"The built guide has overlaps; nothing was published: {report.summary}",
                {"issues": [issue.message for issue in clashes[:MAX_NOTES]]},
            )
        with self.repo.write() as write:
            removed = write.replace_programmes(channel_id, span.start, span.stop, programmes)
        self._publish_version(write.version)
        return PublishReport(
            channel=channel_id,
            start=span.start,
            stop=span.stop,
            programmes=len(programmes),
            replaced=removed,
            summary=report.summary,
            issues=tuple(issue.message for issue in report.issues[:MAX_NOTES]),
            version=write.version,
        )

    def sources(self, source_ids: Iterable[str]) -> dict[str, Source]:
        """The catalog's courses as schedule sources: ``course-<id>``, lessons in order."""
        found: dict[str, Source] = {}
        unknown: dict[str, list[str]] = {}
        for source_id in sorted(source_ids):
            match = COURSE_SOURCE.fullmatch(source_id)
            course = self.catalog.course(int(match.group(1))) if match else None
            if course is None or not course.lessons:
                unknown[source_id] = ["No such course with lessons (sources are course-<id>)."]
                continue
            found[source_id] = _course_source(source_id, course)
        if unknown:
            raise ScheduleRejected(
                "The schedule plays sources the catalog does not have.", {"sources": unknown}
            )
        return found


def _replaced(channel: Channel, **changes: Any) -> Channel:
    return replace(channel, **changes)


def _read(what: str, reader: Callable[[Any], Any], data: Any) -> Any:
    try:
        return reader(data)
    except EpgError as exc:
        raise ScheduleRejected(f"The {what} is not valid: {exc}", {what: [str(exc)]}) from None


def _course_source(source_id: str, course) -> Source:
    items = []
    for lesson in course.lessons:
        title = {k: v for k, v in (("zh", lesson.title_zh), ("en", lesson.title_en)) if v}
        items.append(
            Item(
                title=title,
                duration=max(1, round(lesson.duration)),
                lesson_id=lesson.id,
                course_id=course.id,
                description={
                    k: v for k, v in (("zh", course.title_zh), ("en", course.title_en)) if v
                },
                stage=course.stage.code if course.stage else None,
                grade=_grade_number(course.grade.code) if course.grade else None,
                subject=course.subject.code if course.subject else None,
            )
        )
    name = {k: v for k, v in (("zh", course.title_zh), ("en", course.title_en)) if v}
    return Source(source_id, tuple(items), name=name)


def guide_window(start: datetime, hours: int) -> tuple[datetime, datetime]:
    start = utc(start)
    return start, start + timedelta(hours=hours)

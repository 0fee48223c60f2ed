"""SQL repository of the programme guide: channels, programmes, schedules, the guide version,
and the anchors of linear channels.

Reads return the pure domain's values (``epg.model.Channel`` and ``Programme``), never rows, so
the guide service and the live service work with what ``epg`` speaks. Reads by time touch only
the rows in range, whatever the store's size: a channel's timeline has no overlaps (imports
repair, publishing checks), so "overlapping [start, stop)" is "starting in [start, stop)" (the
``start`` index, migration 0004) plus, per channel, the latest programme starting before
``start`` when it runs past it (one probe of ``(channel_id, start)``). Writes go through
`EpgWrite`, one transaction that bumps the guide version (``epg_state``) on commit, as catalog
writes bump ``catalog_state``. Anchors are the live service's: they move with the clock, so
saving one bumps nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from epg.model import Channel, Episode, Programme
from tv_backend.storage.db import VersionedWrite
from tv_backend.storage.models import (
    ChannelRow,
    ChannelSchedule,
    EpgState,
    LinearAnchor,
    ProgrammeRow,
)

_VERSION = select(EpgState.version).where(EpgState.id == 1)
_CHANNEL_ORDER = (ChannelRow.number, ChannelRow.id)
_PROGRAMMES = ProgrammeRow.__table__  # read as plain rows: no ORM identity map to fill
_P = _PROGRAMMES.c
_STREAM_ROWS = 2000  # rows fetched at a time when streaming the whole store
_IDS_PER_QUERY = 500  # channel ids bound per query (old SQLite builds allow 999 parameters)


def channel_of(row: ChannelRow) -> Channel:
    return Channel(
        id=row.id,
        number=row.number,
        names=dict(row.names),
        timezone=row.timezone,
        logo=row.logo,
        group=dict(row.group_names or {}),
        lineups=tuple(row.lineups or ()),
        catchup_days=row.catchup_days,
    )


def programme_of(row: Any) -> Programme:
    """The `Programme` of a ``programmes`` row (an ORM ``ProgrammeRow`` or a Core row)."""
    return Programme(
        channel=row.channel_id,
        start=row.start,
        stop=row.stop,
        title=dict(row.title),
        description=dict(row.description or {}),
        lesson_id=row.lesson_id,
        course_id=row.course_id,
        categories=tuple(row.categories or ()),
        stage=row.stage,
        grade=row.grade,
        subject=row.subject,
        rating=row.rating,
        episode=Episode(**row.episode) if row.episode else None,
        live=row.live,
        source=row.source,
        filler=row.filler,
    )


def _channel_values(channel: Channel) -> dict[str, Any]:
    return {
        "number": channel.number,
        "names": dict(channel.names),
        "timezone": channel.timezone,
        "logo": channel.logo,
        "group_names": dict(channel.group),
        "lineups": list(channel.lineups),
        "catchup_days": channel.catchup_days,
    }


def _programme_values(programme: Programme) -> dict[str, Any]:
    episode = None
    if programme.episode is not None:
        episode = {k: v for k, v in vars(programme.episode).items() if v is not None}
    return {
        "channel_id": programme.channel,
        "start": programme.start,
        "stop": programme.stop,
        "title": dict(programme.title),
        "description": dict(programme.description),
        "lesson_id": programme.lesson_id,
        "course_id": programme.course_id,
        "categories": list(programme.categories),
        "stage": programme.stage,
        "grade": programme.grade,
        "subject": programme.subject,
        "rating": programme.rating,
        "episode": episode,
        "live": programme.live,
        "source": programme.source,
        "filler": programme.filler,
    }


def _overlapping(query, channel_id: str | None, start: datetime | None, stop: datetime | None):
    if channel_id is not None:
        query = query.where(ProgrammeRow.channel_id == channel_id)
    if start is not None:
        query = query.where(ProgrammeRow.stop > start)
    if stop is not None:
        query = query.where(ProgrammeRow.start < stop)
    return query


def _of_channels(column, channel_ids: Collection[str] | None) -> list[ColumnElement[bool]]:
    if channel_ids is None:
        return []
    ids = list(channel_ids)
    return [column == ids[0]] if len(ids) == 1 else [column.in_(ids)]


def _starting(
    channel_ids: Collection[str] | None, start: datetime, stop: datetime | None
) -> Select:
    """Programmes starting in [start, stop): a range of the ``start`` index (or, for named
    channels, of ``(channel_id, start)``)."""
    query = select(_PROGRAMMES).where(_P.start >= start, *_of_channels(_P.channel_id, channel_ids))
    return query if stop is None else query.where(_P.start < stop)


def _edge(channel_ids: Collection[str] | None, moment: datetime, *, before: bool) -> Select:
    """Per channel, the programme with the latest start before ``moment`` (``before``) or the
    earliest start at or after it: one index probe per channel, driven by ``channels``."""
    other = _PROGRAMMES.alias("other")
    if before:
        edge = select(func.max(other.c.start)).where(other.c.start < moment)
    else:
        edge = select(func.min(other.c.start)).where(other.c.start >= moment)
    wanted = edge.where(other.c.channel_id == ChannelRow.id).scalar_subquery()
    edges = select(ChannelRow.id, wanted).where(*_of_channels(ChannelRow.id, channel_ids))
    return select(_PROGRAMMES).where(tuple_(_P.channel_id, _P.start).in_(edges))


def _chunks(channel_ids: Collection[str] | None) -> Iterator[list[str] | None]:
    """``channel_ids`` in lists short enough for any database's bound parameters (None: all)."""
    if channel_ids is None:
        yield None
        return
    ids = list(channel_ids)
    for first in range(0, len(ids), _IDS_PER_QUERY):
        yield ids[first : first + _IDS_PER_QUERY]


def _by_channel_and_start(programme: Programme) -> tuple[str, datetime]:
    return programme.channel, programme.start


class EpgRepository:
    """Reads the guide; ``write()`` opens a unit of work that bumps the guide version."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def version(self) -> int:
        with self._sessions.kw["bind"].connect() as connection:
            return connection.execute(_VERSION).scalar_one()

    def channels(self) -> list[Channel]:
        """Every channel, by number then id."""
        with self._sessions() as s:
            return [
                channel_of(row) for row in s.scalars(select(ChannelRow).order_by(*_CHANNEL_ORDER))
            ]

    def channel(self, channel_id: str) -> Channel | None:
        with self._sessions() as s:
            row = s.get(ChannelRow, channel_id)
            return channel_of(row) if row is not None else None

    def programmes(
        self,
        channel_id: str | None = None,
        start: datetime | None = None,
        stop: datetime | None = None,
    ) -> list[Programme]:
        """Programmes overlapping [start, stop) (either end open when None), of one channel or
        of all, by channel then start. With a ``start`` only the rows in range are read (see
        the module docstring)."""
        if start is None:
            query = _overlapping(select(_PROGRAMMES), channel_id, start, stop)
            query = query.order_by(_P.channel_id, _P.start)
            with self._sessions() as s:
                return [programme_of(row) for row in s.execute(query)]
        return self.overlapping(start, stop, None if channel_id is None else [channel_id])

    def overlapping(
        self, start: datetime, stop: datetime | None, channel_ids: Collection[str] | None = None
    ) -> list[Programme]:
        """Programmes of ``channel_ids`` (None: every channel) overlapping [start, stop)
        (``stop`` None: open), by channel then start; reads only the rows in range."""
        rows: list[Any] = []
        with self._sessions() as s:
            for ids in _chunks(channel_ids):
                rows += s.execute(_edge(ids, start, before=True).where(_P.stop > start))
                rows += s.execute(_starting(ids, start, stop))
        return sorted(map(programme_of, rows), key=_by_channel_and_start)

    def first_from(self, moment: datetime, channel_ids: Collection[str]) -> dict[str, Programme]:
        """Per channel of ``channel_ids``, its first programme starting at or after ``moment``
        (channels with none are left out)."""
        found: dict[str, Programme] = {}
        with self._sessions() as s:
            for ids in _chunks(channel_ids):
                rows = s.execute(_edge(ids, moment, before=False))
                found.update((row.channel_id, programme_of(row)) for row in rows)
        return found

    def each_programme(self, channel_ids: Collection[str] | None = None) -> Iterator[Programme]:
        """Every stored programme (of ``channel_ids``, None: all), by channel then start,
        streamed a few thousand rows at a time: nothing but the caller holds them."""
        query = select(_PROGRAMMES).where(*_of_channels(_P.channel_id, channel_ids))
        query = query.order_by(_P.channel_id, _P.start).execution_options(yield_per=_STREAM_ROWS)
        with self._sessions() as s:
            for row in s.execute(query):
                yield programme_of(row)

    def schedule(self, channel_id: str) -> tuple[dict, dict | None] | None:
        """A channel's schedule definition and calendar (JSON), or None when it has none."""
        with self._sessions() as s:
            row = s.get(ChannelSchedule, channel_id)
            return (row.schedule, row.calendar) if row is not None else None

    def anchor(self, channel_id: str) -> dict | None:
        """The live service's anchor of ``channel_id`` (``Anchor.as_dict()``), or None."""
        with self._sessions() as s:
            row = s.get(LinearAnchor, channel_id)
            return dict(row.anchor) if row is not None else None

    def save_anchor(self, channel_id: str, data: dict) -> None:
        """Store the anchor of ``channel_id`` (an existing channel), replacing any; the guide
        version does not change."""
        values = {"channel_id": channel_id, "anchor": dict(data), "updated_at": datetime.now(UTC)}
        with self._sessions.begin() as s:
            insert = _insert(s, LinearAnchor).values(**values)
            s.execute(
                insert.on_conflict_do_update(
                    index_elements=[LinearAnchor.channel_id],
                    set_={"anchor": values["anchor"], "updated_at": values["updated_at"]},
                )
            )

    def write(self) -> EpgWrite:
        """A unit of work for guide writes (used as a context manager)."""
        return EpgWrite(self._sessions())


def _insert(session: Session, model):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


class EpgWrite(VersionedWrite):
    """One transaction: channel, programme and schedule writes plus the guide version bump."""

    state = EpgState

    def channel(self, channel_id: str) -> Channel | None:
        row = self.session.get(ChannelRow, channel_id, with_for_update=True)
        return channel_of(row) if row is not None else None

    def known_channels(self, ids: Iterable[str]) -> set[str]:
        wanted = list(set(ids))
        if not wanted:
            return set()
        return set(self.session.scalars(select(ChannelRow.id).where(ChannelRow.id.in_(wanted))))

    def put_channel(self, channel: Channel) -> bool:
        """Insert or replace ``channel``; True if it was new."""
        row = self.session.get(ChannelRow, channel.id)
        created = row is None
        if created:
            row = ChannelRow(id=channel.id)
            self.session.add(row)
        for key, value in _channel_values(channel).items():
            setattr(row, key, value)
        row.updated_at = datetime.now(UTC)
        self.session.flush()
        return created

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        query = _overlapping(select(ProgrammeRow), channel_id, start, stop)
        return [programme_of(r) for r in self.session.scalars(query.order_by(ProgrammeRow.start))]

    def replace_programmes(
        self, channel_id: str, start: datetime, stop: datetime, programmes: Iterable[Programme]
    ) -> int:
        """Delete the channel's programmes overlapping [start, stop), insert ``programmes``;
        the number deleted."""
        removed = self.session.execute(
            _overlapping(delete(ProgrammeRow), channel_id, start, stop)
        ).rowcount
        rows = [_programme_values(p) for p in programmes]
        if rows:
            self.session.execute(_insert(self.session, ProgrammeRow), rows)
        return removed or 0

    def put_schedule(self, channel_id: str, schedule: dict, calendar: dict | None) -> None:
        row = self.session.get(ChannelSchedule, channel_id)
        if row is None:
            row = ChannelSchedule(channel_id=channel_id)
            self.session.add(row)
        row.schedule = schedule
        row.calendar = calendar
        row.updated_at = datetime.now(UTC)
        self.session.flush()

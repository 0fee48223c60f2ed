"""The programme guide: a channel x time grid moved with the remote, and reminders. Pure.

JSON from ``/api/v1/channels`` and ``/api/v1/guide`` in, `GuideView` out, `Command`s for the
screen to carry out. Every time is an aware ``datetime`` passed in (``now``): no clock reads.

The grid shows ``rows`` channels (sorted by number) and ``columns`` half-hour columns; it opens
on the column holding ``now`` with focus on the programme playing now. Rules:

- The focus is a channel row and a remembered *focus time*; the focused cell is the programme
  of that row under that time. Up/down change the row and keep the time (as real EPGs do), so
  moving down a column of channels stays on what plays at that time. At the first or last
  channel focus stays. CH+/CH- move a page of rows.
- Left/right go to the previous/next programme of the row, setting the focus time to the part
  of it on screen; when it lies outside the visible range, the range scrolls by whole columns,
  just far enough to show it (all of it when it fits).
- Time without programmes shows as half-hour "no information" cells aligned to the columns.
- RED/GREEN jump a day back/forward at the same local time of day, YELLOW comes back to now;
  the grid stays within ``past_days`` before and ``future_days`` after now.
- OK on the focused programme: playing now -> ``tune``; in the future -> ``remind`` (or
  ``unremind`` when set; fillers cannot be reminded); ended -> ``catchup`` when the channel
  keeps ``catchup_days`` that reach its start, else a ``message`` (expired, or no catch-up).
- Back and Home return None: the screen's to act on.

Data arrives in chunks of ``chunk_hours`` aligned to the epoch, so requests repeat and hit
the ETag cache. Whenever the visible range needs a chunk neither loaded nor loading, a
``load`` command asks for it; the screen fetches ``GET /api/v1/guide`` with its start, hours
and offset and hands the answer to `GuideViewModel.apply_guide`, which returns a ``load`` for
the next page of channels while the answer has a ``next_offset``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels import text

__all__ = [
    "CHUNK_HOURS",
    "COLUMN",
    "COLUMNS",
    "ROWS",
    "SHANGHAI",
    "Command",
    "GuideCell",
    "GuideChannel",
    "GuideProgramme",
    "GuideRow",
    "GuideView",
    "GuideViewModel",
    "Reminder",
    "Reminders",
    "clock_label",
    "floor_time",
    "iso",
    "parse_time",
    "reminder_text",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMN = timedelta(minutes=30)
COLUMNS = 4  # 2 hours on screen
ROWS = 6
CHUNK_HOURS = 6
PAST_DAYS = 7
FUTURE_DAYS = 7
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)

MESSAGES = {
    "expired": {"zh": "已过期", "en": "Expired"},
    "no_catchup": {"zh": "这个频道不能回看", "en": "No catch-up on this channel"},
    "no_info": {"zh": "暂无节目信息", "en": "No information"},
    "loading": {"zh": "正在加载…", "en": "Loading…"},
    "hint_tune": {"zh": "按 OK 观看", "en": "OK to watch"},
    "hint_remind": {"zh": "按 OK 预约", "en": "OK to set a reminder"},
    "hint_unremind": {"zh": "按 OK 取消预约", "en": "OK to cancel the reminder"},
    "hint_catchup": {"zh": "按 OK 回看", "en": "OK to watch again"},
    "reminder": {"zh": "「{}」开始了", "en": "“{}” is starting"},
    "today": {"zh": "今天", "en": "Today"},
    "yesterday": {"zh": "昨天", "en": "Yesterday"},
    "tomorrow": {"zh": "明天", "en": "Tomorrow"},
}
_WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------- times


def parse_time(value: str) -> datetime:
    """An ISO 8601 time of the API (``"2024-05-03T08:00:00Z"``) as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """``"2024-05-03T08:00:00Z"``: how the API spells a time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def floor_time(moment: datetime, step: timedelta, tz: tzinfo = UTC) -> datetime:
    """The start of the ``step`` (half hour, six hours) holding ``moment``, counted in ``tz``
    so that columns start at local ``:00`` and ``:30`` whatever the zone's offset."""
    offset = moment.astimezone(tz).utcoffset() or timedelta(0)
    local = moment.astimezone(UTC) + offset
    return local - (local - _EPOCH) % step - offset


def clock_label(moment: datetime, tz: tzinfo) -> str:
    """``"08:30"`` in the display zone."""
    return moment.astimezone(tz).strftime("%H:%M")


def _span_label(start: datetime, stop: datetime, tz: tzinfo) -> str:
    return f"{clock_label(start, tz)}–{clock_label(stop, tz)}"


def day_label(moment: datetime, now: datetime, tz: tzinfo, language: str) -> str:
    """``"今天 5月3日 周五"`` / ``"Today, Fri 3 May"``: the local day of ``moment``."""
    day, today = moment.astimezone(tz).date(), now.astimezone(tz).date()
    near = {-1: "yesterday", 0: "today", 1: "tomorrow"}.get((day - today).days)
    if language == "en":
        plain = f"{_WEEKDAYS['en'][day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
        return f"{text(MESSAGES[near], 'en')}, {plain}" if near else plain
    plain = f"{day.month}月{day.day}日 周{_WEEKDAYS['zh'][day.weekday()]}"
    return f"{text(MESSAGES[near], 'zh')} {plain}" if near else plain


# ---------------------------------------------------------------------- data


@dataclass(frozen=True)
class GuideChannel:
    """A channel: ``stream`` is the path of its live playlist (see `CatalogClient.media_url`)."""

    id: str
    number: int
    name: Mapping[str, str] = field(default_factory=dict)
    logo: str | None = None
    group: str | None = None
    stream: str | None = None
    catchup_days: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GuideChannel:
        return cls(
            id=str(data["id"]),
            number=int(data.get("number") or 0),
            name=_names(data.get("name")),
            logo=data.get("logo"),
            group=data.get("group"),
            stream=data.get("stream"),
            catchup_days=int(data.get("catchup_days") or 0),
        )

    def title(self, language: str) -> str:
        return text(self.name, language)


@dataclass(frozen=True)
class GuideProgramme:
    """A programme of one channel; ``start`` inclusive, ``stop`` exclusive, both UTC."""

    channel_id: str
    start: datetime
    stop: datetime
    title: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)
    lesson_id: int | None = None
    course_id: int | None = None
    live: bool = False
    filler: bool = False
    subject: str | None = None
    grade: str | None = None
    stage: str | None = None

    @classmethod
    def from_json(cls, channel_id: str, data: Mapping[str, Any]) -> GuideProgramme:
        return cls(
            channel_id=str(channel_id),
            start=parse_time(data["start"]),
            stop=parse_time(data["stop"]),
            title=_names(data.get("title")),
            description=_names(data.get("description")),
            lesson_id=data.get("lesson_id"),
            course_id=data.get("course_id"),
            live=bool(data.get("live")),
            filler=bool(data.get("filler")),
            subject=data.get("subject"),
            grade=data.get("grade"),
            stage=data.get("stage"),
        )

    @property
    def key(self) -> str:
        """``"cctv1@2024-05-03T08:00:00Z"``: names the programme in reminders and focus."""
        return f"{self.channel_id}@{iso(self.start)}"

    def on_now(self, now: datetime) -> bool:
        return self.start <= now < self.stop

    def progress(self, now: datetime) -> float:
        """How much of it has played at ``now``, from 0 to 1."""
        length = (self.stop - self.start).total_seconds()
        done = (now - self.start).total_seconds()
        return min(1.0, max(0.0, done / length)) if length > 0 else 0.0


def _names(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if v}
    return {"zh": str(value)} if value else {}


@dataclass(frozen=True)
class Command:
    """One thing for a screen to do.

    ``tune`` (channel), ``catchup`` (channel, programme), ``remind``/``unremind`` (channel,
    programme: persist `Reminders` and say so), ``load`` (start, hours, offset: fetch that
    page of the guide), ``message`` (text: a short toast), and from live TV ``show_banner``,
    ``hide_banner`` and ``open_guide``.
    """

    kind: str
    channel: GuideChannel | None = None
    programme: GuideProgramme | None = None
    start: datetime | None = None
    hours: int | None = None
    offset: int = 0
    text: str = ""


# ---------------------------------------------------------------------- reminders


@dataclass(frozen=True)
class Reminder:
    """A programme to pop up and tune to at its start."""

    channel_id: str
    start: datetime
    stop: datetime
    title: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.channel_id}@{iso(self.start)}"

    @classmethod
    def of(cls, programme: GuideProgramme) -> Reminder:
        return cls(programme.channel_id, programme.start, programme.stop, dict(programme.title))


def reminder_text(reminder: Reminder, language: str) -> str:
    """``"「认识分数」开始了"``: the pop-up when a reminder comes due."""
    return text(MESSAGES["reminder"], language).format(text(reminder.title, language))


class Reminders:
    """The reminders set on this TV; `due` hands each out once, at its start.

    A reminder whose programme ended before `due` saw it (the TV was off) is dropped unseen.
    """

    FORMAT = "edutv.reminders"
    VERSION = 1

    def __init__(self, reminders: Iterable[Reminder] = ()) -> None:
        self._items: dict[str, Reminder] = {r.key: r for r in reminders}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Reminder]:
        return iter(sorted(self._items.values(), key=lambda r: (r.start, r.channel_id)))

    def __contains__(self, item: object) -> bool:
        key = item if isinstance(item, str) else getattr(item, "key", None)
        return key in self._items

    def set(self, programme: GuideProgramme) -> Reminder:
        reminder = Reminder.of(programme)
        self._items[reminder.key] = reminder
        return reminder

    def clear(self, item: GuideProgramme | Reminder | str) -> bool:
        """Remove a reminder; False when it was not set."""
        key = item if isinstance(item, str) else item.key
        return self._items.pop(key, None) is not None

    def toggle(self, programme: GuideProgramme) -> bool:
        """Set the reminder, or clear it when set; True when it is now set."""
        if self.clear(programme):
            return False
        self.set(programme)
        return True

    def due(self, now: datetime) -> list[Reminder]:
        """Reminders whose programme has started and not ended, each once; started ones leave."""
        started = [r for r in self if r.start <= now]
        for reminder in started:
            del self._items[reminder.key]
        return [r for r in started if now < r.stop]

    def to_json(self) -> str:
        items = [
            {
                "channel_id": r.channel_id,
                "start": iso(r.start),
                "stop": iso(r.stop),
                "title": r.title,
            }
            for r in self
        ]
        record = {"format": self.FORMAT, "version": self.VERSION, "reminders": items}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> Reminders:
        """The reminders of `to_json`; anything unreadable counts as none (a lost file must not
        stop the TV), a bad entry is skipped."""
        try:
            record = json.loads(data)
            items = record["reminders"] if record.get("format") == cls.FORMAT else []
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls()
        reminders = []
        for item in items if isinstance(items, list) else []:
            try:
                reminders.append(
                    Reminder(
                        str(item["channel_id"]),
                        parse_time(item["start"]),
                        parse_time(item["stop"]),
                        _names(item.get("title")),
                    )
                )
            except (ValueError, TypeError, KeyError, AttributeError):
                continue
        return cls(reminders)


# ---------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class GuideCell:
    """One cell as drawn: ``x``/``width`` are fractions of the grid's width (clipped to the
    visible range); ``programme`` is None on a "no information" cell (``gap``)."""

    key: str
    title: str
    x: float
    width: float
    start: datetime
    stop: datetime
    time: str  # "08:00–08:30", unclipped
    focused: bool
    on_now: bool
    past: bool
    reminder: bool
    gap: bool
    programme: GuideProgramme | None = None


@dataclass(frozen=True)
class GuideRow:
    channel: GuideChannel
    number: str  # "01"
    name: str
    focused: bool
    cells: tuple[GuideCell, ...]


@dataclass(frozen=True)
class GuideView:
    """Everything the guide screen draws."""

    day: str  # "今天 5月3日 周五", of the focus time
    columns: tuple[tuple[float, str], ...]  # (x, "08:00") per half-hour column
    now_x: float | None  # where the now line stands, None when now is off screen
    rows: tuple[GuideRow, ...]
    focused: GuideCell | None
    description: str  # of the focused programme
    hint: str  # what OK does on it
    loading: bool
    first_row: int  # index of the first visible channel, for a scroll bar
    channel_count: int


@dataclass(frozen=True)
class _Span:
    start: datetime
    stop: datetime
    programme: GuideProgramme | None


class GuideViewModel:
    """The guide's state and its transitions. Not thread-safe: main thread only."""

    def __init__(
        self,
        *,
        lang: str = "zh",
        tz: tzinfo = SHANGHAI,
        rows: int = ROWS,
        columns: int = COLUMNS,
        column: timedelta = COLUMN,
        chunk_hours: int = CHUNK_HOURS,
        past_days: int = PAST_DAYS,
        future_days: int = FUTURE_DAYS,
        reminders: Reminders | None = None,
    ) -> None:
        self.lang, self.tz = lang, tz
        self.rows, self.columns, self.column = rows, columns, column
        self.chunk = timedelta(hours=chunk_hours)
        self.past_days, self.future_days = past_days, future_days
        self.reminders = reminders if reminders is not None else Reminders()
        self.channels: list[GuideChannel] = []
        self._programmes: dict[str, dict[datetime, GuideProgramme]] = {}
        self._sorted: dict[str, tuple[list[datetime], list[GuideProgramme]]] = {}
        self.view_start: datetime = _EPOCH
        self.focus_time: datetime = _EPOCH
        self.focus_row = 0
        self.top_row = 0
        self._loaded: set[datetime] = set()
        self._loading: set[datetime] = set()
        self._wanted_channel: str | None = None

    @property
    def span(self) -> timedelta:
        return self.column * self.columns

    @property
    def view_stop(self) -> datetime:
        return self.view_start + self.span

    @property
    def focused_channel(self) -> GuideChannel | None:
        return self.channels[self.focus_row] if self.channels else None

    # ------------------------------------------------------------------ data in

    def open(self, now: datetime, channel_id: str | None = None) -> list[Command]:
        """The guide opens at ``now`` on ``channel_id`` (the one being watched): the loads due."""
        self._wanted_channel = channel_id
        self._focus_channel(channel_id)
        return self._go(floor_time(now, self.column, self.tz), now, now)

    def apply_channels(self, data: Mapping[str, Any]) -> None:
        """``GET /api/v1/channels``: the line-up, with streams and catch-up days."""
        self._merge_channels(GuideChannel.from_json(c) for c in data.get("channels") or ())

    def apply_guide(self, command: Command, data: Mapping[str, Any]) -> list[Command]:
        """A page of ``GET /api/v1/guide`` fetched for a ``load`` command: its programmes join
        the grid; returns the ``load`` of the next page, if any."""
        known = {c.id: c for c in self.channels}
        self._merge_channels(
            known.get(str(c["id"])) or GuideChannel.from_json(c) for c in data.get("channels") or ()
        )
        for entry in data.get("channels") or ():
            stored = self._programmes.setdefault(str(entry["id"]), {})
            for item in entry.get("programmes") or ():
                programme = GuideProgramme.from_json(str(entry["id"]), item)
                stored[programme.start] = programme
            self._sorted.pop(str(entry["id"]), None)
        next_offset = data.get("next_offset")
        if next_offset is not None and command.start is not None:
            return [Command("load", start=command.start, hours=command.hours, offset=next_offset)]
        if command.start is not None:
            self._loading.discard(command.start)
            self._loaded.add(command.start)
        return []

    def fail_load(self, command: Command) -> None:
        """A ``load`` failed (offline with nothing stored): it is asked again on the next move."""
        if command.start is not None:
            self._loading.discard(command.start)

    def reload(self, now: datetime) -> list[Command]:
        """Forget what is loaded (the backend is back): the loads for the visible range."""
        self._loaded.clear()
        self._loading.clear()
        return self._loads()

    # ------------------------------------------------------------------ keys

    def press(self, key: KeyPress, now: datetime) -> list[Command] | None:
        """The commands for one key; None for Back and Home (the screen leaves)."""
        action = key.action
        if action in (Action.BACK, Action.HOME):
            return None
        if not self.channels:
            return []
        if action in (Action.UP, Action.DOWN):
            self._move_row(-1 if action is Action.UP else 1)
            return []
        if action in (Action.CHANNEL_UP, Action.CHANNEL_DOWN):
            self._move_row((-1 if action is Action.CHANNEL_UP else 1) * self.rows, page=True)
            return []
        if action is Action.RIGHT:
            return self._right(now)
        if action is Action.LEFT:
            return self._left(now)
        if action in (Action.RED, Action.GREEN):
            return self._day(-1 if action is Action.RED else 1, now)
        if action is Action.YELLOW:
            return self._go(floor_time(now, self.column, self.tz), now, now)
        if action is Action.OK:
            return self._ok(now)
        return []

    def _move_row(self, step: int, *, page: bool = False) -> None:
        last = len(self.channels) - 1
        self.focus_row = min(max(0, self.focus_row + step), last)
        if page:
            self.top_row = min(max(0, self.top_row + step), max(0, last - self.rows + 1))
        self._reveal_row()

    def _reveal_row(self) -> None:
        if self.focus_row < self.top_row:
            self.top_row = self.focus_row
        elif self.focus_row >= self.top_row + self.rows:
            self.top_row = self.focus_row - self.rows + 1

    def _right(self, now: datetime) -> list[Command]:
        channel = self.channels[self.focus_row]
        target = self._span_at(channel.id, self._span_at(channel.id, self.focus_time).stop)
        view_start = self.view_start
        if target.start >= self.view_stop:  # scroll just enough to show it, all of it if it fits
            shown_stop = min(target.stop, target.start + self.span)
            view_start = _ceil(shown_stop, self.column, self.tz) - self.span
        if view_start > self._last_start(now):
            return []
        return self._go(view_start, max(target.start, view_start), now)

    def _left(self, now: datetime) -> list[Command]:
        channel = self.channels[self.focus_row]
        current = self._span_at(channel.id, self.focus_time)
        target = self._span_at(channel.id, current.start - _TICK)
        view_start = self.view_start
        if target.stop <= self.view_start:
            shown_start = max(target.start, target.stop - self.span)
            view_start = floor_time(shown_start, self.column, self.tz)
        if view_start < self._first_start(now):
            view_start = self._first_start(now)
            if target.stop <= view_start:
                return []
        return self._go(view_start, max(target.start, view_start), now)

    def _day(self, days: int, now: datetime) -> list[Command]:
        view_start = _add_days(self.view_start, days, self.tz)
        if not self._first_start(now) <= view_start <= self._last_start(now):
            return []
        return self._go(view_start, _add_days(self.focus_time, days, self.tz), now)

    def _ok(self, now: datetime) -> list[Command]:
        channel = self.channels[self.focus_row]
        programme = self._span_at(channel.id, self.focus_time).programme
        if programme is None:
            return []
        if programme.on_now(now):
            return [Command("tune", channel=channel)]
        if programme.start > now:
            if programme.filler:
                return []
            kind = "remind" if self.reminders.toggle(programme) else "unremind"
            return [Command(kind, channel=channel, programme=programme)]
        reason = self._catchup_refusal(channel, programme, now)
        if reason:
            return [Command("message", channel=channel, programme=programme, text=reason)]
        return [Command("catchup", channel=channel, programme=programme)]

    def _catchup_refusal(
        self, channel: GuideChannel, programme: GuideProgramme, now: datetime
    ) -> str:
        if channel.catchup_days <= 0:
            return text(MESSAGES["no_catchup"], self.lang)
        if now - programme.start > timedelta(days=channel.catchup_days):
            return text(MESSAGES["expired"], self.lang)
        return ""

    # ------------------------------------------------------------------ transitions

    def _go(self, view_start: datetime, focus_time: datetime, now: datetime) -> list[Command]:
        view_start = min(max(view_start, self._first_start(now)), self._last_start(now))
        self.view_start = view_start
        self.focus_time = min(max(focus_time, view_start), self.view_stop - _TICK)
        return self._loads()

    def _first_start(self, now: datetime) -> datetime:
        return floor_time(now - timedelta(days=self.past_days), self.column, self.tz)

    def _last_start(self, now: datetime) -> datetime:
        return floor_time(now + timedelta(days=self.future_days), self.column, self.tz)

    def _loads(self) -> list[Command]:
        loads = []
        chunk = floor_time(self.view_start, self.chunk)
        while chunk < self.view_stop:
            if chunk not in self._loaded and chunk not in self._loading:
                self._loading.add(chunk)
                hours = int(self.chunk.total_seconds() // 3600)
                loads.append(Command("load", start=chunk, hours=hours))
            chunk += self.chunk
        return loads

    def _merge_channels(self, channels: Iterable[GuideChannel]) -> None:
        focused = self.focused_channel.id if self.channels else self._wanted_channel
        merged = {c.id: c for c in self.channels}
        for channel in channels:
            old = merged.get(channel.id)
            # /channels knows streams and catch-up; a guide page only names the channel
            if old is None or channel.stream or channel.catchup_days:
                merged[channel.id] = channel
        self.channels = sorted(merged.values(), key=lambda c: (c.number, c.id))
        self._focus_channel(focused)

    def _focus_channel(self, channel_id: str | None) -> None:
        ids = [c.id for c in self.channels]
        if channel_id in ids:
            self.focus_row = ids.index(channel_id)
        self.focus_row = min(self.focus_row, max(0, len(ids) - 1))
        self._reveal_row()

    def _timeline(self, channel_id: str) -> tuple[list[datetime], list[GuideProgramme]]:
        if channel_id not in self._sorted:
            programmes = sorted(self._programmes.get(channel_id, {}).values(), key=_by_start)
            self._sorted[channel_id] = ([p.start for p in programmes], programmes)
        return self._sorted[channel_id]

    def _span_at(self, channel_id: str, moment: datetime) -> _Span:
        """The programme of a channel at ``moment``, or the gap cell there: the part of the
        half-hour column holding ``moment`` that no programme covers."""
        starts, programmes = self._timeline(channel_id)
        index = bisect_right(starts, moment) - 1
        if index >= 0 and moment < programmes[index].stop:
            return _Span(programmes[index].start, programmes[index].stop, programmes[index])
        column = floor_time(moment, self.column, self.tz)
        start = max(column, programmes[index].stop) if index >= 0 else column
        stop = column + self.column
        if index + 1 < len(programmes):
            stop = min(stop, programmes[index + 1].start)
        return _Span(start, stop, None)

    # ------------------------------------------------------------------ drawing

    def view(self, now: datetime) -> GuideView:
        """The grid as drawn at ``now``."""
        span = self.span.total_seconds()
        columns = tuple(
            (i / self.columns, clock_label(self.view_start + self.column * i, self.tz))
            for i in range(self.columns)
        )
        on_screen = self.view_start <= now < self.view_stop
        now_x = (now - self.view_start).total_seconds() / span if on_screen else None
        rows = []
        focused_cell: GuideCell | None = None
        for index in range(self.top_row, min(len(self.channels), self.top_row + self.rows)):
            channel = self.channels[index]
            cells = self._cells(channel, index == self.focus_row, now)
            focused_cell = focused_cell or next((c for c in cells if c.focused), None)
            name = channel.title(self.lang)
            rows.append(
                GuideRow(channel, f"{channel.number:02d}", name, index == self.focus_row, cells)
            )
        programme = focused_cell.programme if focused_cell else None
        return GuideView(
            day=day_label(self.focus_time, now, self.tz, self.lang),
            columns=columns,
            now_x=now_x,
            rows=tuple(rows),
            focused=focused_cell,
            description=text(programme.description, self.lang) if programme else "",
            hint=self._hint(programme, now),
            loading=any(
                chunk in self._loading
                for chunk in _chunks(self.view_start, self.view_stop, self.chunk)
            ),
            first_row=self.top_row,
            channel_count=len(self.channels),
        )

    def _cells(self, channel: GuideChannel, focused_row: bool, now: datetime) -> tuple:
        cells = []
        span = self.span.total_seconds()
        moment = self.view_start
        focus_key = self._span_at(channel.id, self.focus_time).start if focused_row else None
        while moment < self.view_stop:
            part = self._span_at(channel.id, moment)
            start, stop = max(part.start, self.view_start), min(part.stop, self.view_stop)
            programme = part.programme
            if programme:
                key, title = programme.key, text(programme.title, self.lang)
            else:
                key = f"{channel.id}@{iso(part.start)}/gap"
                loading = any(c in self._loading for c in _chunks(start, stop, self.chunk))
                title = text(MESSAGES["loading" if loading else "no_info"], self.lang)
            cells.append(
                GuideCell(
                    key=key,
                    title=title,
                    x=(start - self.view_start).total_seconds() / span,
                    width=(stop - start).total_seconds() / span,
                    start=part.start,
                    stop=part.stop,
                    time=_span_label(part.start, part.stop, self.tz),
                    focused=part.start == focus_key,
                    on_now=part.start <= now < part.stop,
                    past=part.stop <= now,
                    reminder=programme is not None and programme in self.reminders,
                    gap=programme is None,
                    programme=programme,
                )
            )
            moment = part.stop
        return tuple(cells)

    def _hint(self, programme: GuideProgramme | None, now: datetime) -> str:
        if programme is None:
            return ""
        if programme.on_now(now):
            return text(MESSAGES["hint_tune"], self.lang)
        if programme.start > now:
            if programme.filler:
                return ""
            key = "hint_unremind" if programme in self.reminders else "hint_remind"
            return text(MESSAGES[key], self.lang)
        channel = self.channels[self.focus_row]
        refusal = self._catchup_refusal(channel, programme, now)
        return refusal or text(MESSAGES["hint_catchup"], self.lang)


def _by_start(programme: GuideProgramme) -> datetime:
    return programme.start


def _ceil(moment: datetime, step: timedelta, tz: tzinfo) -> datetime:
    floor = floor_time(moment, step, tz)
    return floor if floor == moment else floor + step


def _add_days(moment: datetime, days: int, tz: tzinfo) -> datetime:
    """The same local time of day ``days`` later (wall-clock arithmetic in ``tz``)."""
    return (moment.astimezone(tz) + timedelta(days=days)).astimezone(UTC)


def _chunks(start: datetime, stop: datetime, chunk: timedelta) -> Iterator[datetime]:
    moment = floor_time(start, chunk)
    while moment < stop:
        yield moment
        moment += chunk

"""Linear channels as live HLS: ``/live/<channel>/master.m3u8`` and its rendition playlists.

The pure work is `epg.linear`'s: this service decides *when* to build a channel's `Plan`, keeps
it in process, and answers every playlist request from it with one bisection and, most of the
time, a dictionary hit.

**Per request** (`LiveChannels.rendered`): the channel's plan is looked up in process; the
window at ``now`` (`Plan.window_at`) is the cache key of the rendered playlist, kept per
(channel, rendition) with the plan, so a playlist is written once per segment (every 2 s) and
every other request is served from memory. Nothing touches the database on this path, except
at most once every ``recheck`` seconds per channel to ask ``schedule_version`` whether the
schedule changed.

**Publication** (a plan build) happens when a channel is first asked for in this process, when
its schedule version changes (asked every ``recheck`` seconds), and ``refresh_before`` the
end of the stretch of schedule it read. A build reads the programmes from its anchor to
``now + horizon`` (the one running then included), and the plan ends with the last of them: a
channel whose schedule has run out answers 503 ``not_on_air`` rather than play the slate
forever (programmes published later reach it through the version).

**Anchors** (the numbering, RFC 8216 §6.2.2): the first build in a process starts from the
stored anchor (``source.anchor``), or for a new channel from ``Anchor(start)`` of the latest
programme that started at least `FIRST_LEAD` ago (so the first viewer gets a full window; else
the latest that has started, else the next), so every worker numbers the same segments the
same way. A rebuild starts from the current plan's ``anchor(now)``, is checked with
`ensure_continues` up to ``now + switch_margin`` (a schedule change must not rewrite what was
already published; if it does, the old plan keeps airing and the rebuild is retried every
``recheck`` seconds, so the change airs once the contested part is behind us), and the anchor
at publication is saved (``source.save_anchor``) whenever it moved.

**The slate** (gaps, what a short lesson leaves of its slot, programmes whose lesson has no
media): the configured ``slate`` master playlist (a path under the media root) if given;
otherwise, per channel, the lesson of the first programme that has media, chosen at the
channel's first publication and stored in the anchor's dict under ``"slate"`` so every worker
and every later publication uses the same one (`ensure_continues` compares URIs).

**Live classes** (``live=True`` with a ``source``): planned on their recorded lesson (or the
slate when they have none), as `epg.linear` does, so their numbering is fixed in advance. A
window that reaches a live run is rendered by the channel's `Relay`
(`tv_backend.services.live_source`): each of the run's slots, when first published, is decided
once to be the upstream's segment (when the upstream is healthy) or the planned recording, and
that decision is kept, so the channel relays the class, falls back to the recording when the
upstream fails, goes stale or ends, and returns when it is back, every switch marked with a
discontinuity (see that module for the rules). Rendered windows are cached as before: once a
window's slots are decided its playlist never changes. ``relay_fetch=None`` turns the relay
off (live classes play their recording). ``relay_decisions`` (a `DecisionStore`: Redis when
``TV_REDIS_URL`` is set) shares every relay decision among the workers, so a sequence number
names one URI whichever worker answers. `LiveChannels.watched` counts the boxes that watch a
live programme (`Attendance`); `LiveChannels.attendance` reads the count.

**Catch-up** (`LiveChannels.catchup_master`, `LiveChannels.catchup`): what the channel aired
from ``start`` to ``end``, as the M3U's ``catchup-source`` asks for it (Kodi's ``{utc}`` and
``{utcend}``), as on-demand HLS (`epg.linear.render_vod`). The stretch must start before now,
within the channel's ``catchup_days`` (plus ``catchup_slack``, for a player's buffer before
the oldest programme), last at most ``catchup_longest`` and end after it starts (else 400
``invalid_query`` or 404 ``not_found``); an ``end`` after now is clamped to now (the playlist
then grows until ``end``, so it is cached for half a target duration only). It is planned on
its own, from the start of the first programme overlapping it (`Anchor` at that programme,
numbers from 0), with the same media and slate as live, and clipped to the programmes it
overlaps: a pure function of the schedule, so every worker answers the same URL with the same
playlist, and the schedule version is part of the cache key. It is the schedule replayed:
each item within half a segment of its slot, as it aired, though not necessarily on the very
segment boundaries the live windows had. Live classes play their recording (or the slate),
never the relay. Past stretches never change: they are cached in process and sent with an
``ETag`` and a ``max-age`` of up to a day (never past the moment the stretch leaves the
catch-up window).

**Media** is read through `epg.linear.Media.load` from files under ``media_dir``: URIs are the
public ``media_url`` prefix (``/media`` or a CDN origin) plus the lesson's ``hls`` path, so
segment URIs in the playlists are absolute and resolve wherever the playlist is served. A
lesson's `Media` is cached in process (lessons' media is rebuilt in place under the same names
only by a new pipeline version: restart the workers after a media rebuild).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from epg.linear import (
    DEFAULT_WINDOW,
    Anchor,
    Media,
    Plan,
    Run,
    build_plan,
    ensure_continues,
    render,
    render_master,
    render_vod,
)
from epg.model import Channel, EpgError, Programme, utc
from tv_backend.services.errors import InvalidQuery, NotFound, ServiceError
from tv_backend.services.live_source import Attendance, DecisionStore, Fetch, Relay, http_fetch

log = logging.getLogger(__name__)

__all__ = ["LiveChannels", "LiveSource", "NotOnAir", "Rendered"]

_MICRO = timedelta(microseconds=1)


class NotOnAir(ServiceError):
    """The channel exists but has nothing to play now (before its first programme, after its
    schedule ran out, or its media cannot be planned)."""

    status = 503
    code = "not_on_air"


class LiveSource(Protocol):
    """What the service reads and writes: the guide's storage (``EpgRepository``)."""

    def channel(self, channel_id: str) -> Channel | None: ...

    def programmes(self, channel_id: str, start: datetime, stop: datetime) -> list[Programme]:
        """The channel's programmes between ``start`` and ``stop`` (UTC, sorted by start)."""
        ...

    def anchor(self, channel_id: str) -> dict[str, Any] | None: ...

    def save_anchor(self, channel_id: str, data: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Rendered:
    """A playlist ready to send: its body (UTF-8), its ``Cache-Control`` max-age and its
    strong ``ETag`` (computed from the body when not given)."""

    body: bytes
    max_age: int
    etag: str = ""

    def __post_init__(self) -> None:
        if not self.etag:
            digest = hashlib.blake2b(self.body, digest_size=12).hexdigest()
            object.__setattr__(self, "etag", f'"{digest}"')

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass(frozen=True)
class _Stretch:
    """A catch-up request, checked: its plan and the part of it to list."""

    key: Hashable  # (channel, start, end, schedule version): what the plan depends on
    plan: Plan
    start: datetime
    stop: datetime  # clipped to the plan, clamped to now
    growing: bool  # clamped to now: the playlist grows until the stretch's end
    max_age: int  # for a stretch that is all past


_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Recent(Generic[_K, _V]):
    """A small thread-safe LRU, bounded by entries and by the weight of what it holds."""

    def __init__(self, entries: int, weight: int = 0, of: Callable[[_V], int] = lambda _v: 0):
        self._items: OrderedDict[_K, _V] = OrderedDict()
        self._entries, self._limit, self._of, self._weight = entries, weight, of, 0
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: _K, value: _V) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._weight += self._of(value) - (self._of(old) if old is not None else 0)
            self._items[key] = value
            while len(self._items) > self._entries or (self._limit and self._weight > self._limit):
                _, dropped = self._items.popitem(last=False)
                self._weight -= self._of(dropped)


@dataclass
class _Channel:
    """What the process keeps per channel."""

    plan: Plan | None
    version: Hashable
    checked: float  # clock() of the last version check or failed build
    slate: str | None  # the slate's master path (relative to the media root)
    until: datetime | None = None  # the schedule was read up to here (now + horizon)
    problem: str = ""  # why there is no plan (NotOnAir's message)
    master: Rendered | None = None
    renders: dict[str, tuple[tuple[int, int], Rendered]] = field(default_factory=dict)


class LiveChannels:
    """Live HLS playlists of the linear channels (see the module docstring)."""

    def __init__(
        self,
        source: LiveSource,
        lesson_master: Callable[[int], str | None],
        media_dir: Path,
        *,
        media_url: str = "/media",
        slate: str | None = None,
        schedule_version: Callable[[str], Hashable] | None = None,
        horizon: timedelta = timedelta(hours=6),
        refresh_before: timedelta = timedelta(hours=1),
        lookback: timedelta = timedelta(days=1),
        switch_margin: timedelta = timedelta(seconds=60),
        recheck: float = 5.0,
        window: int = DEFAULT_WINDOW,
        master_max_age: int = 60,
        clock: Callable[[], float] = time.monotonic,
        relay_fetch: Fetch | str | None = "http",
        relay_options: dict[str, Any] | None = None,
        relay_decisions: DecisionStore | None = None,
        attendance: Attendance | None = None,
        catchup_longest: timedelta = timedelta(hours=6),
        catchup_slack: timedelta = timedelta(minutes=15),
        catchup_max_age: int = 86400,
    ) -> None:
        """``lesson_master(lesson_id)``: the lesson's master playlist path relative to the media
        root (the catalog's ``hls``, ``lessons/<key>/master.m3u8``), None if it has none.
        ``schedule_version(channel_id)``: any value that changes when the channel's schedule
        is published (None: plans are rebuilt only when they run out).
        ``relay_fetch(url)``: an upstream playlist's text (``"http"``: over HTTP with a short
        timeout; None: no relay); ``relay_options``: `Relay`'s ``lead``, ``ttl``,
        ``stale_after``, ``max_failures``, ``keep``; ``relay_decisions``: where the relays of
        every worker share their decisions (None: each process decides alone).
        ``attendance``: where watching boxes are counted (default: in process).
        ``catchup_longest``, ``catchup_slack``, ``catchup_max_age``: catch-up's longest
        stretch, its grace before the window, and the longest max-age of a past stretch."""
        self._source = source
        self._lesson_master = lesson_master
        self._root = Path(media_dir).resolve()
        self._media_url = media_url.rstrip("/")
        self._slate = slate
        self._version = schedule_version or (lambda _channel: None)
        self._horizon = horizon
        self._refresh_before = refresh_before
        self._lookback = lookback
        self._margin = switch_margin
        self._recheck = recheck
        self._window_size = window
        self._master_max_age = master_max_age
        self._clock = clock
        self._channels: dict[str, _Channel] = {}
        self._media: dict[str, Media | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._relay_fetch = http_fetch() if relay_fetch == "http" else relay_fetch
        self._relay_options = relay_options or {}
        self._relays: dict[str, Relay] = {}
        self.relay_decisions = relay_decisions
        self.attendance_store = attendance or Attendance()
        self._catchup_longest = catchup_longest
        self._catchup_slack = catchup_slack
        self._catchup_max_age = catchup_max_age
        self._catchup_plans: _Recent[Hashable, tuple[Channel, Plan]] = _Recent(32)
        self._catchup_renders: _Recent[tuple[Hashable, str], Rendered] = _Recent(
            256, 32 << 20, lambda r: len(r.body)
        )

    # --- requests ---------------------------------------------------------------------------

    def master(self, channel_id: str, now: datetime) -> str:
        return self.rendered_master(channel_id, now).text

    def playlist(self, channel_id: str, rendition: str, now: datetime) -> str:
        return self.rendered(channel_id, rendition, now).text

    def rendered_master(self, channel_id: str, now: datetime) -> Rendered:
        """The channel's master playlist (rendition URIs ``<rendition>.m3u8``, relative)."""
        state, _ = self._on_air(channel_id, now)
        if state.master is None:
            assert state.plan is not None
            text = render_master(state.plan, uri="{rendition}.m3u8")
            state.master = Rendered(text.encode(), self._master_max_age)
        return state.master

    def rendered(self, channel_id: str, rendition: str, now: datetime) -> Rendered:
        """The live media playlist of ``rendition`` at ``now``."""
        state, window = self._on_air(channel_id, now)
        hit = state.renders.get(rendition)
        if hit is not None and hit[0] == window:
            return hit[1]
        plan = state.plan
        assert plan is not None
        if rendition not in plan.renditions:
            raise NotFound(
                f"Channel {channel_id} has no rendition {rendition!r}.",
                {"rendition": list(plan.renditions)},
            )
        relay = self._relay(channel_id, plan, window)
        text = render(plan, rendition, now) if relay is None else relay.render(plan, rendition, now)
        result = Rendered(text.encode(), max(1, plan.target_duration // 2))
        state.renders[rendition] = (window, result)
        return result

    def on_air(self, channel_id: str, now: datetime) -> Run:
        """The run playing at ``now`` (``Run.live``: a live class's upstream, for a relay)."""
        state, _ = self._on_air(channel_id, now)
        assert state.plan is not None
        return state.plan.run_at(now)

    def watched(self, channel_id: str, now: datetime, device: str) -> bool:
        """Count ``device`` as watching if a live class is on air (True if newly counted)."""
        run = self.on_air(channel_id, now)
        if run.programme is None or not run.programme.live:
            return False
        return self.attendance_store.record(channel_id, run.programme.start, device)

    def attendance(self, channel_id: str, programme_start: datetime) -> int:
        """Distinct boxes that watched the live programme starting at ``programme_start``."""
        return self.attendance_store.count(channel_id, utc(programme_start))

    def relay(self, channel_id: str) -> Relay | None:
        """The channel's relay, once a window reached a live class (for tests and the console)."""
        return self._relays.get(channel_id)

    def plan(self, channel_id: str, now: datetime) -> Plan | None:
        """The plan the process airs for the channel (built if needed); None if it has none."""
        return self._state(channel_id, utc(now)).plan

    def _relay(self, channel_id: str, plan: Plan, window: tuple[int, int]) -> Relay | None:
        """The channel's relay if the window reaches a live class (and relaying is on)."""
        if self._relay_fetch is None:
            return None
        first, last = plan.sequence + window[0], plan.sequence + window[1]
        if not any(r.live and r.sequence <= last and r.sequence + r.count > first
                   for r in plan.runs):  # fmt: skip
            relay = self._relays.get(channel_id)
            return relay if relay is not None and relay.extra(last) else None
        with self._locks_lock:
            relay = self._relays.get(channel_id)
            if relay is None:
                relay = Relay(channel_id, self._relay_fetch, self._clock,
                              decisions=self.relay_decisions, **self._relay_options)  # fmt: skip
                self._relays[channel_id] = relay
        return relay

    # --- catch-up ---------------------------------------------------------------------------

    def catchup_master(
        self, channel_id: str, start: datetime, end: datetime, now: datetime
    ) -> Rendered:
        """The master playlist of the stretch; rendition URIs carry the same ``start`` and
        ``end`` (relative: ``<rendition>.m3u8?start=..&end=..``)."""
        stretch = self._stretch(channel_id, start, end, now)
        key = (stretch.key, "")
        found = self._catchup_renders.get(key)
        if found is None:
            query = f"?start={_unix(start)}&end={_unix(end)}"
            text = render_master(stretch.plan, uri="{rendition}.m3u8" + query)
            found = Rendered(text.encode(), stretch.max_age)
            self._catchup_renders.put(key, found)
        return replace(found, max_age=stretch.max_age)

    def catchup(
        self, channel_id: str, rendition: str, start: datetime, end: datetime, now: datetime
    ) -> Rendered:
        """The on-demand media playlist of ``rendition`` over the stretch (module docstring)."""
        stretch = self._stretch(channel_id, start, end, now)
        plan = stretch.plan
        if rendition not in plan.renditions:
            raise NotFound(
                f"Channel {channel_id} has no rendition {rendition!r}.",
                {"rendition": list(plan.renditions)},
            )
        key = (stretch.key, rendition)
        found = None if stretch.growing else self._catchup_renders.get(key)
        if found is None:
            text = render_vod(plan, rendition, stretch.start, stretch.stop, utc(now))
            found = Rendered(text.encode(), stretch.max_age)
            if stretch.growing:
                return replace(found, max_age=max(1, plan.target_duration // 2))
            self._catchup_renders.put(key, found)
        return replace(found, max_age=stretch.max_age)

    def _stretch(self, channel_id: str, start: datetime, end: datetime, now: datetime) -> _Stretch:
        """The checked stretch and its plan (built once per schedule version)."""
        start, end, now = utc(start), utc(end), utc(now)
        self._check_stretch(start, end, now)
        key = (channel_id, start, end, self._version(channel_id))
        found = self._catchup_plans.get(key)
        if found is None:
            channel = self._source.channel(channel_id)
            if channel is None:
                raise NotFound(f"There is no channel {channel_id}.")
            self._catchup_window(channel, start, now)
            found = (channel, self._catchup_plan(channel_id, start, end))
            self._catchup_plans.put(key, found)
        channel, plan = found
        earliest = self._catchup_window(channel, start, now)
        begin, stop = max(start, plan.start), min(end, now, plan.stop)
        if begin >= stop:
            raise NotFound(
                f"Channel {channel_id} aired nothing from {start.isoformat()} to "
                f"{end.isoformat()} (its schedule there runs from {plan.start.isoformat()} to "
                f"{plan.stop.isoformat()}).",
                {"start": start.isoformat(), "end": end.isoformat()},
            )
        left = (start - earliest) // timedelta(seconds=1)  # until it leaves the window
        max_age = max(1, min(self._catchup_max_age, left))
        return _Stretch(key, plan, begin, stop, stop == now, max_age)

    def _check_stretch(self, start: datetime, end: datetime, now: datetime) -> None:
        where = {"start": start.isoformat(), "end": end.isoformat()}
        if start >= end:
            raise InvalidQuery("A catch-up stretch must start before its end.", where)
        if start >= now:
            raise InvalidQuery(
                f"Catch-up plays what has aired: start {start.isoformat()} is not before now "
                f"({now.isoformat()}); the live stream is the channel's master.m3u8.",
                where,
            )
        if end - start > self._catchup_longest:
            hours = self._catchup_longest / timedelta(hours=1)
            raise InvalidQuery(f"A catch-up stretch lasts at most {hours:g} hours.", where)

    def _catchup_window(self, channel: Channel, start: datetime, now: datetime) -> datetime:
        """The earliest start the channel's catch-up keeps (NotFound if ``start`` is earlier)."""
        days = channel.catchup_days
        earliest = now - timedelta(days=days) - self._catchup_slack
        if days <= 0:
            raise NotFound(f"Channel {channel.id} keeps no catch-up.", {"catchup_days": 0})
        if start < earliest:
            raise NotFound(
                f"Channel {channel.id} keeps {days} days of catch-up: {start.isoformat()} is "
                f"before {earliest.isoformat()}.",
                {"start": start.isoformat(), "earliest": earliest.isoformat()},
            )
        return earliest

    def _catchup_plan(self, channel_id: str, start: datetime, end: datetime) -> Plan:
        """The stretch planned from the start of the first programme overlapping it."""
        programmes = self._source.programmes(channel_id, start, end)
        if not programmes:
            raise NotFound(
                f"Channel {channel_id} had nothing scheduled from {start.isoformat()} to "
                f"{end.isoformat()}.",
                {"start": start.isoformat(), "end": end.isoformat()},
            )
        programmes, media, paths = self._media_of(channel_id, programmes)
        stored = self._source.anchor(channel_id) or {}
        slate_path = (
            self._slate
            or stored.get("slate")
            or next((paths[p.lesson_id] for p in programmes if p.lesson_id in paths), None)
        )
        slate = self._load(slate_path) if slate_path else None
        head = min(programmes, key=lambda p: p.start)
        try:
            return build_plan(
                channel_id,
                programmes,
                media,
                anchor=Anchor(head.start, programme=head.start, offset=0),
                slate=slate,
                until=max(p.stop for p in programmes),
                window=self._window_size,
            )
        except EpgError as error:
            raise NotOnAir(
                f"Channel {channel_id}'s catch-up from {start.isoformat()} cannot be played: "
                f"{error}"
            ) from error

    # --- plans ------------------------------------------------------------------------------

    def _on_air(self, channel_id: str, now: datetime) -> tuple[_Channel, tuple[int, int]]:
        state = self._state(channel_id, now)
        plan = state.plan
        if plan is None:
            raise NotOnAir(state.problem or f"Channel {channel_id} has nothing scheduled now.")
        try:
            return state, plan.window_at(now)
        except EpgError:
            pass
        if now < plan.start:
            message = f"Channel {channel_id} starts at {plan.start.isoformat()}."
        else:
            message = f"Channel {channel_id} has nothing scheduled after {plan.stop.isoformat()}."
        raise NotOnAir(message, {"start": plan.start.isoformat(), "stop": plan.stop.isoformat()})

    def _state(self, channel_id: str, now: datetime) -> _Channel:
        """The channel's state, rebuilt first when it is due (cheap when it is not)."""
        state = self._channels.get(channel_id)
        if state is not None and not self._due(channel_id, state, now):
            return state
        with self._lock(channel_id):
            state = self._channels.get(channel_id)  # another thread may have just built it
            if state is None or self._due(channel_id, state, now):
                state = self._publish(channel_id, state, now)
                self._channels[channel_id] = state
            return state

    def _due(self, channel_id: str, state: _Channel, now: datetime) -> bool:
        """Rebuild when the plan runs out or the schedule version moved; asked at most every
        ``recheck`` seconds per channel (the only database read on the request path)."""
        clock = self._clock()
        if clock - state.checked < self._recheck:
            return False
        if state.plan is None or state.until is None or now >= state.until - self._refresh_before:
            return True
        if self._version(channel_id) != state.version:
            return True
        state.checked = clock
        return False

    def _lock(self, channel_id: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(channel_id, threading.Lock())

    def _publish(self, channel_id: str, old: _Channel | None, now: datetime) -> _Channel:
        """Build the channel's plan at ``now``; keep the old one if the new one is refused."""
        version = self._version(channel_id)  # read first: a later publication is seen next time
        clock = self._clock()
        channel = self._source.channel(channel_id)
        if channel is None:
            self._channels.pop(channel_id, None)
            raise NotFound(f"There is no channel {channel_id}.")
        stored = self._source.anchor(channel_id)
        try:
            state = self._build(channel_id, old, stored, version, clock, now)
        except EpgError as error:
            if old is not None and old.plan is not None:
                # Refused (it rewrites what aired) or nothing further to plan: keep airing the
                # old plan, its version unchanged, and try again in ``recheck`` seconds.
                log.warning("channel %s: plan kept, not rebuilt: %s", channel_id, error)
                old.checked = clock
                return old
            log.warning("channel %s: nothing to air: %s", channel_id, error)
            return _Channel(None, version, clock, None, problem=str(error))
        if state.plan is not None:
            data = self._anchor_data(state, now)
            if data != stored:
                self._source.save_anchor(channel_id, data)
        return state

    def _build(
        self,
        channel_id: str,
        old: _Channel | None,
        stored: dict[str, Any] | None,
        version: Hashable,
        clock: float,
        now: datetime,
    ) -> _Channel:
        previous = old.plan if old is not None else None
        if previous is not None:
            # The oldest run in the window (or at the plan's end, when it has run out).
            anchor = previous.anchor(min(max(now, previous.start), previous.stop - _MICRO))
            slate_path = old.slate if old is not None else None
        elif stored is not None:
            anchor = Anchor.from_dict(stored)
            slate_path = stored.get("slate")
        else:
            anchor, slate_path = None, None
        since = now - self._lookback if anchor is None else _earliest(anchor)
        programmes = self._source.programmes(channel_id, since, now + self._horizon)
        if anchor is None:
            anchor = _first_anchor(channel_id, programmes, now)
        programmes, media, paths = self._media_of(channel_id, programmes)
        slate_path = (
            self._slate
            or slate_path
            or next((paths[p.lesson_id] for p in programmes if p.lesson_id in paths), None)
        )
        slate = self._load(slate_path) if slate_path else None
        if not programmes:
            raise EpgError(f"Channel {channel_id} has nothing scheduled.")
        plan = build_plan(
            channel_id,
            programmes,
            media,
            anchor=anchor,
            slate=slate,
            until=max(p.stop for p in programmes),  # a short last lesson: slate to its stop
            window=self._window_size,
        )
        if previous is not None:
            ensure_continues(previous, plan, now + self._margin)
        return _Channel(plan, version, clock, slate_path if slate else None, now + self._horizon)

    def _anchor_data(self, state: _Channel, now: datetime) -> dict[str, Any]:
        plan = state.plan
        assert plan is not None
        at = min(max(now, plan.start), plan.stop - _MICRO)
        data = plan.anchor(at).as_dict()
        if state.slate is not None:
            data["slate"] = state.slate
        return data

    def _media_of(
        self, channel_id: str, programmes: list[Programme]
    ) -> tuple[list[Programme], dict[int, Media], dict[int, str]]:
        """Each programme's lesson media (and master path); programmes whose lesson has none
        play the slate."""
        media: dict[int, Media] = {}
        paths: dict[int, str] = {}
        missing: set[int] = set()
        kept = []
        for programme in programmes:
            lesson = programme.lesson_id
            if lesson is not None and lesson not in media and lesson not in missing:
                path = self._lesson_master(lesson)
                medium = self._load(path) if path else None
                if medium is None:
                    log.warning("channel %s: lesson %s has no media: slate", channel_id, lesson)
                    missing.add(lesson)
                else:
                    media[lesson], paths[lesson] = medium, path
            if lesson in missing:
                programme = replace(programme, lesson_id=None)
            kept.append(programme)
        return kept, media, paths

    def _load(self, path: str) -> Media | None:
        """The media whose master is ``path`` (relative to the media root), cached."""
        if path not in self._media:
            uri = f"{self._media_url}/{path.lstrip('/')}"
            try:
                self._media[path] = Media.load(uri, self._read)
            except (EpgError, OSError, UnicodeDecodeError) as error:
                log.warning("media %s cannot be planned: %s", uri, error)
                return None  # not cached: it may be built later
        return self._media[path]

    def _read(self, uri: str) -> str:
        """A playlist's text from its public URI (``<media_url>/...``)."""
        if not uri.startswith(self._media_url + "/"):
            raise EpgError(f"{uri} is not under {self._media_url}/")
        path = (self._root / uri[len(self._media_url) + 1 :].split("?")[0]).resolve()
        if not path.is_relative_to(self._root):
            raise EpgError(f"{uri} is outside the media directory")
        return path.read_text(encoding="utf-8")


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def _earliest(anchor: Anchor) -> datetime:
    return min(anchor.time, anchor.programme) if anchor.programme else anchor.time


FIRST_LEAD = timedelta(minutes=1)  # a new channel starts this far back: a full first window


def _first_anchor(channel_id: str, programmes: list[Programme], now: datetime) -> Anchor:
    """A new channel: from the latest programme that started a minute or more ago (so the
    first viewer already gets a full window), else the latest that has started, else the next."""
    settled = [p for p in programmes if p.start <= now - FIRST_LEAD]
    started = settled or [p for p in programmes if p.start <= now]
    if started:
        return Anchor(max(started, key=lambda p: p.start).start)
    if programmes:
        return Anchor(min(programmes, key=lambda p: p.start).start)
    raise EpgError(f"Channel {channel_id} has nothing scheduled.")

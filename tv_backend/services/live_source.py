"""Live classes on the linear channels: relaying an upstream HLS source into a channel's plan,
and counting who watched.

**The relay** (`Relay`, one per channel, kept by `LiveChannels`). A live programme is planned
on its recorded lesson (`epg.linear`), so its slots (media sequence numbers, times, durations)
are fixed in advance. When a slot is first published (a playlist whose window reaches it is
asked for), the relay decides **once** what it plays, and memoises that decision:

* the **upstream** segment that belongs to that moment (its absolute URI in every rendition),
  if the upstream is healthy and has it; or
* the **planned** segment: the recorded lesson (or the slate), as without a relay.

A decision never changes, so a sequence number names one URI forever (RFC 8216 §6.2.2). Which
upstream segment belongs to a slot: a relay that starts (the class begins, or the upstream came
back) takes the segment ``lead`` behind the upstream's live edge for the slot on air (earlier
slots of the same window the one before, and so on), and then continues one upstream segment
per slot; it jumps back to ``lead`` behind the edge (with a discontinuity) if it falls more
than ``lead + 3`` segments behind or the segment it needs has left the upstream's playlist.
Upstream segments are listed with the planned slot's ``#EXTINF`` (the timeline stays the
plan's): the classroom encoder must follow ``tv_backend/media/profile.py`` (2 s segments,
an IDR at each, H.264 Main, AAC), so a relayed segment lasts what its slot lasts.

**Discontinuities.** Every switch (planned to relayed, relayed to planned), every jump in the
upstream's numbering and every upstream ``#EXT-X-DISCONTINUITY`` gets an
``#EXT-X-DISCONTINUITY`` tag, on top of every tag the plan has anyway (the tag is never
dropped where the plan has one, so the count can only grow). The relay keeps, per sequence
number, how many tags it added so far (``extra``), and every segment's discontinuity sequence
number is the plan's plus ``extra`` of the latest decision at or before it, so
``#EXT-X-DISCONTINUITY-SEQUENCE`` keeps counting across switches, programmes and plan rebuilds
(decisions are keyed by sequence number, which plans never renumber).

**Upstream health** (`Upstream`): its playlist is fetched on request, at most every ``ttl``
seconds (one fetch at a time; other requests use the last one), with a short timeout. It is
*healthy* when the last fetches succeeded (fewer than ``max_failures`` failures in a row), it
has no ``#EXT-X-ENDLIST``, and its live edge moved within ``stale_after`` target durations
(3 by default: a playlist not updated for 6 s is stale). An unhealthy upstream switches the
channel to the recording from the next undecided slot; once healthy again the relay starts
again. After ``#EXT-X-ENDLIST`` the segments still listed are relayed to their end (the end of
the class), then the recording plays until the programme's slot ends.

The upstream may be a media playlist (every rendition relays it) or a master playlist: each
channel rendition relays the upstream rendition of the same name (``180p/index.m3u8``), else
the tallest upstream one not taller than it, else the shortest. Upstream renditions must be
segment-aligned (same media sequence numbers), as ffmpeg's ``-var_stream_map`` makes them.

**Shared decisions** (`DecisionStore`). Every gunicorn worker (and host) has its own `Relay`,
and each could see the upstream differently (one fetch failed, another did not), so each
decision goes through a store where the first writer wins: ``RedisDecisions`` (``SET NX GET``
per channel, programme and sequence number, kept for the window's length plus ``keep`` seconds),
shared by every worker; without ``TV_REDIS_URL`` there is none and decisions are the process's
own (one worker, as the SQLite default runs). A relay first reads the window's slots others
decided (one ``MGET``) and adopts them, and decides the rest in order, each offered to the store
and replaced by the winner if another worker was first; so a sequence number names one URI on
every worker. An adopted decision keeps this process's own playlists valid: where the slot
before it was decided here differently (only after a Redis outage), it gets a discontinuity tag
and its ``extra`` counts on from this process's; where nothing was decided here before it, its
``extra`` is taken as is (a worker joining in the middle of a class counts as the others).

Redis failing never fails a playlist: a breaker (`tv_backend.storage.cache.Breaker`) stops
asking for ``retry_after`` seconds and the relay decides locally meanwhile (workers may then
disagree until Redis is back, as without Redis).

    DecisionStore (interface: first writer wins)
    ├── MemoryDecisions   in process (relays of one process; tests)
    └── RedisDecisions    shared by every worker and host

**Limits.** The ``extra`` count lives with the decisions: a worker that first serves a channel
after a class's slots have left every window (or restarts) counts the discontinuity sequence
from the plan alone, so it may differ from a worker that relayed the class.

**Attendance** (`Attendance`): the distinct boxes that fetched a live programme's playlists
while it was on air, by the ``device`` query parameter the TV client sends, else a hash of the
client's address. Each process remembers which devices it has already counted per programme
(a set; no network on a repeat request), and adds a new one to the shared store: a Redis
HyperLogLog per programme (``PFADD``/``PFCOUNT``, about 12 kB each, 0.8 % error, kept 400 days)
with `RedisAttendanceStore`, else an in-process set (`MemoryAttendanceStore`, one process,
lost on restart).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.request
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import redis

from epg.hls import parse_master, parse_media
from epg.linear import Plan, Run, format_date, format_duration
from epg.model import EpgError
from tv_backend.services.errors import Unavailable
from tv_backend.storage.cache import Breaker

log = logging.getLogger(__name__)

__all__ = [
    "Attendance",
    "Decision",
    "DecisionStore",
    "MemoryAttendanceStore",
    "MemoryDecisions",
    "RedisAttendanceStore",
    "RedisDecisions",
    "Relay",
    "Upstream",
    "http_fetch",
]

Fetch = Callable[[str], str]  # a playlist's text from its URL; raises on any failure
_SEQUENCE = re.compile(r"^#EXT-X-MEDIA-SEQUENCE:(\d+)\s*$", re.M)
_TARGET = re.compile(r"^#EXT-X-TARGETDURATION:(\d+)\s*$", re.M)


def http_fetch(timeout: float = 1.5) -> Fetch:
    """A fetcher over HTTP(S) with a short timeout (a slow upstream must not hold requests)."""

    def fetch(url: str) -> str:
        request = urllib.request.Request(url, headers={"User-Agent": "edutv-relay"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(1 << 20).decode("utf-8")

    return fetch


@dataclass(frozen=True)
class _Playlist:
    """One fetch of an upstream rendition: segments by upstream media sequence number."""

    uris: dict[int, str]
    breaks: frozenset[int]  # numbers an #EXT-X-DISCONTINUITY precedes
    target: int
    ended: bool

    @classmethod
    def parse(cls, text: str, url: str) -> _Playlist:
        found = _SEQUENCE.search(text)
        first = int(found.group(1)) if found else 0
        found = _TARGET.search(text)
        target = int(found.group(1)) if found else 2
        ended = "#EXT-X-ENDLIST" in text
        if "#EXTINF" not in text:  # an encoder that has just started: nothing yet
            return cls({}, frozenset(), target, ended)
        segments = parse_media(text, url)
        return cls(
            {first + n: s.uri for n, s in enumerate(segments)},
            frozenset(first + n for n, s in enumerate(segments) if s.discontinuity and n),
            target,
            ended,
        )


class Upstream:
    """One live class's upstream HLS, fetched on demand (health rules: module docstring)."""

    def __init__(
        self,
        url: str,
        fetch: Fetch,
        clock: Callable[[], float] = time.monotonic,
        *,
        ttl: float = 1.0,
        stale_after: float = 3.0,  # target durations
        max_failures: int = 2,
    ) -> None:
        self.url = url
        self._fetch = fetch
        self._clock = clock
        self._ttl = ttl
        self._stale_after = stale_after
        self._max_failures = max_failures
        self._lock = threading.Lock()
        self._variants: dict[str, tuple[str, int]] | None = None  # name -> (url, height)
        self.playlists: dict[str, _Playlist] = {}  # by upstream rendition name ("" for one)
        self.fetched: float | None = None
        self.changed: float | None = None  # clock() when the live edge last moved
        self.edge: int | None = None
        self.failures = 0

    def poll(self) -> None:
        """Fetch again if the last fetch is ``ttl`` old (never two fetches at once)."""
        now = self._clock()
        if self.fetched is not None and now - self.fetched < self._ttl:
            return
        if not self._lock.acquire(blocking=False):
            return  # another request is fetching: use what we have
        try:
            self.fetched = now
            self._refresh(now)
        finally:
            self._lock.release()

    def _refresh(self, now: float) -> None:
        try:
            playlists = self._fetch_all()
        except (OSError, EpgError, UnicodeDecodeError, ValueError) as error:
            self.failures += 1
            if self.failures >= self._max_failures:
                self._variants = None  # read the master again: the encoder may have restarted
            level = logging.WARNING if self.failures in (1, self._max_failures) else logging.DEBUG
            log.log(level, "upstream %s: fetch failed (%d in a row): %s", self.url, self.failures,
                    error)  # fmt: skip
            return
        self.failures = 0
        self.playlists = playlists
        edge = max(next(iter(playlists.values())).uris, default=None)
        if edge is not None and edge != self.edge:
            self.changed = now
        self.edge = edge

    def _fetch_all(self) -> dict[str, _Playlist]:
        if self._variants is None:
            text = self._fetch(self.url)
            if "#EXT-X-STREAM-INF" not in text:
                self._variants = {}  # a media playlist: every rendition relays it
                return {"": _Playlist.parse(text, self.url)}
            master = parse_master(text, self.url)
            self._variants = {v.name: (v.uri, _height(v.resolution)) for v in master.variants}
        if not self._variants:
            return {"": _Playlist.parse(self._fetch(self.url), self.url)}
        return {n: _Playlist.parse(self._fetch(u), u) for n, (u, _) in self._variants.items()}

    @property
    def target(self) -> int:
        return max((p.target for p in self.playlists.values()), default=2)

    @property
    def ended(self) -> bool:
        return any(p.ended for p in self.playlists.values())

    @property
    def healthy(self) -> bool:
        if self.failures >= self._max_failures or self.ended or self.edge is None:
            return False
        assert self.changed is not None
        return self._clock() - self.changed <= self._stale_after * self.target

    def has(self, number: int) -> bool:
        return bool(self.playlists) and all(number in p.uris for p in self.playlists.values())

    @property
    def oldest(self) -> int | None:
        reference = next(iter(self.playlists.values()), None)
        return min(reference.uris, default=None) if reference else None

    def uris(self, number: int, renditions: Mapping[str, int]) -> dict[str, str]:
        """The segment ``number`` for each channel rendition (name -> height)."""
        return {name: self.playlists[self._match(name, height)].uris[number]
                for name, height in renditions.items()}  # fmt: skip

    def discontinuity(self, number: int) -> bool:
        return any(number in p.breaks for p in self.playlists.values())

    def _match(self, name: str, height: int) -> str:
        variants = self._variants or {}
        if name in self.playlists or "" in self.playlists:
            return name if name in self.playlists else ""
        fitting = [(h, n) for n, (_, h) in variants.items() if h <= height and n in self.playlists]
        if fitting:
            return max(fitting)[1]
        return min((h, n) for n, (_, h) in variants.items() if n in self.playlists)[1]


def _height(resolution: str | None) -> int:
    try:
        return int(resolution.split("x")[1]) if resolution else 0
    except (IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class Decision:
    """What slot ``sequence`` of a live run plays, decided once."""

    sequence: int
    upstream: int | None  # the upstream's media sequence number relayed; None: planned
    uris: Mapping[str, str] | None  # per channel rendition, when relayed
    tag: bool  # an #EXT-X-DISCONTINUITY precedes it
    extra: int  # tags the relay added up to and including this slot

    def dumps(self) -> str:
        """The decision as a `DecisionStore` keeps it (the sequence number is in the key)."""
        uris = dict(self.uris) if self.uris is not None else None
        return json.dumps([self.upstream, uris, self.tag, self.extra], separators=(",", ":"))

    @classmethod
    def loads(cls, sequence: int, raw: str) -> Decision | None:
        """A stored decision, or None if it cannot be read (then it is decided here)."""
        try:
            upstream, uris, tag, extra = json.loads(raw)
            if not (upstream is None or isinstance(upstream, int)) or not isinstance(extra, int):
                raise ValueError(raw)
            if (uris is None) != (upstream is None) or not isinstance(uris or {}, dict):
                raise ValueError(raw)
            return cls(sequence, upstream, uris, bool(tag), extra)
        except (TypeError, ValueError) as error:
            log.warning("relay decision %d unreadable (%s): decided here", sequence, error)
            return None


class DecisionStore(Protocol):
    """Where the relays of every worker share their decisions: the first value stored under a
    key is the one every reader gets (until it expires)."""

    def first(self, key: str, value: str, ttl: int) -> str | None:
        """Store ``value`` under ``key`` for ``ttl`` seconds unless the key holds one; return
        what the key holds now (``value`` when it was stored). None: the store is unreachable."""
        ...

    def read(self, keys: Sequence[str]) -> list[str | None] | None:
        """The values under ``keys`` (None where there is none); None: unreachable."""
        ...


class MemoryDecisions:
    """A `DecisionStore` in process: relays of one process share it (tests, one worker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def first(self, key: str, value: str, ttl: int) -> str | None:
        with self._lock:
            now = self._clock()
            found = self._values.get(key)
            if found is None or found[1] <= now:
                self._values = {k: v for k, v in self._values.items() if v[1] > now}
                self._values[key] = found = (value, now + ttl)
            return found[0]

    def read(self, keys: Sequence[str]) -> list[str | None] | None:
        with self._lock:
            now = self._clock()
            found = [self._values.get(key) for key in keys]
            return [v[0] if v is not None and v[1] > now else None for v in found]


_DOWN = object()


class RedisDecisions:
    """A `DecisionStore` in Redis, shared by every worker and host: ``SET NX GET`` (Redis 7),
    keys under the ``{namespace}`` hash tag (Cluster-safe). Failures never raise: a breaker
    stops asking for ``retry_after`` seconds and callers decide locally meanwhile."""

    def __init__(
        self, client: redis.Redis, *, namespace: str = "edutv", breaker: Breaker | None = None
    ) -> None:
        self._r = client
        self._prefix = f"{{{namespace}}}:relay:"
        self._breaker = breaker or Breaker(5.0)

    @classmethod
    def from_url(
        cls, url: str, *, timeout: float, retry_after: float, namespace: str
    ) -> RedisDecisions:
        """A client with short timeouts and no retries: a slow Redis must not hold playlists."""
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            retry=None,
            health_check_interval=0,
        )
        return cls(client, namespace=namespace, breaker=Breaker(retry_after))

    def first(self, key: str, value: str, ttl: int) -> str | None:
        name = self._prefix + key
        found = self._call(lambda: self._r.set(name, value, nx=True, get=True, ex=ttl))
        if found is _DOWN:
            return None
        return value if found is None else found.decode()

    def read(self, keys: Sequence[str]) -> list[str | None] | None:
        if not keys:
            return []
        found = self._call(lambda: self._r.mget([self._prefix + k for k in keys]))
        if found is _DOWN:
            return None
        return [None if v is None else v.decode() for v in found]

    def _call(self, fn: Callable[[], object]) -> object:
        result, _recovered = self._breaker.call(
            fn,
            _DOWN,
            down="redis unavailable, relay decisions are local",
            back="redis is back: relay decisions are shared again",
        )
        return result


class Relay:
    """One channel's relay decisions and the upstreams of its live classes (module docstring)."""

    def __init__(
        self,
        channel: str,
        fetch: Fetch,
        clock: Callable[[], float] = time.monotonic,
        *,
        lead: int = 2,
        ttl: float = 1.0,
        stale_after: float = 3.0,
        max_failures: int = 2,
        decisions: DecisionStore | None = None,
        keep: int = 60,
    ) -> None:
        """``decisions``: where every worker's relay shares decisions (None: this process
        decides alone); a shared decision is kept the window's length plus ``keep`` seconds."""
        self.channel = channel
        self._fetch = fetch
        self._clock = clock
        self._lead = lead
        self._upstream_options = {"ttl": ttl, "stale_after": stale_after,
                                  "max_failures": max_failures}  # fmt: skip
        self._upstreams: dict[str, Upstream] = {}
        self._decisions: dict[int, Decision] = {}
        self._order: list[int] = []  # decided sequence numbers, increasing
        self._lock = threading.Lock()
        self._shared = decisions
        self._keep = keep

    def upstream(self, url: str) -> Upstream:
        found = self._upstreams.get(url)
        if found is None:
            found = Upstream(url, self._fetch, self._clock, **self._upstream_options)
            self._upstreams[url] = found
        return found

    def decision(self, sequence: int) -> Decision | None:
        return self._decisions.get(sequence)

    def extra(self, sequence: int) -> int:
        """Tags added up to ``sequence``: the latest decision at or before it."""
        at = bisect_right(self._order, sequence)
        return self._decisions[self._order[at - 1]].extra if at else 0

    def render(self, plan: Plan, rendition: str, now: datetime) -> str:
        """The media playlist at ``now``, as `epg.linear.render` with live slots decided."""
        first, last = plan.window_at(now)
        base = plan.sequence
        self.decide(plan, base + first, base + last)
        previous = plan.segment(base + first - 1, rendition) if first else None
        lines: list[str] = []
        for index in range(first, last + 1):
            sequence = base + index
            planned = plan.segment(sequence, rendition)
            decided = self._decisions.get(sequence)
            number = planned.discontinuity + self.extra(sequence)
            if decided is not None:
                tag, uri = decided.tag, (decided.uris or {}).get(rendition, planned.uri)
            else:
                tag = previous is not None and previous.discontinuity != planned.discontinuity
                uri = planned.uri
            if index == first:
                lines += [
                    "#EXTM3U",
                    "#EXT-X-VERSION:3",
                    f"#EXT-X-TARGETDURATION:{plan.target_duration}",
                    f"#EXT-X-MEDIA-SEQUENCE:{sequence}",
                    f"#EXT-X-DISCONTINUITY-SEQUENCE:{number}",
                    f"#EXT-X-PROGRAM-DATE-TIME:{format_date(_micros(planned.start))}",
                ]
            elif tag:
                lines.append("#EXT-X-DISCONTINUITY")
                lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{format_date(_micros(planned.start))}")
            lines.append(f"#EXTINF:{format_duration(planned.duration)},")
            lines.append(uri)
            previous = planned
        return "\n".join(lines) + "\n"

    def decide(self, plan: Plan, first: int, last: int) -> None:
        """Decide every undecided live slot from ``first`` to ``last`` (in order), once: taken
        from the shared store where another worker was first, else decided here and offered."""
        with self._lock:
            start = max(first, self._order[-1] + 1 if self._order else first)
            runs = [r for r in plan.runs if r.live and r.sequence <= last
                    and r.sequence + r.count > start]  # fmt: skip
            if not runs:
                return
            heights = {v.name: _height(v.resolution) for v in plan.variants}
            ttl = plan.window * plan.target_duration + self._keep
            for run in runs:
                slots = range(max(start, run.sequence), min(last, _end(run)) + 1)
                known = self._read(run, slots)
                upstream = self.upstream(run.live or "")
                polled = False
                for sequence in slots:
                    decision = known.get(sequence)
                    if decision is None:
                        if not polled:
                            upstream.poll()
                            polled = True
                        ours = self._propose(plan, run, upstream, sequence, last, heights)
                        decision = self._offer(run, ours, ttl)
                        if decision is ours:
                            self._keep_decision(run, upstream, ours)
                            continue
                    self._keep_decision(run, upstream, self._adopt(plan, decision))
            self._prune(first)

    def _key(self, run: Run, sequence: int) -> str:
        assert run.programme is not None
        return f"{self.channel}:{int(run.programme.start.timestamp())}:{sequence}"

    def _read(self, run: Run, slots: range) -> dict[int, Decision]:
        """The slots another worker already decided (none without a shared store)."""
        if self._shared is None or not slots:
            return {}
        found = self._shared.read([self._key(run, n) for n in slots]) or []
        decided = (Decision.loads(n, raw) for n, raw in zip(slots, found, strict=False) if raw)
        return {d.sequence: d for d in decided if d is not None}

    def _offer(self, run: Run, ours: Decision, ttl: int) -> Decision:
        """Ours if it is the first stored (or there is no store to ask), else the winner."""
        if self._shared is None:
            return ours
        raw = self._shared.first(self._key(run, ours.sequence), ours.dumps(), ttl)
        theirs = Decision.loads(ours.sequence, raw) if raw is not None else None
        return ours if theirs is None or theirs == ours else theirs

    def _adopt(self, plan: Plan, theirs: Decision) -> Decision:
        """Another worker's decision, made to follow this process's own playlists: with a
        tag where it does not continue the slot before as decided here (only after an outage),
        and this process's count of tags. Taken as is when nothing was decided here before."""
        previous = self._decisions.get(theirs.sequence - 1)
        if previous is None:
            return theirs
        tag = theirs.tag or not _follows(previous, theirs)
        extra = previous.extra + int(tag) - int(_planned_tag(plan, theirs.sequence))
        if (tag, extra) == (theirs.tag, theirs.extra):
            return theirs
        return Decision(theirs.sequence, theirs.upstream, theirs.uris, tag, extra)

    def _propose(
        self, plan: Plan, run: Run, upstream: Upstream, sequence: int, now_slot: int,
        heights: Mapping[str, int],
    ) -> Decision:  # fmt: skip
        previous = self._decisions.get(sequence - 1) if sequence > run.sequence else None
        relayed_before = previous is not None and previous.upstream is not None
        chosen: int | None = None
        jumped = False
        behind = now_slot - sequence  # slots between this one and the one on air
        edge = upstream.edge
        if relayed_before and edge is not None and (upstream.healthy or upstream.ended):
            assert previous is not None and previous.upstream is not None
            following = previous.upstream + 1
            lag = edge - following - behind
            if upstream.has(following) and (lag <= self._lead + 3 or upstream.ended):
                chosen = following
            elif upstream.healthy:
                chosen, jumped = edge - self._lead - behind, True
        elif upstream.healthy and edge is not None:
            chosen = edge - self._lead - behind
        if chosen is not None and not upstream.has(chosen):
            chosen = None
        planned_tag = _planned_tag(plan, sequence)
        relayed = chosen is not None
        tag = planned_tag or relayed != relayed_before
        if relayed and relayed_before:
            tag = tag or jumped or upstream.discontinuity(chosen)
        added = int(tag) - int(planned_tag)
        extra = self.extra(sequence - 1) + added
        uris = upstream.uris(chosen, heights) if chosen is not None else None
        return Decision(sequence, chosen, uris, tag, extra)

    def _keep_decision(self, run: Run, upstream: Upstream, decision: Decision) -> None:
        sequence = decision.sequence
        previous = self._decisions.get(sequence - 1) if sequence > run.sequence else None
        relayed = decision.upstream is not None
        if previous is not None and relayed != (previous.upstream is not None):
            what = f"relays {upstream.url}" if relayed else "falls back to the recording"
            log.info("channel %s: slot %d %s", self.channel, sequence, what)
        self._decisions[sequence] = decision
        self._order.append(sequence)

    def _prune(self, first: int) -> None:
        """Forget decisions that left every window (keep the latest: its ``extra`` counts)."""
        keep = max(0, bisect_right(self._order, first - 64) - 1)
        for sequence in self._order[:keep]:
            del self._decisions[sequence]
        del self._order[:keep]


def _planned_tag(plan: Plan, sequence: int) -> bool:
    """Whether the plan itself has a discontinuity tag before ``sequence``."""
    if sequence <= plan.sequence:
        return False
    before, this = (plan.segment(n, plan.renditions[0]) for n in (sequence - 1, sequence))
    return before.discontinuity != this.discontinuity


def _follows(previous: Decision, decision: Decision) -> bool:
    """Whether ``decision`` continues ``previous`` with no switch and no jump."""
    if previous.upstream is None or decision.upstream is None:
        return previous.upstream is None and decision.upstream is None
    return decision.upstream == previous.upstream + 1


def _end(run: Run) -> int:
    return run.sequence + run.count - 1


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


# --- attendance ---------------------------------------------------------------------------


class AttendanceStore(Protocol):
    def add(self, key: str, devices: list[str]) -> None: ...

    def count(self, key: str) -> int: ...


class MemoryAttendanceStore:
    """Distinct devices per programme in process (one worker; lost on restart)."""

    def __init__(self) -> None:
        self._sets: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def add(self, key: str, devices: list[str]) -> None:
        with self._lock:
            self._sets.setdefault(key, set()).update(devices)

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._sets.get(key, ()))


class RedisAttendanceStore:
    """A HyperLogLog per programme in Redis, shared by every worker and host."""

    def __init__(self, client, *, namespace: str = "edutv", ttl: int = 400 * 86400) -> None:
        self._r = client
        self._prefix = f"{{{namespace}}}:attendance:"
        self._ttl = ttl

    def add(self, key: str, devices: list[str]) -> None:
        pipe = self._r.pipeline(transaction=False)
        pipe.pfadd(self._prefix + key, *devices)
        pipe.expire(self._prefix + key, self._ttl)
        pipe.execute()

    def count(self, key: str) -> int:
        return int(self._r.pfcount(self._prefix + key))


class Attendance:
    """Distinct boxes per live programme (module docstring); cheap on a repeat request."""

    def __init__(self, store: AttendanceStore | None = None, *, remember: int = 200_000) -> None:
        self._store: AttendanceStore = store or MemoryAttendanceStore()
        self._seen: dict[str, set[str]] = {}
        self._remember = remember  # devices remembered per process before forgetting all
        self._lock = threading.Lock()

    @staticmethod
    def key(channel: str, programme_start: datetime) -> str:
        return f"{channel}|{programme_start.isoformat()}"

    def record(self, channel: str, programme_start: datetime, device: str) -> bool:
        """Count ``device`` for the programme; True if this process had not seen it yet."""
        key = self.key(channel, programme_start)
        with self._lock:
            seen = self._seen.setdefault(key, set())
            if device in seen:
                return False
            if sum(len(s) for s in self._seen.values()) >= self._remember:
                self._seen = {key: set()}
                seen = self._seen[key]
            seen.add(device)
        try:
            self._store.add(key, [device])
        except Exception as error:  # attendance must never fail a playlist
            log.warning("attendance of %s not recorded: %s", key, error)
            with self._lock:
                seen.discard(device)
        return True

    def count(self, channel: str, programme_start: datetime) -> int:
        try:
            return self._store.count(self.key(channel, programme_start))
        except Exception as error:  # the shared store is down: say so, not a 500
            log.warning("attendance of %s %s not readable: %s", channel, programme_start, error)
            raise Unavailable("Attendance cannot be read right now; try again shortly.") from None

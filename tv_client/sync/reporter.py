"""What the player reports while a lesson plays: events into the outbox, positions into the
local progress, so the course page and home show them at once and the backend gets them later.

The player calls, from any thread (no call raises; the outbox and the store log their failures):

- ``started(profile_id, course, lesson_id, duration_s, position_s)``: a lesson starts playing
  (a lesson still open is stopped first);
- ``tick(position_s, duration_s=None)``: every second or so while playing; an event is written
  at most every `TICK_EVERY_S` of wall time, and none while nothing moved;
- ``paused(position_s)``, ``resumed(position_s)``, ``seeked(from_s, to_s)``;
- ``stopped(position_s)``: the child left the lesson; ``ended()``: it played to its end;
- ``exited(position_s=None)``: the app is closing (the last known position when None).

Every call but ``tick`` and ``resumed`` writes its event before returning, and records the
position in the `ProgressStore`. A power cut thus loses at most the last 10 s of a lesson.
One event (``POST /api/v1/progress``, ``tv_backend/schemas/progress.py``)::

    {"id": "<uuid4 hex>", "profile": "<local profile id>", "lesson_id": 11,
     "position_s": 725.0, "duration_s": 1800.0, "played": [[715.0, 725.0]],
     "client_time": "2026-01-01T12:00:00.000+08:00",
     "kind": "tick" | "pause" | "seek" | "stop" | "exit" | "end"}

``played`` holds the stretches of the lesson actually played since the previous event of the
session, within ``[0, duration_s]`` (the backend unions them into coverage). The span between
two consecutive positions counts when the position moved forward no faster than `MAX_RATE`
times the wall clock (plus `SLACK_S` for the player's own jitter): a seek, a jump the player did
not report, a rewind or the time spent paused never count. ``client_time`` comes from the
injected clock, with its offset; a clock that jumps back (the box's clock is set at boot) writes
the next tick at once.

While the lesson's length is unknown (``duration_s`` 0: pass the catalog's ``duration`` to
``started``, or the player's with a ``tick``) only the local progress is written, since the
backend refuses an event without one; what was played goes with the first event that has it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tv_client.progress import CourseSummary, ProgressStore
from tv_client.sync.outbox import Outbox

TICK_EVERY_S = 10.0
MAX_RATE = 2.0  # the fastest playback speed the player offers
SLACK_S = 2.0  # the player's positions and ticks are not exact


def local_now() -> datetime:
    """Now, in the box's time zone (with its offset)."""
    return datetime.now().astimezone()


@dataclass
class _Session:
    """One lesson being played, and what has not been reported yet."""

    profile_id: str
    course: CourseSummary
    lesson_id: int
    duration_s: float
    position_s: float
    seen_at: datetime  # when position_s was observed
    reported_at: datetime  # when the last event was written (or the session started)
    reported_position_s: float
    playing: bool = True
    played: list[list[float]] = field(default_factory=list)

    def advance(self, position_s: float, now: datetime) -> None:
        """The player is at ``position_s`` now: count the span since the last position if it
        was plausibly played (see the module docstring)."""
        position_s = max(0.0, float(position_s))
        wall = max(0.0, (now - self.seen_at).total_seconds()) if self.playing else 0.0
        if 0 < position_s - self.position_s <= wall * MAX_RATE + SLACK_S:
            if self.played and self.played[-1][1] == self.position_s:
                self.played[-1][1] = position_s
            else:
                self.played.append([self.position_s, position_s])
        self.position_s, self.seen_at = position_s, now

    def jump(self, position_s: float, now: datetime) -> None:
        self.position_s, self.seen_at = max(0.0, float(position_s)), now


class ProgressReporter:
    """Turns the player's calls into outbox events and local progress (see the module)."""

    def __init__(
        self,
        outbox: Outbox,
        local: ProgressStore,
        *,
        clock: Callable[[], datetime] = local_now,
        on_event: Callable[[], None] | None = None,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        """``on_event`` is called after every event written (the syncer's ``notify``)."""
        self._outbox = outbox
        self._local = local
        self._clock = clock
        self._on_event = on_event
        self._new_id = new_id
        self._lock = threading.Lock()
        self._session: _Session | None = None

    @property
    def lesson_id(self) -> int | None:
        """The lesson being played, if any."""
        session = self._session
        return session.lesson_id if session else None

    def started(
        self,
        profile_id: str,
        course: CourseSummary,
        lesson_id: int,
        duration_s: float,
        position_s: float,
    ) -> None:
        """``lesson_id`` of ``course`` starts playing at ``position_s`` for ``profile_id``."""
        with self._lock:
            now = self._now()
            if self._session is not None:
                self._emit("stop", now)
            position_s = max(0.0, float(position_s))
            self._session = _Session(
                profile_id=profile_id,
                course=course,
                lesson_id=int(lesson_id),
                duration_s=max(0.0, float(duration_s)),
                position_s=position_s,
                seen_at=now,
                reported_at=now,
                reported_position_s=position_s,
            )
            self._record(self._session, now)

    def tick(self, position_s: float, duration_s: float | None = None) -> None:
        """The player is playing at ``position_s`` (and now knows the ``duration_s``)."""
        with self._lock:
            session, now = self._session, self._now()
            if session is None:
                return
            if duration_s:
                session.duration_s = float(duration_s)
            session.advance(position_s, now)
            session.playing = True
            since = (now - session.reported_at).total_seconds()
            moved = session.played or session.position_s != session.reported_position_s
            if moved and not 0 <= since < TICK_EVERY_S:
                self._emit("tick", now)

    def paused(self, position_s: float) -> None:
        self._report("pause", lambda _session: position_s, playing=False)

    def resumed(self, position_s: float) -> None:
        """Playing again after a pause; no event (the next tick reports)."""
        with self._lock:
            if self._session is not None:
                self._session.jump(position_s, self._now())
                self._session.playing = True

    def seeked(self, from_s: float, to_s: float) -> None:
        """The child jumped from ``from_s`` to ``to_s``: played up to ``from_s``, not beyond."""
        with self._lock:
            session, now = self._session, self._now()
            if session is not None:
                session.advance(from_s, now)
                session.jump(to_s, now)
                self._emit("seek", now)

    def stopped(self, position_s: float) -> None:
        self._report("stop", lambda _session: position_s, close=True)

    def ended(self) -> None:
        """Played to the end (at the duration, or the last position while it is unknown)."""
        self._report("end", lambda session: session.duration_s or session.position_s, close=True)

    def exited(self, position_s: float | None = None) -> None:
        """The app is closing: the open lesson (if any) is reported at ``position_s``."""

        def at(session: _Session) -> float:
            return session.position_s if position_s is None else position_s

        self._report("exit", at, close=True)

    def _report(
        self,
        kind: str,
        at: Callable[[_Session], float],
        *,
        playing: bool = True,
        close: bool = False,
    ) -> None:
        """Write a ``kind`` event at the position ``at(session)``; ``close`` ends the session."""
        with self._lock:
            session, now = self._session, self._now()
            if session is None:
                return
            session.advance(at(session), now)
            session.playing = playing
            self._emit(kind, now)
            if close:
                self._session = None

    def _emit(self, kind: str, now: datetime) -> None:
        """Write the session's event of ``kind`` to the outbox and the local progress.

        While the length is unknown only the local progress is written: the backend refuses an
        event without one. The played spans wait for the next event.
        """
        session = self._session
        assert session is not None
        self._record(session, now)
        session.reported_at, session.reported_position_s = now, session.position_s
        if session.duration_s <= 0:
            return
        self._outbox.add(_event(session, kind, now, self._new_id()))
        session.played = []
        if self._on_event is not None:
            self._on_event()

    def _record(self, session: _Session, now: datetime) -> None:
        self._local.record(
            session.profile_id,
            session.course,
            session.lesson_id,
            session.position_s,
            session.duration_s,
            now=now.timestamp(),
        )

    def _now(self) -> datetime:
        now = self._clock()
        return now if now.tzinfo is not None else now.astimezone()


def _event(session: _Session, kind: str, now: datetime, event_id: str) -> dict[str, Any]:
    """The outbox event of ``session`` at ``now`` (the shape is in the module docstring)."""
    return {
        "id": event_id,
        "profile": session.profile_id,
        "lesson_id": session.lesson_id,
        "position_s": round(session.position_s, 3),
        "duration_s": round(session.duration_s, 3),
        "played": _within(session.played, session.duration_s),
        "client_time": now.isoformat(timespec="milliseconds"),
        "kind": kind,
    }


def _within(played: list[list[float]], duration_s: float) -> list[list[float]]:
    """The played spans clipped to the lesson (a player may overshoot its end a little)."""
    clipped = ([round(start, 3), round(min(end, duration_s), 3)] for start, end in played)
    return [span for span in clipped if span[0] < span[1]]

"""The one player interface every screen uses, whatever plays the video.

A `Player` plays one stream at a time. Commands (`open`, `play`, `pause`, `seek` ...) are
called on the main thread and return at once; what happens afterwards arrives as events, also
on the main thread: the owner calls `Player.pump` often (the Kivy app does it from its clock,
`tv_client.player.video.pump_on_clock`), and `pump` applies what the playback threads queued,
runs the watchdogs and calls every listener as ``listener(kind, **data)``:

=============  ==========================================================================
kind           data
=============  ==========================================================================
``state``      ``state``: the new `State`; ``previous``: the old one
``error``      ``code``: an `ErrorCode`; ``detail``: English text for the log (after
               ``state`` moved to `State.ERROR`)
``position``   ``position_s``, ``duration_s`` (at most once per pump, when either moved)
``rendition``  ``rendition``: the `Rendition` now on screen (height, declared bandwidth,
               measured throughput)
``warning``    ``code``: ``"segment_missing"`` or ``"segment_truncated"``; ``url`` (playback
               may go on, glitched; if the stream breaks off there, ``error`` follows)
``subtitles``  ``tracks``: the subtitle track names now available
=============  ==========================================================================

States::

    IDLE -open-> OPENING -first frame-> PLAYING <-> PAUSED
                    |                     |  ^
                    |                     v  |  (the clock stood still a moment)
                    |                   BUFFERING
                    +--------+------------+---------> ERROR (code; `retry` opens again)
                             +--> ENDED (the end of the stream)

Exceptions: none cross this interface. Failures become `State.ERROR` with an `ErrorCode`
that the screen turns into a message a family can act on.
"""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

Listener = Callable[..., None]  # listener(kind, **data)


class State(enum.StrEnum):
    IDLE = "idle"
    OPENING = "opening"
    BUFFERING = "buffering"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


class ErrorCode(enum.StrEnum):
    """Why playback stopped; the screen maps each to a message (and offers Retry)."""

    NOT_FOUND = "not_found"  # the server has no such lesson (404/410 on the master playlist)
    UNREACHABLE = "unreachable"  # the server does not answer (refused, reset, timed out)
    STREAM_FAILED = "stream_failed"  # the stream broke off before its end (segments failed)
    NEVER_STARTED = "never_started"  # no first picture within the start timeout
    STALLED = "stalled"  # no new picture for the stall timeout while playing
    UNPLAYABLE = "unplayable"  # the player could not read or decode what it was given


@dataclass(frozen=True)
class Rendition:
    """The rung of an adaptive ladder being played.

    ``height``/``width`` and ``bandwidth`` (bits/s) are what the master playlist declares for
    the variant; ``measured_bps`` is the throughput of the last segment downloads (None until
    one was timed).
    """

    height: int | None
    width: int | None = None
    bandwidth: int | None = None
    measured_bps: int | None = None

    def label(self) -> str:
        """``"360p · 0.8 Mbit/s (line 2.4 Mbit/s)"``: for the Info overlay."""
        parts = [f"{self.height}p" if self.height else "?p"]
        if self.bandwidth:
            parts.append(f"{self.bandwidth / 1e6:.1f} Mbit/s")
        text = " · ".join(parts)
        if self.measured_bps:
            text += f" (line {self.measured_bps / 1e6:.1f} Mbit/s)"
        return text


class Picture(Protocol):
    """One decoded I420 picture, as a `FrameSource` lends it to the video view."""

    planes: tuple[memoryview, memoryview, memoryview]  # Y, U, V; each ``pitch * lines`` bytes
    pitches: tuple[int, int, int]  # bytes per row of each plane (Y's is twice U's and V's)
    lines: tuple[int, int, int]  # rows of each plane (Y's is twice U's and V's)
    visible: tuple[int, int]  # the picture's own width and height, top left of the planes
    aspect: float  # display width / height (pixel aspect applied)


class FrameSource(Protocol):
    """Where a video view takes the newest picture from (see ``vlc_player.PictureBuffers``)."""

    on_frame: Callable[[], None] | None  # set by the view; called from any thread per picture

    def take(self) -> Picture | None:
        """Main thread: the newest picture not taken yet (lent until the next call), or None."""


class Player(ABC):
    """Plays one stream; commands return at once, outcomes arrive as events (see the module)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._state = State.IDLE
        self._error: ErrorCode | None = None
        self._url: str | None = None
        self._max_height: int | None = None
        self._subtitle_urls: tuple[str, ...] = ()

    # -- listeners ---------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(kind, **data)`` for every event; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, kind: str, **data: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, **data)
            except Exception:  # one broken listener must not stop playback or the others
                log.exception("player listener %r failed on %s", listener, kind)

    def _set_state(self, state: State) -> None:
        if state is not self._state:
            previous, self._state = self._state, state
            self._emit("state", state=state, previous=previous)

    def _fail(self, code: ErrorCode, detail: str) -> None:
        if self._state is State.ERROR:
            return
        log.warning("playback of %s failed: %s (%s)", self._url, code, detail)
        self._error = code
        self._stop_playback()
        self._set_state(State.ERROR)
        self._emit("error", code=code, detail=detail)

    # -- what every player offers ------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def error(self) -> ErrorCode | None:
        """Why the player is in `State.ERROR` (None otherwise)."""
        return self._error if self._state is State.ERROR else None

    @property
    def url(self) -> str | None:
        return self._url

    def retry(self) -> None:
        """Open the same stream again where it stopped (the Retry button)."""
        self._reopen(self.position_s)

    def _reopen(self, start_s: float) -> None:
        if self._url is not None:
            self.open(
                self._url, start_s=start_s, max_height=self._max_height,
                subtitles=self._subtitle_urls,
            )  # fmt: skip

    def toggle(self) -> None:
        """Pause when playing or buffering, play when paused or ended."""
        if self._state in (State.PLAYING, State.BUFFERING, State.OPENING):
            self.pause()
        else:
            self.play()

    @abstractmethod
    def open(
        self,
        url: str,
        *,
        start_s: float = 0.0,
        max_height: int | None = None,
        subtitles: Sequence[str] = (),
    ) -> None:
        """Start playing ``url`` (an HLS master playlist or a file) from ``start_s``.

        ``max_height``: the user's quality cap (`Preferences.max_height`); no taller rendition
        is fetched. ``subtitles``: URLs of sidecar subtitle files (WebVTT, the lesson's
        ``subtitles``), offered as tracks, off until `set_subtitles`. Stops whatever played
        before.
        """

    @abstractmethod
    def play(self) -> None: ...

    @abstractmethod
    def pause(self) -> None: ...

    @abstractmethod
    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` from the start (clamped to the stream)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop and forget the stream (state IDLE)."""

    @abstractmethod
    def set_rate(self, rate: float) -> None:
        """Playback speed (1.0 normal)."""

    @abstractmethod
    def set_subtitles(self, on: bool) -> None:
        """Show the first subtitle track, or none (kept for the next streams too)."""

    @property
    @abstractmethod
    def subtitle_tracks(self) -> list[str]: ...

    @property
    @abstractmethod
    def subtitles_on(self) -> bool:
        """Whether a subtitle track shows now."""

    @property
    @abstractmethod
    def position_s(self) -> float: ...

    @property
    @abstractmethod
    def duration_s(self) -> float | None:
        """The stream's length; None until known (or for a live stream)."""

    @property
    @abstractmethod
    def rendition(self) -> Rendition | None: ...

    @property
    @abstractmethod
    def frames_drawn(self) -> int:
        """Pictures handed to the video view since the player was made (libVLC hands the
        last one again while it waits for data: progress is `position_s`, not this)."""

    @property
    def frames(self) -> FrameSource | None:
        """The pictures to draw; None for a player without video."""
        return None

    @abstractmethod
    def pump(self) -> None:
        """Main thread, often: apply what the playback threads queued, watch, emit events."""

    @abstractmethod
    def _stop_playback(self) -> None:
        """Stop the underlying playback (on error or stop) without changing the state."""

    @abstractmethod
    def release(self) -> None:
        """Stop and free everything; the player cannot be used afterwards."""

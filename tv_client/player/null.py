"""A player without video: it keeps time with an injected clock, for UI and screen tests.

It behaves as the libVLC player does as seen through `Player`: `open` goes OPENING, the "first
frame" comes ``start_delay_s`` later, the position follows the clock times the rate, the end
is reached at ``duration_s``. Tests drive it with a fake clock and `pump`, and make it fail on
purpose: ``failures`` maps a substring of the URL to the `ErrorCode` opening it gives, and
`fail` breaks the stream that plays now.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from tv_client.player.base import ErrorCode, Player, Rendition, State

FPS = 25
RENDITION = Rendition(360, 640, 800_000, 2_000_000)  # what a simulated stream reports


class NullPlayer(Player):
    """Simulated playback on ``clock`` (seconds; ``time.monotonic`` by default)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        duration_s: float = 600.0,
        start_delay_s: float = 0.3,
        failures: Mapping[str, ErrorCode] | None = None,
        rendition: Rendition | None = RENDITION,
        subtitles: tuple[str, ...] = ("中文",),
    ) -> None:
        super().__init__()
        self._clock = clock
        self._length = duration_s
        self._start_delay = start_delay_s
        self._failures = dict(failures or {})
        self._rendition = rendition
        self._tracks = list(subtitles)
        self._subtitles_on = False
        self.rate = 1.0
        self._position = 0.0
        self._anchor: float | None = None  # clock time when the position was last settled
        self._opened_at = 0.0
        self._frames = 0
        self._reported: tuple[float, float | None] | None = None

    def open(
        self,
        url: str,
        *,
        start_s: float = 0.0,
        max_height: int | None = None,
        subtitles: Sequence[str] = (),
    ) -> None:
        self._url, self._max_height, self._subtitle_urls = url, max_height, tuple(subtitles)
        self._error = None
        self._position, self._anchor = max(0.0, start_s), None
        self._opened_at = self._clock()
        self._reported = None
        self._set_state(State.OPENING)

    def fail(self, code: ErrorCode, detail: str = "simulated") -> None:
        """Break the stream now (applied at the next `pump`, as a real failure would be)."""
        self._settle()
        self._fail(code, detail)

    def play(self) -> None:
        if self._state is State.ENDED:
            self.seek(0.0)
        if self._state in (State.PAUSED, State.ENDED):
            self._anchor = self._clock()
            self._set_state(State.PLAYING)

    def pause(self) -> None:
        if self._state in (State.PLAYING, State.BUFFERING):
            self._settle()
            self._anchor = None
            self._set_state(State.PAUSED)

    def seek(self, seconds: float) -> None:
        self._settle()
        self._position = min(max(0.0, seconds), self._length)
        if self._state is State.ENDED:
            self._set_state(State.PAUSED)

    def stop(self) -> None:
        self._stop_playback()
        self._url = None
        self._set_state(State.IDLE)

    def _stop_playback(self) -> None:
        self._settle()
        self._anchor = None

    def set_rate(self, rate: float) -> None:
        self._settle()
        self.rate = rate

    def set_subtitles(self, on: bool) -> None:
        self._subtitles_on = on

    @property
    def subtitles_on(self) -> bool:
        return self._subtitles_on and bool(self._tracks)

    @property
    def subtitle_tracks(self) -> list[str]:
        return list(self._tracks)

    @property
    def position_s(self) -> float:
        if self._anchor is None:
            return self._position
        return min(self._length, self._position + (self._clock() - self._anchor) * self.rate)

    @property
    def duration_s(self) -> float | None:
        return self._length if self._state not in (State.IDLE, State.OPENING) else None

    @property
    def rendition(self) -> Rendition | None:
        return self._rendition if self._state in (State.PLAYING, State.PAUSED) else None

    @property
    def frames_drawn(self) -> int:
        if self._state is State.PLAYING and self._anchor is not None:
            return self._frames + int((self._clock() - self._anchor) * FPS)
        return self._frames

    def pump(self) -> None:
        if self._state is State.OPENING:
            self._start()
        if self._anchor is not None and self.position_s >= self._length:
            self._settle()
            self._anchor = None
            self._set_state(State.ENDED)
        if self._state in (State.PLAYING, State.PAUSED, State.ENDED):
            self._report_position()

    def _start(self) -> None:
        failure = next((c for k, c in self._failures.items() if k in (self._url or "")), None)
        if failure is not None:
            self._fail(failure, f"simulated for {self._url}")
        elif self._clock() - self._opened_at >= self._start_delay:
            self._anchor = self._clock()
            self._set_state(State.PLAYING)
            self._emit("subtitles", tracks=self.subtitle_tracks)
            if self._rendition is not None:
                self._emit("rendition", rendition=self._rendition)

    def _report_position(self) -> None:
        now = (round(self.position_s, 1), self.duration_s)
        if now != self._reported:
            self._reported = now
            self._emit("position", position_s=self.position_s, duration_s=self.duration_s)

    def _settle(self) -> None:
        """Fold the time played since the anchor into the position."""
        if self._anchor is not None:
            self._frames = self.frames_drawn
            self._position = self.position_s
            self._anchor = self._clock()

    def release(self) -> None:
        self.stop()
        self._listeners.clear()

"""What the player screen shows and what the remote asks of the player: pure, clock injected.

The screen feeds it the player's state (`observe`) and the remote's actions (`press`), and
carries out the `Command`s it returns; it draws `PlayerView`. The rules a family meets:

- OK (or Play/Pause) pauses and resumes; the overlay (title, progress bar, time) shows while
  paused and for a few seconds after any key.
- Left/right seek 10 s; pressed again within ``REPEAT_S`` the step grows (10, 10, 20, 30, 60 s),
  so a held key travels fast. Seeks are previewed on the bar and sent once the keys rest
  (``SETTLE_S``), so a held key does not make the player reload on every step.
- Digits jump to that tenth of the lesson (3 is 30%, 0 the start); rewind/fast-forward keys
  are a held left/right.
- Up (or Info) shows the info panel (rendition, bitrate, speed), Down hides it; Menu opens
  the options (speed 0.75x-1.5x, subtitles when the lesson has them), where up/down choose and
  left/right or OK change.
- At the end, a countdown to the next lesson: OK starts it at once, Back cancels.
- On an error: a message with Retry (focused) and Back.
- Back closes what is open (options, info, countdown) and otherwise stops and leaves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tv_client.navigation.keys import Action, KeyPress

SEEK_STEPS = (10, 10, 20, 30, 60)  # seconds per press, growing while a key is held
REPEAT_S = 0.6  # a press this soon after the last one continues the same held seek
SETTLE_S = 0.45  # a previewed seek is sent once no seek key came for this long
OVERLAY_S = 4.0  # the overlay stays this long after the last key while playing
COUNTDOWN_S = 10  # seconds before the next lesson starts by itself
SPEEDS = (0.75, 1.0, 1.25, 1.5)
OPTIONS = ("speed", "subtitles")
END_SLACK_S = 1.0


class Phase(enum.Enum):
    """Where playback stands, as far as the screen is concerned."""

    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    BUFFERING = "buffering"
    ENDED = "ended"
    ERROR = "error"


@dataclass(frozen=True)
class Command:
    """One thing for the screen to do: ``kind`` in toggle, seek, rate, subtitles, retry, next,
    leave; ``value`` is the seek target (s), the rate, or subtitles on/off."""

    kind: str
    value: float | bool | None = None


@dataclass
class PlayerViewModel:
    """The overlay's state machine for one lesson; ``has_next`` offers the countdown."""

    has_next: bool = False
    has_subtitles: bool = False
    phase: Phase = Phase.OPENING
    position_s: float = 0.0
    duration_s: float = 0.0
    error: str | None = None
    rate: float = 1.0
    subtitles: bool = True
    overlay_until: float = 0.0
    info: bool = False
    options_open: bool = False
    option: int = 0
    countdown_from: float | None = None  # when the countdown started; None: not counting
    preview_s: float | None = None  # a seek being chosen, not yet sent
    _last_seek_at: float = -1.0
    _seek_run: int = 0
    _seek_direction: int = 0

    # ------------------------------------------------------------------ from the player
    def observe(
        self,
        phase: Phase,
        position_s: float,
        duration_s: float,
        now: float,
        error: str | None = None,
    ) -> list[Command]:
        """The player's latest state; returns commands due (the countdown's end)."""
        ended = phase is Phase.ENDED and self.phase is not Phase.ENDED
        self.phase, self.error = phase, error
        self.at(position_s)
        self.duration_s = duration_s or self.duration_s
        if ended and self.has_next:
            self.countdown_from = now
        return self.tick(now)

    def at(self, position_s: float) -> None:
        """The player's time, read just now (a preview being shown keeps its place)."""
        if self.preview_s is None:
            self.position_s = position_s

    def tick(self, now: float) -> list[Command]:
        """Time passes: a rested seek is sent, a finished countdown starts the next lesson."""
        due = []
        if self.preview_s is not None and now - self._last_seek_at >= SETTLE_S:
            due.append(Command("seek", self.preview_s))
            self.position_s, self.preview_s = self.preview_s, None
        if self.countdown_from is not None and self.countdown_left(now) <= 0:
            self.countdown_from = None
            due.append(Command("next"))
        return due

    # ------------------------------------------------------------------ from the remote
    def press(self, key: KeyPress, now: float) -> list[Command] | None:
        """The commands for one key; None when the screen does not use it (Back leaves)."""
        self.overlay_until = now + OVERLAY_S
        if self.phase is Phase.ERROR:
            return self._on_error(key)
        if self.countdown_from is not None:
            return self._on_countdown(key)
        if self.options_open:
            return self._on_options(key)
        return self._on_playback(key, now)

    def _on_error(self, key: KeyPress) -> list[Command] | None:
        if key.action is Action.OK:
            return [Command("retry", self.position_s)]
        return None if key.action is Action.BACK else []

    def _on_countdown(self, key: KeyPress) -> list[Command] | None:
        if key.action is Action.OK:
            self.countdown_from = None
            return [Command("next")]
        if key.action is Action.BACK:
            self.countdown_from = None  # stay on the ended lesson; Back again leaves
            return []
        return []

    def _on_options(self, key: KeyPress) -> list[Command] | None:
        shown = self.option_names()
        if key.action in (Action.BACK, Action.MENU):
            self.options_open = False
            return []
        if key.action in (Action.UP, Action.DOWN):
            step = 1 if key.action is Action.DOWN else -1
            self.option = min(max(0, self.option + step), len(shown) - 1)
            return []
        if key.action in (Action.LEFT, Action.RIGHT, Action.OK):
            step = -1 if key.action is Action.LEFT else 1
            return self._change(shown[self.option], step)
        return []

    def _change(self, option: str, step: int) -> list[Command]:
        if option == "speed":
            index = SPEEDS.index(self.rate) if self.rate in SPEEDS else 1
            self.rate = SPEEDS[min(max(0, index + step), len(SPEEDS) - 1)]
            return [Command("rate", self.rate)]
        self.subtitles = not self.subtitles
        return [Command("subtitles", self.subtitles)]

    def _on_playback(self, key: KeyPress, now: float) -> list[Command] | None:
        action = key.action
        if action in (Action.OK, Action.PLAY_PAUSE, Action.PLAY, Action.PAUSE):
            return self._toggle(action)
        if action in (Action.LEFT, Action.RIGHT, Action.REWIND, Action.FAST_FORWARD):
            forward = action in (Action.RIGHT, Action.FAST_FORWARD)
            self._seek_by(1 if forward else -1, now)
            return []
        if action is Action.DIGIT and self.duration_s > 0:
            self._seek_to(self.duration_s * key.digit / 10, now)
            return []
        if action in (Action.UP, Action.DOWN, Action.INFO):
            self.info = not self.info if action is Action.INFO else action is Action.UP
            return []
        if action is Action.MENU:
            self.options_open, self.option = True, 0
            return []
        if action is Action.BACK and self.info:
            self.info = False
            return []
        if action in (Action.BACK, Action.STOP):
            return [Command("leave")] if action is Action.STOP else None
        return []

    def _toggle(self, action: Action) -> list[Command]:
        if self.phase is Phase.ENDED:
            return [Command("seek", 0.0), Command("toggle")] if action is Action.OK else []
        playing = self.phase in (Phase.PLAYING, Phase.BUFFERING, Phase.OPENING)
        if (action is Action.PLAY and playing) or (action is Action.PAUSE and not playing):
            return []
        return [Command("toggle")]

    def _seek_by(self, direction: int, now: float) -> None:
        held = now - self._last_seek_at <= REPEAT_S and direction == self._seek_direction
        self._seek_run = self._seek_run + 1 if held else 0
        self._seek_direction = direction
        step = SEEK_STEPS[min(self._seek_run, len(SEEK_STEPS) - 1)]
        start = self.preview_s if self.preview_s is not None else self.position_s
        self._seek_to(start + direction * step, now)

    def _seek_to(self, target: float, now: float) -> None:
        last = max(0.0, self.duration_s - END_SLACK_S) if self.duration_s else target
        self.preview_s = min(max(0.0, target), last)
        self._last_seek_at = now

    # ------------------------------------------------------------------ for drawing
    def option_names(self) -> tuple[str, ...]:
        return OPTIONS if self.has_subtitles else OPTIONS[:1]

    def countdown_left(self, now: float) -> int:
        if self.countdown_from is None:
            return 0
        return max(0, COUNTDOWN_S - int(now - self.countdown_from))

    def overlay_shown(self, now: float) -> bool:
        """The title and progress bar: while paused, seeking, in a panel, or after a key."""
        return (
            self.phase in (Phase.PAUSED, Phase.ENDED, Phase.OPENING)
            or self.preview_s is not None
            or self.info
            or self.options_open
            or now < self.overlay_until
        )

    def shown_position(self) -> float:
        return self.preview_s if self.preview_s is not None else self.position_s

    def fraction(self) -> float:
        if self.duration_s <= 0:
            return 0.0
        return min(1.0, max(0.0, self.shown_position() / self.duration_s))

    def focus_id(self) -> str:
        if self.phase is Phase.ERROR:
            return "retry"
        if self.countdown_from is not None:
            return "next"
        if self.options_open:
            return f"option/{self.option_names()[self.option]}"
        return "player"

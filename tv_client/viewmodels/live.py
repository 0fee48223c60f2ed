"""Live TV: full-screen channels, zapped with CH+/CH- or tuned by number. Pure, time passed in.

JSON from ``/api/v1/channels`` and ``/api/v1/guide/now`` in, `Banner` out, `Command`s (see
`tv_client.viewmodels.guide.Command`) for the screen to carry out. Rules:

- Channels are in number order. CH+/CH- step through them, wrapping at the ends. The banner
  moves to the new channel at once. The first press of a burst tunes at once (one press, one
  zap, no wait); the presses that follow it within ``ZAP_SETTLE_S`` of each other only move
  the banner, and `LiveViewModel.tick` tunes where it stopped once the keys rest, so a held
  CH+ does not open a stream per channel passed (and stopping on the tuned channel sends
  nothing).
- Digits typed within ``DIGIT_TIMEOUT_S`` of each other make a channel number, shown on the
  banner as it grows; it is tuned when the keys rest, at once on OK or when it has as many
  digits as the longest channel number. A number without a channel says so on the banner.
- The banner (number, name, now and next with their times, how far now has played) appears on
  every change and hides ``BANNER_S`` after the last one. Up or Info show it (Info hides it
  again), Down hides it, OK shows it or, when it shows, opens the guide; Menu opens the guide.
- Back (cancelling a number being typed first) and Home return None: the screen leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels import text
from tv_client.viewmodels.guide import (
    SHANGHAI,
    Command,
    GuideChannel,
    GuideProgramme,
    clock_label,
)

__all__ = ["BANNER_S", "DIGIT_TIMEOUT_S", "ZAP_SETTLE_S", "Banner", "LiveViewModel"]

ZAP_SETTLE_S = 0.4
DIGIT_TIMEOUT_S = 1.5
BANNER_S = 5.0

MESSAGES = {
    "no_channel": {"zh": "没有这个频道", "en": "No such channel"},
    "no_info": {"zh": "暂无节目信息", "en": "No information"},
}


@dataclass(frozen=True)
class Banner:
    """The channel banner as drawn. ``entry`` is a number being typed (``"12"``), shown in
    place of the channel number while it grows; ``message`` a refusal (no such channel)."""

    channel_id: str
    number: str  # "01"
    name: str
    logo: str | None
    now_title: str
    now_time: str  # "08:00–08:30", "" when unknown
    progress: float | None  # of the programme playing now, 0..1
    next_title: str
    next_time: str
    entry: str = ""
    message: str = ""
    tuned: bool = True  # False while zapping: the picture is still the previous channel


class LiveViewModel:
    """Live TV's state and its transitions. Not thread-safe: main thread only."""

    def __init__(self, *, lang: str = "zh", tz: tzinfo = SHANGHAI) -> None:
        self.lang, self.tz = lang, tz
        self.channels: list[GuideChannel] = []
        self.current: GuideChannel | None = None  # tuned: the picture on screen
        self.shown: GuideChannel | None = None  # on the banner: ahead of current while zapping
        self.entry = ""
        self.message = ""
        self.banner_until: datetime | None = None
        self._now_next: dict[str, tuple[GuideProgramme, ...]] = {}
        self._zap_at: datetime | None = None
        self._digit_at: datetime | None = None

    # ------------------------------------------------------------------ data in

    def apply_channels(self, data: Mapping[str, Any]) -> None:
        """``GET /api/v1/channels``: the line-up, sorted by number."""
        channels = [GuideChannel.from_json(c) for c in data.get("channels") or ()]
        self.channels = sorted(channels, key=lambda c: (c.number, c.id))
        by_id = {c.id: c for c in self.channels}
        self.current = by_id.get(self.current.id) if self.current else None
        self.shown = by_id.get(self.shown.id) if self.shown else self.current

    def apply_now(self, data: Mapping[str, Any]) -> None:
        """``GET /api/v1/guide/now``: now and next per channel."""
        for entry in data.get("channels") or ():
            channel_id = str(entry["id"])
            self._now_next[channel_id] = tuple(
                GuideProgramme.from_json(channel_id, entry[slot])
                for slot in ("now", "next")
                if entry.get(slot)
            )

    def start(self, now: datetime, channel_id: str | None = None) -> list[Command]:
        """Live TV opens on ``channel_id`` (else the current, else the first channel)."""
        by_id = {c.id: c for c in self.channels}
        channel = by_id.get(channel_id or "") or self.current or next(iter(self.channels), None)
        if channel is None:
            return []
        self.current = None
        return self._tune(channel, now)

    # ------------------------------------------------------------------ keys and time

    def press(self, key: KeyPress, now: datetime) -> list[Command] | None:
        """The commands for one key; None for Back and Home (the screen leaves)."""
        action = key.action
        self.message = ""
        if action is Action.DIGIT:
            return self._digit(key.digit or 0, now)
        if self.entry:
            if action is Action.OK:
                return self._resolve(now)
            if action is Action.BACK:
                self.entry, self._digit_at = "", None
                return [self._show(now)]
        if action in (Action.BACK, Action.HOME):
            return None
        if not self.channels:
            return []
        if action in (Action.CHANNEL_UP, Action.CHANNEL_DOWN):
            return self._zap(1 if action is Action.CHANNEL_UP else -1, now)
        if action is Action.OK:
            return [Command("open_guide")] if self.banner_shown(now) else [self._show(now)]
        if action is Action.UP or (action is Action.INFO and not self.banner_shown(now)):
            return [self._show(now)]
        if action in (Action.DOWN, Action.INFO):
            self.banner_until = None
            return [Command("hide_banner")]
        if action is Action.MENU:
            return [Command("open_guide")]
        return []

    def tick(self, now: datetime) -> list[Command]:
        """Time passes: a rested zap tunes, a rested number is tuned."""
        if self.entry and self._digit_at and _seconds(now - self._digit_at) >= DIGIT_TIMEOUT_S:
            return self._resolve(now)
        if self._zap_at is not None and _seconds(now - self._zap_at) >= ZAP_SETTLE_S:
            self._zap_at = None
            if self.shown is not None and self.shown != self.current:
                self.current = self.shown
                return [Command("tune", channel=self.current)]
        return []

    def _zap(self, step: int, now: datetime) -> list[Command]:
        self.entry, self._digit_at = "", None
        ids = [c.id for c in self.channels]
        here = self.shown or self.current
        index = ids.index(here.id) if here and here.id in ids else -step
        self.shown = self.channels[(index + step) % len(self.channels)]
        rested = self._zap_at is None or _seconds(now - self._zap_at) >= ZAP_SETTLE_S
        self._zap_at = now
        if rested and self.shown != self.current:  # the first press of a burst: tune now
            self.current = self.shown
            return [Command("tune", channel=self.current), self._show(now)]
        return [self._show(now)]

    def _digit(self, digit: int, now: datetime) -> list[Command]:
        late = []  # a number left to rest without a tick in between is settled first
        if self.entry and self._digit_at and _seconds(now - self._digit_at) >= DIGIT_TIMEOUT_S:
            late = self._resolve(now)
        self._zap_at, self.shown = None, self.current  # typing a number drops a zap
        self.entry += str(digit)
        self._digit_at = now
        longest = max((len(str(c.number)) for c in self.channels), default=1)
        if len(self.entry) >= longest:
            return late + self._resolve(now)
        return [*late, self._show(now)]

    def _resolve(self, now: datetime) -> list[Command]:
        number, self.entry, self._digit_at = int(self.entry), "", None
        channel = next((c for c in self.channels if c.number == number), None)
        if channel is None:
            self.message = text(MESSAGES["no_channel"], self.lang)
            return [Command("message", text=self.message), self._show(now)]
        return self._tune(channel, now)

    def _tune(self, channel: GuideChannel, now: datetime) -> list[Command]:
        self._zap_at = None
        self.shown = channel
        if channel == self.current:
            return [self._show(now)]
        self.current = channel
        return [Command("tune", channel=channel), self._show(now)]

    def _show(self, now: datetime) -> Command:
        self.banner_until = now + timedelta(seconds=BANNER_S)
        return Command("show_banner", channel=self.shown)

    # ------------------------------------------------------------------ drawing

    def banner_shown(self, now: datetime) -> bool:
        """Whether the banner is up: for ``BANNER_S`` after a change, and while typing."""
        if self.entry:
            return True
        return self.banner_until is not None and now < self.banner_until

    def banner(self, now: datetime) -> Banner | None:
        """The banner's content at ``now`` (None before any channel), shown or not."""
        channel = self.shown or self.current
        if channel is None:
            return None
        playing, coming = self.now_next(channel.id, now)
        return Banner(
            channel_id=channel.id,
            number=f"{channel.number:02d}",
            name=channel.title(self.lang),
            logo=channel.logo,
            now_title=text(playing.title, self.lang) if playing else "",
            now_time=self._times(playing),
            progress=playing.progress(now) if playing else None,
            next_title=text(coming.title, self.lang) if coming else "",
            next_time=self._times(coming),
            entry=self.entry,
            message=self.message,
            tuned=channel == self.current,
        )

    def now_next(
        self, channel_id: str, now: datetime
    ) -> tuple[GuideProgramme | None, GuideProgramme | None]:
        """What plays at ``now`` and what comes after, from the last now/next answer (its
        "next" becomes "now" once it has started)."""
        known = [p for p in self._now_next.get(channel_id, ()) if now < p.stop]
        playing = next((p for p in known if p.start <= now), None)
        coming = next((p for p in known if p.start > now), None)
        return playing, coming

    def needs_now(self, now: datetime) -> bool:
        """Whether the now/next answer is out of date for the shown channel: fetch it again."""
        channel = self.shown or self.current
        if channel is None:
            return False
        playing, coming = self.now_next(channel.id, now)
        return playing is None or coming is None

    def _times(self, programme: GuideProgramme | None) -> str:
        if programme is None:
            return ""
        return f"{clock_label(programme.start, self.tz)}–{clock_label(programme.stop, self.tz)}"


def _seconds(delta: timedelta) -> float:
    return delta.total_seconds()

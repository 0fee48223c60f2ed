"""Live TV: a channel full screen, zapped with CH+/CH-, tuned by number (`LiveViewModel`).

Opened by the home top bar's 直播 (on the last channel watched, else the first), by the
guide's OK on a programme playing now, and by a reminder coming due (both with the channel).
The line-up comes from ``/api/v1/channels`` and now/next from ``/api/v1/guide/now``, fetched
on workers; the picture is the app's one player (`context.player()`) drawn by a `VideoView`,
opening ``media_url(channel.stream)``. Commands: ``tune`` opens the stream and remembers the
channel (`LiveStore`), ``show_banner``/``hide_banner`` put the `ChannelBanner` up or down
(the view-model says when it hides), ``open_guide`` opens the guide on this channel,
``message`` shows on the banner. "正在切换…" shows while a zap settles and the stream opens.

Leaving (the guide, Back, Home) stops the stream; coming back from the guide plays it again.
Without channels (none yet, or the backend cannot be reached) it says so above one focused
返回 button, which goes back, as Back does.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from kivy.clock import Clock

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.player.base import Player, State
from tv_client.player.video import VideoView, pump_on_clock
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import text
from tv_client.viewmodels.guide import Command, GuideChannel
from tv_client.viewmodels.live import LiveViewModel
from tv_client.widgets.channel_banner import ChannelBanner
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow, chip_width
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X
TICK_S = 0.1
BANNER_REDRAW_S = 1.0  # the progress bar moves on while the banner shows
NOW_RETRY_S = 15.0  # ask now/next again at most this often when it is out of date
WORDS = {
    "loading": {"zh": "正在加载频道…", "en": "Loading the channels…"},
    "empty": {"zh": "还没有直播频道", "en": "No live channels yet"},
    "error": {"zh": "频道加载失败，请稍后再试", "en": "The channels could not be loaded"},
    "offline": {"zh": "连不上服务器，请检查网络", "en": "Cannot reach the server"},
    "unplayable": {"zh": "这个频道暂时无法播放", "en": "This channel cannot be played now"},
    "back": {"zh": "返回", "en": "Back"},
}
TITLE = {"zh": "直播", "en": "Live TV"}


class LiveScreen(TvScreen):
    """The picture, the channel banner over it; focus is ``live`` (or ``back`` when empty)."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.vm = LiveViewModel(lang=context.language)
        self.status = "loading"
        self.error = ""
        self.player: Player | None = None
        self._unsubscribe = None
        self._ticker = None
        self._pump = None
        self._wanted: str | None = None
        self._now_asked = -NOW_RETRY_S
        self._banner_drawn = 0.0
        self.video = VideoView(size_hint=(None, None))
        self.add_widget(self.video)
        self.banner = ChannelBanner()
        self.heading = tv_label(text(TITLE, context.language), theme.TEXT_HERO, bold=True)
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.button = ChipRow()

    # ------------------------------------------------------------------ opening and leaving
    def show(self, channel_id: str | None = None, **_params: Any) -> None:
        store = self.context.live
        self._wanted = channel_id or (store.last_channel if store else None)
        self._run_clocks(True)
        if self.vm.channels:
            self._start()
        self._fetch_channels()
        self._fetch_now()
        self.relayout()

    def resume(self) -> None:
        """Back from the guide: the channel plays again, with its banner."""
        self._run_clocks(True)
        if self.vm.current is not None:
            self._play(self.vm.current)
            self.vm.press(KeyPress(Action.UP), _now())  # Up shows the banner
        self.relayout()

    def leave(self) -> None:
        self._run_clocks(False)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.player is not None:
            self.player.stop()
        self.video.show(None)
        self._show(self.banner, False)

    def reload(self) -> None:
        self._fetch_channels()
        self._fetch_now()

    def _run_clocks(self, on: bool) -> None:
        for event in (self._ticker, self._pump):
            if event is not None:
                event.cancel()
        self._ticker = self._pump = None
        if on:
            self._ticker = Clock.schedule_interval(self._tick, TICK_S)
            if self.player is not None:
                self._pump = pump_on_clock(self.player)

    def _fetch_channels(self) -> None:
        catalog = self.context.catalog
        self.context.tasks.run("live-channels", catalog.channels, self._channels, self._failed)

    def _fetch_now(self) -> None:
        self._now_asked = _monotonic()
        catalog = self.context.catalog
        self.context.tasks.run("live-now", catalog.guide_now, self._now_next, lambda _e: None)

    def _channels(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        self.vm.apply_channels(fetched.data)
        self.status = "ready" if self.vm.channels else "empty"
        if self.vm.channels and (self.vm.current is None or self._wanted is not None):
            self._start()
        self.relayout()

    def _failed(self, error: BaseException) -> None:
        if not self.vm.channels:
            self.status = "error"
            key = "offline" if isinstance(error, Offline) else "error"
            self.error = text(WORDS[key], self.context.language)
        self.relayout()

    def _now_next(self, fetched: Fetched) -> None:
        self.vm.apply_now(fetched.data)
        self.relayout()

    def _start(self) -> None:
        self.status = "ready"
        wanted, self._wanted = self._wanted, None
        self._run(self.vm.start(_now(), wanted))

    # ------------------------------------------------------------------ the picture
    def _play(self, channel: GuideChannel) -> None:
        player = self.player = self.player or self.context.player()
        if self._unsubscribe is None:
            self._unsubscribe = player.subscribe(self._on_player)
        if self._pump is None and self._ticker is not None:
            self._pump = pump_on_clock(player)
        url = self.context.catalog.media_url(channel.stream)
        if url is None:
            player.stop()
        else:
            player.open(url, max_height=self.context.preferences.max_height)
        self.video.show(player.frames)
        if self.context.live is not None:
            self.context.live.remember_channel(channel.id)

    def _on_player(self, kind: str, **_data: Any) -> None:
        if kind in ("state", "error"):
            self.relayout()

    def tune(self, channel_id: str) -> None:
        """Tune to ``channel_id`` now (a reminder come due while live TV shows)."""
        self._wanted = channel_id
        if self.vm.channels:
            self._start()
        self.relayout()

    # ------------------------------------------------------------------ keys and time
    def on_action(self, press: KeyPress) -> bool:
        if not self.vm.channels:
            if press.action is Action.OK:
                self.context.back()
                return True
            return press.action in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT)
        commands = self.vm.press(press, _now())
        if commands is None:
            return False  # Back and Home: the app leaves; `leave` stops the stream
        self._run(commands)
        self.relayout()
        return True

    def _tick(self, _dt: float) -> None:
        now = _now()
        commands = self.vm.tick(now)
        if commands:
            self._run(commands)
        shown = self.vm.banner_shown(now)
        moved = shown and _monotonic() - self._banner_drawn >= BANNER_REDRAW_S
        if commands or shown != (self.banner.parent is not None) or moved:
            self.relayout()
        if self.vm.needs_now(now) and _monotonic() - self._now_asked >= NOW_RETRY_S:
            self._fetch_now()

    def _run(self, commands: list[Command]) -> None:
        for command in commands:
            if command.kind == "tune" and command.channel is not None:
                self._play(command.channel)
                if self.vm.needs_now(_now()):
                    self._fetch_now()
            elif command.kind == "open_guide":
                channel = self.vm.current or self.vm.shown
                self.context.open("guide", channel_id=channel.id if channel else None)
            # show_banner, hide_banner and message: drawn from the view-model by `relayout`

    # ------------------------------------------------------------------ drawing
    def relayout(self) -> None:
        self.video.pos = (0, 0)
        self.video.size = theme.to_window(Rect(0, 0, theme.LOGICAL_W, theme.LOGICAL_H))[2:]
        lang = self.context.language
        ready = bool(self.vm.channels)
        self._show(self.heading, not ready)
        self._show(self.button, not ready)
        if not ready:
            place_label(self.heading, X, theme.SAFE_Y, W, 96, theme.TEXT_HERO)
            label = text(WORDS["back"], lang)
            width = chip_width(label)
            area = Rect((theme.LOGICAL_W - width) / 2, 620, width, CHIP_H)
            self.button.show([ChipLook(label, focused=True)], area)
        notice = self._notice()
        self.notice.text = notice
        self._show(self.notice, bool(notice))
        if notice:
            place_label(self.notice, X, 440, W, 120, theme.TEXT_TITLE)
        now = _now()
        banner = self.vm.banner(now)
        shown = ready and banner is not None and self.vm.banner_shown(now)
        self._show(self.banner, shown)
        if shown:
            self.banner.draw(banner, lang, self.switching())
            self._banner_drawn = _monotonic()

    def _notice(self) -> str:
        if not self.vm.channels:
            key = {"loading": "loading", "empty": "empty"}.get(self.status)
            return self.error if key is None else text(WORDS[key], self.context.language)
        player = self.player
        if player is not None and player.state is State.ERROR:
            return text(WORDS["unplayable"], self.context.language)
        return ""

    def switching(self) -> bool:
        """A zap is settling, or the stream is opening: "正在切换…"."""
        if self.vm.shown is not None and self.vm.shown != self.vm.current:
            return True
        player = self.player
        return player is not None and player.state in (State.IDLE, State.OPENING)

    def _show(self, widget, shown: bool) -> None:
        if shown and widget.parent is None:
            self.add_widget(widget)
        elif not shown and widget.parent is not None:
            self.remove_widget(widget)

    # ------------------------------------------------------------------ state for tests
    def focused_id(self) -> str | None:
        return "live" if self.vm.channels else "back"

    def snapshot(self) -> dict[str, Any]:
        player, current, shown = self.player, self.vm.current, self.vm.shown
        return {
            "focus": self.focused_id(),
            "status": self.status,
            "notice": self.notice.text if self.notice.parent is not None else "",
            "channel": current.id if current else None,
            "channel_number": current.number if current else None,
            "shown_channel": shown.id if shown else None,
            "channels": [c.id for c in self.vm.channels],
            "channel_banner": self.banner.texts() if self.banner.parent is not None else None,
            "switching": self.switching(),
            "url": player.url if player else None,
            "state": player.state.value if player else None,
            "frames_drawn": self.video.frames_drawn,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _monotonic() -> float:
    return time.monotonic()

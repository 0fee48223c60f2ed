"""The player screen: the lesson's video full screen, with overlays drawn over it.

It joins three things and holds no rules of its own: the app's one `Player` (libVLC, or the
null player), the `PlayerViewModel` (what the remote does, what the overlay shows) and the
`ProgressReporter` (every pause, seek and stop goes to the outbox at once, and a tick every
10 s). Opened by the course screen with the lesson, where to start and the course's lessons
(the next one is offered at the end). Leaving it, by Back, Home or the next screen, stops the
video and records where it stopped.

Overlays: the title and progress bar (while paused, seeking, or for a few seconds after a key),
the info panel (rendition, line throughput, speed), the options (speed, subtitles), the
countdown to the next lesson, "buffering", an error with Retry, and subtitles (the lesson's
WebVTT drawn here in the bundled CJK font: libVLC would draw them in the box's fonts, which
often have no Chinese). Only what shows is in the widget tree: a hidden widget would still be
drawn over the video on every frame.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.player.base import Player, State
from tv_client.player.video import VideoView, pump_on_clock
from tv_client.progress import CourseSummary
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import text
from tv_client.viewmodels.course import Lesson, timecode
from tv_client.viewmodels.player import Command, Phase, PlayerViewModel
from tv_client.viewmodels.subtitles import Cue, cue_at
from tv_client.viewmodels.subtitles import parse as parse_vtt
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X
BAR_Y, BAR_H = theme.LOGICAL_H - theme.SAFE_Y - 40, 10
PANEL_TOP = theme.LOGICAL_H - theme.SAFE_Y - 220
TICK_S = 0.25
PHASES = {
    State.IDLE: Phase.OPENING,
    State.OPENING: Phase.OPENING,
    State.BUFFERING: Phase.BUFFERING,
    State.PLAYING: Phase.PLAYING,
    State.PAUSED: Phase.PAUSED,
    State.ENDED: Phase.ENDED,
    State.ERROR: Phase.ERROR,
}
WORDS = {
    "paused": {"zh": "已暂停", "en": "Paused"},
    "buffering": {"zh": "正在缓冲…", "en": "Buffering…"},
    "opening": {"zh": "正在打开…", "en": "Opening…"},
    "ended": {"zh": "已播完", "en": "Finished"},
    "speed": {"zh": "播放速度", "en": "Speed"},
    "subtitles": {"zh": "字幕", "en": "Subtitles"},
    "on": {"zh": "开", "en": "On"},
    "off": {"zh": "关", "en": "Off"},
    "retry": {"zh": "重试", "en": "Retry"},
    "back_hint": {"zh": "按返回键回到课程", "en": "Press Back to return to the course"},
    "next": {"zh": "下一课：{}", "en": "Next: {}"},
    "next_in": {
        "zh": "{} 秒后开始，按确定立即播放，按返回取消",
        "en": "Starts in {} s. OK plays it now, Back cancels",
    },
    "play_now": {"zh": "立即播放", "en": "Play now"},
    "rendition": {"zh": "画质 {}", "en": "Quality {}"},
    "no_video": {"zh": "这节课没有视频。", "en": "This lesson has no video."},
}
ERRORS = {
    "not_found": {"zh": "找不到这节课的视频。", "en": "This lesson's video cannot be found."},
    "unreachable": {
        "zh": "连不上服务器，请检查网络后重试。",
        "en": "Cannot reach the server. Check the network, then retry.",
    },
    "stream_failed": {"zh": "视频中途断开了。", "en": "The video broke off."},
    "never_started": {"zh": "视频没能开始播放。", "en": "The video did not start."},
    "stalled": {
        "zh": "网络太慢，视频卡住了。可在设置里降低画质。",
        "en": "The line is too slow and the video stalled. Settings can lower the quality.",
    },
    "unplayable": {"zh": "这个视频无法播放。", "en": "This video cannot be played."},
}


class _Panel(Widget):
    """A dark translucent rectangle behind overlay text (added only while it shows)."""

    def __init__(self, alpha: float = 0.72) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas:
            Color(0, 0, 0, alpha)
            self.box = Rectangle()

    def place(self, rect: Rect) -> None:
        x, y, w, h = theme.to_window(rect)
        self.pos, self.size = (x, y), (w, h)
        self.box.pos, self.box.size = (x, y), (w, h)


class _Bar(Widget):
    """The progress bar: the track, the played part, and the seek being chosen."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas:
            Color(1, 1, 1, 0.3)
            self.track = Rectangle()
            Color(*theme.color("focus"))
            self.done = Rectangle()

    def place(self, fraction: float) -> None:
        x, y, w, h = theme.to_window(Rect(X, BAR_Y, W, BAR_H))
        self.pos, self.size = (x, y), (w, h)
        self.track.pos, self.track.size = (x, y), (w, h)
        self.done.pos, self.done.size = (x, y), (w * fraction, h)


class PlayerScreen(TvScreen):
    """One lesson playing; focus is ``player``, ``retry``, ``next`` or ``option/<name>``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)

        self.vm = PlayerViewModel()
        self.lesson: Lesson | None = None
        self.lessons: tuple[Lesson, ...] = ()
        self.course: CourseSummary | None = None
        self.course_title = ""
        self.player: Player | None = None
        self._unsubscribe = None
        self._ticker = None
        self._pump = None
        self._was_paused = False
        self._title_text = ""
        self.video = VideoView(size_hint=(None, None))
        self.add_widget(self.video)
        self.panel, self.bar = _Panel(), _Bar()
        self.title = tv_label(size=theme.TEXT_TITLE, bold=True, shorten=True)
        self.clock = tv_label(size=theme.TEXT_BODY, halign="right")
        self.status = tv_label(size=theme.TEXT_BODY, color="text_dim")
        self.info = tv_label(size=theme.TEXT_SMALL, valign="top")
        self.info_panel = _Panel()
        self.message = tv_label(size=theme.TEXT_TITLE, halign="center")
        self.hint = tv_label(size=theme.TEXT_SMALL, color="text_dim", halign="center")
        self.buttons = ChipRow()
        self.options = [tv_label(size=theme.TEXT_BODY) for _ in range(2)]
        self.subtitle = tv_label(size=theme.TEXT_TITLE, bold=True, halign="center", valign="bottom")
        self.subtitle.outline_width, self.subtitle.outline_color = 2, (0, 0, 0, 1)
        self.cues: list[Cue] = []

    # ------------------------------------------------------------------ opening and leaving
    def show(
        self,
        lesson_id: int | None = None,
        position: float = 0.0,
        lesson_title: str = "",
        course_title: str = "",
        course: CourseSummary | None = None,
        lessons: Sequence[Lesson] = (),
        **_params: Any,
    ) -> None:
        self.lessons = tuple(lessons)
        self.course, self.course_title = course, course_title
        found = [x for x in self.lessons if x.id == lesson_id]
        self.lesson = found[0] if found else None
        self._title_text = lesson_title or (self.lesson.title if self.lesson else "")
        self._start(position)

    def _start(self, position: float) -> None:
        lesson = self.lesson
        self.vm = PlayerViewModel(has_next=self._next() is not None, has_subtitles=False)
        self.cues: list[Cue] = []
        if lesson is not None and lesson.subtitles:
            self._load_subtitles(lesson.subtitles[0])
        self.vm.position_s = position
        player = self.player = self.player or self.context.player()
        if self._unsubscribe is None:
            self._unsubscribe = player.subscribe(self._on_player)
        url = self.context.catalog.media_url(lesson.hls) if lesson else None
        if lesson is not None and self.course is not None:
            self.context.reporter.started(
                self.context.profile.id, self.course, lesson.id, lesson.duration_s, position
            )
        if url is None:
            self.vm.observe(Phase.ERROR, position, 0, time.monotonic(), error="not_found")
        else:
            cap = self.context.preferences.max_height
            player.open(url, start_s=position, max_height=cap)
        self.video.show(player.frames)
        self._run_clocks(True)
        self.relayout()

    def _load_subtitles(self, path: str) -> None:
        """Fetch the lesson's WebVTT in the background; the options then offer subtitles."""

        def loaded(text_: str) -> None:
            self.cues = parse_vtt(text_)
            self.vm.has_subtitles = bool(self.cues)
            self.relayout()

        fetch = functools.partial(self.context.catalog.media_text, path)
        self.context.tasks.run("subtitles", fetch, loaded, lambda _error: None)

    def leave(self) -> None:
        """Back, Home or another screen: stop the video, record where it stopped."""
        self._run_clocks(False)
        if self.player is None:
            return
        position = self.player.position_s
        if self.lesson is not None:
            self.context.reporter.stopped(position)
        self.player.stop()
        self.video.show(None)

    def _run_clocks(self, on: bool) -> None:
        for event in (self._ticker, self._pump):
            if event is not None:
                event.cancel()
        self._ticker = self._pump = None
        if on:
            self._ticker = Clock.schedule_interval(self._tick, TICK_S)
            self._pump = pump_on_clock(self.player)

    def _next(self) -> Lesson | None:
        ids = [x.id for x in self.lessons]
        if self.lesson is None or self.lesson.id not in ids:
            return None
        later = self.lessons[ids.index(self.lesson.id) + 1 :]
        return next((x for x in later if x.hls), None)

    # ------------------------------------------------------------------ events
    def _on_player(self, kind: str, **data: Any) -> None:
        player, now = self.player, time.monotonic()
        if kind == "state":
            self._state_changed(data["state"], player.position_s)
        if kind in ("state", "position", "error"):
            commands = self._observe(now)
            self._run(commands)
            if kind != "position" or self.panel.parent is not None or commands:
                self.relayout()  # a position alone changes nothing drawn while the bar is hidden
        elif kind == "rendition" and self.vm.info:
            self.relayout()

    def _state_changed(self, state: State, position: float) -> None:
        reporter = self.context.reporter
        if state is State.PAUSED:
            reporter.paused(position)
            self._was_paused = True
        elif state is State.PLAYING and self._was_paused:
            reporter.resumed(position)
            self._was_paused = False
        elif state is State.ENDED:
            reporter.ended()
        elif state is State.ERROR:
            reporter.stopped(position)

    def _tick(self, _dt: float) -> None:
        if self.player is None:
            return
        if self.player.state is State.PLAYING:
            self.context.reporter.tick(self.player.position_s, self.player.duration_s)
        shown = self.vm.overlay_shown(time.monotonic())
        self._run(self.vm.tick(time.monotonic()))
        self._draw_subtitle()
        if shown != (self.panel.parent is not None) or self.vm.countdown_from is not None:
            self.relayout()

    # ------------------------------------------------------------------ keys
    def _observe(self, now: float) -> list[Command]:
        player = self.player
        error = player.error.value if player.error else None
        return self.vm.observe(
            PHASES[player.state], player.position_s, player.duration_s or 0, now, error=error
        )

    def on_action(self, press: KeyPress) -> bool:
        player = self.player
        if player is not None and player.state in (State.PLAYING, State.PAUSED, State.BUFFERING):
            self.vm.at(player.position_s)  # its time now: a pump may not have run since
        commands = self.vm.press(press, time.monotonic())
        if commands is None:
            return False  # the app goes back; `leave` stops the video
        self._run(commands)
        self.relayout()
        return True

    def _run(self, commands: list[Command]) -> None:
        player = self.player
        for command in commands:
            if command.kind == "toggle":
                player.toggle()
            elif command.kind == "seek":
                self.context.reporter.seeked(player.position_s, float(command.value))
                player.seek(float(command.value))
            elif command.kind == "rate":
                player.set_rate(float(command.value))
            elif command.kind == "subtitles":
                self._draw_subtitle()  # drawn by this screen in the bundled font
            elif command.kind == "retry":
                self._start(float(command.value or 0))
            elif command.kind == "next":
                self._play_next()
            elif command.kind == "leave":
                self.context.back()

    def _play_next(self) -> None:
        following = self._next()
        if following is None:
            return
        self.lesson, self._title_text = following, following.title
        self._start(0.0)

    # ------------------------------------------------------------------ drawing
    def relayout(self) -> None:
        self.video.pos, self.video.size = (
            (0, 0),
            theme.to_window(Rect(0, 0, theme.LOGICAL_W, theme.LOGICAL_H))[2:],
        )
        now = time.monotonic()
        lang = self.context.language
        self._show(self.panel, self.vm.overlay_shown(now) or self.vm.phase is Phase.ERROR)
        for widget in (self.bar, self.title, self.clock, self.status):
            self._show(widget, self.panel.parent is not None)
        if self.panel.parent is not None:
            self._draw_overlay(lang)
        self._draw_info(lang)
        self._draw_center(lang, now)

    def _draw_overlay(self, lang: str) -> None:
        self.panel.place(Rect(0, PANEL_TOP, theme.LOGICAL_W, theme.LOGICAL_H - PANEL_TOP))
        self.bar.place(self.vm.fraction())
        self.title.text = self._title_text
        place_label(self.title, X, PANEL_TOP + 30, W * 0.7, 60, theme.TEXT_TITLE)
        total = self.vm.duration_s
        self.clock.text = f"{timecode(self.vm.shown_position())} / {timecode(total)}"
        place_label(self.clock, X + W * 0.7, PANEL_TOP + 30, W * 0.3, 60, theme.TEXT_BODY)
        word = {
            Phase.PAUSED: "paused",
            Phase.BUFFERING: "buffering",
            Phase.OPENING: "opening",
            Phase.ENDED: "ended",
        }.get(self.vm.phase)
        self.status.text = text(WORDS[word], lang) if word else self.course_title
        place_label(self.status, X, PANEL_TOP + 100, W, 50, theme.TEXT_BODY)

    def _draw_info(self, lang: str) -> None:
        shown = self.vm.info or self.vm.options_open
        self._show(self.info_panel, shown)
        self._show(self.info, self.vm.info)
        for label in self.options:
            self._show(label, self.vm.options_open)
        if not shown:
            return
        self.info_panel.place(Rect(theme.LOGICAL_W - X - 640, theme.SAFE_Y, 640, 260))
        if self.vm.info:
            rendition = self.player.rendition if self.player else None
            lines = [
                text(WORDS["rendition"], lang).format(rendition.label() if rendition else "—"),
                f"{text(WORDS['speed'], lang)} {self.vm.rate:g}x",
            ]
            self.info.text = "\n".join(lines)
            place_label(self.info, theme.LOGICAL_W - X - 610, theme.SAFE_Y + 20, 580, 220, 28)
        if self.vm.options_open:
            self._draw_options(lang)

    def _draw_options(self, lang: str) -> None:
        names = self.vm.option_names()
        for n, label in enumerate(self.options):
            if n >= len(names):
                label.text = ""
                continue
            name = names[n]
            value = (
                f"{self.vm.rate:g}x"
                if name == "speed"
                else text(WORDS["on" if self.vm.subtitles else "off"], lang)
            )
            focused = n == self.vm.option
            label.text = f"{'▶ ' if focused else '   '}{text(WORDS[name], lang)}   ‹ {value} ›"
            label.color = theme.color("focus" if focused else "text")
            y = theme.SAFE_Y + 30 + n * 90
            place_label(label, theme.LOGICAL_W - X - 610, y, 580, 70, theme.TEXT_BODY)

    def _draw_center(self, lang: str, now: float) -> None:
        """The error with Retry, or the countdown with Play now; else nothing."""
        error, counting = self.vm.phase is Phase.ERROR, self.vm.countdown_from is not None
        for widget in (self.message, self.hint, self.buttons):
            self._show(widget, error or counting)
        if error:
            self.message.text = text(ERRORS.get(self.vm.error or "", ERRORS["unplayable"]), lang)
            self.hint.text = text(WORDS["back_hint"], lang)
            label = text(WORDS["retry"], lang)
        elif counting:
            following = self._next()
            title = following.title if following else ""
            self.message.text = text(WORDS["next"], lang).format(title)
            self.hint.text = text(WORDS["next_in"], lang).format(self.vm.countdown_left(now))
            label = text(WORDS["play_now"], lang)
        else:
            return
        place_label(self.message, X, 380, W, 80, theme.TEXT_TITLE)
        place_label(self.hint, X, 470, W, 50, theme.TEXT_SMALL)
        width = 60 + 34 * len(label)
        area = Rect((theme.LOGICAL_W - width) / 2, 560, width, CHIP_H)
        self.buttons.show([ChipLook(label, focused=True)], area)

    def _draw_subtitle(self) -> None:
        """The cue at the current position, large, over the video (above the overlay bar)."""
        words = ""
        if self.vm.subtitles and self.cues and self.player is not None:
            words = cue_at(self.cues, self.player.position_s)
        if words != self.subtitle.text:
            self.subtitle.text = words
        self._show(self.subtitle, bool(words))
        if words:
            bottom = PANEL_TOP - 20 if self.panel.parent is not None else BAR_Y - 20
            place_label(self.subtitle, X, bottom - 130, W, 130, theme.TEXT_TITLE)

    def _show(self, widget: Widget, shown: bool) -> None:
        if shown and widget.parent is None:
            self.add_widget(widget)
        elif not shown and widget.parent is not None:
            self.remove_widget(widget)

    def _countdown(self) -> int | None:
        if self.vm.countdown_from is None:
            return None
        return self.vm.countdown_left(time.monotonic())

    # ------------------------------------------------------------------ state for tests
    def focused_id(self) -> str | None:
        return self.vm.focus_id()

    def snapshot(self) -> dict[str, Any]:
        player = self.player
        rendition = player.rendition if player else None
        return {
            "focus": self.vm.focus_id(),
            "lesson_id": self.lesson.id if self.lesson else None,
            "lesson_title": self._title_text,
            "course_id": self.course.id if self.course else None,
            "state": player.state.value if player else None,
            "error": self.vm.error,
            "position": round(player.position_s, 2) if player else 0.0,
            "duration": player.duration_s if player else None,
            "frames_drawn": self.video.frames_drawn,
            "rendition": rendition.height if rendition else None,
            "overlay": self.panel.parent is not None,
            "info": self.info.text if self.vm.info else "",
            "rate": self.vm.rate,
            "subtitles": self.vm.subtitles,
            "subtitle": self.subtitle.text if self.subtitle.parent else "",
            "countdown": self._countdown(),
            "message": self.message.text if self.message.parent else "",
        }

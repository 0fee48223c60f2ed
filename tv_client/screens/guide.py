"""The programme guide: a channel x time grid moved with the remote (`GuideViewModel`).

Opened from live TV (Menu, or OK while the banner shows) on the channel being watched, else
on the first channel, with focus on what plays now. The line-up comes from
``/api/v1/channels`` and the programmes from ``/api/v1/guide`` in the chunks the view-model's
``load`` commands ask for, each fetched on a worker (`BackgroundTasks`, one task channel per
chunk and page) and applied on the main thread. Commands: ``tune`` opens live TV on the
channel (going back to it when the guide was opened from there), ``catchup`` plays the
programme's lesson from its course page, ``remind``/``unremind`` save the reminders
(`LiveStore`, shared with the app, which pops them up and tunes at their start) and say so in
a toast, ``message`` is a toast.

The header shows the day of the focus time and what the colour keys do; below the grid a
details panel shows the focused programme's title, time, description and what OK does.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, RoundedRectangle

from tv_client import theme
from tv_client.api import Fetched, Offline
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import text
from tv_client.viewmodels.guide import (
    MESSAGES,
    ROWS,
    Command,
    GuideView,
    GuideViewModel,
    Reminders,
    clock_label,
    iso,
)
from tv_client.widgets.guide_grid import GuideGrid, grid_height
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
W = theme.LOGICAL_W - 2 * X
HEADER_H = 90
GRID_TOP = Y + HEADER_H
DETAILS_TOP = GRID_TOP + grid_height(ROWS) + 12
REFRESH_S = 20.0  # the now line and what is "now" move on
TOAST_S = 3.0
WORDS = {
    "title": {"zh": "节目单", "en": "Guide"},
    "keys": {
        "zh": "红键 前一天 · 绿键 后一天 · 黄键 现在",
        "en": "Red: day back · Green: day on · Yellow: now",
    },
    "loading": {"zh": "正在加载节目单…", "en": "Loading the guide…"},
    "empty": {"zh": "还没有频道", "en": "No channels yet"},
    "error": {"zh": "节目单加载失败，请稍后再试", "en": "The guide could not be loaded"},
    "offline": {"zh": "连不上服务器，请检查网络", "en": "Cannot reach the server"},
    "reminded": {"zh": "已预约「{}」，开始时会提醒你", "en": "Reminder set for “{}”"},
    "unreminded": {"zh": "已取消预约「{}」", "en": "Reminder for “{}” cancelled"},
}


class GuideScreen(TvScreen):
    """The grid, the details panel and a toast; focus is the focused cell's key."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        lang = context.language
        reminders = context.live.reminders if context.live is not None else Reminders()
        self.vm = GuideViewModel(lang=lang, reminders=reminders)
        self.view: GuideView | None = None
        self.status = "loading"
        self.error = ""
        self.heading = tv_label(text(WORDS["title"], lang), theme.TEXT_HERO, bold=True)
        self.day = tv_label(size=theme.TEXT_TITLE)
        self.keys = tv_label(text(WORDS["keys"], lang), theme.TEXT_SMALL, color="text_dim")
        self.keys.halign = "right"
        self.grid = GuideGrid()
        self.title = tv_label(size=theme.TEXT_TITLE, bold=True, shorten=True)
        self.time = tv_label(size=theme.TEXT_BODY, color="text_dim", shorten=True)
        self.description = tv_label(size=theme.TEXT_BODY, color="text_dim", valign="top")
        self.notice = tv_label(size=theme.TEXT_TITLE, color="text_dim", halign="center")
        self.toast = tv_label(size=theme.TEXT_BODY, halign="center")
        for child in (self.heading, self.day, self.keys, self.grid, self.title, self.time):
            self.add_widget(child)
        for child in (self.description, self.notice):
            self.add_widget(child)
        self._refresh = None
        self._toast_off = None

    # ------------------------------------------------------------------ opening and data
    def show(self, channel_id: str | None = None, **_params: Any) -> None:
        self._run(self.vm.open(_now(), channel_id))
        self._fetch_channels()
        self._clock(True)
        self.relayout()

    def resume(self) -> None:
        self._clock(True)
        self.relayout()

    def leave(self) -> None:
        self._clock(False)
        self._hide_toast()

    def reload(self) -> None:
        self._fetch_channels()
        self._run(self.vm.reload(_now()))
        self.relayout()

    def _clock(self, on: bool) -> None:
        if self._refresh is not None:
            self._refresh.cancel()
            self._refresh = None
        if on:
            self._refresh = Clock.schedule_interval(lambda _dt: self.relayout(), REFRESH_S)

    def _fetch_channels(self) -> None:
        catalog = self.context.catalog
        self.context.tasks.run("guide-channels", catalog.channels, self._channels, self._failed)

    def _channels(self, fetched: Fetched) -> None:
        self.context.report(fetched)
        self.vm.apply_channels(fetched.data)
        self._settle()

    def _load(self, command: Command) -> None:
        fetch = functools.partial(
            self.context.catalog.guide, command.start, command.hours, command.offset
        )
        self.context.tasks.run(
            f"guide-{iso(command.start)}-{command.offset}",
            fetch,
            lambda fetched: self._loaded(command, fetched),
            lambda error: self._load_failed(command, error),
        )

    def _loaded(self, command: Command, fetched: Fetched) -> None:
        self.context.report(fetched)
        self._run(self.vm.apply_guide(command, fetched.data))
        self._settle()

    def _load_failed(self, command: Command, error: BaseException) -> None:
        self.vm.fail_load(command)
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        if not self.vm.channels:
            self.status = "error"
            key = "offline" if isinstance(error, Offline) else "error"
            self.error = text(WORDS[key], self.context.language)
        self.relayout()

    def _settle(self) -> None:
        self.status = "ready" if self.vm.channels else "empty"
        self.relayout()

    # ------------------------------------------------------------------ keys and commands
    def on_action(self, press: KeyPress) -> bool:
        commands = self.vm.press(press, _now())
        if commands is None:
            return False  # Back and Home: the app leaves
        self._run(commands)
        self.relayout()
        return True

    def _run(self, commands: list[Command]) -> None:
        lang = self.context.language
        for command in commands:
            kind = command.kind
            if kind == "load":
                self._load(command)
            elif kind == "tune" and command.channel is not None:
                self.context.open("live", channel_id=command.channel.id)
            elif kind == "catchup" and command.programme is not None:
                self._catchup(command)
            elif kind in ("remind", "unremind") and command.programme is not None:
                if self.context.live is not None:
                    self.context.live.save_reminders()
                title = text(command.programme.title, lang)
                word = "reminded" if kind == "remind" else "unreminded"
                self._show_toast(text(WORDS[word], lang).format(title))
            elif kind == "message":
                self._show_toast(command.text)

    def _catchup(self, command: Command) -> None:
        """Catch-up plays the programme's lesson, from its course page (where Back returns)."""
        programme = command.programme
        if programme.course_id is None:  # nothing recorded to play again
            self._show_toast(text(MESSAGES["no_catchup"], self.context.language))
            return
        title = text(programme.title, self.context.language)
        lesson = int(programme.lesson_id) if programme.lesson_id is not None else None
        self.context.open("course", course_id=int(programme.course_id), title=title,
                          play_lesson=lesson)  # fmt: skip

    def _show_toast(self, words: str) -> None:
        if not words:
            return
        self.toast.text = words
        if self.toast.parent is None:
            self.add_widget(self.toast)
        width = min(W, 120 + 34 * len(words))
        place_label(self.toast, (theme.LOGICAL_W - width) / 2, DETAILS_TOP - 110, width, 80, 32)
        self.toast.canvas.before.clear()
        with self.toast.canvas.before:
            Color(0, 0, 0, 0.85)
            RoundedRectangle(pos=self.toast.pos, size=self.toast.size, radius=[theme.px(16)])
        if self._toast_off is not None:
            self._toast_off.cancel()
        self._toast_off = Clock.schedule_once(lambda _dt: self._hide_toast(), TOAST_S)

    def _hide_toast(self) -> None:
        if self._toast_off is not None:
            self._toast_off.cancel()
            self._toast_off = None
        if self.toast.parent is not None:
            self.remove_widget(self.toast)

    # ------------------------------------------------------------------ drawing
    def relayout(self) -> None:
        now = _now()
        view = self.view = self.vm.view(now) if self.vm.channels else None
        place_label(self.heading, X, Y, 220, HEADER_H - 10, theme.TEXT_HERO)
        self.day.text = view.day if view else ""
        place_label(self.day, X + 240, Y, 600, HEADER_H - 10, theme.TEXT_TITLE)
        place_label(self.keys, X + W - 900, Y, 900, HEADER_H - 10, theme.TEXT_SMALL)
        self.grid.place(Rect(X, GRID_TOP, W, grid_height(ROWS)))
        if view is not None:
            self.grid.draw(view)
        else:
            self.grid.draw(_EMPTY)
        self.notice.text = self._notice()
        place_label(self.notice, X, GRID_TOP + 200, W, 120, theme.TEXT_TITLE)
        self._draw_details(view)

    def _notice(self) -> str:
        if self.status == "error":
            return self.error
        if self.status == "loading":
            return text(WORDS["loading"], self.context.language)
        if self.status == "empty":
            return text(WORDS["empty"], self.context.language)
        return ""

    def _draw_details(self, view: GuideView | None) -> None:
        cell = view.focused if view else None
        self.title.text = cell.title if cell else ""
        place_label(self.title, X, DETAILS_TOP, W, 60, theme.TEXT_TITLE)
        parts = [cell.time, view.hint] if cell else []
        self.time.text = "   ".join(p for p in parts if p)
        place_label(self.time, X, DETAILS_TOP + 64, W, 46, theme.TEXT_BODY)
        self.description.text = view.description if view else ""
        bottom = theme.LOGICAL_H - Y
        top = DETAILS_TOP + 116
        place_label(self.description, X, top, W, bottom - top, theme.TEXT_BODY)

    # ------------------------------------------------------------------ state for tests
    def focused_id(self) -> str | None:
        view = self.view
        return view.focused.key if view and view.focused else None

    def snapshot(self) -> dict[str, Any]:
        view = self.view
        cell = view.focused if view else None
        channel = self.vm.focused_channel if self.vm.channels else None
        return {
            "focus": self.focused_id(),
            "status": self.status,
            "notice": self.notice.text,
            "day": self.day.text,
            "columns": [label for _x, label in view.columns] if view else [],
            "rows": [row.channel.id for row in view.rows] if view else [],
            "row_labels": self.grid.row_labels(),
            "cells_drawn": self.grid.cells_drawn,
            "now_line": view is not None and view.now_x is not None,
            "focused_channel": channel.id if channel else None,
            "focused_title": cell.title if cell else None,
            "focused_time": cell.time if cell else None,
            "focused_start": iso(cell.start) if cell else None,
            "focused_on_now": bool(cell and cell.on_now),
            "focused_past": bool(cell and cell.past),
            "focused_reminder": bool(cell and cell.reminder),
            "hint": view.hint if view else "",
            "description": view.description if view else "",
            "loading": bool(view and view.loading),
            "reminders": [r.key for r in self.vm.reminders],
            "toast": self.toast.text if self.toast.parent is not None else "",
            "clock": clock_label(_now(), self.vm.tz),
        }


_EMPTY = GuideView(
    day="",
    columns=(),
    now_x=None,
    rows=(),
    focused=None,
    description="",
    hint="",
    loading=False,
    first_row=0,
    channel_count=0,
)


def _now() -> datetime:
    return datetime.now(UTC)

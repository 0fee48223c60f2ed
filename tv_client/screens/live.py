"""Live TV and the programme guide: the entry, until the channels issue fills it in.

The top bar's 直播 Live opens it, so families find where live "three classrooms" lessons and
the themed channels will be; it says what is coming, and OK on 返回首页 (or Back) goes back.
"""

from __future__ import annotations

from typing import Any

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import text
from tv_client.widgets.nav_bar import CHIP_H, ChipLook, ChipRow
from tv_client.widgets.text import place_label, tv_label

X, W = theme.SAFE_X, theme.LOGICAL_W - 2 * theme.SAFE_X
TITLE = {"zh": "直播与节目单", "en": "Live TV and guide"}
NOTE = {
    "zh": "“三个课堂”直播和专题教育频道即将在这里播出。按返回键回到首页。",
    "en": "Live “three classrooms” lessons and themed education channels are coming here. "
    "Press Back to return home.",
}
BACK_HOME = {"zh": "返回首页", "en": "Back to home"}


class LiveScreen(TvScreen):
    """A title, a note and one focused button home, so the screen has its one highlight."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.heading = tv_label(text(TITLE, context.language), theme.TEXT_HERO, bold=True)
        self.note = tv_label(text(NOTE, context.language), color="text_dim", valign="top")
        self.button = ChipRow()
        for child in (self.heading, self.note, self.button):
            self.add_widget(child)

    def relayout(self) -> None:
        place_label(self.heading, X, theme.SAFE_Y, W, 96, theme.TEXT_HERO)
        place_label(self.note, X, theme.SAFE_Y + 140, W, 200, theme.TEXT_BODY)
        look = ChipLook(text(BACK_HOME, self.context.language), focused=True)
        self.button.show([look], Rect(X, theme.SAFE_Y + 360, W, CHIP_H))

    def on_action(self, press: KeyPress) -> bool:
        if press.action is Action.OK:
            self.context.back()
            return True
        return press.action in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT)

    def focused_id(self) -> str | None:
        return "live"

    def snapshot(self) -> dict[str, Any]:
        return {"focus": "live", "title": self.heading.text, "note": self.note.text}

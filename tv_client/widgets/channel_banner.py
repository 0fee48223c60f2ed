"""Live TV's channel banner: number, name, now and next with their times, a progress bar.

Drawn at the bottom of the picture on every channel change (see `LiveViewModel.banner`). Its
top edge is a stripe in the focus colour: while the banner shows it is live TV's one highlight
(there is nothing else to focus over a full-screen picture). The screen adds the widget while
the banner shows and removes it after, so a hidden banner costs the video nothing.
"""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.viewmodels import text
from tv_client.viewmodels.live import Banner
from tv_client.widgets.text import place_label, tv_label

BANNER_H = 300
X = theme.SAFE_X
W = theme.LOGICAL_W - 2 * X
NUMBER_W = 150
STRIPE = 6  # logical px
WORDS = {
    "now": {"zh": "正在播放", "en": "Now"},
    "next": {"zh": "接下来", "en": "Next"},
    "switching": {"zh": "正在切换…", "en": "Switching…"},
    "no_info": {"zh": "暂无节目信息", "en": "No information"},
}


def banner_area() -> Rect:
    """Where the banner goes: the bottom of the screen, edge to edge."""
    return Rect(0, theme.LOGICAL_H - BANNER_H, theme.LOGICAL_W, BANNER_H)


def banner_lines(banner: Banner, lang: str) -> tuple[str, str]:
    """The "now" and "next" lines: ``"正在播放  08:00–08:40  七年级数学：有理数"``."""
    if banner.message:
        return banner.message, ""
    if not banner.now_title:
        return text(WORDS["no_info"], lang), ""
    now = f"{text(WORDS['now'], lang)}  {banner.now_time}  {banner.now_title}"
    coming = ""
    if banner.next_title:
        coming = f"{text(WORDS['next'], lang)}  {banner.next_time}  {banner.next_title}"
    return now, coming


class ChannelBanner(Widget):
    """The banner at the bottom of live TV; `draw` it with a `Banner`."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas.before:
            Color(0, 0, 0, 0.78)
            self.panel = Rectangle()
            Color(*theme.color("focus"))
            self.stripe = Rectangle()
            Color(1, 1, 1, 0.25)
            self.track = Rectangle()
            Color(*theme.color("text"))
            self.done = Rectangle()
        self.number = tv_label(size=theme.TEXT_HERO, bold=True)
        self.name = tv_label(size=theme.TEXT_HERO, bold=True, shorten=True)
        self.status = tv_label(size=theme.TEXT_BODY, color="text_dim", halign="right")
        self.now = tv_label(size=theme.TEXT_TITLE, shorten=True)
        self.next = tv_label(size=theme.TEXT_BODY, color="text_dim", shorten=True)
        for label in (self.number, self.name, self.status, self.now, self.next):
            self.add_widget(label)

    def draw(self, banner: Banner, lang: str, switching: bool) -> None:
        area = banner_area()
        x, y, w, h = theme.to_window(area)
        self.pos, self.size = (x, y), (w, h)
        self.panel.pos, self.panel.size = (x, y), (w, h)
        self.stripe.pos, self.stripe.size = (x, y + h - theme.px(STRIPE)), (w, theme.px(STRIPE))
        top = area.y
        self.number.text = banner.entry + "-" if banner.entry else banner.number
        place_label(self.number, X, top + 36, NUMBER_W, 80, theme.TEXT_HERO)
        self.name.text = banner.name
        place_label(self.name, X + NUMBER_W, top + 36, W - NUMBER_W - 420, 80, theme.TEXT_HERO)
        self.status.text = text(WORDS["switching"], lang) if switching else ""
        place_label(self.status, X + W - 400, top + 36, 400, 80, theme.TEXT_BODY)
        now, coming = banner_lines(banner, lang)
        self.now.text, self.next.text = now, coming
        place_label(self.now, X, top + 130, W, 56, theme.TEXT_TITLE)
        bar = Rect(X, top + 196, W, 10)
        bx, by, bw, bh = theme.to_window(bar)
        shown = banner.progress is not None and not banner.message
        self.track.pos, self.track.size = (bx, by), (bw if shown else 0, bh)
        fraction = banner.progress or 0.0
        self.done.pos, self.done.size = (bx, by), (max(1.0, bw * fraction) if shown else 0, bh)
        place_label(self.next, X, top + 220, W, 50, theme.TEXT_BODY)

    def texts(self) -> dict[str, str]:
        """What it says, for snapshots."""
        return {
            "number": self.number.text,
            "name": self.name.text,
            "now": self.now.text,
            "next": self.next.text,
            "status": self.status.text,
        }

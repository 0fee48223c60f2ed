"""Who's watching? (谁在看？): one round avatar per child, chosen with left/right and OK.

Shown on start when the household has more than one profile, and from home with the Menu key.
The last chosen profile is focused first, so most evenings it is one press of OK. Choosing goes
up to the app (``Context.choose_profile``), which rebuilds home for that child (their grade's
recommendations, their progress).
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, Line
from kivy.uix.widget import Widget

from tv_client import theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.profiles import Profile
from tv_client.screens.base import TvScreen
from tv_client.viewmodels import text
from tv_client.widgets.text import place_label, tv_label

AVATAR, GAP, NAME_H = 200, 96, 64
TOP = 380
TITLE = {"zh": "谁在看？", "en": "Who's watching?"}
HINT = {"zh": "左右键选择，按确定键进入", "en": "Choose with left and right, then press OK"}


class _Avatar(Widget):
    """A coloured circle with the name's first character, the name under it."""

    def __init__(self) -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas:
            self.fill = Color(1, 1, 1, 1)
            self.circle = Ellipse()
            Color(*theme.color("focus"))
            self.ring = Line(width=theme.px(6))
        self.initial = tv_label(size=theme.TEXT_HERO * 1.5, bold=True, halign="center")
        self.name = tv_label(size=theme.TEXT_TITLE, halign="center", shorten=True)
        self.add_widget(self.initial)
        self.add_widget(self.name)

    def draw(self, profile: Profile, rect: Rect, focused: bool) -> None:
        grow = theme.FOCUS_SCALE if focused else 1.0
        size = rect.w * grow
        circle = Rect(rect.x - (size - rect.w) / 2, rect.y - (size - rect.w) / 2, size, size)
        x, y, w, h = theme.to_window(circle)
        self.pos, self.size = (x, y), (w, h)
        self.fill.rgba = theme.color(profile.color)
        self.circle.pos, self.circle.size = (x, y), (w, h)
        pad = theme.px(10)
        if focused:
            self.ring.circle = (x + w / 2, y + h / 2, w / 2 + pad)
        else:
            self.ring.points = []
        self.initial.text, self.name.text = profile.initial, profile.name
        place_label(self.initial, circle.x, circle.y, size, size, theme.TEXT_HERO * 1.5, fit=True)
        below = rect.y + rect.w + 32
        place_label(self.name, rect.x - GAP / 2, below, rect.w + GAP, NAME_H, theme.TEXT_TITLE)
        self.name.color = theme.color("text" if focused else "text_dim")


class ProfilesScreen(TvScreen):
    """The household's profiles in a centred row; focus is ``profile/<id>``."""

    def __init__(self, context, **kwargs: Any) -> None:
        super().__init__(context, **kwargs)
        self.profiles: tuple[Profile, ...] = ()
        self.index = 0
        self.title = tv_label(text(TITLE, context.language), theme.TEXT_HERO, bold=True)
        self.title.halign = "center"
        self.hint = tv_label(text(HINT, context.language), color="text_dim", halign="center")
        self._avatars: list[_Avatar] = []
        self.add_widget(self.title)
        self.add_widget(self.hint)

    def show(self, **_params: Any) -> None:
        household = self.context.household
        self.profiles = household.profiles
        current = self.context.profile.id
        ids = [p.id for p in self.profiles]
        self.index = ids.index(current) if current in ids else 0
        while len(self._avatars) < len(self.profiles):
            self._avatars.append(_Avatar())
            self.add_widget(self._avatars[-1])
        self.relayout()

    def relayout(self) -> None:
        place_label(self.title, 0, 200, theme.LOGICAL_W, 100, theme.TEXT_HERO)
        place_label(self.hint, 0, 820, theme.LOGICAL_W, 60, theme.TEXT_BODY)
        count = len(self.profiles)
        left = (theme.LOGICAL_W - count * AVATAR - (count - 1) * GAP) / 2
        for n, avatar in enumerate(self._avatars):
            if n >= count:
                avatar.opacity = 0
                continue
            rect = Rect(left + n * (AVATAR + GAP), TOP, AVATAR, AVATAR)
            avatar.draw(self.profiles[n], rect, n == self.index)

    def on_action(self, press: KeyPress) -> bool:
        if press.action in (Action.LEFT, Action.RIGHT) and self.profiles:
            step = 1 if press.action is Action.RIGHT else -1
            self.index = min(max(0, self.index + step), len(self.profiles) - 1)
            self.relayout()
            return True
        if press.action is Action.OK and self.profiles:
            self.context.choose_profile(self.profiles[self.index].id)
            return True
        return press.action in (Action.UP, Action.DOWN)

    def focused_id(self) -> str | None:
        return f"profile/{self.profiles[self.index].id}" if self.profiles else None

    def snapshot(self) -> dict[str, Any]:
        return {"focus": self.focused_id(), "profiles": [p.name for p in self.profiles]}

"""The settings screen (设置): the settings on the left, the focused one's detail on the right.

It draws `SettingsViewModel` (language, playback quality, the remote key tester, the server
address, About) and hands it the keys. The key tester is the one place a screen sees raw key
codes: the app offers each code to `on_raw_key` before it becomes an action, so the tester can
show unmapped keys and Back too. A changed choice goes up to the app
(``Context.change_preferences``), which saves it and rebuilds itself on it with this screen on
top again; About's "does the server answer" is a probe on a worker, only the latest applied.

Under the list, the account entry: 登录 Sign in opens the sign-in screen, 退出登录 Sign out
(when this TV is signed in) goes up to the app (``sign_out``). Down from About reaches it, Up
leaves it; the view-model knows nothing of it (focus ``item/account``).

One yellow highlight: the focused item while the list has the keys, else the focused choice, the
focused keyboard key, or the key tester's panel; the item whose detail is in use stays lit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.widget import Widget

from tv_client import __version__, theme
from tv_client.navigation.focus import Rect
from tv_client.navigation.keys import Action, KeyPress
from tv_client.preferences import QUALITIES
from tv_client.screens.base import TvScreen
from tv_client.viewmodels.settings import ITEMS, About, Mode, SettingsViewModel
from tv_client.widgets.keyboard import KeyboardView
from tv_client.widgets.text import place_label, tv_label

X, Y = theme.SAFE_X, theme.SAFE_Y
HEADER_H = 96
TOP = Y + HEADER_H + 24
LIST_W, ITEM_H, ITEM_GAP = 620, 120, 16
DETAIL_X = X + LIST_W + 64
DETAIL_W = theme.LOGICAL_W - theme.SAFE_X - DETAIL_X
BOTTOM = theme.LOGICAL_H - Y
TITLE_H, LINE_H, CHOICE_H, GAP = 64, 60, 80, 12
FIELD_TOP, FIELD_H = TOP + TITLE_H + GAP, 84
KEYS_TOP = FIELD_TOP + FIELD_H + 24
ERROR_COLOR = "#FF8A80"
LINES = 6  # detail lines: About's facts, the tester's earlier keys
ACCOUNT = {  # (label, value, detail) signed out, then signed in
    False: ("登录 Sign in", "未登录 Not signed in", "用手机扫码，让这台电视登录家庭账号\n"
            "Scan with a phone to sign this TV in to your family"),
    True: ("退出登录 Sign out", "已登录 Signed in", "按确定键让这台电视退出登录\n"
           "Press OK to sign this TV out"),
}  # fmt: skip


class _Box(Widget):
    """A rounded rectangle with labels: a list item (name, dim value), a choice (tick, name),
    the address field, the key tester's latest key."""

    def __init__(self, dim: tuple[bool, ...] = (False,), shorten_from: str = "right") -> None:
        super().__init__(size_hint=(None, None))
        with self.canvas.before:
            self.fill = Color(*theme.color("surface"))
            self.box = RoundedRectangle(radius=[theme.px(12)])
            self.edge = Color(*theme.color("focus", 0))
            self.line = Line(width=theme.px(theme.FOCUS_OUTLINE))
        self._dim = dim
        self.labels = [tv_label(shorten=True, shorten_from=shorten_from) for _ in dim]
        for label in self.labels:
            self.add_widget(label)

    def draw(self, rect: Rect | None, look: str = "plain", outline: bool = False) -> None:
        """Place the box (None hides it); ``look`` is plain, focused (yellow) or open (lit)."""
        self.opacity = 0 if rect is None else 1
        if rect is None:
            return
        x, y, w, h = theme.to_window(rect)
        self.pos, self.size = (x, y), (w, h)
        self.box.pos, self.box.size, self.box.radius = (x, y), (w, h), [theme.px(12)]
        self.line.rounded_rectangle = (x, y, w, h, theme.px(12))
        fill = {"focused": "focus", "open": "surface_focus"}.get(look, "surface")
        self.fill.rgba = theme.color(fill)
        self.edge.a = 1 if outline else 0
        on_yellow = look == "focused"
        for label, dim in zip(self.labels, self._dim, strict=True):
            label.color = theme.color(
                "background" if on_yellow else ("text_dim" if dim else "text")
            )


class SettingsScreen(TvScreen):
    """Settings; focus is ``item/<id>``, ``choice/<value>``, ``tester`` or ``key/<row>/<col>``."""

    def __init__(
        self,
        context,
        *,
        signed_in: Callable[[], bool] = lambda: False,
        sign_out: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(context, **kwargs)
        self.signed_in, self.sign_out = signed_in, sign_out
        self.on_account = False  # the account entry under the list has the focus
        self.account = _Box(dim=(False, True))
        self.account_detail = tv_label(size=theme.TEXT_BODY)
        self.vm = self._view_model(ITEMS[0])
        self.heading = tv_label(size=theme.TEXT_HERO, bold=True)
        self.items = [_Box(dim=(False, True)) for _ in ITEMS]
        self.detail_title = tv_label(size=theme.TEXT_TITLE, bold=True)
        self.choices = [_Box(dim=(False, False)) for _ in QUALITIES]  # the longest list
        self.field = _Box(shorten_from="left")  # the end of a long address is what is typed
        self.tester = _Box()
        self.lines = [tv_label(size=theme.TEXT_BODY, shorten=True) for _ in range(LINES)]
        self.keyboard = KeyboardView()
        self.error = tv_label(size=theme.TEXT_BODY, color=ERROR_COLOR)
        self.hint = tv_label(size=theme.TEXT_SMALL, color="text_dim")
        for child in (
            self.heading, *self.items, self.detail_title, *self.choices, self.field,
            self.tester, *self.lines, self.keyboard, self.error, self.hint, self.account,
            self.account_detail,
        ):  # fmt: skip
            self.add_widget(child)

    def _view_model(self, focus: str) -> SettingsViewModel:
        settings = self.context.settings
        keymap = str(settings.keymap) if settings.keymap else None
        about = About(__version__, settings.backend_url, str(settings.resolved_data_dir), keymap)
        return SettingsViewModel(self.context.preferences, about, focus=focus)

    def show(self, focus: str = ITEMS[0], **_params: Any) -> None:
        """Opened afresh on ``focus`` (after a rebuild: on the item just changed)."""
        self.on_account = focus == "account"
        self.vm = self._view_model(ITEMS[-1] if self.on_account else focus)
        self.vm.check_backend()
        self._after_key()

    def reload(self) -> None:
        self.vm.check_backend()
        self._after_key()

    def on_action(self, press: KeyPress) -> bool:
        if self.on_account or (
            self.vm.mode is Mode.LIST and self.vm.item == ITEMS[-1] and press.action is Action.DOWN
        ):
            return self._account_action(press)
        outcome = self.vm.press(press)
        self._after_key()
        return outcome.consumed

    def _account_action(self, press: KeyPress) -> bool:
        """Down onto the entry, Up off it, OK signs in or out; Back is the app's."""
        if press.action is Action.BACK:
            return False
        if press.action in (Action.DOWN, Action.UP):
            self.on_account = press.action is Action.DOWN
        elif press.action is Action.OK and self.signed_in() and self.sign_out is not None:
            self.sign_out()
        elif press.action is Action.OK:
            self.context.open("signin")
            return True
        self.relayout()
        return True

    def on_raw_key(self, code: int, press: KeyPress | None) -> bool:
        """In the key tester every code is shown, mapped or not; True keeps it from the app."""
        if self.vm.mode is not Mode.KEY_TEST:
            return False
        outcome = self.vm.test_key(code, press)
        self.relayout()
        return outcome.consumed

    def _after_key(self) -> None:
        if self.vm.preferences != self.context.preferences:
            self.context.change_preferences(self.vm.preferences, self.vm.item)  # we are replaced
            return
        if self.vm.take_check():
            self.context.tasks.run(
                "settings-probe", self.context.catalog.probe, self._checked, self._unchecked
            )
        self.relayout()

    def _checked(self, online: bool) -> None:
        self.vm.apply_check(online)
        self.relayout()

    def _unchecked(self, _error: BaseException) -> None:
        self._checked(False)

    # Drawing.

    def relayout(self) -> None:
        vm = self.vm
        self.heading.text = vm.title
        place_label(self.heading, X, Y, LIST_W, HEADER_H - 16, theme.TEXT_HERO)
        for n, (box, item) in enumerate(zip(self.items, vm.items(), strict=True)):
            top = TOP + n * (ITEM_H + ITEM_GAP)
            look = "focused" if item.focused else ("open" if item.open else "plain")
            look = "plain" if self.on_account else look
            box.draw(Rect(X, top, LIST_W, ITEM_H), look)
            box.labels[0].text, box.labels[1].text = item.label, item.value
            place_label(box.labels[0], X + 28, top + 10, LIST_W - 56, 54, theme.TEXT_BODY)
            place_label(box.labels[1], X + 28, top + 62, LIST_W - 56, 48, theme.TEXT_SMALL)
        self._place_account()
        self._place_detail()

    def _place_account(self) -> None:
        label, value, detail = ACCOUNT[bool(self.signed_in())]
        top = TOP + len(ITEMS) * (ITEM_H + ITEM_GAP)
        self.account.draw(Rect(X, top, LIST_W, ITEM_H), "focused" if self.on_account else "")
        self.account.labels[0].text, self.account.labels[1].text = label, value
        place_label(self.account.labels[0], X + 28, top + 10, LIST_W - 56, 54, theme.TEXT_BODY)
        place_label(self.account.labels[1], X + 28, top + 62, LIST_W - 56, 48, theme.TEXT_SMALL)
        self.account_detail.text = detail if self.on_account else ""
        top = TOP + TITLE_H + GAP
        place_label(self.account_detail, DETAIL_X, top, DETAIL_W, 2 * LINE_H, theme.TEXT_BODY)

    def _place_detail(self) -> None:
        vm = self.vm
        opened = next(i.label for i in vm.items() if i.open)
        self.detail_title.text = ACCOUNT[bool(self.signed_in())][0] if self.on_account else opened
        place_label(self.detail_title, DETAIL_X, TOP, DETAIL_W, TITLE_H, theme.TEXT_TITLE)
        texts = self._detail_lines()
        self._place_choices()
        self._place_field()
        self._place_tester()
        self._place_lines(texts)
        editing = vm.mode is Mode.EDIT
        self.keyboard.opacity = 1 if editing else 0
        if editing:
            self.keyboard.show(vm.keyboard_rows(), DETAIL_X, KEYS_TOP)
        self.error.text = vm.error
        error_top = KEYS_TOP + KeyboardView.height(5) + GAP
        place_label(self.error, DETAIL_X, error_top, DETAIL_W, LINE_H, theme.TEXT_BODY)
        self.hint.text = "" if self.on_account else vm.hint()
        place_label(self.hint, DETAIL_X, BOTTOM - LINE_H, DETAIL_W, LINE_H, theme.TEXT_SMALL)

    def _detail_lines(self) -> list[str]:
        vm = self.vm
        if self.on_account:
            return []
        if vm.item == "about":
            return list(vm.about_lines())
        if vm.mode is Mode.KEY_TEST:
            return [test.describe() for test in vm.tester.history[1:]]
        return []

    def _place_lines(self, texts: list[str]) -> None:
        top = TOP + TITLE_H + GAP + (136 + 2 * GAP if self.vm.mode is Mode.KEY_TEST else 0)
        for n, label in enumerate(self.lines):
            label.text = texts[n] if n < len(texts) else ""
            place_label(label, DETAIL_X, top + n * LINE_H, DETAIL_W, LINE_H, theme.TEXT_BODY)

    def _place_choices(self) -> None:
        choices = self.vm.choices()
        for n, box in enumerate(self.choices):
            if n >= len(choices):
                box.draw(None)
                continue
            choice = choices[n]
            top = TOP + TITLE_H + GAP + n * (CHOICE_H + GAP)
            box.draw(Rect(DETAIL_X, top, DETAIL_W, CHOICE_H), "focused" if choice.focused else "")
            box.labels[0].text = "✓" if choice.current else ""
            box.labels[1].text = choice.label
            place_label(box.labels[0], DETAIL_X + 28, top, 40, CHOICE_H, theme.TEXT_BODY)
            place_label(
                box.labels[1], DETAIL_X + 76, top, DETAIL_W - 104, CHOICE_H, theme.TEXT_BODY
            )

    def _place_field(self) -> None:
        vm = self.vm
        shown = vm.item == "backend"
        self.field.draw(Rect(DETAIL_X, FIELD_TOP, DETAIL_W, FIELD_H) if shown else None)
        label = self.field.labels[0]
        label.text = (vm.keyboard.text if vm.mode is Mode.EDIT else vm.backend_url) if shown else ""
        place_label(label, DETAIL_X + 24, FIELD_TOP, DETAIL_W - 48, FIELD_H, theme.TEXT_TITLE)

    def _place_tester(self) -> None:
        vm = self.vm
        testing = vm.mode is Mode.KEY_TEST
        rect = Rect(DETAIL_X, TOP + TITLE_H + GAP, DETAIL_W, 136)
        self.tester.draw(rect if testing else None, "open", outline=True)
        history = vm.tester.history
        self.tester.labels[0].text = history[0].describe() if testing and history else ""
        place_label(
            self.tester.labels[0], rect.x + 32, rect.y, rect.w - 64, rect.h, theme.TEXT_HERO
        )

    # State for tests.

    def focused_id(self) -> str | None:
        return "item/account" if self.on_account else self.vm.focus_id

    def snapshot(self) -> dict[str, Any]:
        vm = self.vm
        last = vm.tester.history[0] if vm.tester.history else None
        return {
            "focus": self.focused_id(),
            "account": ACCOUNT[bool(self.signed_in())][0],
            "mode": vm.mode.value,
            "title": vm.title,
            "values": {item.id: item.value for item in vm.items()},
            "choices": [choice.label for choice in vm.choices()],
            "tester": None if last is None else {"code": last.code, "action": last.action},
            "tester_lines": [test.describe() for test in vm.tester.history],
            "editing": vm.keyboard.text if vm.mode is Mode.EDIT else None,
            "focused_key": vm.keyboard.focused_key.label(vm.lang),
            "error": vm.error,
            "hint": vm.hint(),
            "about": list(vm.about_lines()),
        }

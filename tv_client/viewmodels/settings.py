"""The settings screen's state: the settings on the left, the focused one's detail on the right.

The items, as Android TV and carrier boxes have them:

- 语言 Language and 播放画质 Playback quality: OK (or Right) opens a choice list beside the item,
  the value in force ticked; Up/Down choose, OK takes it, Back (or Left) closes it unchanged.
- 遥控器按键测试 Key tester: every key shows its raw code and its `Action` (and "not mapped"),
  Back included, so only Back twice in a row (within `BACK_TWICE_WITHIN` seconds: a held key
  repeats) leaves it; Home still goes home, so nobody is ever stuck in it.
- 服务器地址 Backend address: the on-screen keyboard (``url`` layout) with the address in force;
  完成 Done checks and takes it (empty: the environment's default), Back cancels.
- 关于 About: version, backend address, data directory, key map, whether the backend answers
  (OK asks again).

Focus ids, for the screen's snapshot: ``item/<id>``, ``choice/<value>``, ``tester``,
``key/<row>/<col>``. `SettingsViewModel.press` answers each key with an `Outcome` (Back on the
list is not consumed: the screen goes back). The view-model only holds choices: the screen hands
a changed `preferences` to the app, which saves and rebuilds, and probes the backend when
`take_check` says so.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from tv_client.navigation.focus import Direction
from tv_client.navigation.keys import Action, KeyPress
from tv_client.preferences import (
    LANGUAGE_NAMES,
    QUALITIES,
    BackendUrlError,
    Preferences,
    check_backend_url,
)
from tv_client.viewmodels import HANDLED, IGNORED, Outcome
from tv_client.viewmodels import text as localized
from tv_client.viewmodels.keyboard import URL, URL_MAX_LENGTH, Keyboard, KeyView

ITEMS = ("language", "quality", "keys", "backend", "about")
BACK_TWICE_WITHIN = 2.0  # seconds between the two Backs that leave the key tester
HISTORY = 6  # keys the tester lists

_LABELS = {
    "title": {"zh": "设置", "en": "Settings"},
    "language": {"zh": "语言 Language", "en": "Language 语言"},  # findable in either language
    "quality": {"zh": "播放画质", "en": "Playback quality"},
    "keys": {"zh": "遥控器按键测试", "en": "Remote key tester"},
    "backend": {"zh": "服务器地址", "en": "Server address"},
    "about": {"zh": "关于", "en": "About"},
}
_MESSAGES = {
    "keys_value": {"zh": "按确定开始", "en": "Press OK to start"},
    "tester_hint": {
        "zh": "按任意键查看它的名称 · 按两次返回键退出",
        "en": "Press any key to see its name · press Back twice to leave",
    },
    "tester_armed": {"zh": "再按一次返回键退出", "en": "Press Back again to leave"},
    "not_mapped": {"zh": "未映射", "en": "not mapped"},
    "backend_hint": {
        "zh": "选“完成”保存，按返回键取消；清空后保存则用默认地址",
        "en": "Choose Done to save, Back to cancel; save it empty for the default",
    },
    "default": {"zh": "（默认）", "en": " (default)"},
    "version": {"zh": "版本：{}", "en": "Version: {}"},
    "server": {"zh": "服务器：{}", "en": "Server: {}"},
    "status": {"zh": "服务器状态：{}", "en": "Server status: {}"},
    "data_dir": {"zh": "数据目录：{}", "en": "Data directory: {}"},
    "keymap": {"zh": "按键表：{}", "en": "Key map: {}"},
    "keymap_builtin": {"zh": "内置", "en": "built-in"},
    "choose_hint": {
        "zh": "上下键选择，确定键使用，返回键取消",
        "en": "Up and Down to choose, OK to use it, Back to cancel",
    },
    "language_intro": {"zh": "按确定选择界面语言", "en": "Press OK to choose the language"},
    "quality_intro": {
        "zh": "网速慢时限制最高画质，课程播放更流畅",
        "en": "On a slow line, cap the quality so lessons play smoothly",
    },
    "keys_intro": {
        "zh": "按确定开始，再按遥控器上的键，看它的编码和功能",
        "en": "Press OK, then any key on the remote to see its code and action",
    },
    "backend_intro": {"zh": "按确定修改服务器地址", "en": "Press OK to change the address"},
    "about_intro": {"zh": "按确定重新检查服务器", "en": "Press OK to check the server again"},
}
_STATUS = {
    "unknown": {"zh": "未检查", "en": "not checked"},
    "checking": {"zh": "正在检查…", "en": "checking…"},
    "online": {"zh": "连接正常", "en": "answering"},
    "offline": {"zh": "无法连接", "en": "not answering"},
}
_ACTIONS = {
    Action.UP: {"zh": "上", "en": "Up"},
    Action.DOWN: {"zh": "下", "en": "Down"},
    Action.LEFT: {"zh": "左", "en": "Left"},
    Action.RIGHT: {"zh": "右", "en": "Right"},
    Action.OK: {"zh": "确定", "en": "OK"},
    Action.BACK: {"zh": "返回", "en": "Back"},
    Action.HOME: {"zh": "主页", "en": "Home"},
    Action.MENU: {"zh": "菜单", "en": "Menu"},
    Action.DIGIT: {"zh": "数字 {}", "en": "Digit {}"},
    Action.CHANNEL_UP: {"zh": "频道+", "en": "Channel +"},
    Action.CHANNEL_DOWN: {"zh": "频道-", "en": "Channel -"},
    Action.RED: {"zh": "红色键", "en": "Red"},
    Action.GREEN: {"zh": "绿色键", "en": "Green"},
    Action.YELLOW: {"zh": "黄色键", "en": "Yellow"},
    Action.BLUE: {"zh": "蓝色键", "en": "Blue"},
    Action.PLAY_PAUSE: {"zh": "播放/暂停", "en": "Play/Pause"},
    Action.PLAY: {"zh": "播放", "en": "Play"},
    Action.PAUSE: {"zh": "暂停", "en": "Pause"},
    Action.STOP: {"zh": "停止", "en": "Stop"},
    Action.REWIND: {"zh": "快退", "en": "Rewind"},
    Action.FAST_FORWARD: {"zh": "快进", "en": "Fast forward"},
    Action.INFO: {"zh": "信息", "en": "Info"},
    Action.SEARCH: {"zh": "搜索", "en": "Search"},
}


class Mode(enum.Enum):
    """Where the keys go."""

    LIST = "list"  # the items
    CHOOSE = "choose"  # a choice list (language, quality)
    KEY_TEST = "key_test"
    EDIT = "edit"  # the address keyboard


@dataclass(frozen=True)
class About:
    """What the About item tells: facts of this box, handed in by the screen."""

    version: str
    default_backend: str  # the environment's TV_BACKEND_URL
    data_dir: str
    keymap: str | None = None  # a carrier's key-map file; None: the built-in table


@dataclass(frozen=True)
class ItemView:
    """One item of the list: ``focused`` has the focus; ``open`` is the one the detail shows."""

    id: str
    label: str
    value: str
    focused: bool
    open: bool


@dataclass(frozen=True)
class ChoiceView:
    """One line of a choice list; ``current`` is the value in force (ticked)."""

    value: str
    label: str
    focused: bool
    current: bool


@dataclass(frozen=True)
class KeyTest:
    """One key the tester saw: its raw code (None when unknown) and action name, or None."""

    code: int | None
    action: str | None
    label: str  # "上 Up"-style description in the screen's language

    def describe(self) -> str:
        """``"273 → UP · 上"``, ``"113 → 未映射"``."""
        code = "—" if self.code is None else str(self.code)
        if self.action is None:
            return f"{code} → {self.label}"
        return f"{code} → {self.action} · {self.label}"


@dataclass(frozen=True)
class KeyTester:
    """The keys seen, latest first, and when a first Back was pressed (None if the last was not)."""

    history: tuple[KeyTest, ...] = ()
    back_at: float | None = None

    def pressed(self, test: KeyTest, is_back: bool, now: float) -> KeyTester | None:
        """The tester after one key; None when it is the second Back in a row: leave."""
        if is_back and self.back_at is not None and now - self.back_at <= BACK_TWICE_WITHIN:
            return None
        history = (test, *self.history)[:HISTORY]
        return KeyTester(history, now if is_back else None)


def action_label(key_press: KeyPress | None, language: str) -> str:
    """The action of a key in words: ``"数字 7"``, ``"Red"``, ``"未映射"``."""
    if key_press is None:
        return localized(_MESSAGES["not_mapped"], language)
    return localized(_ACTIONS[key_press.action], language).format(key_press.digit)


class SettingsViewModel:
    """The settings screen's state and its keys. Main thread only."""

    def __init__(
        self,
        preferences: Preferences,
        about: About,
        *,
        focus: str = ITEMS[0],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.preferences = preferences
        self.about = about
        self.index = ITEMS.index(focus) if focus in ITEMS else 0
        self.mode = Mode.LIST
        self.choice_index = 0
        self.tester = KeyTester()
        self.keyboard = Keyboard(layout=URL.name, lang=self.lang, max_length=URL_MAX_LENGTH)
        self.error = ""
        self.backend_status = "unknown"
        self._check = False
        self._clock = clock

    # What the view draws.

    @property
    def lang(self) -> str:
        return self.preferences.language

    @property
    def item(self) -> str:
        return ITEMS[self.index]

    @property
    def title(self) -> str:
        return self._label("title")

    def items(self) -> tuple[ItemView, ...]:
        """The list; the item in use is focused while listing, else open beside its detail."""
        listing = self.mode is Mode.LIST
        views = []
        for n, item in enumerate(ITEMS):
            here = n == self.index
            views.append(
                ItemView(item, self._label(item), self.value(item), listing and here, here)
            )
        return tuple(views)

    def value(self, item: str) -> str:
        """The value an item shows under its label."""
        prefs = self.preferences
        if item == "language":
            return LANGUAGE_NAMES[prefs.language]
        if item == "quality":
            return localized(dict(QUALITIES)[prefs.quality], self.lang)
        if item == "keys":
            return self._say("keys_value")
        if item == "backend":
            suffix = "" if prefs.backend_url else self._say("default")
            return self.backend_url + suffix
        return self.about.version

    @property
    def backend_url(self) -> str:
        return self.preferences.backend_url or self.about.default_backend

    def choices(self) -> tuple[ChoiceView, ...]:
        """The choice list of the focused item (language, quality); empty for the others."""
        options = self._options()
        current = getattr(self.preferences, self.item, None)
        choosing = self.mode is Mode.CHOOSE
        return tuple(
            ChoiceView(value, label, choosing and n == self.choice_index, value == current)
            for n, (value, label) in enumerate(options)
        )

    def about_lines(self) -> tuple[str, ...]:
        about = self.about
        keymap = about.keymap or self._say("keymap_builtin")
        return (
            self._say("version", about.version),
            self._say("server", self.backend_url),
            self._say("status", localized(_STATUS[self.backend_status], self.lang)),
            self._say("data_dir", about.data_dir),
            self._say("keymap", keymap),
        )

    def hint(self) -> str:
        """One line of help under the detail: what the keys do here."""
        if self.mode is Mode.KEY_TEST:
            return self._say("tester_armed" if self.tester.back_at else "tester_hint")
        if self.mode is Mode.EDIT:
            return self._say("backend_hint")
        if self.mode is Mode.CHOOSE:
            return self._say("choose_hint")
        return self._say(f"{self.item}_intro")

    def keyboard_rows(self) -> tuple[tuple[KeyView, ...], ...]:
        return self.keyboard.rows()

    @property
    def focus_id(self) -> str:
        if self.mode is Mode.CHOOSE:
            return f"choice/{self._options()[self.choice_index][0]}"
        if self.mode is Mode.KEY_TEST:
            return "tester"
        if self.mode is Mode.EDIT:
            return f"key/{self.keyboard.row}/{self.keyboard.col}"
        return f"item/{self.item}"

    # Keys.

    def press(self, key_press: KeyPress) -> Outcome:
        """Handle one remote key (in the key tester, one whose raw code is unknown)."""
        if self.mode is Mode.KEY_TEST:
            return self.test_key(None, key_press)
        if self.mode is Mode.CHOOSE:
            return self._press_choosing(key_press)
        if self.mode is Mode.EDIT:
            return self._press_editing(key_press)
        return self._press_listing(key_press)

    def test_key(self, code: int | None, key_press: KeyPress | None) -> Outcome:
        """One key in the key tester: its raw ``code`` and what the key table made of it.

        Home is shown and left to the app (Home always goes home); Back twice leaves the tester.
        """
        name = key_press.name if key_press else None
        test = KeyTest(code, name, action_label(key_press, self.lang))
        is_back = key_press is not None and key_press.action is Action.BACK
        tester = self.tester.pressed(test, is_back, self._clock())
        if tester is None:
            self.mode, self.tester = Mode.LIST, KeyTester()
            return HANDLED
        self.tester = tester
        home = key_press is not None and key_press.action is Action.HOME
        return IGNORED if home else HANDLED

    def take_check(self) -> bool:
        """Whether the backend should be probed now (once per request); marks it checking."""
        wanted, self._check = self._check, False
        if wanted:
            self.backend_status = "checking"
        return wanted

    def check_backend(self) -> None:
        """Ask for a probe of the backend (the screen opened, or OK on About)."""
        self._check = True

    def apply_check(self, online: bool) -> None:
        self.backend_status = "online" if online else "offline"

    def _press_listing(self, key_press: KeyPress) -> Outcome:
        action = key_press.action
        if action in (Action.UP, Action.DOWN):
            step = 1 if action is Action.DOWN else -1
            self.index = min(max(0, self.index + step), len(ITEMS) - 1)
            return HANDLED
        if action in (Action.OK, Action.RIGHT):
            self._open(self.item, by_ok=action is Action.OK)
            return HANDLED
        return HANDLED if action is Action.LEFT else IGNORED

    def _open(self, item: str, *, by_ok: bool) -> None:
        if item in ("language", "quality"):
            values = [value for value, _label in self._options()]
            self.mode, self.choice_index = (
                Mode.CHOOSE,
                values.index(getattr(self.preferences, item)),
            )
        elif item == "keys":
            self.mode, self.tester = Mode.KEY_TEST, KeyTester()
        elif item == "backend":
            self.mode, self.error = Mode.EDIT, ""
            self.keyboard = Keyboard(
                layout=URL.name, lang=self.lang, max_length=URL_MAX_LENGTH
            ).typed(self.backend_url)
        elif by_ok:
            self.check_backend()

    def _press_choosing(self, key_press: KeyPress) -> Outcome:
        action, options = key_press.action, self._options()
        if action in (Action.UP, Action.DOWN):
            step = 1 if action is Action.DOWN else -1
            self.choice_index = min(max(0, self.choice_index + step), len(options) - 1)
        elif action is Action.OK:
            chosen = options[self.choice_index][0]
            self.preferences = replace(self.preferences, **{self.item: chosen})
            self.mode = Mode.LIST
        elif action in (Action.BACK, Action.LEFT):
            self.mode = Mode.LIST
        return HANDLED

    def _press_editing(self, key_press: KeyPress) -> Outcome:
        if key_press.action is Action.BACK:
            self.mode, self.error = Mode.LIST, ""
            return HANDLED
        if self.keyboard.on_done(key_press):
            self._save_address(self.keyboard.text)
            return HANDLED
        if not self.keyboard.handles(key_press):
            return HANDLED if Direction.of(key_press.action) else IGNORED
        before = self.keyboard.text
        self.keyboard = self.keyboard.press(key_press)
        if self.keyboard.text != before:
            self.error = ""
        return HANDLED

    def _save_address(self, typed: str) -> None:
        try:
            url = check_backend_url(typed) if typed.strip() else None
        except BackendUrlError as error:
            self.error = error.message(self.lang)
            return
        if url == self.about.default_backend.rstrip("/"):
            url = None  # the default itself: follow the environment if it changes
        self.preferences = replace(self.preferences, backend_url=url)
        self.mode, self.error = Mode.LIST, ""

    def _options(self) -> tuple[tuple[str, str], ...]:
        if self.item == "language":
            return tuple(LANGUAGE_NAMES.items())
        if self.item == "quality":
            return tuple((value, localized(labels, self.lang)) for value, labels in QUALITIES)
        return ()

    def _label(self, key: str) -> str:
        return localized(_LABELS[key], self.lang)

    def _say(self, key: str, *args: object) -> str:
        return localized(_MESSAGES[key], self.lang).format(*args)

"""The settings view-model: the list, choice lists, the key tester, the address editor, About."""

from __future__ import annotations

from pathlib import Path

import pytest

from tv_client.navigation.keys import DEFAULT, Action, KeyPress
from tv_client.preferences import Preferences
from tv_client.viewmodels import HANDLED, IGNORED
from tv_client.viewmodels.settings import (
    BACK_TWICE_WITHIN,
    HISTORY,
    ITEMS,
    About,
    Mode,
    SettingsViewModel,
)

UP, DOWN, LEFT, RIGHT = (KeyPress(a) for a in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT))
OK, BACK, HOME = KeyPress(Action.OK), KeyPress(Action.BACK), KeyPress(Action.HOME)
DEFAULT_URL = "http://127.0.0.1:8000"
ABOUT = About("0.1.0", DEFAULT_URL, "/var/cache/edutv-tv")
FONT = Path(__file__).resolve().parents[3] / "assets" / "fonts" / "NotoSansSC-EduTV-Regular.otf"


class FakeClock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make(preferences: Preferences | None = None, **kwargs) -> SettingsViewModel:
    return SettingsViewModel(preferences or Preferences(), ABOUT, **kwargs)


def press(vm: SettingsViewModel, *keys: KeyPress) -> None:
    for key in keys:
        vm.press(key)


def test_the_list_starts_on_language_and_shows_every_value():
    vm = make()
    assert vm.focus_id == "item/language" and vm.mode is Mode.LIST
    items = vm.items()
    assert [i.id for i in items] == list(ITEMS)
    assert [i.value for i in items] == [
        "中文", "自动（按网速）", "按确定开始", "http://127.0.0.1:8000（默认）", "0.1.0"
    ]  # fmt: skip
    assert [i.focused for i in items] == [True, False, False, False, False]
    assert vm.title == "设置"


@pytest.mark.parametrize(
    ("keys", "focus"),
    [
        ([DOWN], "item/quality"),
        ([DOWN] * 4, "item/about"),
        ([DOWN] * 9, "item/about"),  # no wrapping
        ([UP], "item/language"),
        ([DOWN, DOWN, UP], "item/quality"),
        ([LEFT], "item/language"),
    ],
)
def test_up_and_down_move_along_the_list_without_wrapping(keys, focus):
    vm = make()
    for key in keys:
        assert vm.press(key) == HANDLED
    assert vm.focus_id == focus


def test_back_on_the_list_is_the_screens_own_back():
    assert make().press(BACK) == IGNORED


def test_the_screen_can_open_on_an_item():
    assert make(focus="backend").focus_id == "item/backend"
    assert make(focus="nonsense").focus_id == "item/language"


@pytest.mark.parametrize("opener", [OK, RIGHT])
def test_switching_the_language_to_english_and_back(opener):
    vm = make()
    vm.press(opener)
    assert vm.focus_id == "choice/zh" and vm.mode is Mode.CHOOSE
    assert [(c.label, c.current, c.focused) for c in vm.choices()] == [
        ("中文", True, True),
        ("English", False, False),
    ]
    assert vm.items()[0].open and not any(i.focused for i in vm.items())
    press(vm, DOWN, DOWN)  # stops at the last choice
    assert vm.focus_id == "choice/en"
    vm.press(OK)
    assert vm.preferences == Preferences(language="en")
    assert (vm.focus_id, vm.title, vm.items()[1].label) == (
        "item/language",
        "Settings",
        "Playback quality",
    )
    press(vm, OK, UP, OK)
    assert vm.preferences.language == "zh" and vm.title == "设置"


@pytest.mark.parametrize("cancel", [BACK, LEFT])
def test_back_closes_a_choice_list_without_changing_anything(cancel):
    vm = make()
    press(vm, OK, DOWN)
    assert vm.press(cancel) == HANDLED
    assert vm.preferences == Preferences() and vm.focus_id == "item/language"


def test_the_language_item_is_findable_in_either_language():
    assert "Language" in make().items()[0].label
    assert "语言" in make(Preferences(language="en")).items()[0].label


@pytest.mark.parametrize(
    ("downs", "quality", "value"),
    [
        (0, "auto", "自动（按网速）"),
        (1, "1080p", "最高 1080p 超清"),
        (2, "720p", "最高 720p 高清"),
        (3, "480p", "最高 480p 标清"),
        (4, "360p", "最高 360p 流畅"),
        (9, "360p", "最高 360p 流畅"),
    ],
)
def test_choosing_a_playback_quality(downs, quality, value):
    vm = make(focus="quality")
    vm.press(OK)
    assert vm.focus_id == "choice/auto"
    press(vm, *[DOWN] * downs, OK)
    assert vm.preferences.quality == quality and vm.value("quality") == value


def test_the_quality_list_opens_on_the_value_in_force_and_keeps_the_rest():
    chosen = Preferences(language="en", quality="480p", backend_url="http://box:1")
    vm = make(chosen, focus="quality")
    vm.press(OK)
    assert vm.focus_id == "choice/480p"
    assert [c.label for c in vm.choices() if c.current] == ["Up to 480p"]
    press(vm, UP, OK)
    assert vm.preferences == Preferences("en", "720p", "http://box:1")


# The key tester.


def key_tester(clock: FakeClock | None = None) -> SettingsViewModel:
    vm = make(focus="keys", clock=clock or FakeClock())
    vm.press(OK)
    assert vm.mode is Mode.KEY_TEST and vm.focus_id == "tester"
    return vm


@pytest.mark.parametrize(
    ("code", "action", "zh"),
    [
        (273, "UP", "273 → UP · 上"),
        (274, "DOWN", "274 → DOWN · 下"),
        (276, "LEFT", "276 → LEFT · 左"),
        (275, "RIGHT", "275 → RIGHT · 右"),
        (13, "OK", "13 → OK · 确定"),
        (55, "DIGIT_7", "55 → DIGIT_7 · 数字 7"),
        (256, "DIGIT_0", "256 → DIGIT_0 · 数字 0"),
        (282, "RED", "282 → RED · 红色键"),
        (283, "GREEN", "283 → GREEN · 绿色键"),
        (284, "YELLOW", "284 → YELLOW · 黄色键"),
        (285, "BLUE", "285 → BLUE · 蓝色键"),
        (280, "CHANNEL_UP", "280 → CHANNEL_UP · 频道+"),
        (ord("m"), "MENU", "109 → MENU · 菜单"),
        (32, "PLAY_PAUSE", "32 → PLAY_PAUSE · 播放/暂停"),
        (27, "BACK", "27 → BACK · 返回"),
        (113, None, "113 → 未映射"),  # q: not in the table
    ],
)
def test_the_key_tester_names_each_key_by_its_code_and_action(code, action, zh):
    vm = key_tester()
    assert vm.test_key(code, DEFAULT.lookup(code)) == HANDLED
    last = vm.tester.history[0]
    assert (last.code, last.action, last.describe()) == (code, action, zh)
    assert vm.mode is Mode.KEY_TEST


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "282 → RED · 红色键"), ("en", "282 → RED · Red")],
)
def test_the_key_tester_speaks_the_screen_language(lang, expected):
    vm = make(Preferences(language=lang), focus="keys")
    vm.press(OK)
    vm.test_key(282, DEFAULT.lookup(282))
    assert vm.tester.history[0].describe() == expected


def test_the_key_tester_keeps_the_latest_keys_first():
    vm = key_tester()
    for code in (273, 274, 275, 276, 13, 48, 49, 50):
        vm.test_key(code, DEFAULT.lookup(code))
    assert [t.code for t in vm.tester.history] == [50, 49, 48, 13, 276, 275][:HISTORY]


def test_keys_without_a_raw_code_still_show_their_action():
    vm = key_tester()
    assert vm.press(KeyPress(Action.DIGIT, 3)) == HANDLED
    assert vm.tester.history[0].describe() == "— → DIGIT_3 · 数字 3"


def test_only_back_twice_in_a_row_leaves_the_key_tester():
    clock = FakeClock()
    vm = key_tester(clock)
    assert "按两次返回键退出" in vm.hint()
    assert vm.test_key(27, BACK) == HANDLED
    assert vm.mode is Mode.KEY_TEST and vm.tester.history[0].action == "BACK"
    assert vm.hint() == "再按一次返回键退出"
    vm.test_key(273, DEFAULT.lookup(273))  # another key in between: Back is counted afresh
    assert vm.hint().endswith("按两次返回键退出")
    vm.test_key(27, BACK)
    clock.now += BACK_TWICE_WITHIN + 0.5  # too slow: this Back is tested, not a way out
    vm.test_key(8, BACK)
    assert vm.mode is Mode.KEY_TEST and [t.code for t in vm.tester.history[:2]] == [8, 27]
    clock.now += 0.3
    assert vm.test_key(27, BACK) == HANDLED
    assert vm.mode is Mode.LIST and vm.focus_id == "item/keys"
    assert vm.press(BACK) == IGNORED  # now Back leaves the settings screen


def test_a_held_back_key_leaves_the_key_tester():
    clock = FakeClock()
    vm = key_tester(clock)
    vm.test_key(27, BACK)
    clock.now += 0.05  # the key repeats
    vm.test_key(27, BACK)
    assert vm.mode is Mode.LIST


def test_home_in_the_key_tester_is_shown_and_still_goes_home():
    vm = key_tester()
    assert vm.test_key(278, HOME) == IGNORED  # the app goes home
    assert vm.tester.history[0].action == "HOME"


def test_opening_the_key_tester_again_starts_empty():
    vm = key_tester()
    vm.test_key(273, DEFAULT.lookup(273))
    vm.test_key(27, BACK)
    vm.test_key(27, BACK)
    vm.press(OK)
    assert vm.tester.history == () and vm.mode is Mode.KEY_TEST


# The backend address.


def editor(preferences: Preferences | None = None) -> SettingsViewModel:
    vm = make(preferences, focus="backend")
    vm.press(OK)
    assert vm.mode is Mode.EDIT
    return vm


def type_text(vm: SettingsViewModel, text: str) -> None:
    vm.keyboard = vm.keyboard.cleared().typed(text)


def done(vm: SettingsViewModel) -> None:
    """Move to 完成 (the function row's right end) and press OK, as a remote would."""
    press(vm, *[DOWN] * 5, *[RIGHT] * 5)
    assert vm.keyboard.focused_key.zh == "完成"
    assert vm.press(OK) == HANDLED


def test_the_editor_starts_with_the_address_in_force_on_the_address_keyboard():
    vm = editor()
    assert vm.keyboard.text == DEFAULT_URL and vm.keyboard.layout == "url"
    assert vm.focus_id == "key/0/0"
    assert "完成" in vm.hint()


@pytest.mark.parametrize(
    ("typed", "saved", "value"),
    [
        ("http://192.168.1.20:8000/", "http://192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("https://edutv.example.cn", "https://edutv.example.cn", "https://edutv.example.cn"),
        ("", None, "http://127.0.0.1:8000（默认）"),  # empty: the default
        (DEFAULT_URL + "/", None, "http://127.0.0.1:8000（默认）"),  # the default itself
    ],
)
def test_done_saves_a_good_address(typed, saved, value):
    vm = editor(Preferences(backend_url="http://old:1"))
    type_text(vm, typed)
    done(vm)
    assert vm.preferences.backend_url == saved and vm.value("backend") == value
    assert vm.mode is Mode.LIST and vm.focus_id == "item/backend" and vm.error == ""


@pytest.mark.parametrize(
    ("lang", "typed", "error"),
    [
        ("zh", "192.168.1.20", "地址要以 http:// 或 https:// 开头"),
        ("en", "192.168.1.20", "The address must start with http:// or https://"),
        ("zh", "http://", "请在 http:// 后面填服务器名或 IP 地址，如 192.168.1.20"),
        ("en", "http://box:99999", "The port must be a number from 1 to 65535"),
    ],
)
def test_a_bad_address_is_refused_with_the_reason_and_the_editor_stays(lang, typed, error):
    vm = editor(Preferences(language=lang))
    type_text(vm, typed)
    done(vm)
    assert vm.error == error
    assert vm.mode is Mode.EDIT and vm.preferences.backend_url is None
    vm.press(UP)
    assert vm.error == error  # moving keeps it; typing clears it
    press(vm, UP, UP, UP, OK)
    assert vm.error == "" and vm.keyboard.text == typed + "g"


def test_back_cancels_the_editor_whatever_was_typed():
    vm = editor()
    type_text(vm, "http://elsewhere")
    assert vm.press(BACK) == HANDLED
    assert vm.mode is Mode.LIST and vm.preferences.backend_url is None
    vm.press(OK)
    assert vm.keyboard.text == DEFAULT_URL  # the address in force again


def test_the_editor_types_remote_digits_and_keeps_arrows_at_its_edges():
    vm = editor()
    type_text(vm, "http://10.0.0.")
    assert vm.press(KeyPress(Action.DIGIT, 7)) == HANDLED
    assert vm.keyboard.text == "http://10.0.0.7"
    assert vm.press(UP) == HANDLED and vm.press(LEFT) == HANDLED
    assert vm.mode is Mode.EDIT and vm.focus_id == "key/0/0"


# About.


def test_about_tells_version_server_status_data_dir_and_key_map():
    vm = make(Preferences(backend_url="http://box:9000"), focus="about")
    assert vm.about_lines() == (
        "版本：0.1.0",
        "服务器：http://box:9000",
        "服务器状态：未检查",
        "数据目录：/var/cache/edutv-tv",
        "按键表：内置",
    )


def test_about_checks_the_server_when_asked_and_shows_the_answer():
    vm = make(Preferences(language="en"), focus="about")
    assert vm.take_check() is False
    vm.check_backend()  # the screen opens
    assert vm.take_check() is True and vm.take_check() is False
    assert "Server status: checking…" in vm.about_lines()
    vm.apply_check(online=False)
    assert "Server status: not answering" in vm.about_lines()
    assert vm.press(OK) == HANDLED and vm.take_check() is True
    vm.apply_check(online=True)
    assert "Server status: answering" in vm.about_lines()


def test_about_names_a_carriers_key_map_file():
    vm = SettingsViewModel(Preferences(), About("1.2.3", DEFAULT_URL, "/d", "/etc/edutv/keys.json"))
    assert vm.about_lines()[-1] == "按键表：/etc/edutv/keys.json"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_the_screen_shows_is_in_the_bundled_font(lang):
    ttlib = pytest.importorskip("fontTools.ttLib")
    cmap = ttlib.TTFont(FONT).getBestCmap()
    vm = make(Preferences(language=lang))
    shown = [vm.title, *(i.label + i.value for i in vm.items()), *vm.about_lines()]
    for n in range(len(ITEMS)):
        vm.index = n
        shown += [vm.hint(), *(c.label for c in vm.choices())]
    vm.index, vm.mode = 0, Mode.CHOOSE
    shown.append(vm.hint())
    vm.mode = Mode.KEY_TEST
    for key in [*Action, Action.BACK]:
        digit = 5 if key is Action.DIGIT else None
        vm.test_key(1, KeyPress(key, digit))
        shown.append(vm.tester.history[0].describe() + vm.hint())
    vm.test_key(1, None)
    shown += [vm.tester.history[0].describe(), vm.hint()]
    vm.mode = Mode.EDIT
    shown += [vm.hint(), *(k.label for row in vm.keyboard_rows() for k in row)]
    shown += [vm.value("backend"), "（默认）", " (default)"]
    missing = {char for line in shown for char in line if ord(char) not in cmap}
    assert not missing

"""The on-screen keyboard: movement at every edge, typing, delete/clear, Back, digits, layouts,
and the address layouts of the settings screen."""

from __future__ import annotations

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.keyboard import (
    DIGITS,
    LAYOUTS,
    LETTERS,
    MAX_LENGTH,
    URL,
    URL_DIGITS,
    URL_MAX_LENGTH,
    Keyboard,
    KeyKind,
)

UP, DOWN, LEFT, RIGHT = (KeyPress(a) for a in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT))
OK, BACK = KeyPress(Action.OK), KeyPress(Action.BACK)
EDGE = None

# Letters: a-g / h-n / o-u / v-z (5 keys) / [123 x2][空格 x3][退格][清空]
# Digits:  1-3 / 4-6 / 7-9 / 0 (each 2 units wide) / the same function row


def at(layout: str, key: str) -> Keyboard:
    """A keyboard focused on the key labelled ``key`` (its Chinese label for function keys)."""
    for r, row in enumerate(LAYOUTS[layout].rows):
        for c, k in enumerate(row):
            if k.label("zh") == key:
                return Keyboard(layout=layout, row=r, col=c)
    raise LookupError(key)


def focused(keyboard: Keyboard) -> str:
    return keyboard.focused_key.label("zh")


@pytest.mark.parametrize(
    ("layout", "start", "key", "expected"),
    [
        # the top row's edges
        ("letters", "a", UP, EDGE),
        ("letters", "a", LEFT, EDGE),
        ("letters", "g", UP, EDGE),
        ("letters", "g", RIGHT, EDGE),
        ("letters", "a", RIGHT, "b"),
        ("letters", "d", LEFT, "c"),
        ("letters", "a", DOWN, "h"),
        ("letters", "n", UP, "g"),
        ("letters", "h", LEFT, EDGE),
        ("letters", "n", RIGHT, EDGE),
        # into the short row v-z: nearest key, never nothing
        ("letters", "s", DOWN, "z"),
        ("letters", "t", DOWN, "z"),
        ("letters", "u", DOWN, "z"),
        ("letters", "r", DOWN, "y"),
        ("letters", "z", RIGHT, EDGE),
        ("letters", "z", UP, "s"),
        ("letters", "v", LEFT, EDGE),
        # down into the function row with its wide keys
        ("letters", "v", DOWN, "123"),
        ("letters", "w", DOWN, "123"),
        ("letters", "x", DOWN, "空格"),
        ("letters", "z", DOWN, "空格"),
        ("letters", "123", RIGHT, "空格"),
        ("letters", "空格", RIGHT, "退格"),
        ("letters", "退格", RIGHT, "清空"),
        ("letters", "清空", LEFT, "退格"),
        # the bottom row's edges
        ("letters", "123", LEFT, EDGE),
        ("letters", "123", DOWN, EDGE),
        ("letters", "清空", RIGHT, EDGE),
        ("letters", "清空", DOWN, EDGE),
        ("letters", "空格", DOWN, EDGE),
        # up out of the function row: under the key's middle, else the nearest
        ("letters", "123", UP, "v"),
        ("letters", "空格", UP, "y"),
        ("letters", "退格", UP, "z"),
        ("letters", "清空", UP, "z"),
        # digits: 3 wide keys a row, 0 alone
        ("digits", "1", UP, EDGE),
        ("digits", "3", RIGHT, EDGE),
        ("digits", "3", DOWN, "6"),
        ("digits", "2", DOWN, "5"),
        ("digits", "8", DOWN, "0"),
        ("digits", "9", DOWN, "0"),
        ("digits", "0", RIGHT, EDGE),
        ("digits", "0", LEFT, EDGE),
        ("digits", "0", UP, "7"),
        ("digits", "0", DOWN, "ABC"),
        ("digits", "ABC", UP, "0"),
        ("digits", "清空", UP, "0"),
        ("digits", "空格", UP, "0"),
    ],
)
def test_arrows_move_without_wrapping_or_losing_focus(layout, start, key, expected):
    keyboard = at(layout, start)
    after = keyboard.press(key)
    if expected is EDGE:
        assert after == keyboard
        assert not keyboard.handles(key)
    else:
        assert focused(after) == expected
        assert keyboard.handles(key)
    assert after.text == keyboard.text


@pytest.mark.parametrize(
    ("start", "keys", "path"),
    [
        ("u", [DOWN, DOWN, UP, UP], ["z", "清空", "z", "u"]),  # the column is remembered
        ("c", [DOWN, DOWN, DOWN, DOWN, UP, UP], ["j", "q", "x", "空格", "x", "q"]),
        ("e", [DOWN, DOWN, DOWN, DOWN, UP, UP], ["l", "s", "z", "空格", "z", "s"]),
        ("u", [DOWN, LEFT, DOWN], ["z", "y", "空格"]),  # a sideways move forgets it
    ],
)
def test_up_and_down_come_back_to_the_same_column(start, keys, path):
    keyboard = at("letters", start)
    seen = []
    for key in keys:
        keyboard = keyboard.press(key)
        seen.append(focused(keyboard))
    assert seen == path


def type_keys(keyboard: Keyboard, *labels: str) -> Keyboard:
    """Move to each key by its label and press OK, as a remote would (by setting focus)."""
    for label in labels:
        target = at(keyboard.layout, label)
        keyboard = Keyboard(keyboard.layout, target.row, target.col, keyboard.text)
        keyboard = keyboard.press(OK)
    return keyboard


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        (["s", "x"], "sx"),
        (["s", "空格", "x"], "s x"),
        (["空格", "s"], "s"),  # no leading space
        (["s", "空格", "空格", "x"], "s x"),  # no double space
        (["s", "x", "退格"], "s"),
        (["退格"], ""),
        (["s", "x", "清空"], ""),
        (["清空", "a"], "a"),
        (["s", "h", "u", "x", "u", "e"], "shuxue"),
    ],
)
def test_ok_types_the_focused_key_or_runs_it(keys, text):
    keyboard = type_keys(Keyboard(), *keys)
    assert keyboard.text == text
    assert keyboard.handles(OK)


def test_ok_keeps_focus_on_the_key_pressed():
    keyboard = at("letters", "退格").typed("abc").press(OK)
    assert (keyboard.text, focused(keyboard)) == ("ab", "退格")


@pytest.mark.parametrize(
    ("text", "consumed", "after"),
    [("sx", True, "s"), ("s", True, ""), ("", False, "")],
)
def test_back_deletes_while_there_is_text_else_the_screen_goes_back(text, consumed, after):
    keyboard = Keyboard(text=text, row=2, col=3)
    assert keyboard.handles(BACK) is consumed
    pressed = keyboard.press(BACK)
    assert pressed.text == after
    assert (pressed.row, pressed.col) == (2, 3)


@pytest.mark.parametrize(
    ("layout", "text", "digit", "after"),
    [
        ("letters", "", 3, "3"),
        ("letters", "sx", 5, "sx5"),
        ("digits", "20", 0, "200"),
    ],
)
def test_remote_digit_keys_type_digits_in_any_layout(layout, text, digit, after):
    keyboard = at(layout, "退格").typed(text)
    pressed = keyboard.press(KeyPress(Action.DIGIT, digit))
    assert pressed.text == after
    assert (pressed.layout, pressed.row, pressed.col) == (layout, keyboard.row, keyboard.col)
    assert keyboard.handles(KeyPress(Action.DIGIT, digit))


@pytest.mark.parametrize(
    "key",
    [OK, KeyPress(Action.DIGIT, 7)],
)
def test_typing_stops_at_the_maximum_length(key):
    full = at("letters", "a").typed("x" * (MAX_LENGTH + 5))
    assert full.text == "x" * MAX_LENGTH
    assert full.handles(key)
    assert full.press(key).text == full.text


def test_the_maximum_length_can_be_set():
    assert Keyboard(max_length=3).typed("abcdef").text == "abc"


@pytest.mark.parametrize(
    ("layout", "start", "presses", "layout_after", "focus_after"),
    [
        ("letters", "123", 1, "digits", "ABC"),  # the switch key stays under focus
        ("letters", "123", 2, "letters", "123"),  # so OK twice comes back
        ("digits", "ABC", 1, "letters", "123"),
    ],
)
def test_the_switch_key_changes_layout_and_keeps_focus_on_itself(
    layout, start, presses, layout_after, focus_after
):
    keyboard = at(layout, start).typed("sx")
    for _ in range(presses):
        keyboard = keyboard.press(OK)
    assert (keyboard.layout, focused(keyboard), keyboard.text) == (layout_after, focus_after, "sx")


@pytest.mark.parametrize(
    ("layout", "start", "target", "expected"),
    [
        ("letters", "a", "digits", "1"),
        ("letters", "g", "digits", "3"),
        ("letters", "z", "digits", "0"),
        ("letters", "清空", "digits", "清空"),
        ("digits", "3", "letters", "e"),  # between e and f: the left one
        ("digits", "0", "letters", "v"),
    ],
)
def test_switching_layout_focuses_the_key_nearest_the_same_place(layout, start, target, expected):
    assert focused(at(layout, start).switched(target)) == expected


@pytest.mark.parametrize(
    "action", [Action.HOME, Action.MENU, Action.INFO, Action.CHANNEL_UP, Action.SEARCH]
)
def test_other_keys_are_left_to_the_screen(action):
    keyboard = Keyboard(text="sx")
    assert not keyboard.handles(KeyPress(action))
    assert keyboard.press(KeyPress(action)) == keyboard


@pytest.mark.parametrize(
    ("lang", "function_labels", "placeholder"),
    [
        ("zh", ["123", "空格", "退格", "清空"], "输入拼音首字母，如 sx = 数学"),
        ("en", ["123", "Space", "Delete", "Clear"], "Type pinyin initials or English"),
    ],
)
def test_rows_give_the_view_labels_focus_and_widths(lang, function_labels, placeholder):
    keyboard = Keyboard(lang=lang, row=1, col=2)
    rows = keyboard.rows()
    assert ["".join(k.label for k in row) for row in rows[:4]] == [
        "abcdefg",
        "hijklmn",
        "opqrstu",
        "vwxyz",
    ]
    assert [k.label for k in rows[4]] == function_labels
    assert [(k.label, k.kind) for row in rows for k in row if k.focused] == [("j", KeyKind.CHAR)]
    assert sum(k.span for k in rows[4]) == 7
    assert keyboard.placeholder.startswith(placeholder)


def test_layouts_are_data_with_the_same_function_row():
    assert LETTERS.rows[-1][1:] == DIGITS.rows[-1][1:]
    letters = "".join(k.value for row in LETTERS.rows[:-1] for k in row)
    digits = "".join(k.value for row in DIGITS.rows[:-1] for k in row)
    assert (letters, sorted(digits)) == ("abcdefghijklmnopqrstuvwxyz", list("0123456789"))


@pytest.mark.parametrize(("row", "col"), [(-1, 0), (5, 0), (3, 5), (0, 7)])
def test_a_keyboard_cannot_focus_a_key_that_does_not_exist(row, col):
    with pytest.raises(ValueError, match="no key"):
        Keyboard(row=row, col=col)


# Address: a-g / h-n / o-u / v-z . - / [123 x2][http:// x2][退格][清空][完成]
# Address digits: 1 2 3 (x2) . / 4 5 6 (x2) : / 7 8 9 (x2) / / 0 (x2) - / the same function row


@pytest.mark.parametrize(
    ("layout", "start", "key", "expected"),
    [
        ("url", "z", RIGHT, "."),
        ("url", ".", RIGHT, "-"),
        ("url", "-", RIGHT, EDGE),
        ("url", "-", DOWN, "完成"),
        ("url", "v", DOWN, "123"),
        ("url", "x", DOWN, "http://"),
        ("url", "完成", UP, "-"),
        ("url", "完成", RIGHT, EDGE),
        ("url_digits", "3", RIGHT, "."),
        ("url_digits", ".", DOWN, ":"),
        ("url_digits", "/", DOWN, "-"),
        ("url_digits", "-", DOWN, "http://"),
        ("url_digits", "0", DOWN, "ABC"),
    ],
)
def test_the_address_layouts_move_like_the_others(layout, start, key, expected):
    test_arrows_move_without_wrapping_or_losing_focus(layout, start, key, expected)


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        (["http://", "b", "o", "x"], "http://box"),
        (["http://", "1", "0", ".", "0", ".", "0", ".", "2", ":", "8", "0"], "http://10.0.0.2:80"),
        (["http://", "e", "d", "u", "-", "t", "v", "/"], "http://edu-tv/"),
        (["b", "o", "x", "退格", "清空"], ""),
    ],
)
def test_an_address_can_be_typed_with_arrows_and_ok(keys, text):
    keyboard = Keyboard(layout="url")
    for label in keys:
        layout = (
            "url" if any(k.label("zh") == label for row in URL.rows for k in row) else "url_digits"
        )
        keyboard = type_keys(Keyboard(layout, text=keyboard.text), label)
    assert keyboard.text == text


@pytest.mark.parametrize(("layout", "back"), [("url", "url_digits"), ("url_digits", "url")])
def test_the_address_switch_key_stays_under_focus(layout, back):
    keyboard = at(layout, "完成").typed("http://box")
    switch = Keyboard(layout, keyboard.row, 0, keyboard.text)
    switched = switch.press(OK)
    assert (switched.layout, switched.row, switched.col) == (back, switch.row, 0)
    assert switched.press(OK).layout == layout


def test_done_types_nothing_and_tells_the_screen():
    keyboard = at("url", "完成").typed("http://box")
    assert keyboard.on_done(OK) and keyboard.handles(OK)
    assert keyboard.press(OK) == keyboard
    assert not keyboard.on_done(KeyPress(Action.DIGIT, 1))
    assert not at("url", "a").on_done(OK)
    assert not at("letters", "a").on_done(OK)


def test_the_address_layouts_share_their_function_row_and_fit_the_grid():
    assert URL.rows[-1][1:] == URL_DIGITS.rows[-1][1:]
    assert [k.kind for k in URL.rows[-1]] == [
        KeyKind.SWITCH, KeyKind.CHAR, KeyKind.DELETE, KeyKind.CLEAR, KeyKind.DONE
    ]  # fmt: skip
    for layout in (URL, URL_DIGITS):
        assert max(sum(k.span for k in row) for row in layout.rows) == 7
        assert len(layout.rows) == len(LETTERS.rows)  # the keyboard keeps its height
    typed = "".join(k.value for layout in (URL, URL_DIGITS) for row in layout.rows for k in row)
    assert set("abcdefghijklmnopqrstuvwxyz0123456789.:/-") <= set(typed)
    assert URL_MAX_LENGTH >= 64 and Keyboard(max_length=URL_MAX_LENGTH).typed("x" * 70).text


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["123", "http://", "退格", "清空", "完成"]),
        ("en", ["123", "http://", "Delete", "Clear", "Done"]),
    ],
)
def test_the_address_function_row_is_labelled_in_each_language(lang, labels):
    assert [k.label for k in Keyboard(layout="url", lang=lang).rows()[-1]] == labels

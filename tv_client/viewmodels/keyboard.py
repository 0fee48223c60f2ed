"""The on-screen keyboard (search, and the backend address in settings), arrows and OK alone.

Layouts are data: rows of `Key`s, each ``span`` grid units wide (a wide space bar), rows of
unequal length allowed. Letters come seven to a row, as on Android TV, Youku and iQIYI search
keyboards; people type pinyin initials (``sx`` for 数学), full pinyin or English. The function
row is the same in every layout of a pair, so the switch key (123 / ABC) stays under focus when
pressed. Search uses ``letters``/``digits``; a server address uses ``url``/``url_digits``, which
add ``. - : /``, an ``http://`` key in place of the space bar and a 完成 Done key that types
nothing: the screen sees OK on it (`Keyboard.on_done`) and takes the text.

Movement never wraps and never loses focus: left/right stop at a row's ends; up/down go to the
key under the same point of the grid, or the nearest one in a shorter row. That point is kept
while moving up and down (``anchor``), so down then up comes back to the key it started from.

`Keyboard` is immutable: `Keyboard.press` returns the next keyboard, `Keyboard.handles` says
whether a key is used at all (an arrow at an edge, Back with nothing typed: the screen's turn).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from tv_client.navigation.focus import Direction
from tv_client.navigation.keys import Action, KeyPress

MAX_LENGTH = 32


class KeyKind(enum.Enum):
    """What pressing OK on a key does."""

    CHAR = "char"  # types its value
    SPACE = "space"
    DELETE = "delete"  # 退格: the last character
    CLEAR = "clear"  # 清空: everything
    SWITCH = "switch"  # to the layout named by its value
    DONE = "done"  # 完成: nothing here; the screen takes the text


@dataclass(frozen=True)
class Key:
    """One key: its kind, what it types or switches to, its width and its labels."""

    kind: KeyKind
    value: str = ""
    span: int = 1
    zh: str = ""
    en: str = ""

    def label(self, lang: str) -> str:
        """The label in ``lang`` ("zh" or "en"); a character key shows its character."""
        if self.kind is KeyKind.CHAR:
            return self.value
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Layout:
    """A named grid of keys, row by row."""

    name: str
    rows: tuple[tuple[Key, ...], ...]

    def start(self, row: int, col: int) -> int:
        """The grid unit where the key at (row, col) begins."""
        return sum(key.span for key in self.rows[row][:col])

    def centre(self, row: int, col: int) -> float:
        return self.start(row, col) + self.rows[row][col].span / 2

    def nearest(self, row: int, x: float) -> int:
        """The column of ``row`` whose key covers ``x``, else the nearest one (left on a tie)."""

        def distance(col: int) -> float:
            start = self.start(row, col)
            return max(0.0, start - x, x - (start + self.rows[row][col].span))

        return min(range(len(self.rows[row])), key=distance)


def _chars(chars: str, span: int = 1) -> tuple[Key, ...]:
    return tuple(Key(KeyKind.CHAR, char, span) for char in chars)


def _function_row(switch_label: str, switch_to: str) -> tuple[Key, ...]:
    return (
        Key(KeyKind.SWITCH, switch_to, 2, switch_label, switch_label),
        Key(KeyKind.SPACE, " ", 3, "空格", "Space"),
        Key(KeyKind.DELETE, span=1, zh="退格", en="Delete"),
        Key(KeyKind.CLEAR, span=1, zh="清空", en="Clear"),
    )


LETTERS = Layout(
    "letters",
    (
        _chars("abcdefg"),
        _chars("hijklmn"),
        _chars("opqrstu"),
        _chars("vwxyz"),
        _function_row("123", "digits"),
    ),
)
DIGITS = Layout(
    "digits",
    (
        _chars("123", span=2),
        _chars("456", span=2),
        _chars("789", span=2),
        _chars("0", span=2),
        _function_row("ABC", "letters"),
    ),
)


def _url_function_row(switch_label: str, switch_to: str) -> tuple[Key, ...]:
    return (
        Key(KeyKind.SWITCH, switch_to, 2, switch_label, switch_label),
        Key(KeyKind.CHAR, "http://", 2),
        Key(KeyKind.DELETE, span=1, zh="退格", en="Delete"),
        Key(KeyKind.CLEAR, span=1, zh="清空", en="Clear"),
        Key(KeyKind.DONE, span=1, zh="完成", en="Done"),
    )


URL = Layout(
    "url",
    (
        _chars("abcdefg"),
        _chars("hijklmn"),
        _chars("opqrstu"),
        _chars("vwxyz.-"),
        _url_function_row("123", "url_digits"),
    ),
)
URL_DIGITS = Layout(
    "url_digits",
    (
        _chars("123", span=2) + _chars("."),
        _chars("456", span=2) + _chars(":"),
        _chars("789", span=2) + _chars("/"),
        _chars("0", span=2) + _chars("-"),
        _url_function_row("ABC", "url"),
    ),
)
LAYOUTS: Mapping[str, Layout] = MappingProxyType(
    {layout.name: layout for layout in (LETTERS, DIGITS, URL, URL_DIGITS)}
)
URL_MAX_LENGTH = 100

PLACEHOLDER = MappingProxyType(
    {
        "zh": "输入拼音首字母，如 sx = 数学",
        "en": "Type pinyin initials or English, e.g. sx = 数学",
    }
)


@dataclass(frozen=True)
class KeyView:
    """What a view draws for one key."""

    label: str
    focused: bool
    span: int
    kind: KeyKind


@dataclass(frozen=True)
class Keyboard:
    """The keyboard's whole state: layout, focused key (row, col), typed text, language.

    ``anchor`` is the grid point that up/down aim at; horizontal moves and typing reset it.
    """

    layout: str = LETTERS.name
    row: int = 0
    col: int = 0
    text: str = ""
    lang: str = "zh"
    max_length: int = MAX_LENGTH
    anchor: float | None = None

    def __post_init__(self) -> None:
        rows = LAYOUTS[self.layout].rows
        if not (0 <= self.row < len(rows) and 0 <= self.col < len(rows[self.row])):
            raise ValueError(f"no key at row {self.row}, column {self.col} of {self.layout}")

    @property
    def grid(self) -> Layout:
        return LAYOUTS[self.layout]

    @property
    def focused_key(self) -> Key:
        return self.grid.rows[self.row][self.col]

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER["en" if self.lang == "en" else "zh"]

    def rows(self) -> tuple[tuple[KeyView, ...], ...]:
        """Every key to draw, row by row, with the focused one marked."""
        return tuple(
            tuple(
                KeyView(key.label(self.lang), (r, c) == (self.row, self.col), key.span, key.kind)
                for c, key in enumerate(keys)
            )
            for r, keys in enumerate(self.grid.rows)
        )

    def handles(self, key_press: KeyPress) -> bool:
        """Whether `press` uses this key; if not, the screen acts on it (Back goes back)."""
        direction = Direction.of(key_press.action)
        if direction is not None:
            return self._moved(direction) is not None
        if key_press.action is Action.BACK:
            return bool(self.text)
        return key_press.action in (Action.OK, Action.DIGIT)

    def press(self, key_press: KeyPress) -> Keyboard:
        """The keyboard after a key; itself for a key it does not handle (see `handles`)."""
        direction = Direction.of(key_press.action)
        if direction is not None:
            return self._moved(direction) or self
        if key_press.action is Action.OK:
            return self._activate(self.focused_key)
        if key_press.action is Action.DIGIT:
            return self.typed(str(key_press.digit))
        if key_press.action is Action.BACK:
            return self.deleted()
        return self

    def on_done(self, key_press: KeyPress) -> bool:
        """Whether ``key_press`` is OK on the 完成 Done key: the screen takes the text."""
        return key_press.action is Action.OK and self.focused_key.kind is KeyKind.DONE

    def typed(self, chars: str) -> Keyboard:
        """The text with ``chars`` appended, up to ``max_length``; no leading or double spaces."""
        text = self.text
        for char in chars:
            if char == " " and (not text or text.endswith(" ")):
                continue
            text += char
        return replace(self, text=text[: self.max_length], anchor=None)

    def deleted(self) -> Keyboard:
        """The text without its last character."""
        return replace(self, text=self.text[:-1], anchor=None)

    def cleared(self) -> Keyboard:
        return replace(self, text="", anchor=None)

    def switched(self, layout: str) -> Keyboard:
        """Another layout, focus on the key nearest the same place (the switch key stays)."""
        target = LAYOUTS[layout]
        row = min(self.row, len(target.rows) - 1)
        col = target.nearest(row, self.grid.centre(self.row, self.col))
        return replace(self, layout=layout, row=row, col=col, anchor=None)

    def _activate(self, key: Key) -> Keyboard:
        if key.kind is KeyKind.DELETE:
            return self.deleted()
        if key.kind is KeyKind.CLEAR:
            return self.cleared()
        if key.kind is KeyKind.SWITCH:
            return self.switched(key.value)
        if key.kind is KeyKind.DONE:
            return self
        return self.typed(key.value)

    def _moved(self, direction: Direction) -> Keyboard | None:
        """The keyboard with focus one key over, or None at an edge."""
        if direction is Direction.LEFT:
            return replace(self, col=self.col - 1, anchor=None) if self.col > 0 else None
        if direction is Direction.RIGHT:
            last = len(self.grid.rows[self.row]) - 1
            return replace(self, col=self.col + 1, anchor=None) if self.col < last else None
        row = self.row + (1 if direction is Direction.DOWN else -1)
        if not 0 <= row < len(self.grid.rows):
            return None
        anchor = self.grid.centre(self.row, self.col) if self.anchor is None else self.anchor
        return replace(self, row=row, col=self.grid.nearest(row, anchor), anchor=anchor)

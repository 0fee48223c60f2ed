"""One table from raw remote-control key codes to actions; screens see actions, never codes.

Codes live in two namespaces:

- ``"sdl"``: the key codes Kivy's ``Window.on_key_down`` delivers (desktop and Linux boxes, and
  what SDL translates on Android): Kivy's own codes for arrows (273-276), Home/PageUp/PageDown
  (278/280/281), F1-F15 (282-296) and the keypad (256-271); ASCII for the rest of the keyboard;
  raw SDL2 keycodes (``0x40000000 | scancode``) for keys Kivy does not translate, such as the
  media keys, Menu and the "AC" keys (Kivy itself turns Android's AC_BACK into 27).
- ``"android"``: Android ``KeyEvent.KEYCODE_*`` values, for keys a box's remote sends that SDL
  does not translate (colour keys, CH+/CH-, Info...), read from the Android side.

Carrier override file (JSON), so a box's remote can be remapped without code::

    {
      "format": "edutv.keymap",
      "version": 1,
      "namespace": "sdl",
      "description": "optional free text",
      "keys": {"1073741942": "MENU", "403": "RED", "48": "DIGIT_0", "8": null}
    }

Codes are decimal integers written as strings (JSON object keys); actions are `Action` names,
case-insensitive, with ``DIGIT_0`` .. ``DIGIT_9`` for the digits. An entry adds a code or
replaces its action; ``null`` removes the code from the table. The whole file is checked before
anything is applied, and every problem is reported at once.

Exceptions (all raised from this module)::

    KeyMapError (ValueError)
     ├── KeyMapFileError      the file cannot be read or is not JSON
     ├── KeyMapContentError   wrong format/version/namespace, bad codes or actions;
     │                        ``.problems`` lists each one
     └── UnknownNamespaceError  a namespace other than "sdl" or "android"
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from types import MappingProxyType

SDL = "sdl"
ANDROID = "android"
NAMESPACES = (SDL, ANDROID)

FORMAT = "edutv.keymap"
VERSION = 1


class Action(enum.Enum):
    """What a key means to a screen."""

    UP = "UP"
    DOWN = "DOWN"
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    OK = "OK"
    BACK = "BACK"
    HOME = "HOME"
    MENU = "MENU"
    DIGIT = "DIGIT"
    CHANNEL_UP = "CHANNEL_UP"
    CHANNEL_DOWN = "CHANNEL_DOWN"
    RED = "RED"
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    BLUE = "BLUE"
    PLAY_PAUSE = "PLAY_PAUSE"
    PLAY = "PLAY"
    PAUSE = "PAUSE"
    STOP = "STOP"
    REWIND = "REWIND"
    FAST_FORWARD = "FAST_FORWARD"
    INFO = "INFO"
    SEARCH = "SEARCH"


@dataclass(frozen=True)
class KeyPress:
    """An action, plus the digit's value when the action is `Action.DIGIT`."""

    action: Action
    digit: int | None = None

    def __post_init__(self) -> None:
        is_digit = self.action is Action.DIGIT
        if is_digit != (self.digit is not None) or (is_digit and not 0 <= self.digit <= 9):
            raise ValueError(f"KeyPress({self.action.name}, digit={self.digit!r}) is inconsistent")

    @property
    def name(self) -> str:
        """The name used in override files: ``"UP"``, ``"DIGIT_7"``."""
        return self.action.name if self.digit is None else f"DIGIT_{self.digit}"

    @classmethod
    def parse(cls, name: str) -> KeyPress:
        """The key press for a name such as ``"MENU"`` or ``"digit_3"`` (case-insensitive).

        Raises:
            ValueError: the name is not an action.
        """
        upper = name.strip().upper()
        digit = re.fullmatch(r"DIGIT_([0-9])", upper)
        if digit:
            return cls(Action.DIGIT, int(digit.group(1)))
        if upper == "DIGIT" or upper not in Action.__members__:
            raise ValueError(f"unknown action {name!r}")
        return cls(Action[upper])


class KeyMapError(ValueError):
    """Base of every key-map error."""


class KeyMapFileError(KeyMapError):
    """The override file cannot be read, or is not JSON."""


class KeyMapContentError(KeyMapError):
    """The override file is JSON but not a valid key map; ``problems`` names each bad entry."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid key map {source}:\n{lines}")


class UnknownNamespaceError(KeyMapError):
    """A namespace other than ``"sdl"`` or ``"android"``."""


def _check_namespace(namespace: str) -> str:
    if namespace not in NAMESPACES:
        raise UnknownNamespaceError(
            f"unknown key namespace {namespace!r} (expected one of {', '.join(NAMESPACES)})"
        )
    return namespace


Codes = Mapping[int, KeyPress]


@dataclass(frozen=True)
class KeyTable:
    """An immutable mapping from (namespace, code) to `KeyPress`."""

    codes: Mapping[str, Codes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ns in self.codes:
            _check_namespace(ns)
        frozen = {ns: MappingProxyType(dict(self.codes.get(ns, {}))) for ns in NAMESPACES}
        object.__setattr__(self, "codes", MappingProxyType(frozen))

    def lookup(self, code: int, namespace: str = SDL) -> KeyPress | None:
        """The key press for a raw code, or None when the code is not mapped."""
        return self.codes[_check_namespace(namespace)].get(code)

    def with_overrides(
        self, mapping: Mapping[int, KeyPress | None], namespace: str = SDL
    ) -> KeyTable:
        """A new table where ``mapping`` adds or replaces codes; a None value removes the code."""
        merged = dict(self.codes[_check_namespace(namespace)])
        for code, press in mapping.items():
            if press is None:
                merged.pop(code, None)
            else:
                merged[code] = press
        return KeyTable({**self.codes, namespace: merged})

    def describe(self, code: int, namespace: str = SDL) -> str:
        """``"273 -> UP"``, ``"999 -> (not mapped)"``: for the settings screen's key tester."""
        press = self.lookup(code, namespace)
        return f"{code} -> {press.name if press else '(not mapped)'}"

    def entries(self, namespace: str = SDL) -> list[tuple[int, KeyPress]]:
        """Every mapped code of a namespace, sorted by code."""
        return sorted(self.codes[_check_namespace(namespace)].items(), key=lambda e: e[0])


def _digits(first_code: int) -> dict[int, KeyPress]:
    return {first_code + d: KeyPress(Action.DIGIT, d) for d in range(10)}


def _actions(**groups: tuple[int, ...]) -> dict[int, KeyPress]:
    return {code: KeyPress(Action[name]) for name, codes in groups.items() for code in codes}


_SDLK = 0x40000000  # SDL2 keycodes of keys without a character: this bit | the scancode

_SDL_DEFAULTS = {
    **_digits(48),  # 0-9 on the main keyboard
    **_digits(256),  # keypad 0-9
    **_actions(
        UP=(273,),
        DOWN=(274,),
        LEFT=(276,),
        RIGHT=(275,),
        OK=(13, 271),  # Enter, keypad Enter
        BACK=(27, 8, _SDLK | 270),  # Escape, Backspace, AC_BACK
        HOME=(278, _SDLK | 269),  # Home, AC_HOME
        MENU=(ord("m"), 291, _SDLK | 118, _SDLK | 101),  # m, F10, Menu, Application
        CHANNEL_UP=(280,),  # Page Up
        CHANNEL_DOWN=(281,),  # Page Down
        RED=(282,),  # F1
        GREEN=(283,),  # F2
        YELLOW=(284,),  # F3
        BLUE=(285,),  # F4
        PLAY_PAUSE=(32, _SDLK | 261),  # Space, AUDIOPLAY (SDL2 has one play/pause key)
        STOP=(_SDLK | 260,),  # AUDIOSTOP
        REWIND=(_SDLK | 285,),  # AUDIOREWIND
        FAST_FORWARD=(_SDLK | 286,),  # AUDIOFASTFORWARD
        INFO=(ord("i"),),
        SEARCH=(ord("/"), _SDLK | 268),  # /, AC_SEARCH
    ),
}

_ANDROID_DEFAULTS = {
    **_digits(7),  # KEYCODE_0..KEYCODE_9
    **_digits(144),  # KEYCODE_NUMPAD_0..9
    **_actions(
        UP=(19,),
        DOWN=(20,),
        LEFT=(21,),
        RIGHT=(22,),
        OK=(23, 66, 160),  # DPAD_CENTER, ENTER, NUMPAD_ENTER
        BACK=(4, 111, 67),  # BACK, ESCAPE, DEL (Backspace)
        HOME=(3, 122),  # HOME, MOVE_HOME
        MENU=(82, 41, 140),  # MENU, M, F10
        CHANNEL_UP=(166, 92),  # CHANNEL_UP, PAGE_UP
        CHANNEL_DOWN=(167, 93),  # CHANNEL_DOWN, PAGE_DOWN
        RED=(183, 131),  # PROG_RED, F1
        GREEN=(184, 132),  # PROG_GREEN, F2
        YELLOW=(185, 133),  # PROG_YELLOW, F3
        BLUE=(186, 134),  # PROG_BLUE, F4
        PLAY_PAUSE=(85, 62),  # MEDIA_PLAY_PAUSE, SPACE
        PLAY=(126,),
        PAUSE=(127,),
        STOP=(86,),
        REWIND=(89,),
        FAST_FORWARD=(90,),
        INFO=(165, 37),  # INFO, I
        SEARCH=(84,),
    ),
}

DEFAULT = KeyTable({SDL: _SDL_DEFAULTS, ANDROID: _ANDROID_DEFAULTS})


def describe(code: int, namespace: str = SDL, table: KeyTable = DEFAULT) -> str:
    """``"273 -> UP"`` or ``"999 -> (not mapped)"`` in ``table`` (default: `DEFAULT`)."""
    return table.describe(code, namespace)


def load_overrides(path: str | PathLike[str], base: KeyTable = DEFAULT) -> KeyTable:
    """``base`` with a carrier override file applied (format in the module docstring).

    Raises:
        KeyMapFileError: the file cannot be read or is not JSON.
        KeyMapContentError: anything in it is invalid; every problem is listed.
    """
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KeyMapFileError(f"cannot read key map {path}: {error}") from error
    namespace, mapping = parse_overrides(document, source=str(path))
    return base.with_overrides(mapping, namespace)


_FIELDS = {"format", "version", "namespace", "description", "keys"}


def parse_overrides(
    document: object, source: str = "<keymap>"
) -> tuple[str, dict[int, KeyPress | None]]:
    """Validate a decoded override document whole: ``(namespace, {code: KeyPress | None})``.

    Raises:
        KeyMapContentError: listing every problem found.
    """
    if not isinstance(document, dict):
        raise KeyMapContentError(source, ["the document must be a JSON object"])
    problems = _header_problems(document)
    keys = document.get("keys")
    mapping: dict[int, KeyPress | None] = {}
    if not isinstance(keys, dict):
        problems.append('"keys" must be an object of "code": "ACTION" (or null)')
    else:
        for raw_code, raw_action in keys.items():
            _parse_entry(raw_code, raw_action, mapping, problems)
    if problems:
        raise KeyMapContentError(source, problems)
    return document["namespace"], mapping


def _header_problems(document: dict) -> list[str]:
    problems = [f"unknown field {name!r}" for name in sorted(set(document) - _FIELDS)]
    if document.get("format") != FORMAT:
        problems.append(f'"format" must be {FORMAT!r}, not {document.get("format")!r}')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        problems.append(f'"version" must be {VERSION}, not {version!r}')
    if document.get("namespace") not in NAMESPACES:
        allowed = " or ".join(repr(n) for n in NAMESPACES)
        problems.append(f'"namespace" must be {allowed}, not {document.get("namespace")!r}')
    return problems


def _parse_entry(raw_code: str, raw_action: object, mapping: dict, problems: list[str]) -> None:
    entry = f"entry {raw_code!r}: {raw_action!r}"
    if not re.fullmatch(r"[0-9]{1,10}", raw_code):
        problems.append(f"{entry}: the code must be a non-negative decimal integer")
        return
    if raw_action is None:
        mapping[int(raw_code)] = None
        return
    if not isinstance(raw_action, str):
        problems.append(f"{entry}: the action must be an action name or null")
        return
    try:
        mapping[int(raw_code)] = KeyPress.parse(raw_action)
    except ValueError:
        problems.append(f"{entry}: unknown action (expected one of {_action_names()})")


def _action_names() -> str:
    names = [a.name for a in Action if a is not Action.DIGIT]
    return ", ".join([*names, "DIGIT_0..DIGIT_9"])

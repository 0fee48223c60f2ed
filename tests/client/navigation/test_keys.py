"""The key table: default mappings, carrier overrides, bad override files, describe()."""

from __future__ import annotations

import json

import pytest

from tv_client.navigation.keys import (
    ANDROID,
    DEFAULT,
    SDL,
    Action,
    KeyMapContentError,
    KeyMapError,
    KeyMapFileError,
    KeyPress,
    KeyTable,
    UnknownNamespaceError,
    describe,
    load_overrides,
    parse_overrides,
)

A = Action
SDLK = 0x40000000

SDL_DEFAULTS = [
    (273, A.UP),
    (274, A.DOWN),
    (276, A.LEFT),
    (275, A.RIGHT),
    (13, A.OK),
    (271, A.OK),
    (27, A.BACK),
    (8, A.BACK),
    (SDLK | 270, A.BACK),
    (278, A.HOME),
    (SDLK | 269, A.HOME),
    (ord("m"), A.MENU),
    (291, A.MENU),
    (1073741942, A.MENU),
    (SDLK | 101, A.MENU),
    (280, A.CHANNEL_UP),
    (281, A.CHANNEL_DOWN),
    (282, A.RED),
    (283, A.GREEN),
    (284, A.YELLOW),
    (285, A.BLUE),
    (32, A.PLAY_PAUSE),
    (SDLK | 261, A.PLAY_PAUSE),
    (SDLK | 260, A.STOP),
    (SDLK | 285, A.REWIND),
    (SDLK | 286, A.FAST_FORWARD),
    (ord("i"), A.INFO),
    (ord("/"), A.SEARCH),
    (SDLK | 268, A.SEARCH),
]

ANDROID_DEFAULTS = [
    (19, A.UP),
    (20, A.DOWN),
    (21, A.LEFT),
    (22, A.RIGHT),
    (23, A.OK),
    (66, A.OK),
    (160, A.OK),
    (4, A.BACK),
    (111, A.BACK),
    (67, A.BACK),
    (3, A.HOME),
    (122, A.HOME),
    (82, A.MENU),
    (41, A.MENU),
    (140, A.MENU),
    (166, A.CHANNEL_UP),
    (92, A.CHANNEL_UP),
    (167, A.CHANNEL_DOWN),
    (93, A.CHANNEL_DOWN),
    (183, A.RED),
    (131, A.RED),
    (184, A.GREEN),
    (132, A.GREEN),
    (185, A.YELLOW),
    (133, A.YELLOW),
    (186, A.BLUE),
    (134, A.BLUE),
    (85, A.PLAY_PAUSE),
    (62, A.PLAY_PAUSE),
    (126, A.PLAY),
    (127, A.PAUSE),
    (86, A.STOP),
    (89, A.REWIND),
    (90, A.FAST_FORWARD),
    (165, A.INFO),
    (37, A.INFO),
    (84, A.SEARCH),
]

DIGITS = [
    *[(SDL, 48 + d, d) for d in range(10)],
    *[(SDL, 256 + d, d) for d in range(10)],
    *[(ANDROID, 7 + d, d) for d in range(10)],
    *[(ANDROID, 144 + d, d) for d in range(10)],
]


@pytest.mark.parametrize(("code", "action"), SDL_DEFAULTS)
def test_sdl_default(code, action):
    assert DEFAULT.lookup(code) == KeyPress(action)
    assert DEFAULT.lookup(code, SDL) == KeyPress(action)


@pytest.mark.parametrize(("code", "action"), ANDROID_DEFAULTS)
def test_android_default(code, action):
    assert DEFAULT.lookup(code, ANDROID) == KeyPress(action)


@pytest.mark.parametrize(("namespace", "code", "digit"), DIGITS)
def test_digit_defaults(namespace, code, digit):
    assert DEFAULT.lookup(code, namespace) == KeyPress(Action.DIGIT, digit)


@pytest.mark.parametrize(
    ("namespace", "table"),
    [
        (SDL, SDL_DEFAULTS + [(c, A.DIGIT) for ns, c, _ in DIGITS if ns == SDL]),
        (ANDROID, ANDROID_DEFAULTS + [(c, A.DIGIT) for ns, c, _ in DIGITS if ns == ANDROID]),
    ],
)
def test_the_tests_cover_every_default(namespace, table):
    assert sorted(code for code, _ in DEFAULT.entries(namespace)) == sorted(c for c, _ in table)


def test_every_action_reachable_in_both_namespaces():
    for namespace in (SDL, ANDROID):
        reachable = {press.action for _, press in DEFAULT.entries(namespace)}
        expected = set(Action) - ({A.PLAY, A.PAUSE} if namespace == SDL else set())
        assert expected <= reachable, namespace


@pytest.mark.parametrize(("code", "namespace"), [(999, SDL), (0, SDL), (19, SDL), (273, ANDROID)])
def test_unmapped(code, namespace):
    assert DEFAULT.lookup(code, namespace) is None


def test_unknown_namespace():
    with pytest.raises(UnknownNamespaceError, match="'ios'"):
        DEFAULT.lookup(13, "ios")
    assert issubclass(UnknownNamespaceError, KeyMapError)


@pytest.mark.parametrize(
    ("name", "press"),
    [
        ("UP", KeyPress(A.UP)),
        ("menu", KeyPress(A.MENU)),
        (" Fast_Forward ", KeyPress(A.FAST_FORWARD)),
        ("DIGIT_0", KeyPress(A.DIGIT, 0)),
        ("digit_9", KeyPress(A.DIGIT, 9)),
    ],
)
def test_parse_names(name, press):
    assert KeyPress.parse(name) == press


@pytest.mark.parametrize("name", ["DIGIT", "DIGIT_10", "DIGIT_", "VOLUME_UP", ""])
def test_parse_rejects(name):
    with pytest.raises(ValueError, match="unknown action"):
        KeyPress.parse(name)


@pytest.mark.parametrize(
    ("action", "digit"), [(A.DIGIT, None), (A.DIGIT, 10), (A.DIGIT, -1), (A.UP, 3)]
)
def test_inconsistent_keypress(action, digit):
    with pytest.raises(ValueError, match="inconsistent"):
        KeyPress(action, digit)


@pytest.mark.parametrize(
    ("press", "name"), [(KeyPress(A.OK), "OK"), (KeyPress(A.DIGIT, 4), "DIGIT_4")]
)
def test_keypress_name(press, name):
    assert press.name == name
    assert KeyPress.parse(name) == press


# ---- overrides -----------------------------------------------------------------------------


def test_with_overrides_adds_replaces_and_removes():
    table = DEFAULT.with_overrides({403: KeyPress(A.RED), 13: KeyPress(A.INFO), 8: None, 7: None})
    assert table.lookup(403) == KeyPress(A.RED)
    assert table.lookup(13) == KeyPress(A.INFO)
    assert table.lookup(8) is None
    assert table.lookup(7) is None  # removing an absent code is harmless
    assert table.lookup(27) == KeyPress(A.BACK)
    assert table.lookup(4, ANDROID) == KeyPress(A.BACK)  # the other namespace is untouched


def test_with_overrides_leaves_the_original_alone():
    DEFAULT.with_overrides({13: None})
    assert DEFAULT.lookup(13) == KeyPress(A.OK)


def test_table_is_immutable():
    with pytest.raises(TypeError):
        DEFAULT.codes[SDL][13] = KeyPress(A.BACK)  # type: ignore[index]


def test_empty_table():
    assert KeyTable().lookup(13) is None
    assert KeyTable().entries(ANDROID) == []


def test_table_rejects_unknown_namespace():
    with pytest.raises(UnknownNamespaceError):
        KeyTable({"web": {}})


def _write(tmp_path, document) -> str:
    path = tmp_path / "keymap.json"
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _doc(keys, **header):
    return {"format": "edutv.keymap", "version": 1, "namespace": "sdl", "keys": keys, **header}


@pytest.mark.parametrize(
    ("keys", "code", "expected"),
    [
        ({"1073741942": "MENU"}, 1073741942, KeyPress(A.MENU)),  # already default
        ({"403": "RED"}, 403, KeyPress(A.RED)),  # added
        ({"13": "info"}, 13, KeyPress(A.INFO)),  # replaced, case-insensitive
        ({"48": "DIGIT_5"}, 48, KeyPress(A.DIGIT, 5)),  # digit replaced
        ({"8": None}, 8, None),  # removed
    ],
)
def test_load_overrides(tmp_path, keys, code, expected):
    table = load_overrides(_write(tmp_path, _doc(keys, description="carrier X remote")))
    assert table.lookup(code) == expected
    assert table.lookup(273) == KeyPress(A.UP)


def test_load_overrides_android_namespace(tmp_path):
    table = load_overrides(_write(tmp_path, _doc({"200": "GREEN"}, namespace="android")))
    assert table.lookup(200, ANDROID) == KeyPress(A.GREEN)
    assert table.lookup(200, SDL) is None


def test_load_overrides_onto_a_given_base(tmp_path):
    base = KeyTable({SDL: {1: KeyPress(A.OK)}})
    table = load_overrides(_write(tmp_path, _doc({"2": "BACK"})), base=base)
    assert table.entries() == [(1, KeyPress(A.OK)), (2, KeyPress(A.BACK))]


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (_doc({"403": "PURPLE"}), "entry '403': 'PURPLE': unknown action"),
        (_doc({"403": "DIGIT_10"}), "entry '403': 'DIGIT_10': unknown action"),
        (_doc({"F1": "RED"}), "entry 'F1': 'RED': the code must be a non-negative decimal"),
        (_doc({"-5": "RED"}), "entry '-5'"),
        (_doc({"4.0": "RED"}), "entry '4.0'"),
        (_doc({"0x193": "RED"}), "entry '0x193'"),
        (_doc({"": "RED"}), "entry ''"),
        (_doc({"403": 5}), "entry '403': 5: the action must be an action name or null"),
        (_doc({"403": ["RED"]}), "entry '403': ['RED']"),
        (_doc({}, format="other.keymap"), "\"format\" must be 'edutv.keymap', not 'other.keymap'"),
        ({"version": 1, "namespace": "sdl", "keys": {}}, '"format" must be'),
        (_doc({}, version=2), '"version" must be 1, not 2'),
        (_doc({}, version="1"), "\"version\" must be 1, not '1'"),
        (_doc({}, version=True), '"version" must be 1, not True'),
        (_doc({}, namespace="ios"), "\"namespace\" must be 'sdl' or 'android', not 'ios'"),
        (_doc([]), '"keys" must be an object'),
        (_doc({}, key={"1": "UP"}), "unknown field 'key'"),
        ([], "the document must be a JSON object"),
    ],
)
def test_bad_override_files(tmp_path, document, named):
    with pytest.raises(KeyMapContentError) as caught:
        load_overrides(_write(tmp_path, document))
    assert named in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path):
    document = _doc({"403": "PURPLE", "x": "RED", "13": "OK"}, version=3)
    with pytest.raises(KeyMapContentError) as caught:
        load_overrides(_write(tmp_path, document))
    problems = caught.value.problems
    assert len(problems) == 3
    assert any("'403'" in p for p in problems)
    assert any("'x'" in p for p in problems)
    assert any('"version"' in p for p in problems)


@pytest.mark.parametrize("text", ["{not json", "", '{"format": "edutv.keymap",}'])
def test_unparseable_file(tmp_path, text):
    with pytest.raises(KeyMapFileError, match="cannot read key map"):
        load_overrides(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(KeyMapFileError, match=r"missing\.json"):
        load_overrides(tmp_path / "missing.json")


def test_not_utf8(tmp_path):
    path = tmp_path / "keymap.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(KeyMapFileError):
        load_overrides(path)


def test_errors_are_value_errors():
    assert issubclass(KeyMapContentError, KeyMapError)
    assert issubclass(KeyMapFileError, KeyMapError)
    assert issubclass(KeyMapError, ValueError)


def test_parse_overrides_directly():
    namespace, mapping = parse_overrides(_doc({"1": "OK", "2": None}, namespace="android"))
    assert namespace == ANDROID
    assert mapping == {1: KeyPress(A.OK), 2: None}


# ---- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "namespace", "text"),
    [
        (273, SDL, "273 -> UP"),
        (999, SDL, "999 -> (not mapped)"),
        (52, SDL, "52 -> DIGIT_4"),
        (183, ANDROID, "183 -> RED"),
        (273, ANDROID, "273 -> (not mapped)"),
    ],
)
def test_describe(code, namespace, text):
    assert describe(code, namespace) == text


def test_describe_with_a_table():
    table = DEFAULT.with_overrides({999: KeyPress(A.SEARCH)})
    assert describe(999, table=table) == "999 -> SEARCH"
    assert table.describe(273) == "273 -> UP"

"""Live TV's remote rules: CH+/CH- wrapping and debounced, numbers typed, the banner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.guide import iso
from tv_client.viewmodels.live import BANNER_S, DIGIT_TIMEOUT_S, ZAP_SETTLE_S, LiveViewModel

T0 = datetime.fromisoformat("2024-05-03T02:10:00+00:00")  # 10:10 in Shanghai
OK, BACK, HOME = KeyPress(Action.OK), KeyPress(Action.BACK), KeyPress(Action.HOME)
UP, DOWN, INFO, MENU = (KeyPress(a) for a in (Action.UP, Action.DOWN, Action.INFO, Action.MENU))
CH_UP, CH_DOWN = KeyPress(Action.CHANNEL_UP), KeyPress(Action.CHANNEL_DOWN)
NUMBERS = {"a": 1, "b": 2, "c": 5, "d": 12, "e": 101}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def digit(d: int) -> KeyPress:
    return KeyPress(Action.DIGIT, d)


def programme(start_min: int, stop_min: int, title: str) -> dict:
    return {
        "start": iso(T0 + timedelta(minutes=start_min)),
        "stop": iso(T0 + timedelta(minutes=stop_min)),
        "title": {"zh": title, "en": title.upper()},
    }


def live(channel: str = "a") -> LiveViewModel:
    vm = LiveViewModel()
    # listed out of order: the view-model sorts by number
    vm.apply_channels(
        {
            "channels": [
                {"id": cid, "number": n, "name": {"zh": f"频道{n}", "en": f"Ch {n}"}}
                for cid, n in reversed(NUMBERS.items())
            ]
        }
    )
    vm.apply_now(
        {
            "now": iso(T0),
            "channels": [
                {"id": "a", "now": programme(-10, 20, "数学"), "next": programme(20, 50, "语文")},
                {"id": "b", "now": None, "next": None},
            ],
        }
    )
    vm.start(at(-100), channel)
    return vm


def tuned(commands) -> list[str]:
    return [c.channel.id for c in commands if c.kind == "tune"]


def kinds(commands) -> list[str]:
    return [c.kind for c in commands]


def test_start_tunes_and_shows_the_banner():
    vm = LiveViewModel()
    vm.apply_channels({"channels": [{"id": "x", "number": 3, "name": {"zh": "三"}}]})
    commands = vm.start(T0)
    assert kinds(commands) == ["tune", "show_banner"]
    assert tuned(commands) == ["x"]
    assert vm.banner_shown(T0 + timedelta(seconds=BANNER_S - 0.1))


@pytest.mark.parametrize(
    ("start", "keys", "shown"),
    [
        ("a", [CH_UP], "b"),
        ("a", [CH_DOWN], "e"),  # wraps below the first
        ("e", [CH_UP], "a"),  # wraps above the last
        ("b", [CH_UP, CH_UP], "d"),  # 2 -> 5 -> 12: by order, not by number + 1
        ("a", [CH_UP, CH_DOWN, CH_DOWN], "e"),
    ],
)
def test_channel_keys_step_in_number_order_and_wrap(start, keys, shown):
    vm = live(start)
    for n, key in enumerate(keys):
        assert kinds(vm.press(key, at(n * 0.1)))[-1] == "show_banner"
    assert vm.banner(at(1)).channel_id == shown
    vm.tick(at(10))
    assert vm.current.id == shown


def test_one_channel_key_tunes_at_once():
    vm = live("a")
    commands = vm.press(CH_UP, at(0))
    assert kinds(commands) == ["tune", "show_banner"]
    assert tuned(commands) == ["b"]
    assert vm.tick(at(5)) == []  # nothing left to tune
    assert vm.banner(at(1)).tuned
    assert tuned(vm.press(CH_UP, at(6))) == ["c"]  # rested: the next press tunes at once too


def test_a_held_channel_key_tunes_its_first_step_then_where_it_stops():
    vm = live("a")
    assert tuned(vm.press(CH_UP, at(0))) == ["b"]  # the first press of the burst
    for n in (1, 2):  # b -> c -> d, 0.2 s apart: the banner only
        assert tuned(vm.press(CH_UP, at(n * 0.2))) == []
        assert vm.tick(at(n * 0.2 + 0.1)) == []
    banner = vm.banner(at(0.5))
    assert (banner.channel_id, banner.number, banner.tuned) == ("d", "12", False)
    assert vm.current.id == "b"  # the picture is still the first step
    assert vm.tick(at(0.4 + ZAP_SETTLE_S - 0.01)) == []
    assert tuned(vm.tick(at(0.4 + ZAP_SETTLE_S))) == ["d"]
    assert vm.tick(at(5)) == []  # once
    assert vm.banner(at(5)).tuned


def test_a_burst_that_stops_on_the_tuned_channel_sends_no_more_tunes():
    vm = live("a")
    assert tuned(vm.press(CH_UP, at(0))) == ["b"]
    vm.press(CH_UP, at(0.1))  # c
    vm.press(CH_DOWN, at(0.2))  # back to b, which plays
    assert vm.tick(at(2)) == []


@pytest.mark.parametrize(
    ("digits", "gaps_then_tick", "expected"),
    [
        ([1, 2], [0.5, DIGIT_TIMEOUT_S], "d"),  # 1, 2, then rest: 12
        ([1, 0, 1], [0.5, 0.5], "e"),  # as many digits as the longest number: at once
        ([5], [DIGIT_TIMEOUT_S], "c"),
        ([0, 5], [0.5, DIGIT_TIMEOUT_S], "c"),  # 05 is 5
    ],
)
def test_digits_make_a_channel_number(digits, gaps_then_tick, expected):
    vm = live("a")
    moment, commands = 0.0, []
    for d, gap in zip(digits, [0.0, *gaps_then_tick], strict=False):
        moment += gap
        commands += vm.press(digit(d), at(moment))
    commands += vm.tick(at(moment + gaps_then_tick[-1]))
    assert tuned(commands) == [expected]
    assert vm.current.id == expected


def test_a_number_grows_on_the_banner_until_it_rests():
    vm = live("a")
    vm.press(digit(1), at(0))
    assert vm.tick(at(DIGIT_TIMEOUT_S - 0.1)) == []
    assert vm.banner(at(1)).entry == "1"
    vm.press(digit(2), at(1.0))  # 1.0 s later: same number
    assert vm.banner(at(1.1)).entry == "12"
    assert vm.banner_shown(at(1.0 + BANNER_S + 1))  # shown while typing
    assert tuned(vm.tick(at(1.0 + DIGIT_TIMEOUT_S))) == ["d"]
    assert vm.banner(at(3)).entry == ""


def test_a_digit_after_the_timeout_starts_a_new_number_even_without_a_tick():
    vm = live("a")
    vm.press(digit(2), at(0))
    commands = vm.press(digit(5), at(DIGIT_TIMEOUT_S + 0.1))
    assert tuned(commands) == ["b"]
    assert vm.banner(at(2)).entry == "5"


def test_ok_tunes_the_number_at_once_and_back_cancels_it():
    vm = live("a")
    vm.press(digit(2), at(0))
    assert tuned(vm.press(OK, at(0.1))) == ["b"]
    vm.press(digit(5), at(1))
    assert vm.press(BACK, at(1.1)) == [vm.press(UP, at(1.1))[0]]  # a banner, not leaving
    assert vm.tick(at(5)) == []
    assert vm.current.id == "b"


def test_a_number_without_a_channel_says_so():
    vm = live("a")
    vm.press(digit(9), at(0))
    commands = vm.tick(at(DIGIT_TIMEOUT_S))
    assert kinds(commands) == ["message", "show_banner"]
    assert commands[0].text == "没有这个频道"
    assert vm.banner(at(2)).message == "没有这个频道"
    assert vm.current.id == "a"
    vm.press(UP, at(3))
    assert vm.banner(at(3)).message == ""


def test_a_digit_drops_a_zap_in_progress():
    vm = live("a")
    vm.press(CH_UP, at(0))
    vm.press(digit(5), at(0.1))
    assert tuned(vm.tick(at(0.1 + DIGIT_TIMEOUT_S))) == ["c"]
    assert vm.tick(at(10)) == []


def test_the_banner_shows_now_and_next_with_times_and_progress():
    banner = live("a").banner(at(0))
    assert (banner.number, banner.name) == ("01", "频道1")
    assert (banner.now_title, banner.now_time) == ("数学", "10:00–10:30")
    assert banner.progress == pytest.approx(10 / 30)
    assert (banner.next_title, banner.next_time) == ("语文", "10:30–11:00")


def test_next_becomes_now_once_it_starts():
    vm = live("a")
    banner = vm.banner(at(25 * 60))
    assert (banner.now_title, banner.next_title) == ("语文", "")
    assert banner.progress == pytest.approx(5 / 30)
    assert vm.needs_now(at(25 * 60))
    assert not vm.needs_now(at(0))


def test_a_channel_without_now_next_has_an_empty_banner():
    banner = live("b").banner(at(0))
    assert (banner.number, banner.now_title, banner.progress, banner.now_time) == (
        "02",
        "",
        None,
        "",
    )


def test_the_banner_hides_after_a_while_and_keys_show_or_hide_it():
    vm = live("a")  # started at -100 s
    assert not vm.banner_shown(at(0))
    assert kinds(vm.press(UP, at(0))) == ["show_banner"]
    assert vm.banner_shown(at(BANNER_S - 0.1))
    assert not vm.banner_shown(at(BANNER_S))
    assert kinds(vm.press(INFO, at(10))) == ["show_banner"]
    assert kinds(vm.press(INFO, at(11))) == ["hide_banner"]
    assert not vm.banner_shown(at(11))
    vm.press(CH_UP, at(20))
    assert vm.banner_shown(at(20 + BANNER_S - 0.1))
    assert kinds(vm.press(DOWN, at(21))) == ["hide_banner"]
    assert not vm.banner_shown(at(21))


def test_ok_shows_the_banner_then_opens_the_guide():
    vm = live("a")
    assert kinds(vm.press(OK, at(0))) == ["show_banner"]
    assert kinds(vm.press(OK, at(1))) == ["open_guide"]
    assert kinds(vm.press(MENU, at(100))) == ["open_guide"]


@pytest.mark.parametrize("key", [BACK, HOME])
def test_back_and_home_leave(key):
    assert live("a").press(key, at(0)) is None

"""The player's remote rules: pause, held seeks, digits, info, options, countdown, errors."""

from __future__ import annotations

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.player import (
    COUNTDOWN_S,
    OVERLAY_S,
    SETTLE_S,
    Command,
    Phase,
    PlayerViewModel,
)

OK, BACK = KeyPress(Action.OK), KeyPress(Action.BACK)
LEFT, RIGHT = KeyPress(Action.LEFT), KeyPress(Action.RIGHT)


def playing(at: float = 100.0, duration: float = 600.0, **kwargs) -> PlayerViewModel:
    vm = PlayerViewModel(**kwargs)
    vm.observe(Phase.PLAYING, at, duration, now=0.0)
    return vm


def test_ok_toggles_and_the_overlay_stays_while_paused():
    vm = playing()
    assert vm.press(OK, now=1.0) == [Command("toggle")]
    vm.observe(Phase.PAUSED, 100.0, 600.0, now=1.1)
    assert vm.overlay_shown(now=1000.0)
    vm.observe(Phase.PLAYING, 100.0, 600.0, now=1.2)
    assert vm.overlay_shown(now=1.0 + OVERLAY_S - 0.1)
    assert not vm.overlay_shown(now=1.0 + OVERLAY_S + 0.1)


@pytest.mark.parametrize(
    ("action", "phase", "expected"),
    [
        (Action.PLAY, Phase.PLAYING, []),
        (Action.PLAY, Phase.PAUSED, [Command("toggle")]),
        (Action.PAUSE, Phase.PAUSED, []),
        (Action.PAUSE, Phase.PLAYING, [Command("toggle")]),
        (Action.PLAY_PAUSE, Phase.PLAYING, [Command("toggle")]),
    ],
)
def test_media_keys_do_what_they_say(action, phase, expected):
    vm = PlayerViewModel()
    vm.observe(phase, 10, 60, now=0)
    assert vm.press(KeyPress(action), now=1) == expected


@pytest.mark.parametrize(
    ("gaps", "expected"),
    [
        ([], 110),  # one press: 10 s
        ([0.3], 120),  # held: 10 + 10
        ([0.3, 0.3], 140),  # 10 + 10 + 20
        ([0.3, 0.3, 0.3, 0.3, 0.3], 290),  # 10 + 10 + 20 + 30 + 60 + 60
        ([1.0], 120),  # two separate presses: 10 + 10, no acceleration
        ([1.0, 1.0], 130),
    ],
)
def test_held_right_accelerates_and_is_sent_once_it_rests(gaps, expected):
    vm = playing(at=100)
    now = 1.0
    assert vm.press(RIGHT, now) == []
    for gap in gaps:
        now += gap
        vm.press(RIGHT, now)
    assert vm.preview_s == expected and vm.position_s == 100  # previewed, not sent
    assert vm.tick(now + SETTLE_S / 2) == []
    sent = vm.tick(now + SETTLE_S + 0.01)
    assert sent == [Command("seek", expected)]
    assert vm.position_s == expected and vm.preview_s is None


def test_seeks_stay_inside_the_lesson():
    vm = playing(at=5, duration=60)
    vm.press(LEFT, now=1)
    assert vm.tick(2) == [Command("seek", 0.0)]
    vm.press(KeyPress(Action.DIGIT, 9), now=3)
    vm.press(RIGHT, now=3.1)
    assert vm.tick(4) == [Command("seek", 59.0)]  # never past the end: that would end it


@pytest.mark.parametrize(("digit", "target"), [(0, 0.0), (3, 180.0), (5, 300.0), (9, 540.0)])
def test_digits_jump_to_tenths(digit, target):
    vm = playing(duration=600)
    vm.press(KeyPress(Action.DIGIT, digit), now=1)
    assert vm.fraction() == pytest.approx(target / 600)
    assert vm.tick(2) == [Command("seek", target)]


def test_a_position_report_does_not_undo_a_seek_being_chosen():
    vm = playing(at=100)
    vm.press(RIGHT, now=1)
    vm.observe(Phase.PLAYING, 101, 600, now=1.1)
    assert vm.shown_position() == 110


def test_a_seek_starts_from_the_time_read_at_the_press_not_a_stale_report():
    vm = playing(at=0.06)  # the last report; the player has played on since
    vm.at(0.77)
    vm.press(RIGHT, now=1)
    assert vm.tick(2) == [Command("seek", pytest.approx(10.77))]
    vm.press(RIGHT, now=3)
    vm.at(12.0)  # read while a seek is being chosen: the preview keeps its place
    assert vm.shown_position() == pytest.approx(20.77)


def test_up_shows_info_down_hides_it_and_back_closes_it_before_leaving():
    vm = playing()
    vm.press(KeyPress(Action.UP), now=1)
    assert vm.info
    vm.press(KeyPress(Action.DOWN), now=2)
    assert not vm.info
    vm.press(KeyPress(Action.INFO), now=3)
    assert vm.info
    assert vm.press(BACK, now=4) == [] and not vm.info
    assert vm.press(BACK, now=5) is None  # the screen leaves


def test_options_change_speed_and_subtitles_when_there_are_some():
    vm = playing(has_subtitles=True)
    vm.press(KeyPress(Action.MENU), now=1)
    assert vm.focus_id() == "option/speed"
    assert vm.press(RIGHT, now=2) == [Command("rate", 1.25)]
    assert vm.press(RIGHT, now=3) == [Command("rate", 1.5)]
    assert vm.press(RIGHT, now=4) == [Command("rate", 1.5)]  # the fastest
    assert vm.press(LEFT, now=5) == [Command("rate", 1.25)]
    vm.press(KeyPress(Action.DOWN), now=6)
    assert vm.focus_id() == "option/subtitles"
    assert vm.press(OK, now=7) == [Command("subtitles", False)]
    assert vm.press(BACK, now=8) == [] and not vm.options_open
    assert PlayerViewModel(has_subtitles=False).option_names() == ("speed",)


def test_the_end_counts_down_to_the_next_lesson_ok_starts_it_back_cancels():
    vm = playing(has_next=True)
    assert vm.observe(Phase.ENDED, 600, 600, now=10) == []
    assert vm.focus_id() == "next" and vm.countdown_left(12) == COUNTDOWN_S - 2
    assert vm.tick(10 + COUNTDOWN_S) == [Command("next")]

    vm = playing(has_next=True)
    vm.observe(Phase.ENDED, 600, 600, now=10)
    assert vm.press(OK, now=11) == [Command("next")]

    vm = playing(has_next=True)
    vm.observe(Phase.ENDED, 600, 600, now=10)
    assert vm.press(BACK, now=11) == [] and vm.countdown_from is None
    assert vm.tick(10 + COUNTDOWN_S + 1) == []  # cancelled for good
    assert vm.press(OK, now=30) == [Command("seek", 0.0), Command("toggle")]  # play it again


def test_the_last_lesson_has_no_countdown():
    vm = playing(has_next=False)
    vm.observe(Phase.ENDED, 600, 600, now=10)
    assert vm.countdown_from is None and vm.tick(100) == []


def test_an_error_offers_retry_from_where_it_stopped_and_back():
    vm = playing(at=250)
    vm.observe(Phase.ERROR, 250, 600, now=5, error="stream_failed")
    assert vm.focus_id() == "retry"
    assert vm.press(RIGHT, now=6) == []
    assert vm.press(OK, now=7) == [Command("retry", 250)]
    assert vm.press(BACK, now=8) is None


def test_stop_leaves():
    assert playing().press(KeyPress(Action.STOP), now=1) == [Command("leave")]

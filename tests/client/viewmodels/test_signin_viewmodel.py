"""The sign-in view-model: what to ask next, what to show, after each answer (time passed in)."""

from __future__ import annotations

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.signin import Phase, SignInViewModel, display_code

GRANT = {
    "device_code": "dc",
    "user_code": "WGRNLVXC",
    "verification_uri": "http://tv.example/device",
    "verification_uri_complete": "http://tv.example/device?user_code=WGRN-LVXC",
    "expires_in": 600,
    "interval": 5,
}


def waiting(now: float = 0.0) -> SignInViewModel:
    vm = SignInViewModel()
    assert vm.next_step(now) == "request"
    vm.granted(GRANT, now)
    return vm


def test_a_new_screen_asks_for_a_code_once_and_shows_it():
    vm = SignInViewModel()
    assert vm.view().phase is Phase.REQUESTING and vm.view().user_code == ""
    assert vm.next_step(0) == "request"
    assert vm.next_step(0) is None  # the request is out: nothing else meanwhile
    vm.granted(GRANT, 0)
    view = vm.view()
    assert view.user_code == "WGRN-LVXC"
    assert view.qr == GRANT["verification_uri_complete"]
    assert view.verification_uri == "http://tv.example/device"
    assert view.status.startswith("等待家长") and "\nWaiting" in view.status  # zh, then en
    assert view.notice == ""


def test_the_first_poll_waits_one_interval():
    vm = waiting(now=100)
    assert vm.next_step(104.9) is None
    assert vm.next_step(105) == "poll"


@pytest.mark.parametrize(
    ("error", "phase", "interval", "next_at", "step", "status"),
    [
        ("authorization_pending", Phase.WAITING, 5, 10, "poll", "等待家长"),
        ("slow_down", Phase.WAITING, 10, 15, "poll", "等待家长"),
        ("expired_token", Phase.REQUESTING, 5, 5, "request", "代码已过期"),
        ("invalid_grant", Phase.REQUESTING, 5, 5, "request", "代码已过期"),
        ("access_denied", Phase.DENIED, 5, None, None, "家长拒绝了登录"),
        (None, Phase.APPROVED, 5, None, None, "登录成功"),
    ],
)
def test_each_poll_answer(error, phase, interval, next_at, step, status):
    vm = waiting(now=0)
    assert vm.next_step(5) == "poll"
    vm.polled(error, 5)
    assert vm.phase is phase and vm.interval == interval
    assert vm.view().status.startswith(status)
    if next_at is not None:
        assert vm.next_step(next_at - 0.1) is None
        assert vm.next_step(next_at) == step
    else:
        assert vm.next_step(1000) is None  # denied waits for OK; approved is done


def test_slow_down_adds_five_seconds_for_good():
    vm = waiting(now=0)
    vm.next_step(5)
    vm.polled("slow_down", 5)
    vm.next_step(15)
    vm.polled("authorization_pending", 15)
    assert vm.interval == 10 and vm.next_step(24.9) is None and vm.next_step(25) == "poll"


def test_a_code_past_its_lifetime_is_replaced_without_a_poll():
    vm = waiting(now=0)
    assert vm.next_step(600) == "request"
    assert vm.view().user_code == "" and vm.view().status.startswith("代码已过期")
    vm.granted({**GRANT, "user_code": "BBBBCCCC"}, 601)
    assert vm.view().user_code == "BBBB-CCCC"
    assert vm.view().status.startswith("代码已过期")  # says why the code changed


def test_the_network_lost_while_waiting_keeps_the_code_and_polls_again():
    vm = waiting(now=0)
    vm.next_step(5)
    vm.failed(5)
    assert vm.phase is Phase.WAITING and vm.view().user_code == "WGRN-LVXC"
    assert vm.view().status.startswith("无法连接服务器")
    assert vm.next_step(9.9) is None and vm.next_step(10) == "poll"


def test_no_code_at_all_is_an_error_retried_by_itself_or_with_ok():
    vm = SignInViewModel()
    vm.next_step(0)
    vm.failed(0)
    assert vm.phase is Phase.ERROR and vm.view().status.startswith("无法获取登录代码")
    assert vm.next_step(5) is None and vm.next_step(10) == "request"
    vm.failed(10)
    assert vm.press(KeyPress(Action.OK)).consumed
    assert vm.next_step(11) == "request"


def test_ok_after_a_refusal_asks_for_a_new_code():
    vm = waiting(now=0)
    vm.next_step(5)
    vm.polled("access_denied", 5)
    assert vm.press(KeyPress(Action.OK)).consumed
    assert vm.phase is Phase.REQUESTING and vm.next_step(6) == "request"


def test_back_is_left_to_the_screen_and_other_keys_do_nothing():
    vm = waiting(now=0)
    assert not vm.press(KeyPress(Action.BACK)).consumed
    assert vm.press(KeyPress(Action.LEFT)).consumed and vm.phase is Phase.WAITING


def test_a_signed_out_tv_says_so():
    notice = SignInViewModel("signed_out").view().notice
    assert notice == "此电视已退出登录\nThis TV was signed out"


@pytest.mark.parametrize(
    ("typed", "shown"), [("WGRNLVXC", "WGRN-LVXC"), ("wgrn-lvxc", "WGRN-LVXC"), ("AB", "AB")]
)
def test_display_code(typed, shown):
    assert display_code(typed) == shown

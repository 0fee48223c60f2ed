"""The search screen's view-model: debounce on a fake clock, latest answer only, states, focus."""

from __future__ import annotations

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.keyboard import Keyboard
from tv_client.viewmodels.search import (
    DEBOUNCE,
    HANDLED,
    IGNORED,
    Outcome,
    Pane,
    SearchRequest,
    SearchStatus,
    SearchViewModel,
)

UP, DOWN, LEFT, RIGHT = (KeyPress(a) for a in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT))
OK, BACK = KeyPress(Action.OK), KeyPress(Action.BACK)


class FakeClock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def course(course_id: int, zh: str = "数学", en: str = "Maths") -> dict:
    """A course summary as ``GET /api/v1/search`` returns it."""
    return {
        "id": course_id,
        "title": {"zh": f"{zh} {course_id}", "en": f"{en} {course_id}"},
        "poster": f"/media/posters/{course_id}.jpg",
        "stage": {"code": "primary", "name": {"zh": "小学", "en": "Primary"}},
        "grade": {"code": "g3", "name": {"zh": "三年级", "en": "Grade 3"}},
        "subject": {"code": "math", "name": {"zh": "数学", "en": "Maths"}, "color": "#1E88E5"},
        "series": None,
        "lesson_count": 3,
    }


def answer(query: str, *ids: int) -> dict:
    return {"query": query, "items": [course(i) for i in ids]}


def make(clock: FakeClock | None = None, **kwargs) -> SearchViewModel:
    return SearchViewModel(clock=clock or FakeClock(), **kwargs)


def type_text(vm: SearchViewModel, text: str) -> None:
    """Type as the remote would: OK on each letter (focus set directly), digits from the remote."""
    for char in text:
        if char.isdigit():
            vm.press(KeyPress(Action.DIGIT, int(char)))
            continue
        row, col = divmod("abcdefghijklmnopqrstuvwxyz".index(char), 7)
        vm.keyboard = Keyboard(row=row, col=col, text=vm.keyboard.text, lang=vm.lang)
        assert vm.press(OK) == HANDLED


def searched(vm: SearchViewModel, text: str, *ids: int, offline: bool = False) -> SearchRequest:
    """Type ``text``, let the debounce run out and apply an answer with ``ids``."""
    type_text(vm, text)
    request = vm.tick(vm.due_at)
    assert request is not None
    assert vm.apply_result(request.request_id, answer(request.query, *ids), offline=offline)
    return request


# The debounce and the request ids.


def test_nothing_typed_is_idle_and_asks_for_nothing():
    vm = make()
    assert (vm.status, vm.query, vm.due_at, vm.tick(1e9)) == (SearchStatus.IDLE, "", None, None)
    assert vm.placeholder == "输入拼音首字母，如 sx = 数学"


def test_a_search_is_due_after_the_debounce_and_issued_once():
    clock = FakeClock(100.0)
    vm = make(clock)
    type_text(vm, "s")
    assert vm.status is SearchStatus.LOADING
    assert vm.due_at == pytest.approx(100.0 + DEBOUNCE)
    assert vm.tick(100.1) is None
    assert vm.tick(100.0 + DEBOUNCE) == SearchRequest(1, "s")
    assert vm.tick(200.0) is None
    assert vm.due_at is None


def test_tick_without_a_time_reads_the_injected_clock():
    clock = FakeClock(5.0)
    vm = make(clock, debounce=1.0)
    type_text(vm, "sx")
    assert vm.tick() is None
    clock.now = 6.0
    assert vm.tick() == SearchRequest(2, "sx")


@pytest.mark.parametrize(
    ("typed_at", "expected_due"),
    [
        ([0.0], 0.3),
        ([0.0, 0.1, 0.2], 0.5),  # each key pushes the search back
        ([0.0, 0.5], 0.8),
    ],
)
def test_typing_restarts_the_debounce(typed_at, expected_due):
    clock = FakeClock(0.0)
    vm = make(clock, debounce=0.3)
    for n, moment in enumerate(typed_at):
        clock.now = moment
        type_text(vm, "abcdef"[n])
    assert vm.due_at == pytest.approx(expected_due)
    assert vm.tick(expected_due - 0.01) is None
    assert vm.tick(expected_due) == SearchRequest(len(typed_at), "abcdef"[: len(typed_at)])


def test_request_ids_increase_with_every_change_of_the_query():
    vm = make()
    ids = []
    for text in ("s", "x"):
        type_text(vm, text)
        ids.append(vm.tick(vm.due_at).request_id)
    vm.press(BACK)
    ids.append(vm.tick(vm.due_at).request_id)
    assert ids == [1, 2, 3]
    assert vm.query == "s"


def test_a_trailing_space_is_not_a_new_query():
    vm = make()
    searched(vm, "sx", 1)
    vm.keyboard = Keyboard(row=4, col=1, text=vm.keyboard.text)  # the space bar
    assert vm.press(OK) == HANDLED
    assert (vm.text, vm.query) == ("sx ", "sx")
    assert (vm.due_at, vm.status, vm.request_id) == (None, SearchStatus.RESULTS, 2)


# Only the latest answer is applied.


def test_an_answer_for_an_older_request_is_ignored():
    vm = make()
    type_text(vm, "s")
    first = vm.tick(vm.due_at)
    type_text(vm, "x")
    assert not vm.apply_result(first.request_id, answer("s", 1, 2, 3))
    assert (vm.status, vm.cards) == (SearchStatus.LOADING, ())
    second = vm.tick(vm.due_at)
    assert vm.apply_result(second.request_id, answer("sx", 7))
    assert [c.course_id for c in vm.cards] == [7]
    assert not vm.apply_result(first.request_id, answer("s", 1, 2, 3))
    assert not vm.apply_error(first.request_id, "late")
    assert not vm.apply_offline(first.request_id)
    assert [c.course_id for c in vm.cards] == [7]


def test_an_answer_for_a_search_not_yet_issued_is_ignored():
    vm = make()
    type_text(vm, "s")
    assert not vm.apply_result(vm.request_id, answer("s", 1))


def test_clearing_the_query_goes_idle_and_makes_the_running_search_stale():
    vm = make()
    searched(vm, "s", 1, 2)
    type_text(vm, "x")
    running = vm.tick(vm.due_at)
    vm.press(BACK)
    vm.press(BACK)
    assert (vm.status, vm.query, vm.cards, vm.due_at) == (SearchStatus.IDLE, "", (), None)
    assert not vm.apply_result(running.request_id, answer("sx", 3))
    assert vm.status is SearchStatus.IDLE


def test_previous_results_stay_on_screen_while_the_next_search_loads():
    vm = make()
    searched(vm, "s", 1, 2)
    type_text(vm, "x")
    assert vm.status is SearchStatus.LOADING
    assert [c.course_id for c in vm.cards] == [1, 2]


# Results, empty, error and offline.


def test_results_are_cards_in_the_chosen_language():
    vm = make(lang="en")
    searched(vm, "sx", 4, 5)
    assert vm.status is SearchStatus.RESULTS
    assert [(c.course_id, c.title, c.poster) for c in vm.cards] == [
        (4, "Maths 4", "/media/posters/4.jpg"),
        (5, "Maths 5", "/media/posters/5.jpg"),
    ]
    assert (vm.offline, vm.banner, vm.message) == (False, "", "")


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "没有找到与“qq”相关的课程"), ("en", "No courses found for “qq”")],
)
def test_no_items_is_the_empty_state(lang, message):
    vm = make(lang=lang)
    searched(vm, "qq")
    assert (vm.status, vm.cards, vm.message) == (SearchStatus.EMPTY, (), message)


def test_stored_results_while_offline_show_with_a_banner():
    vm = make()
    searched(vm, "sx", 1, offline=True)
    assert (vm.status, vm.offline) == (SearchStatus.RESULTS, True)
    assert vm.banner.startswith("离线")


def test_an_error_is_shown_with_its_message():
    vm = make()
    searched(vm, "s", 1)
    type_text(vm, "x")
    assert vm.apply_error(vm.tick(vm.due_at).request_id, "Searches are 1 to 64 characters.")
    assert vm.status is SearchStatus.ERROR
    assert "Searches are 1 to 64 characters." in vm.message
    assert (vm.cards, vm.offline) == ((), False)


def test_unreachable_with_nothing_stored_is_the_offline_state_and_retry_searches_again():
    clock = FakeClock(10.0)
    vm = make(clock)
    type_text(vm, "sx")
    assert vm.apply_offline(vm.tick(vm.due_at).request_id)
    assert (vm.status, vm.offline, vm.cards) == (SearchStatus.OFFLINE, True, ())
    assert "无法连接服务器" in vm.message
    vm.retry()
    assert vm.status is SearchStatus.LOADING
    assert vm.tick(10.0) == SearchRequest(vm.request_id, "sx")


def test_retry_with_nothing_typed_does_nothing():
    vm = make()
    vm.retry()
    assert (vm.status, vm.due_at) == (SearchStatus.IDLE, None)


# Focus between the keyboard and the results.


def results_vm(count: int = 6, columns: int = 4) -> SearchViewModel:
    """Results for "sx" on screen, the keyboard focused on "g" (the top row's right end)."""
    vm = make(columns=columns)
    searched(vm, "sx", *range(101, 101 + count))
    vm.keyboard = Keyboard(row=0, col=6, text=vm.keyboard.text)
    return vm


def test_right_from_the_keyboard_edge_enters_the_results_and_left_comes_back():
    vm = results_vm()
    assert vm.press(RIGHT) == HANDLED
    assert (vm.focus, vm.focused_result) == (Pane.RESULTS, 0)
    assert not any(k.focused for row in vm.keyboard_rows() for k in row)
    assert vm.press(LEFT) == HANDLED
    assert (vm.focus, vm.focused_result) == (Pane.KEYBOARD, None)
    assert vm.keyboard.focused_key.value == "g"  # the keyboard kept its place
    assert [k.label for row in vm.keyboard_rows() for k in row if k.focused] == ["g"]


def test_right_inside_a_keyboard_row_moves_along_the_row():
    vm = results_vm()
    vm.keyboard = Keyboard(row=0, col=2, text="sx")
    assert vm.press(RIGHT) == HANDLED
    assert (vm.focus, vm.keyboard.col) == (Pane.KEYBOARD, 3)


@pytest.mark.parametrize("status_text", ["", "qq"])
def test_right_from_the_keyboard_edge_without_results_stays(status_text):
    vm = make()
    if status_text:
        searched(vm, status_text)  # the empty state
    vm.keyboard = Keyboard(row=0, col=6, text=vm.keyboard.text)
    assert vm.press(RIGHT) == IGNORED
    assert vm.focus is Pane.KEYBOARD


@pytest.mark.parametrize(
    ("start", "key", "focus", "index", "outcome"),
    [
        (0, RIGHT, Pane.RESULTS, 1, HANDLED),
        (1, LEFT, Pane.RESULTS, 0, HANDLED),
        (0, LEFT, Pane.KEYBOARD, None, HANDLED),  # first column: back to the keyboard
        (4, LEFT, Pane.KEYBOARD, None, HANDLED),
        (3, RIGHT, Pane.RESULTS, 3, IGNORED),  # the row's end: no wrapping
        (5, RIGHT, Pane.RESULTS, 5, IGNORED),
        (2, UP, Pane.RESULTS, 2, IGNORED),
        (1, DOWN, Pane.RESULTS, 5, HANDLED),
        (2, DOWN, Pane.RESULTS, 5, HANDLED),  # nothing below: the last result
        (5, UP, Pane.RESULTS, 1, HANDLED),
        (5, DOWN, Pane.RESULTS, 5, IGNORED),
        (2, BACK, Pane.KEYBOARD, None, HANDLED),
        (2, KeyPress(Action.HOME), Pane.RESULTS, 2, IGNORED),
    ],
)
def test_arrows_in_the_results_grid(start, key, focus, index, outcome):
    vm = results_vm(count=6, columns=4)
    vm.press(RIGHT)
    vm.result_index = start
    assert vm.press(key) == outcome
    assert (vm.focus, vm.focused_result) == (focus, index)


@pytest.mark.parametrize(("index", "course_id"), [(0, 101), (5, 106)])
def test_ok_on_a_result_opens_its_course(index, course_id):
    vm = results_vm()
    vm.press(RIGHT)
    vm.result_index = index
    assert vm.press(OK) == Outcome(True, open_course=course_id)


def test_back_deletes_on_the_keyboard_and_goes_back_once_the_query_is_empty():
    vm = make()
    type_text(vm, "s")
    assert vm.press(BACK) == HANDLED
    assert vm.text == ""
    assert vm.press(BACK) == IGNORED


def test_a_remote_digit_in_the_results_types_and_returns_to_the_keyboard():
    vm = results_vm()
    vm.press(RIGHT)
    assert vm.press(KeyPress(Action.DIGIT, 3)) == HANDLED
    assert (vm.focus, vm.text, vm.status) == (Pane.KEYBOARD, "sx3", SearchStatus.LOADING)


@pytest.mark.parametrize(
    ("focused_before", "new_ids", "focus", "index"),
    [
        (5, [1, 2, 3], Pane.RESULTS, 2),  # fewer results: the last one
        (1, [1, 2, 3], Pane.RESULTS, 1),
        (2, [], Pane.KEYBOARD, None),  # none left: back to the keyboard
    ],
)
def test_focus_in_the_results_survives_new_results(focused_before, new_ids, focus, index):
    vm = results_vm()
    vm.press(RIGHT)
    vm.result_index = focused_before
    vm.retry()  # a new answer arrives while focus is on the old results
    assert vm.apply_result(vm.tick(vm.due_at).request_id, answer("sx", *new_ids))
    assert (vm.focus, vm.focused_result) == (focus, index)


def test_an_error_while_focus_is_in_the_results_returns_it_to_the_keyboard():
    vm = results_vm()
    vm.press(RIGHT)
    vm.retry()
    vm.apply_error(vm.tick(vm.due_at).request_id, "boom")
    assert (vm.focus, vm.focused_result) == (Pane.KEYBOARD, None)


def test_new_results_are_entered_from_their_first_card():
    vm = results_vm()
    vm.press(RIGHT)
    vm.result_index = 4  # the second row's first column
    assert vm.press(LEFT) == HANDLED
    assert vm.focus is Pane.KEYBOARD
    vm.retry()
    vm.apply_result(vm.tick(vm.due_at).request_id, answer("sx", 9, 8))
    assert vm.press(RIGHT) == HANDLED
    assert (vm.focus, vm.focused_result) == (Pane.RESULTS, 0)


JOURNEY = (RIGHT, DOWN, RIGHT, LEFT, UP, LEFT, RIGHT, BACK, RIGHT, KeyPress(Action.DIGIT, 1))


def test_exactly_one_thing_is_focused_after_every_key():
    vm = results_vm()
    for key in JOURNEY:
        vm.press(key)
        keys = [k for row in vm.keyboard_rows() for k in row if k.focused]
        assert len(keys) + (vm.focused_result is not None) == 1, (key, vm.focus)


def test_results_carry_the_subject_colour_and_name_their_series():
    vm = make()
    type_text(vm, "sx")
    request = vm.tick(vm.due_at)
    series = {"code": "zhiqu", "name": {"zh": "智趣新课堂"}, "color": "#F9A825"}
    items = [course(1) | {"series": series}, course(2)]
    assert vm.apply_result(request.request_id, {"query": "sx", "items": items})
    first, second = vm.cards
    assert (first.color, first.tag, first.tag_color) == ("#1E88E5", "智趣新课堂", "#F9A825")
    assert (second.tag, second.tag_color) == ("", None)


@pytest.mark.parametrize(
    ("lang", "title", "space", "placeholder"),
    [
        ("zh", "搜索", "空格", "输入拼音首字母，如 sx = 数学"),
        ("en", "Search", "Space", "Type pinyin initials or English, e.g. sx = 数学"),
    ],
)
def test_labels_follow_the_language(lang, title, space, placeholder):
    vm = make(lang=lang)
    assert (vm.title, vm.placeholder) == (title, placeholder)
    assert vm.keyboard_rows()[-1][1].label == space

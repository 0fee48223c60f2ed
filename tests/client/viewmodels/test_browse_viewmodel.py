"""The browse screen's view-model: chips, filters, paging, latest answer only, focus."""

from __future__ import annotations

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels import Status
from tv_client.viewmodels.browse import (
    HANDLED,
    IGNORED,
    BrowseViewModel,
    CoursesRequest,
    Level,
    Outcome,
)

UP, DOWN, LEFT, RIGHT = (KeyPress(a) for a in (Action.UP, Action.DOWN, Action.LEFT, Action.RIGHT))
OK, BACK = KeyPress(Action.OK), KeyPress(Action.BACK)

TAXONOMY = {
    "stages": [
        {
            "code": "primary",
            "name": {"zh": "小学", "en": "Primary"},
            "grades": [
                {"code": "g1", "name": {"zh": "一年级", "en": "Grade 1"}},
                {"code": "g2", "name": {"zh": "二年级", "en": "Grade 2"}},
                {"code": "g3", "name": {"zh": "三年级", "en": "Grade 3"}},
            ],
        },
        {"code": "family", "name": {"zh": "家庭教育", "en": "Family"}, "grades": []},
    ],
    "subjects": [
        {"code": "chinese", "name": {"zh": "语文", "en": "Chinese"}, "color": "#E0533D"},
        {"code": "math", "name": {"zh": "数学", "en": "Maths"}, "color": "#3D7BE0"},
    ],
}


def course(course_id: int) -> dict:
    return {
        "id": course_id,
        "title": {"zh": f"课程 {course_id}", "en": f"Course {course_id}"},
        "poster": None,
        "grade": {"code": "g3", "name": {"zh": "三年级"}},
        "subject": {"code": "math", "name": {"zh": "数学"}, "color": "#3D7BE0"},
    }


def page(ids, cursor=None) -> dict:
    return {"items": [course(i) for i in ids], "next_cursor": cursor}


def ready_vm(**kwargs) -> tuple[BrowseViewModel, CoursesRequest]:
    vm = BrowseViewModel(**kwargs)
    vm.apply_taxonomy(TAXONOMY)
    return vm, vm.take_request()


def press(vm: BrowseViewModel, *keys: KeyPress) -> Outcome:
    outcome = HANDLED
    for key in keys:
        outcome = vm.press(key)
    return outcome


def test_before_the_taxonomy_it_is_loading_and_keys_are_the_screens():
    vm = BrowseViewModel()
    assert vm.status is Status.LOADING and vm.message == "正在加载…"
    assert vm.chips(Level.STAGE) == ()
    assert vm.focus_id() is None
    assert vm.press(BACK) is IGNORED and vm.take_request() is None


def test_the_taxonomy_selects_the_first_stage_with_every_grade_and_subject():
    vm, request = ready_vm()
    assert request == CoursesRequest(request.request_id, "primary", None, None)
    assert vm.take_request() is None  # once
    assert [c.label for c in vm.chips(Level.STAGE)] == ["小学", "家庭教育"]
    assert [c.label for c in vm.chips(Level.GRADE)] == ["全部", "一年级", "二年级", "三年级"]
    assert [c.label for c in vm.chips(Level.SUBJECT)] == ["全部", "语文", "数学"]
    assert vm.chips(Level.SUBJECT)[2].color == "#3D7BE0"
    assert vm.focus_id() == "stage/primary"
    assert vm.chips(Level.STAGE)[0].focused and vm.chips(Level.STAGE)[0].selected
    assert vm.status is Status.LOADING


def test_picking_stage_grade_subject_requests_those_courses():
    vm, _ = ready_vm()
    press(vm, OK)  # 小学 is already selected: on to the grades
    assert vm.focus_id() == "grade/all" and vm.take_request() is None
    press(vm, RIGHT, RIGHT, RIGHT, OK)
    assert vm.take_request().grade == "g3"
    assert vm.focus_id() == "subject/all"
    press(vm, RIGHT, RIGHT, OK)
    request = vm.take_request()
    assert (request.stage, request.grade, request.subject) == ("primary", "g3", "math")
    assert vm.focus_id() == "subject/math"  # the last row keeps focus
    assert vm.apply_page(request.request_id, page([1, 2]))
    assert vm.status is Status.READY and [c.title for c in vm.cards] == ["课程 1", "课程 2"]
    press(vm, DOWN)
    assert vm.focus_id() == "course/0" and vm.focused_result == 0
    assert press(vm, RIGHT, OK) == Outcome(True, open_course=2)


def test_a_new_stage_resets_the_grade_and_a_stage_without_grades_has_only_all():
    vm, _ = ready_vm()
    press(vm, DOWN, RIGHT, OK)  # 一年级
    vm.take_request()
    press(vm, UP, UP, RIGHT, OK)  # 家庭教育
    request = vm.take_request()
    assert (request.stage, request.grade) == ("family", None)
    assert [c.label for c in vm.chips(Level.GRADE)] == ["全部"]
    assert vm.focus_id() == "grade/all"


@pytest.mark.parametrize(
    ("keys", "focus"),
    [
        ((LEFT,), "stage/primary"),  # the row's start is an edge
        ((RIGHT, RIGHT, RIGHT), "stage/family"),
        ((UP,), "stage/primary"),
        ((DOWN,), "grade/all"),
        ((DOWN, DOWN), "subject/all"),
        ((DOWN, DOWN, DOWN), "subject/all"),  # no courses yet: the grid cannot take focus
        ((RIGHT, DOWN, UP), "stage/primary"),  # entering a row lands on its selected chip
    ],
)
def test_moving_between_chips(keys, focus):
    vm, _ = ready_vm()
    press(vm, *keys)
    assert vm.focus_id() == focus


def test_only_the_latest_request_is_applied():
    vm, first = ready_vm()
    press(vm, DOWN, RIGHT, OK)
    second = vm.take_request()
    assert not vm.apply_page(first.request_id, page([9]))
    assert vm.cards == () and vm.status is Status.LOADING
    assert not vm.apply_error(first.request_id, "boom")
    assert vm.apply_page(second.request_id, page([1]))
    assert not vm.apply_page(second.request_id, page([2]))  # answered already


def test_empty_error_and_offline_states():
    vm, request = ready_vm()
    vm.apply_page(request.request_id, page([]))
    assert vm.status is Status.EMPTY and vm.message == "这里还没有课程"
    vm.reload()
    request = vm.take_request()
    assert vm.apply_error(request.request_id, "500 boom")
    assert vm.status is Status.ERROR and "500 boom" in vm.message
    vm.reload()
    assert vm.apply_offline(vm.take_request().request_id)
    assert vm.status is Status.ERROR and vm.offline and "无法连接服务器" in vm.message


def test_a_stored_page_is_marked_offline():
    vm, request = ready_vm()
    vm.apply_page(request.request_id, page([1]), offline=True)
    assert vm.offline and vm.status is Status.READY


def test_taxonomy_failures():
    vm = BrowseViewModel(lang="en")
    vm.fail_taxonomy("boom", offline=False)
    assert vm.status is Status.ERROR and vm.message == "Something went wrong: boom"
    vm.fail_taxonomy("", offline=True)
    assert vm.offline and vm.message.startswith("Cannot reach the server")
    empty = BrowseViewModel()
    empty.apply_taxonomy({"stages": [], "subjects": []})
    assert empty.status is Status.EMPTY and empty.take_request() is None


def test_the_next_page_is_requested_when_focus_nears_the_end():
    vm, request = ready_vm(columns=2, prefetch_rows=1)
    vm.apply_page(request.request_id, page(range(1, 7), cursor="c2"))
    assert vm.take_request() is None  # focus is not in the grid yet
    press(vm, DOWN, DOWN, DOWN)
    assert vm.focus_id() == "course/0" and vm.take_request() is None
    press(vm, DOWN)
    assert vm.take_request() is None  # index 2 of 6: more than a row from the end
    press(vm, DOWN)
    more = vm.take_request()
    assert more.cursor == "c2" and more.stage == "primary"
    assert vm.loading_more
    press(vm, UP, DOWN)
    assert vm.take_request() is None  # one page at a time
    assert vm.apply_page(more.request_id, page([7, 8]))
    assert [c.course_id for c in vm.cards] == list(range(1, 9))
    assert vm.cards[6].key == "browse-6"
    press(vm, DOWN)
    assert vm.focus_id() == "course/6" and vm.take_request() is None  # no cursor: the end


def test_a_failed_later_page_keeps_the_cards():
    vm, request = ready_vm(columns=1, prefetch_rows=1)
    vm.apply_page(request.request_id, page([1, 2]))
    vm.next_cursor = "c2"
    press(vm, DOWN, DOWN, DOWN, DOWN)
    assert vm.apply_error(vm.take_request().request_id, "boom")
    assert vm.status is Status.READY and len(vm.cards) == 2 and "boom" in vm.message
    assert vm.focus_id() == "course/1"


@pytest.mark.parametrize(("key", "focus"), [(UP, "subject/all"), (BACK, "subject/all")])
def test_up_from_the_first_row_and_back_leave_the_grid(key, focus):
    vm, request = ready_vm()
    vm.apply_page(request.request_id, page([1, 2, 3]))
    press(vm, DOWN, DOWN, DOWN)
    assert vm.press(key) is HANDLED
    assert vm.focus_id() == focus
    assert vm.press(BACK) is IGNORED  # on the chips Back is the screen's


def test_reloading_while_focus_is_in_the_grid_keeps_keys_safe():
    vm, request = ready_vm()
    vm.apply_page(request.request_id, page([1, 2, 3]))
    press(vm, DOWN, DOWN, DOWN, RIGHT)
    vm.reload()
    assert vm.status is Status.LOADING and vm.cards == ()
    assert vm.press(OK) is HANDLED  # no course to open: the subject row takes the key
    assert vm.focus_id() == "subject/all"


def test_english_labels():
    vm, _ = ready_vm(lang="en")
    assert vm.title == "Browse"
    assert [c.label for c in vm.chips(Level.SUBJECT)] == ["All", "Chinese", "Maths"]


# What each stage and grade offers, series pages, the tags on the cards.

OFFERED = {
    "stages": [
        {
            "code": "primary",
            "name": {"zh": "小学", "en": "Primary"},
            "subjects": ["chinese", "math"],
            "grades": [
                {"code": "g1", "name": {"zh": "一年级"}, "subjects": ["chinese"]},
                {"code": "g2", "name": {"zh": "二年级"}, "subjects": []},
                {"code": "g3", "name": {"zh": "三年级"}, "subjects": ["chinese", "math"]},
            ],
        },
        {"code": "senior", "name": {"zh": "高中"}, "subjects": [], "grades": []},
        {"code": "junior", "name": {"zh": "初中"}, "subjects": ["physics"], "grades": []},
    ],
    "subjects": [
        {"code": "chinese", "name": {"zh": "语文"}, "color": "#E0533D"},
        {"code": "math", "name": {"zh": "数学"}, "color": "#3D7BE0"},
        {"code": "physics", "name": {"zh": "物理"}, "color": "#2F8FD8"},
    ],
    "series": [
        {"code": "empty", "name": {"zh": "空系列"}, "color": "#000000", "subjects": []},
        {
            "code": "yuelu",
            "name": {"zh": "岳麓讲堂", "en": "Yuelu Lectures"},
            "color": "#8E24AA",
            "description": {"zh": "长沙名师讲座"},
            "subjects": ["chinese"],
        },
        {"code": "tongbu", "name": {"zh": "同步课堂"}, "color": "#5E35B1", "subjects": ["math"]},
    ],
}


def labels(vm: BrowseViewModel, level: Level) -> list[str]:
    return [chip.label for chip in vm.chips(level)]


def offered_vm(series: str | None = None) -> tuple[BrowseViewModel, CoursesRequest]:
    vm = BrowseViewModel()
    vm.start(series=series)
    vm.apply_taxonomy(OFFERED)
    return vm, vm.take_request()


def test_only_stages_grades_and_subjects_with_courses_are_offered():
    vm, _ = offered_vm()
    assert labels(vm, Level.STAGE) == ["小学", "初中"]  # 高中 has no courses
    assert labels(vm, Level.GRADE) == ["全部", "一年级", "三年级"]  # nor has 二年级
    assert labels(vm, Level.SUBJECT) == ["全部", "语文", "数学"]  # no 物理 in primary school
    press(vm, RIGHT, OK)  # 初中
    assert labels(vm, Level.GRADE) == ["全部"]
    assert labels(vm, Level.SUBJECT) == ["全部", "物理"]


@pytest.mark.parametrize(
    ("subject_keys", "grade_keys", "subjects", "kept"),
    [
        ((RIGHT, RIGHT), (RIGHT,), ["全部", "语文"], None),  # 数学 is not taught in 一年级
        ((RIGHT,), (RIGHT,), ["全部", "语文"], "chinese"),  # 语文 is
        ((RIGHT, RIGHT), (RIGHT, RIGHT), ["全部", "语文", "数学"], "math"),
    ],
)
def test_a_grade_offers_its_own_subjects_and_keeps_a_subject_it_has(
    subject_keys, grade_keys, subjects, kept
):
    vm, _ = offered_vm()
    press(vm, DOWN, DOWN, *subject_keys, OK)  # a subject of the whole stage
    vm.take_request()
    press(vm, UP, *grade_keys, OK)
    assert labels(vm, Level.SUBJECT) == subjects
    request = vm.take_request()
    assert request.subject == kept and vm.selected(Level.SUBJECT) == kept
    assert vm.focus_id() == f"subject/{kept or 'all'}"


def test_a_new_stage_offers_its_subjects_and_drops_the_old_choice():
    vm, _ = offered_vm()
    press(vm, DOWN, DOWN, RIGHT, RIGHT, OK)  # 数学
    press(vm, UP, UP, RIGHT, OK)  # 初中
    request = vm.take_request()
    assert (request.stage, request.grade, request.subject) == ("junior", None, None)
    press(vm, UP, LEFT, OK)  # back to 小学: 数学 was dropped, not remembered
    assert vm.take_request().subject is None


def test_the_mode_row_switches_to_series_and_back():
    vm, _ = offered_vm()
    assert vm.levels() == (Level.MODE, Level.STAGE, Level.GRADE, Level.SUBJECT)
    assert press(vm, UP) is HANDLED and vm.focus_id() == "mode/stages"
    assert labels(vm, Level.MODE) == ["按学段", "按系列"]
    press(vm, RIGHT, OK)
    assert vm.levels() == (Level.MODE, Level.SERIES)
    assert labels(vm, Level.SERIES) == ["岳麓讲堂", "同步课堂"]  # the empty series is left out
    assert vm.chips(Level.SERIES)[0].color == "#8E24AA"
    assert vm.focus_id() == "series/yuelu" and vm.description == "长沙名师讲座"
    assert vm.take_request() == CoursesRequest(vm.request_id, None, None, None, "yuelu")
    press(vm, RIGHT, OK)
    assert vm.take_request().series == "tongbu" and vm.focus_id() == "series/tongbu"
    press(vm, UP, LEFT, OK)  # 按学段 again: the stage choices are as they were
    assert vm.take_request() == CoursesRequest(vm.request_id, "primary", None, None)
    assert vm.focus_id() == "stage/primary" and vm.description == ""


def test_opened_on_a_series_before_the_taxonomy_arrives():
    vm, request = offered_vm(series="tongbu")
    assert request == CoursesRequest(request.request_id, None, None, None, "tongbu")
    assert vm.focus_id() == "series/tongbu"
    assert vm.apply_page(request.request_id, page([1, 2]))
    assert press(vm, DOWN) is HANDLED and vm.focus_id() == "course/0"
    assert vm.press(BACK) is HANDLED and vm.focus_id() == "series/tongbu"
    assert vm.press(BACK) is IGNORED  # the screen goes back to where it was opened from


@pytest.mark.parametrize("series", ["nope", "empty", None])
def test_an_unknown_or_empty_series_opens_browsing_by_stage(series):
    vm, request = offered_vm(series=series)
    assert (request.stage, request.series) == ("primary", None)
    assert vm.focus_id() == "stage/primary"


def test_opening_again_changes_the_page_only_when_asked_to():
    vm, request = offered_vm()
    vm.apply_page(request.request_id, page([1]))
    vm.start()
    assert vm.take_request() is None and vm.status is Status.READY  # same filters, same cards
    vm.start(series="yuelu")
    assert vm.take_request().series == "yuelu" and vm.focus_id() == "series/yuelu"
    vm.start()
    assert vm.take_request().stage == "primary" and vm.focus_id() == "stage/primary"


def test_cards_name_their_series_except_on_a_series_page():
    item = course(7) | {"series": {"code": "yuelu", "name": {"zh": "岳麓讲堂"}, "color": "#8E24AA"}}
    vm, request = offered_vm()
    vm.apply_page(request.request_id, {"items": [item, course(8)], "next_cursor": None})
    assert (vm.cards[0].tag, vm.cards[0].tag_color, vm.cards[0].color) == (
        "岳麓讲堂",
        "#8E24AA",
        "#3D7BE0",  # the subject's colour fills the poster's placeholder
    )
    assert vm.cards[1].tag == ""  # a course in no series
    vm.start(series="yuelu")
    vm.apply_page(vm.take_request().request_id, {"items": [item]})
    assert vm.cards[0].tag == ""


def test_the_footnote_says_a_page_is_loading_or_why_it_failed():
    vm, request = ready_vm(columns=1, prefetch_rows=1)
    assert vm.footnote == ""  # nothing shows yet: the status message says it
    vm.apply_page(request.request_id, page([1, 2], cursor="c2"))
    assert vm.footnote == ""
    press(vm, DOWN, DOWN, DOWN, DOWN)
    assert vm.loading_more and vm.footnote == "正在加载…"
    vm.apply_offline(vm.take_request().request_id)
    assert vm.footnote.startswith("无法连接服务器") and vm.status is Status.READY


JOURNEY = (DOWN, DOWN, RIGHT, OK, DOWN, RIGHT, UP, UP, UP, RIGHT, OK, DOWN, BACK, UP, LEFT, OK)


def test_exactly_one_thing_is_focused_after_every_key():
    vm, request = offered_vm()
    vm.apply_page(request.request_id, page([1, 2, 3]))
    for key in JOURNEY:
        vm.press(key)
        if (pending := vm.take_request()) is not None:
            vm.apply_page(pending.request_id, page([4, 5]))
        chips = [chip for level in vm.levels() for chip in vm.chips(level) if chip.focused]
        assert len(chips) + (vm.focused_result is not None) == 1, vm.focus_id()

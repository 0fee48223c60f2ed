"""The course view-model: title, description, lesson labels and marks, the first line, states."""

from __future__ import annotations

from pathlib import Path

import pytest

from tv_client.progress import Mark, ResumePoint, State
from tv_client.viewmodels import Status
from tv_client.viewmodels.course import TEXTS, CourseState, say, scroll_first, timecode

FONT = Path(__file__).resolve().parents[3] / "assets" / "fonts" / "NotoSansSC-EduTV-Regular.otf"

COURSE = {
    "id": 3,
    "title": {"zh": "古诗三首", "en": "Three Classical Poems"},
    "description": {"zh": "读古诗。", "en": "Read poems."},
    "grade": {"name": {"zh": "四年级", "en": "Grade 4"}},
    "subject": {"name": {"zh": "语文", "en": "Chinese"}, "color": "#E0533D"},
    "lessons": [
        {
            "id": 11,
            "position": 1,
            "title": {"zh": "山行", "en": "Mountain Walk"},
            "duration": 1800.0,
            "hls": "/media/lessons/a/master.m3u8",
        },
        {"id": 12, "position": 2, "title": {"zh": "赠刘景文", "en": "For Liu"}, "duration": 0},
    ],
}


def test_ready_course():
    state = CourseState.from_data(COURSE, "zh")
    assert state.status is Status.READY and state.course_id == 3
    assert (state.title, state.description, state.color) == ("古诗三首", "读古诗。", "#E0533D")
    assert state.subtitle == "四年级 · 语文 · 2 个课时"
    assert [lesson.label for lesson in state.lessons] == [
        "第 1 课   山行   30 分钟",
        "第 2 课   赠刘景文",
    ]
    assert state.lessons[0].hls == "/media/lessons/a/master.m3u8"


def test_english_labels():
    state = CourseState.from_data(COURSE, "en")
    assert state.lessons[0].label == "Lesson 1   Mountain Walk   30 min"
    assert state.subtitle == "Grade 4 · Chinese · 2 lessons"


def test_no_lessons_is_empty_with_a_message():
    state = CourseState.from_data({**COURSE, "lessons": []}, "zh")
    assert state.status is Status.EMPTY and state.message == "这门课还没有课时"


def test_loading_keeps_the_known_title_and_errors_say_what_happened():
    loading = CourseState.loading(3, "zh", "古诗三首")
    assert (loading.status, loading.title, loading.message) == (
        Status.LOADING,
        "古诗三首",
        "正在加载…",
    )
    assert CourseState.failed(3, "404 not_found: no", "en").message.endswith("no")
    assert "无法连接" in CourseState.failed(3, "x", "zh", offline=True).message


def test_offline_copy_has_a_banner():
    state = CourseState.from_data(COURSE, "zh", offline=True, fetched_at=0)
    assert state.banner.startswith("离线：显示 ") and state.online().banner == ""


DONE, NOTHING = Mark(State.DONE, 1.0), Mark(State.UNWATCHED)
HALF = Mark(State.STARTED, 0.5, 900.0)


@pytest.mark.parametrize(
    ("language", "resume", "marks", "label", "target"),
    [
        ("zh", None, {}, "从第 1 课开始", (11, 0.0, False)),
        ("en", None, {}, "Start lesson 1", (11, 0.0, False)),
        ("zh", ResumePoint(12, 725.0), {}, "继续学习 第 2 课 · 12:05", (12, 725.0, True)),
        ("en", ResumePoint(12, 725.0), {}, "Continue lesson 2 at 12:05", (12, 725.0, True)),
        ("zh", ResumePoint(12, 0.0), {11: DONE}, "继续学习 第 2 课", (12, 0.0, True)),
        ("en", ResumePoint(11, 3725.0), {}, "Continue lesson 1 at 1:02:05", (11, 3725.0, True)),
        ("zh", None, {11: DONE, 12: DONE}, "再学一遍 第 1 课", (11, 0.0, False)),
        ("en", None, {11: DONE, 12: DONE}, "Watch again: lesson 1", (11, 0.0, False)),
        ("zh", ResumePoint(99, 60.0), {}, "从第 1 课开始", (11, 0.0, False)),  # not this course's
    ],
)
def test_the_first_line_continues_or_starts(language, resume, marks, label, target):
    state = CourseState.from_data(COURSE, language, marks=marks, resume=resume)
    start = state.start
    assert start.label == label
    assert (start.lesson_id, start.position_s, start.resumed) == target
    assert start.lesson_title == next(x.title for x in state.lessons if x.id == target[0])


def test_a_course_without_lessons_has_no_first_line():
    assert CourseState.from_data({**COURSE, "lessons": []}, "zh", resume=None).start is None
    assert CourseState.loading(3, "zh").start is None


@pytest.mark.parametrize(
    ("mark", "zh", "en", "start_s"),
    [
        (NOTHING, "", "", 0.0),
        (Mark(State.STARTED, 0.409, 736.2), "看到 40%", "40% watched", 736.2),
        (Mark(State.STARTED, 0.004, 7.0), "已开始", "Started", 7.0),
        (Mark(State.STARTED, 0.0, 30.0), "已开始", "Started", 30.0),  # length unknown
        (DONE, "✓ 已学完", "✓ Done", 0.0),  # a done lesson starts again
    ],
)
def test_lesson_marks_and_where_ok_on_a_lesson_starts(mark, zh, en, start_s):
    for language, label in (("zh", zh), ("en", en)):
        (first, second) = CourseState.from_data(COURSE, language, marks={11: mark}).lessons
        assert (first.mark, first.mark_label, first.start_s) == (mark, label, start_s)
        assert (second.mark, second.mark_label) == (NOTHING, "")


def test_progress_marks_the_same_course_again_without_a_new_answer():
    state = CourseState.from_data(COURSE, "zh", offline=True, fetched_at=0)
    again = state.with_progress({11: DONE, 12: HALF}, ResumePoint(12, 900.0), "zh")
    assert [x.mark_label for x in again.lessons] == ["✓ 已学完", "看到 50%"]
    assert again.start.label == "继续学习 第 2 课 · 15:00"
    assert [x.label for x in again.lessons] == [x.label for x in state.lessons]
    assert (again.title, again.banner, again.lesson_ids) == (state.title, state.banner, (11, 12))


def test_the_course_summary_is_what_the_player_records_against():
    summary = CourseState.from_data(COURSE, "en").summary
    assert (summary.id, summary.lesson_ids, summary.color) == (3, (11, 12), "#E0533D")
    assert summary.title == COURSE["title"]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0:00"),
        (59.9, "0:59"),
        (725, "12:05"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (-5, "0:00"),
    ],
)
def test_timecode(seconds, shown):
    assert timecode(seconds) == shown


@pytest.mark.parametrize(
    ("first", "index", "count", "expected"),
    [
        (0, 0, 10, 0),
        (0, 5, 10, 0),  # still visible: no move
        (0, 6, 10, 1),  # one past the bottom: scroll one line
        (4, 3, 10, 3),  # one above the top
        (4, 9, 10, 4),  # the last line on the last page
        (9, 9, 10, 4),  # never past the end (after the list shrank)
        (2, 1, 3, 0),  # fewer lines than fit: always from the top
    ],
)
def test_the_lesson_list_scrolls_by_lines_keeping_the_focus_visible(first, index, count, expected):
    assert scroll_first(first, index, 6, count) == expected


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_text_the_course_screen_adds_is_in_the_bundled_font(language):
    ttlib = pytest.importorskip("fontTools.ttLib")
    cmap = ttlib.TTFont(FONT).getBestCmap()
    shown = [say(key, language, 12, "1:02:05") for key in TEXTS]
    shown += [timecode(3725), "▶"]
    missing = {char for line in shown for char in line if ord(char) not in cmap}
    assert not missing

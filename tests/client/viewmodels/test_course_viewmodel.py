"""The course view-model: title, subtitle, description and lesson labels, and its states."""

from __future__ import annotations

from tv_client.viewmodels import Status
from tv_client.viewmodels.course import CourseState

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

"""Progress: the done rule, the resume rule, "continue watching", and the files behind them."""

from __future__ import annotations

import json
import logging
import os
import threading

import pytest

from tv_client import progress
from tv_client.progress import (
    MAX_LESSONS,
    UNWATCHED,
    CourseSummary,
    Mark,
    ProgressStore,
    ResumePoint,
    State,
    is_done,
    mark,
)

POEMS = CourseSummary(
    id=3,
    title={"zh": "古诗三首", "en": "Three Poems"},
    poster="posters/poems.jpg",
    grade={"zh": "四年级", "en": "Grade 4"},
    subject={"zh": "语文", "en": "Chinese"},
    color="#E0533D",
    lesson_ids=(11, 12, 13),
)
FRACTIONS = CourseSummary(id=5, title={"zh": "分数"}, lesson_ids=(21, 22))
LESSON_S = 1800.0


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        self.now += 1  # every call is a later moment: "most recent" is the last recorded
        return self.now


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress", clock=Clock())


def watch(store: ProgressStore, *lessons: tuple[int, float], course=POEMS, who="guest") -> None:
    """Record ``(lesson id, position)`` in order, each lesson LESSON_S long."""
    for lesson_id, position in lessons:
        store.record(who, course, lesson_id, position, LESSON_S)


@pytest.mark.parametrize(
    ("position", "duration", "done"),
    [
        (0, 1800, False),
        (1709, 1800, False),  # 94.9%, 91 s from the end
        (1710, 1800, True),  # 95%
        (2000, 1800, True),  # past the end (a rounded duration)
        (570, 600, True),  # 95% and 30 s from the end at once
        (269, 300, False),  # five minutes: 31 s from the end
        (270, 300, True),  # ... 30 s from the end
        (200, 240, False),  # under five minutes: the end window does not count ...
        (228, 240, True),  # ... but 95% does
        (10, 40, False),  # a 40-second clip is not done at 10 s
        (38, 40, True),
        (500, 0, False),  # the duration is unknown: never done
    ],
)
def test_done_rule(position, duration, done):
    assert is_done(position, duration) is done


@pytest.mark.parametrize(
    ("position", "duration", "expected"),
    [
        (0, 1800, UNWATCHED),
        (450, 1800, Mark(State.STARTED, 0.25, 450)),
        (1800, 1800, Mark(State.DONE, 1.0)),
        (30, 0, Mark(State.STARTED, 0.0, 30)),  # started, the duration unknown
    ],
)
def test_marks(position, duration, expected):
    assert mark(position, duration) == expected


@pytest.mark.parametrize(
    ("watched", "expected"),
    [
        ([], None),  # nothing watched: start at the first lesson
        ([(11, 600)], ResumePoint(11, 600)),
        ([(11, 1800)], ResumePoint(12, 0)),  # done: the next lesson
        ([(12, 300), (11, 900)], ResumePoint(11, 900)),  # the most recent unfinished
        ([(11, 900), (12, 1800)], ResumePoint(13, 0)),  # after the last finished, not back
        ([(13, 100), (12, 1800)], ResumePoint(13, 100)),  # the next one, where it was left
        ([(12, 1800), (13, 1800)], ResumePoint(11, 0)),  # nothing after it: the first unfinished
        ([(11, 1800), (12, 1800), (13, 1800)], None),  # all done
        ([(99, 600)], None),  # a lesson no longer in the course
    ],
)
def test_resume_rule(store, watched, expected):
    watch(store, *watched)
    assert store.resume_point("guest", 3, POEMS.lesson_ids) == expected


def test_lesson_marks_are_per_course_and_record_overwrites(store):
    watch(store, (11, 1800), (12, 900), (12, 450))
    watch(store, (21, 600), course=FRACTIONS)
    assert store.lesson_marks("guest", 3) == {
        11: Mark(State.DONE, 1.0),
        12: Mark(State.STARTED, 0.25, 450),
    }
    assert set(store.lesson_marks("guest", 5)) == {21}
    assert store.lesson_marks("guest", 404) == {}


def test_continue_watching_is_most_recent_first_without_finished_courses(store):
    finished = CourseSummary(id=7, title={"zh": "学完了"}, lesson_ids=(31,))
    watch(store, (11, 600))
    watch(store, (31, 1800), course=finished)
    watch(store, (21, 60), course=FRACTIONS)
    items = store.continue_watching("guest")
    assert [item.course.id for item in items] == [5, 3]
    assert items[0].resume == ResumePoint(21, 60) and items[1].course == POEMS
    assert [i.course.id for i in store.continue_watching("guest", limit=1)] == [5]


def test_a_course_summary_reads_the_api_and_feeds_a_home_card():
    from tv_client.viewmodels.home import card

    data = {
        "id": 3,
        "title": {"zh": "古诗三首", "en": "Three Poems"},
        "poster": "posters/poems.jpg",
        "grade": {"code": "g4", "name": {"zh": "四年级", "en": "Grade 4"}},
        "subject": {"code": "chinese", "name": {"zh": "语文", "en": "Chinese"}, "color": "#E0533D"},
        "lessons": [{"id": 11, "position": 1}, {"id": 12}, {"id": 13}],
    }
    summary = CourseSummary.from_course(data)
    assert summary == POEMS
    assert CourseSummary.from_course(summary.as_item()) == summary
    shown = card(summary.as_item(), "continue/0", "en")
    assert (shown.course_id, shown.title, shown.subtitle) == (3, "Three Poems", "Grade 4 · Chinese")
    assert (shown.poster, shown.color) == ("posters/poems.jpg", "#E0533D")


def test_progress_survives_a_restart_in_one_file_per_profile(tmp_path):
    directory = tmp_path / "progress"
    first = ProgressStore(directory, clock=Clock())
    watch(first, (11, 600))
    watch(first, (12, 900), who="p2")
    again = ProgressStore(directory)
    assert again.resume_point("guest", 3, POEMS.lesson_ids) == ResumePoint(11, 600)
    assert again.resume_point("p2", 3, POEMS.lesson_ids) == ResumePoint(12, 900)
    assert sorted(p.name for p in directory.iterdir()) == [
        "progress-guest.json",
        "progress-p2.json",
    ]
    saved = json.loads((directory / "progress-guest.json").read_text(encoding="utf-8"))
    assert (saved["format"], saved["version"]) == ("edutv.progress", 1)
    assert saved["lessons"] == [
        {
            "course_id": 3,
            "lesson_id": 11,
            "position_s": 600.0,
            "duration_s": 1800.0,
            "updated_at": 1001.0,
        }
    ]
    assert saved["courses"][0]["title"] == {"zh": "古诗三首", "en": "Three Poems"}


def test_profiles_are_kept_apart(store):
    watch(store, (11, 600), who="p1")
    assert store.lesson_marks("p2", 3) == {} and store.continue_watching("p2") == []
    assert store.resume_point("p2", 3, POEMS.lesson_ids) is None


@pytest.mark.parametrize("profile_id", ["../evil", "a/b", "..", "小明"])
def test_no_profile_id_leaves_the_directory(store, profile_id):
    watch(store, (11, 600), who=profile_id)
    (path,) = store.directory.iterdir()
    assert path.parent == store.directory and path == store.path(profile_id)
    assert ProgressStore(store.directory).lesson_marks(profile_id, 3)[11].state is State.STARTED


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '["a", "list"]',
        '{"format": "something.else", "version": 1}',
        '{"format": "edutv.progress", "version": 99, "lessons": []}',
        b"\xff\xfe\x00",
    ],
)
def test_a_damaged_file_is_an_empty_history_with_a_warning(tmp_path, caplog, content):
    directory = tmp_path / "progress"
    directory.mkdir()
    path = directory / "progress-guest.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    store = ProgressStore(directory)
    with caplog.at_level(logging.WARNING, logger="tv_client.progress"):
        assert store.lesson_marks("guest", 3) == {}
    assert "ignoring the progress" in caplog.text
    watch(store, (11, 600))  # and recording writes a good file over it
    assert ProgressStore(directory).lesson_marks("guest", 3)[11].state is State.STARTED


def test_damaged_entries_are_skipped_one_by_one(tmp_path, caplog):
    directory = tmp_path / "progress"
    directory.mkdir()
    good = {"course_id": 3, "lesson_id": 11, "position_s": 60, "updated_at": 5}
    body = {
        "format": "edutv.progress",
        "version": 1,
        "courses": [{"id": 3, "lessons": [{"id": 11}]}, {"title": "no id"}],
        "lessons": [good, {"course_id": 3, "lesson_id": "twelve"}, None],
    }
    (directory / "progress-guest.json").write_text(json.dumps(body), encoding="utf-8")
    store = ProgressStore(directory)
    with caplog.at_level(logging.WARNING, logger="tv_client.progress"):
        assert store.lesson_marks("guest", 3) == {11: Mark(State.STARTED, 0.0, 60)}
    assert "skipped 3 damaged" in caplog.text
    assert [i.course.id for i in store.continue_watching("guest")] == [3]


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary_file(store, monkeypatch):
    watch(store, (11, 600))
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda src, dst: (replaced.append((src, dst)), real_replace(src, dst))
    )
    watch(store, (11, 900))
    ((source, target),) = replaced
    assert os.path.dirname(source) == str(store.directory) and target == store.path("guest")
    assert [p.name for p in store.directory.iterdir()] == ["progress-guest.json"]


def test_a_failed_save_keeps_the_old_file_and_the_progress_in_memory(store, monkeypatch, caplog):
    watch(store, (11, 600))

    def full_disk(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with caplog.at_level(logging.WARNING, logger="tv_client.progress"):
        watch(store, (11, 900))  # the player goes on: nothing is raised
    assert "No space" in caplog.text
    assert store.resume_point("guest", 3, POEMS.lesson_ids) == ResumePoint(11, 900)
    assert [p.name for p in store.directory.iterdir()] == ["progress-guest.json"]
    monkeypatch.undo()
    assert ProgressStore(store.directory).resume_point("guest", 3, [11]) == ResumePoint(11, 600)


def test_a_profile_keeps_the_most_recent_lessons_only(store, monkeypatch):
    assert MAX_LESSONS == 500
    monkeypatch.setattr(progress, "MAX_LESSONS", 8)  # the same rule, fewer files written
    for n in range(10):
        store.record("guest", CourseSummary(id=n // 2, lesson_ids=(n,)), n, 60, LESSON_S)
    again = ProgressStore(store.directory)
    assert again.lesson_marks("guest", 0) == {}  # the two oldest lessons went, and their course
    assert set(again.lesson_marks("guest", 1)) == {2, 3}
    saved = json.loads(store.path("guest").read_text(encoding="utf-8"))
    assert len(saved["lessons"]) == 8 and [c["id"] for c in saved["courses"]] == [1, 2, 3, 4]


def test_an_explicit_now_wins_over_the_clock(store):
    store.record("guest", POEMS, 12, 300, LESSON_S, now=50.0)
    store.record("guest", POEMS, 11, 300, LESSON_S, now=10.0)  # recorded later, watched earlier
    assert store.resume_point("guest", 3, POEMS.lesson_ids) == ResumePoint(12, 300)
    assert store.continue_watching("guest")[0].updated_at == 50.0


def test_threads_may_record_while_others_read(store):
    def player(lesson_id: int) -> None:
        for second in range(50):
            store.record("guest", POEMS, lesson_id, second, LESSON_S)

    threads = [threading.Thread(target=player, args=(i,)) for i in POEMS.lesson_ids]
    for thread in threads:
        thread.start()
    for _ in range(50):
        store.continue_watching("guest")
    for thread in threads:
        thread.join()
    marks = ProgressStore(store.directory).lesson_marks("guest", 3)
    assert {i: m.fraction for i, m in marks.items()} == {i: 49 / LESSON_S for i in (11, 12, 13)}

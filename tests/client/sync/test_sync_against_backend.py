"""Progress over real HTTP, against the real backend (``tv_backend.create_app``): the outbox
drains once the backend is back, each event arriving once, and a box resumes from the backend.

The backend keeps one viewer per (device, profile) until a household joins them, so these tests
resume on the same device id: a box whose local progress was lost, or a second box of the same
household after the sign-in has merged their viewers.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from tv_client.api import TIMEOUT, RetryPolicy
from tv_client.progress import CourseSummary, ProgressStore, ResumePoint, State
from tv_client.sync import Outbox, ProgressReporter, Syncer

QUICK = RetryPolicy(base=0.05, cap=0.2, jitter=lambda: 1.0)


class Tv:
    """One box: its data directory, device id, outbox, local progress, reporter and syncer."""

    def __init__(self, root, url: str, device: str, clock) -> None:
        self.http = httpx.Client(timeout=TIMEOUT)
        self.outbox = Outbox(root / "outbox.db")
        self.progress = ProgressStore(root / "progress")
        self.syncer = Syncer(
            url, self.outbox, device_id=device, local=self.progress, http=self.http, backoff=QUICK
        )
        self.reporter = ProgressReporter(
            self.outbox, self.progress, clock=clock, on_event=self.syncer.notify
        )

    def close(self) -> None:
        self.syncer.close()
        self.outbox.close()
        self.http.close()


@pytest.fixture
def clock(clock):
    # An hour ago: the backend takes a client time later than its own clock as "now".
    clock.now = datetime.now(clock.now.tzinfo) - timedelta(hours=1)
    return clock


@pytest.fixture
def tvs(tmp_path, progress_backend, clock):
    """``tvs(device=None)``: a new box (a new data directory) with that device id or a new one."""
    made: list[Tv] = []

    def make(device: str | None = None) -> Tv:
        root = tmp_path / f"tv{len(made)}"
        made.append(Tv(root, progress_backend.url, device or uuid.uuid4().hex, clock))
        return made[-1]

    yield make
    for tv in made:
        tv.close()


@pytest.fixture
def fractions(progress_backend) -> dict:
    """The feed's fractions course as the API gives it: lessons of 24, 40 and 64 s."""
    items = httpx.get(f"{progress_backend.url}/api/v1/courses", params={"limit": 50}).json()
    (item,) = [i for i in items["items"] if i["external_id"] == "t:math-g3-fractions"]
    return httpx.get(f"{progress_backend.url}/api/v1/courses/{item['id']}").json()


def play(tv: Tv, clock, course: dict, n: int, seconds: int) -> float:
    """Start lesson ``n`` of ``course`` at 0 and play ``seconds``, ticking every second."""
    lesson = course["lessons"][n]
    summary = CourseSummary.from_course(course)
    tv.reporter.started("p1", summary, lesson["id"], lesson["duration"], 0.0)
    for position in range(1, seconds + 1):
        clock.advance(1)
        tv.reporter.tick(float(position))
    return float(seconds)


def test_events_made_offline_reach_the_backend_once_when_it_is_back(
    progress_backend, fractions, tvs, clock, wait_until
):
    tv = tvs()
    progress_backend.stop()
    tv.syncer.start()
    play(tv, clock, fractions, 2, 35)  # the 64 s lesson
    tv.reporter.seeked(35.0, 45.0)
    tv.reporter.paused(45.0)
    tv.reporter.stopped(45.0)
    made = [event["id"] for event in tv.outbox.batch()]
    assert len(made) == 6  # three ticks, the seek, the pause, the stop
    assert wait_until(lambda: tv.syncer.failures >= 2)
    assert tv.outbox.count() == 6  # nothing is lost while the backend is away

    progress_backend.start()
    assert wait_until(lambda: tv.outbox.count() == 0)
    assert sorted(progress_backend.app.ids) == sorted(made)  # each arrived exactly once


def test_a_box_that_lost_its_progress_resumes_from_the_backend(
    progress_backend, fractions, tvs, clock
):
    first, second = (lesson["id"] for lesson in fractions["lessons"][:2])
    box = tvs()
    play(box, clock, fractions, 0, 24)
    box.reporter.ended()
    play(box, clock, fractions, 1, 15)
    box.reporter.paused(15.0)
    box.reporter.stopped(15.0)
    assert box.syncer.sync().ok
    assert box.outbox.count() == 0

    again = tvs(box.syncer.device_id)  # the same device id, an empty data directory
    assert again.syncer.pull("p1") == 2
    marks = again.progress.lesson_marks("p1", fractions["id"])
    assert marks[first].state is State.DONE  # played through: completed on the backend
    assert (marks[second].state, marks[second].position_s) == (State.STARTED, 15.0)
    order = [lesson["id"] for lesson in fractions["lessons"]]
    assert again.progress.resume_point("p1", fractions["id"], order) == ResumePoint(second, 15.0)
    (row,) = again.progress.continue_watching("p1")
    assert row.course.title == fractions["title"]


def test_pulling_one_course_changes_only_that_course(progress_backend, fractions, tvs, clock):
    box = tvs()
    play(box, clock, fractions, 1, 12)
    box.reporter.stopped(12.0)
    assert box.syncer.sync().ok
    again = tvs(box.syncer.device_id)
    assert again.syncer.pull("p1", course_id=fractions["id"] + 1) == 0
    assert again.syncer.pull("p1", course_id=fractions["id"]) == 1


def test_an_event_the_backend_rejects_leaves_the_outbox(progress_backend, tvs, clock, caplog):
    tv = tvs()
    unknown = {"id": uuid.uuid4().hex, "profile": "p1", "lesson_id": 999_999, "kind": "tick"}
    tv.outbox.add(
        {**unknown, "position_s": 1.0, "duration_s": 10.0, "played": [[0.0, 1.0]],
         "client_time": clock().isoformat()}
    )  # fmt: skip
    with caplog.at_level(logging.WARNING):
        done = tv.syncer.sync()
    assert (done.ok, done.rejected, tv.outbox.count()) == (True, 1, 0)
    assert f"rejected progress event {unknown['id']}: unknown_lesson" in caplog.text

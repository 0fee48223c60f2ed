"""The syncer: what it sends, what leaves the outbox, how it backs off, and the pull's merge."""

from __future__ import annotations

import json
import logging
import threading

import httpx
import pytest

from tv_client.api import ApiError, Offline, RetryPolicy
from tv_client.progress import CourseSummary, ResumePoint, State
from tv_client.sync.outbox import Outbox
from tv_client.sync.syncer import Syncer

DEVICE = "d" * 32
POEMS = CourseSummary(id=3, title={"zh": "古诗三首"}, lesson_ids=(11, 12, 13))


class Backend:
    """The progress API behind ``httpx.MockTransport``, answering from a script.

    Each POST takes the next answer: ``"ack"`` (everything), ``"down"`` (a refused connection),
    a status code, or a function of the request body giving the JSON to answer; once the script
    is used up, it acknowledges everything.
    """

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.posts: list[dict] = []
        self.gets: list[httpx.Request] = []
        self.pulled: dict | int | str = {"lessons": [], "continue": []}
        self.posted = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            self.gets.append(request)
            return self._answer(self.pulled, None, request)
        body = json.loads(request.content)
        self.posts.append(body)
        self.posted.set()
        return self._answer(self.answers.pop(0) if self.answers else "ack", body, request)

    @staticmethod
    def _answer(answer, body, request) -> httpx.Response:
        if answer == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if answer == "ack":
            return httpx.Response(200, json={"acked": [e["id"] for e in body["events"]]})
        if isinstance(answer, int):
            error = {"code": "nope", "status": answer, "message": "the backend says no"}
            return httpx.Response(answer, json=error)
        return httpx.Response(200, json=answer(body) if callable(answer) else answer)


def make_syncer(outbox, store, backend: Backend, *, jitter=lambda: 0.5, **kwargs) -> Syncer:
    http = httpx.Client(transport=httpx.MockTransport(backend))
    backoff = RetryPolicy(base=2.0, cap=300.0, jitter=jitter)
    return Syncer(
        "http://tv.test/",
        outbox,
        device_id=DEVICE,
        local=store,
        http=http,
        backoff=backoff,
        **kwargs,
    )


def fill(outbox: Outbox, n: int) -> list[str]:
    ids = [f"e{i}" for i in range(n)]
    for event_id in ids:
        outbox.add({"id": event_id, "lesson_id": 12, "kind": "tick"})
    return ids


def test_the_outbox_goes_up_in_batches_oldest_first(outbox, store):
    backend = Backend()
    ids = fill(outbox, 5)
    done = make_syncer(outbox, store, backend, batch_size=2).sync()
    assert [[e["id"] for e in post["events"]] for post in backend.posts] == [
        ids[0:2], ids[2:4], ids[4:5]
    ]  # fmt: skip
    assert {post["device"] for post in backend.posts} == {DEVICE}
    assert (done.ok, done.sent, done.acked, outbox.count()) == (True, 5, 5, 0)


def test_an_empty_outbox_sends_nothing(outbox, store):
    backend = Backend()
    assert make_syncer(outbox, store, backend).sync().ok
    assert backend.posts == []


def test_rejected_events_leave_with_a_warning_and_foreign_ids_are_ignored(outbox, store, caplog):
    fill(outbox, 3)

    def answer(body):
        return {
            "acked": ["e0", "not-sent", 42],
            "rejected": [{"id": "e1", "code": "unknown_lesson", "message": "no lesson 12"}, "x"],
        }

    with caplog.at_level(logging.WARNING):
        done = make_syncer(outbox, store, Backend(answer, 503)).sync()
    assert (done.acked, done.rejected) == (1, 1)
    assert [e["id"] for e in outbox.batch()] == ["e2"]  # sent again, then the 503
    assert "rejected progress event e1: unknown_lesson: no lesson 12" in caplog.text


def test_events_left_unsettled_go_again_in_the_same_pass(outbox, store):
    backend = Backend(lambda body: {"acked": ["e0"]})
    fill(outbox, 3)
    assert make_syncer(outbox, store, backend).sync().ok
    assert [[e["id"] for e in post["events"]] for post in backend.posts] == [
        ["e0", "e1", "e2"], ["e1", "e2"]
    ]  # fmt: skip
    assert outbox.count() == 0


@pytest.mark.parametrize(
    "answer",
    [
        "down",
        500,
        503,
        404,  # an older backend without the endpoint: wait for it
        422,
        lambda body: {"acked": []},  # settles nothing
        lambda body: {"unexpected": True},
    ],
)
def test_a_failed_send_keeps_every_event(outbox, store, answer):
    fill(outbox, 3)
    done = make_syncer(outbox, store, Backend(answer)).sync()
    assert not done.ok
    assert outbox.count() == 3
    assert [outbox.attempts(i) for i in ("e0", "e1", "e2")] == [1, 1, 1]


@pytest.mark.parametrize("body", [b"<html>captive portal</html>", b"[1, 2]"])
def test_an_answer_that_is_not_a_json_object_is_a_failure(outbox, store, body):
    fill(outbox, 1)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    syncer = Syncer(
        "http://tv.test",
        outbox,
        device_id=DEVICE,
        local=store,
        http=httpx.Client(transport=transport),
    )
    assert not syncer.sync().ok
    assert outbox.count() == 1


def test_a_refusal_is_logged_as_a_warning(outbox, store, caplog):
    fill(outbox, 1)
    with caplog.at_level(logging.WARNING):
        make_syncer(outbox, store, Backend(422)).sync()
    assert "refused 1 progress events: 422 nope: the backend says no" in caplog.text


def test_backoff_doubles_with_full_jitter_to_the_cap_and_a_success_resets_it(outbox, store):
    fill(outbox, 1)
    backend = Backend(*["down"] * 11, "ack", "down")
    syncer = make_syncer(outbox, store, backend, jitter=lambda: 0.5, idle_s=60.0)
    waits = [syncer.sync().wait_s for _ in range(11)]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 150, 150, 150]  # half of min(300, 2 * 2**n)
    assert syncer.failures == 11
    done = syncer.sync()
    assert (done.ok, done.wait_s, syncer.failures) == (True, 60.0, 0)
    fill(outbox, 1)
    assert syncer.sync().wait_s == 1


def test_the_jitter_spreads_each_delay_over_its_whole_range(outbox, store):
    fill(outbox, 1)
    draws = iter([0.0, 0.999, 0.25])
    syncer = make_syncer(outbox, store, Backend("down", "down", "down"), jitter=lambda: next(draws))
    assert [syncer.sync().wait_s for _ in range(3)] == [0.0, 0.999 * 4, 0.25 * 8]


def test_a_week_offline_stays_at_the_cap(outbox, store):
    fill(outbox, 1)
    syncer = make_syncer(outbox, store, Backend("down"), jitter=lambda: 1.0)
    syncer.failures = 10_000  # 2**10000 would not fit a float
    assert syncer.sync().wait_s == 300.0


# Pulling: the query, the merge, the errors.


def lesson(lesson_id=12, position=725.0, updated="2026-01-01T12:00:00+08:00", **more) -> dict:
    return {
        "lesson_id": lesson_id,
        "course_id": 3,
        "position_s": position,
        "duration_s": 1800.0,
        "coverage": 0.4,
        "completed": False,
        "updated_at": updated,
        **more,
    }


COURSE = {
    "id": 3,
    "title": {"zh": "古诗三首", "en": "Three Poems"},
    "poster": "posters/poems.jpg",
    "grade": {"name": {"zh": "四年级"}},
    "subject": {"name": {"zh": "语文"}, "color": "#E0533D"},
    "lessons": [{"id": 11}, {"id": 12}, {"id": 13}],
}


def test_pull_asks_for_the_profile_on_this_device(outbox, store):
    backend = Backend()
    syncer = make_syncer(outbox, store, backend)
    syncer.pull("p1")
    syncer.pull("p1", course_id=3)
    assert [dict(r.url.params) for r in backend.gets] == [
        {"device": DEVICE, "profile": "p1"},
        {"device": DEVICE, "profile": "p1", "course_id": "3"},
    ]
    assert backend.gets[0].url.path == "/api/v1/progress"


def test_a_lesson_watched_on_another_tv_resumes_here(outbox, store):
    backend = Backend()
    backend.pulled = {
        "lessons": [lesson(12, 725.0), lesson(11, 600.0, completed=True, coverage=0.97)],
        "continue": [{"course": COURSE, "lesson_id": 12, "position_s": 725.0}],
    }
    assert make_syncer(outbox, store, backend).pull("p1") == 2
    assert store.resume_point("p1", 3, POEMS.lesson_ids) == ResumePoint(12, 725.0)
    assert store.lesson_marks("p1", 3)[11].state is State.DONE
    (item,) = store.continue_watching("p1")
    assert item.course.title == {"zh": "古诗三首", "en": "Three Poems"}  # the row has its name


def test_a_pull_keeps_what_it_cannot_read_out(outbox, store, caplog):
    backend = Backend()
    backend.pulled = {"lessons": [lesson(12), {"lesson_id": "x"}, "junk"], "continue": "junk"}
    with caplog.at_level(logging.WARNING):
        assert make_syncer(outbox, store, backend).pull("p1") == 1
    assert "skipped 2 malformed lessons" in caplog.text


@pytest.mark.parametrize(("answer", "error"), [("down", Offline), (503, Offline), (404, ApiError)])
def test_a_failed_pull_raises_the_clients_errors(outbox, store, answer, error):
    backend = Backend()
    backend.pulled = answer
    with pytest.raises(error):
        make_syncer(outbox, store, backend).pull("p1")


# The thread.


def test_the_thread_sends_when_notified(outbox, store, wait_until):
    backend = Backend()
    syncer = make_syncer(outbox, store, backend, idle_s=60.0)
    syncer.start()
    try:
        fill(outbox, 1)
        syncer.notify()
        assert wait_until(lambda: outbox.count() == 0)
    finally:
        syncer.stop()
    assert len(backend.posts) == 1


def test_while_backing_off_notify_waits_and_retry_now_does_not(outbox, store, wait_until):
    backend = Backend("down")
    fill(outbox, 1)
    syncer = make_syncer(outbox, store, backend, jitter=lambda: 1.0)  # 2 s after the failure
    syncer.start()
    try:
        assert wait_until(lambda: syncer.failures == 1)
        backend.posted.clear()
        syncer.notify()
        assert not backend.posted.wait(0.3)
        syncer.retry_now()
        assert wait_until(lambda: outbox.count() == 0)
    finally:
        syncer.stop()
    assert len(backend.posts) == 2

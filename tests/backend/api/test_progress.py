"""The progress API as the TV's outbox and screens use it, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

pytestmark = pytest.mark.usefixtures("catalog")

DEVICE = "box-0a1b2c3d"
UTC_PLUS_8 = timezone(timedelta(hours=8))
START = datetime(2025, 9, 1, 19, 0, tzinfo=UTC_PLUS_8)  # in the past: the server clamps futures
URL = "/api/v1/progress"


def at(seconds: float) -> str:
    """RFC 3339 with the box's offset, ``seconds`` after START."""
    return (START + timedelta(seconds=seconds)).isoformat()


def event(lesson_id: int, position: float, played=(), *, t: float = 0, **fields) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "profile": "guest",
        "lesson_id": lesson_id,
        "position_s": position,
        "duration_s": 600.0,
        "played": [list(pair) for pair in played],
        "client_time": at(t),
        "kind": "tick",
        **fields,
    }


def post(client, *events: dict, device: str = DEVICE):
    response = client.post(URL, json={"device": device, "events": list(events)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def read(client, profile: str = "guest", device: str = DEVICE, **query) -> dict:
    response = client.get(URL, query_string={"device": device, "profile": profile, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def lesson(client, lesson_id: int, **query) -> dict:
    (found,) = [x for x in read(client, **query)["lessons"] if x["lesson_id"] == lesson_id]
    return found


@pytest.fixture
def courses(client) -> dict[str, dict]:
    """The feed's courses by external id, as the course detail answers them."""
    items = client.get("/api/v1/courses").get_json()["items"]
    return {c["external_id"]: client.get(f"/api/v1/courses/{c['id']}").get_json() for c in items}


@pytest.fixture
def fractions(courses) -> list[int]:
    """The lesson ids of the three-lesson course, in order."""
    return [x["id"] for x in courses["t:math-g3-fractions"]["lessons"]]


def test_a_batch_is_acked_and_read_back(client, courses, fractions):
    first, second = event(fractions[0], 30, [(0, 30)], t=30), event(fractions[0], 40, t=40)
    assert post(client, first, second) == {"acked": [first["id"], second["id"]], "rejected": []}
    body = read(client)
    assert body["lessons"] == [
        {
            "lesson_id": fractions[0],
            "course_id": courses["t:math-g3-fractions"]["id"],
            "position_s": 40.0,
            "duration_s": 600.0,
            "coverage": 0.05,
            "watched_s": 30.0,
            "completed": False,
            "updated_at": "2025-09-01T11:00:40+00:00",
        }
    ]
    listed = client.get("/api/v1/courses?grade=g3&series=tongbu").get_json()["items"][0]
    assert body["continue"] == [{"course": listed, "lesson_id": fractions[0], "position_s": 40.0}]


def test_answers_are_never_cached(client, fractions):
    for response in (
        client.get(URL, query_string={"device": DEVICE, "profile": "guest"}),
        client.post(URL, json={"device": DEVICE, "events": [event(fractions[0], 5)]}),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
    assert read(client)["lessons"][0]["position_s"] == 5.0
    post(client, event(fractions[0], 9, t=1))
    assert read(client)["lessons"][0]["position_s"] == 9.0


def test_a_replayed_event_is_acked_and_changes_nothing(client, fractions):
    original = event(fractions[0], 100, [(90, 100)], t=100)
    post(client, original)
    before = read(client)
    replay = {**original, "position_s": 500, "played": [[0, 590]], "client_time": at(900)}
    assert post(client, replay, replay) == {"acked": [original["id"]], "rejected": []}
    assert read(client) == before


def test_the_resume_position_is_the_latest_client_time_whatever_the_arrival(client, fractions):
    lesson_id = fractions[0]
    post(client, event(lesson_id, 300, [(290, 300)], t=300))
    post(client, event(lesson_id, 100, [(90, 100)], t=100))  # older, sent late: seconds only
    found = lesson(client, lesson_id)
    assert (found["position_s"], found["coverage"]) == (300.0, round(20 / 600, 4))
    assert found["updated_at"] == "2025-09-01T11:05:00+00:00"
    post(client, event(lesson_id, 42, t=300))  # the same time: the further position wins
    assert lesson(client, lesson_id)["position_s"] == 300.0
    post(client, event(lesson_id, 420, t=300))  # ... whichever arrives first
    assert lesson(client, lesson_id)["position_s"] == 420.0


def test_batches_give_the_same_progress_whichever_arrives_first(client, fractions):
    one = [event(fractions[0], 300, [(0, 300)], t=300), event(fractions[1], 40, [(0, 40)], t=40)]
    two = [event(fractions[0], 100, [(300, 560)], t=200), event(fractions[1], 9, t=40)]
    post(client, *one, device="box-order-ab")
    post(client, *two, device="box-order-ab")
    post(client, *two, device="box-order-ba")
    post(client, *one, device="box-order-ba")
    first, second = read(client, device="box-order-ab"), read(client, device="box-order-ba")
    assert first == second
    assert [(x["position_s"], x["watched_s"], x["completed"]) for x in first["lessons"]] == [
        (300.0, 560.0, True),
        (40.0, 40.0, False),
    ]


def test_a_client_clock_ahead_of_the_server_does_not_pin_the_position(client, fractions):
    ahead = datetime.now(UTC_PLUS_8) + timedelta(days=365)
    post(client, event(fractions[0], 500, client_time=ahead.isoformat()))
    post(client, event(fractions[0], 20, client_time=datetime.now(UTC_PLUS_8).isoformat()))
    assert lesson(client, fractions[0])["position_s"] == 20.0


def test_scrubbing_to_the_end_does_not_complete_a_lesson(client, fractions):
    post(
        client,
        event(fractions[0], 10, [(0, 10)], t=10),
        event(fractions[0], 595, kind="seek", t=11),
        event(fractions[0], 600, [(595, 600)], kind="end", t=16),
    )
    found = lesson(client, fractions[0])
    assert found["completed"] is False and found["coverage"] == 0.025
    assert read(client)["continue"][0]["lesson_id"] == fractions[0]


def test_ninety_percent_played_completes_and_is_never_undone(client, fractions):
    ticks = [event(fractions[0], s + 10, [(s, s + 10)], t=s + 10) for s in range(0, 530, 10)]
    post(client, *ticks)  # 0 to 530 s: 88%
    assert lesson(client, fractions[0])["completed"] is False
    post(client, event(fractions[0], 540, [(530, 540)], t=540))  # 90%
    assert lesson(client, fractions[0])["completed"] is True
    post(client, event(fractions[0], 5, kind="seek", t=600))  # back to the start
    found = lesson(client, fractions[0])
    assert (found["completed"], found["position_s"], found["coverage"]) == (True, 5.0, 0.9)
    assert found["watched_s"] == 540.0


def test_a_two_minute_clip_resumes(client, fractions):
    post(client, event(fractions[1], 61.5, [(0, 61.5)], duration_s=120.0, kind="exit"))
    assert read(client)["continue"][0] | {"course": None} == {
        "course": None,
        "lesson_id": fractions[1],
        "position_s": 61.5,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "short"}, "id"),
        ({"id": "x" * 65}, "id"),
        ({"profile": ""}, "profile"),
        ({"lesson_id": "7"}, "lesson_id"),
        ({"lesson_id": 1.5}, "lesson_id"),
        ({"position_s": -1}, "position_s"),
        ({"duration_s": 0}, "duration_s"),
        ({"played": [[10, 5]]}, "played"),
        ({"played": [[-1, 5]]}, "played"),
        ({"played": [[0, 602]]}, "played"),  # past duration + 1
        ({"played": [[0, 1, 2]]}, "played"),
        ({"client_time": "2025-09-01T19:00:00"}, "client_time"),  # no offset
        ({"client_time": "yesterday"}, "client_time"),
        ({"kind": "rewind"}, "kind"),
        ({"kind": None}, "kind"),
    ],
)
def test_an_invalid_event_is_rejected_alone(client, fractions, change, field):
    good, bad = event(fractions[0], 12, [(0, 12)]), event(fractions[0], 99) | change
    body = post(client, bad, good)
    assert body["acked"] == [good["id"]]
    (rejected,) = body["rejected"]
    assert (rejected["id"], rejected["code"]) == (bad["id"], "invalid_event")
    assert rejected["message"] and field in rejected["errors"]
    assert lesson(client, fractions[0])["position_s"] == 12.0


def test_events_that_are_not_objects_are_rejected_without_an_id(client, fractions):
    good = event(fractions[0], 12)
    body = post(client, "not an event", {"id": 7}, good)
    assert body["acked"] == [good["id"]]
    assert [(r["id"], r["code"]) for r in body["rejected"]] == [
        (None, "invalid_event"),
        (None, "invalid_event"),
    ]


def test_unknown_fields_are_ignored_so_newer_tvs_are_not_refused(client, fractions):
    newer = event(fractions[0], 12) | {"rate": 1.5}
    body = {"device": DEVICE, "events": [newer], "app_version": "2.0"}
    assert client.post(URL, json=body).get_json() == {"acked": [newer["id"]], "rejected": []}


def test_an_event_for_an_unknown_lesson_is_rejected(client, fractions):
    unknown, good = event(999_999, 10), event(fractions[0], 10)
    body = post(client, unknown, good)
    assert body["acked"] == [good["id"]]
    assert body["rejected"] == [
        {
            "id": unknown["id"],
            "code": "unknown_lesson",
            "message": "There is no lesson 999999; the event was dropped.",
            "errors": {"lesson_id": ["No lesson 999999 in the catalog."]},
        }
    ]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert (body["status"], body["code"]) == (status, code) and body["message"]
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"device": DEVICE}, "events"),
        ({"device": DEVICE, "events": []}, "events"),
        ({"device": DEVICE, "events": {"id": "abcdefgh"}}, "events"),
        ({"device": DEVICE, "events": [{}] * 501}, "events"),
        ({"events": [{}]}, "device"),
        ({"device": "short", "events": [{}]}, "device"),
        ({"device": "box 0001 with spaces", "events": [{}]}, "device"),
        ([{"device": DEVICE}], "body"),
    ],
)
def test_a_body_that_is_not_a_batch_is_422(client, body, field):
    error = assert_error(client.post(URL, json=body), 422, "batch_rejected")
    assert field in error["errors"]


def test_a_body_that_is_not_json_is_422(client):
    response = client.post(URL, data="device=box", content_type="application/json")
    assert "body" in assert_error(response, 422, "batch_rejected")["errors"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"profile": "guest"}, "device"),
        ({"device": DEVICE}, "profile"),
        ({"device": DEVICE, "profile": "guest", "course_id": "abc"}, "course_id"),
        ({"device": DEVICE, "profile": "guest", "course_id": 0}, "course_id"),
        ({"device": DEVICE, "profile": "guest", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_query_names_the_field(client, query, field):
    error = assert_error(client.get(URL, query_string=query), 400, "invalid_request")
    assert field in error["errors"]


def test_profiles_and_devices_are_kept_apart(client, fractions):
    post(client, event(fractions[0], 10), event(fractions[1], 20, profile="p2"))
    post(client, event(fractions[2], 30), device="box-other-01")
    assert [x["lesson_id"] for x in read(client)["lessons"]] == [fractions[0]]
    assert [x["lesson_id"] for x in read(client, "p2")["lessons"]] == [fractions[1]]
    assert [x["lesson_id"] for x in read(client, device="box-other-01")["lessons"]] == [
        fractions[2]
    ]
    assert read(client, "nobody") == {"lessons": [], "continue": []}


def test_reading_an_unknown_viewer_writes_nothing(client, services):
    from sqlalchemy import func, select

    from tv_backend.storage.models import Viewer

    assert read(client, "never-seen") == {"lessons": [], "continue": []}
    with services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Viewer)) == 0


DONE = ((0, 600),)


@pytest.mark.parametrize(
    ("watched", "expected"),
    [
        ([(0, 200, ())], (0, 200.0)),  # started: resume it
        ([(0, 600, DONE)], (1, 0.0)),  # completed: the next lesson from the start
        ([(1, 50, ()), (0, 600, DONE)], (1, 50.0)),  # ... at its position if started
        ([(0, 600, DONE), (1, 80, ())], (1, 80.0)),
        ([(1, 50, ()), (0, 100, ())], (0, 100.0)),  # the latest wins, not the furthest
        ([(2, 600, DONE)], (0, 0.0)),  # the last completed: back to the first unfinished
        ([(0, 600, DONE), (2, 600, DONE)], (1, 0.0)),
        ([(0, 600, DONE), (1, 600, DONE), (2, 600, DONE)], None),  # finished: not listed
    ],
)
def test_continue_follows_the_tvs_resume_rule(client, courses, fractions, watched, expected):
    for t, (index, position, played) in enumerate(watched):
        post(client, event(fractions[index], position, played, t=t))
    items = read(client)["continue"]
    if expected is None:
        assert items == []
    else:
        (item,) = items
        assert item["course"]["id"] == courses["t:math-g3-fractions"]["id"]
        assert (item["lesson_id"], item["position_s"]) == (fractions[expected[0]], expected[1])


def test_continue_lists_the_most_recent_course_first_at_most_twelve(client, courses, monkeypatch):
    order = ["t:safety-swim", "t:chinese-g4-poems", "t:math-g3-time", "t:physics-g8-light"]
    for t, external_id in enumerate(order):
        post(client, event(courses[external_id]["lessons"][0]["id"], 10, t=t))
    ids = [item["course"]["external_id"] for item in read(client)["continue"]]
    assert ids == order[::-1]
    monkeypatch.setattr("tv_backend.services.progress.CONTINUE_LIMIT", 2)
    assert [item["course"]["external_id"] for item in read(client)["continue"]] == order[:1:-1]


def test_course_id_narrows_to_one_course(client, courses, fractions):
    poems = courses["t:chinese-g4-poems"]
    post(client, event(fractions[0], 10, t=1), event(poems["lessons"][0]["id"], 20, t=2))
    body = read(client, course_id=courses["t:math-g3-fractions"]["id"])
    assert [x["lesson_id"] for x in body["lessons"]] == [fractions[0]]
    assert [x["course"]["id"] for x in body["continue"]] == [courses["t:math-g3-fractions"]["id"]]
    assert read(client, course_id=999_999) == {"lessons": [], "continue": []}


def test_the_lessons_list_is_most_recent_first(client, fractions):
    post(client, event(fractions[2], 1, t=5), event(fractions[0], 1, t=9), event(fractions[1], 1))
    assert [x["lesson_id"] for x in read(client)["lessons"]] == [
        fractions[0],
        fractions[2],
        fractions[1],
    ]


def test_the_openapi_file_documents_both_methods(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    post_doc, get_doc = paths[URL]["post"], paths[URL]["get"]
    assert post_doc["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProgressBatch"
    }
    assert {"200", "422"} <= set(post_doc["responses"])
    assert {p["name"] for p in get_doc["parameters"]} == {"device", "profile", "course_id"}

"""Catalog feed import: validated whole, upserted by external id, all or nothing."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.services.errors import FeedRejected
from tv_backend.storage.models import Course, Lesson


def counts(services) -> tuple[int, int, int]:
    with services.sessions() as s:
        courses = s.scalar(select(func.count()).select_from(Course))
        lessons = s.scalar(select(func.count()).select_from(Lesson))
    return courses, lessons, services.catalog.repo.version()


def test_a_good_feed_is_imported_and_bumps_the_version(services, small_feed):
    before = counts(services)
    report = services.catalog_import.run(load_feed(small_feed))
    assert (report.created, report.updated, report.series) == (6, 0, 1)
    assert counts(services) == (6, 8, before[2] + 1)


def test_importing_again_updates_by_external_id_and_keeps_ids(services, small_feed):
    services.catalog_import.run(load_feed(small_feed))
    first = services.catalog.courses(_all(), cursor=None, limit=100).items[0]
    feed = copy.deepcopy(small_feed)
    feed["courses"][0]["title"]["zh"] = "认识分数"
    feed["courses"][0]["lessons"] = feed["courses"][0]["lessons"][1:]  # l1 withdrawn
    report = services.catalog_import.run(load_feed(feed))
    assert (report.created, report.updated) == (0, 6)
    course = services.catalog.course(first.id)
    assert course.title_zh == "认识分数"
    assert [lesson.external_id for lesson in course.lessons] == ["l2", "l3"]
    assert course.lessons[0].id == first.lessons[1].id  # kept, not re-created
    assert counts(services)[:2] == (6, 7)


def _all():
    from tv_backend.storage.catalog import CourseFilter

    return CourseFilter()


def test_a_feed_with_bad_references_reports_every_record_and_writes_nothing(services, small_feed):
    before = counts(services)
    feed = copy.deepcopy(small_feed)
    feed["courses"][0]["stage"] = "kindergarten"
    feed["courses"][1]["grade"] = "g9"  # a junior grade on a primary course
    feed["courses"][2]["series"] = "nope"
    feed["courses"][3]["lessons"].append(dict(feed["courses"][3]["lessons"][0]))
    feed["courses"][5]["external_id"] = feed["courses"][4]["external_id"]
    with pytest.raises(FeedRejected) as rejected:
        services.catalog_import.run(load_feed(feed))
    problems = rejected.value.errors
    assert "stage" in problems["course t:math-g3-fractions"]
    assert "in stage 'primary'" in problems["course t:math-g3-time"]["grade"][0]
    assert "series" in problems["course t:chinese-g4-poems"]
    assert "lessons.external_id" in problems["course t:physics-g8-light"]
    assert "external_id" in problems["course t:safety-swim"]
    assert counts(services) == before


def test_structural_and_reference_errors_are_reported_per_record(services, small_feed):
    before = counts(services)
    feed = copy.deepcopy(small_feed)
    del feed["courses"][0]["title"]["zh"]
    feed["courses"][1]["lessons"][0]["duration"] = "long"
    feed["courses"][2]["surprise"] = True
    feed["courses"][3]["subject"] = "alchemy"
    feed["series"][0]["color"] = "purple"
    with pytest.raises(FeedRejected) as rejected:
        services.catalog_import.run(load_feed(feed))
    problems = rejected.value.errors
    assert "subject" in problems["course t:physics-g8-light"]
    assert counts(services) == before
    assert problems["course t:math-g3-fractions"] == {
        "title": {"zh": ["Missing data for required field."]}
    }
    assert "duration" in problems["course t:math-g3-time"]["lessons"][0]
    assert problems["course t:chinese-g4-poems"] == {"surprise": ["Unknown field."]}
    assert "color" in problems["series yuelu"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ([], "feed"),
        ({"feed": "other", "version": 1, "source": "x", "courses": []}, "feed"),
        ({"feed": "edutv.catalog", "version": 2, "source": "x", "courses": []}, "feed"),
        ({"feed": "edutv.catalog", "version": 1, "source": "x"}, "feed"),
    ],
)
def test_a_feed_of_the_wrong_shape_is_rejected_whole(data, key):
    with pytest.raises(FeedRejected) as rejected:
        load_feed(data)
    assert key in rejected.value.errors


def test_a_record_that_is_not_an_object_is_named_by_position(services):
    feed = load_feed({"feed": "edutv.catalog", "version": 1, "source": "x", "courses": [7]})
    with pytest.raises(FeedRejected) as rejected:
        services.catalog_import.run(feed)
    assert "courses[0]" in rejected.value.errors


def test_a_dry_run_validates_and_writes_nothing(services, small_feed):
    before = counts(services)
    report = services.catalog_import.run(load_feed(small_feed), dry_run=True)
    assert report.version is None
    assert counts(services) == before

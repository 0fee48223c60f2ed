"""Two backend instances sharing the database and Redis serve a write at once, both of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tv_backend.app import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings

pytestmark = pytest.mark.redis


@pytest.fixture
def instances(settings, redis_url):
    shared = Settings(
        data_dir=settings.data_dir,
        media_dir=settings.resolved_media_dir,
        database_url=settings.database_url,
        redis_url=redis_url,
    )
    apps = [create_app(shared, migrate=True), create_app(shared)]
    yield apps
    for app in apps:
        app.extensions["edutv"].close()


def test_a_write_through_one_instance_is_served_by_the_other(instances, small_feed, wait_until):
    first, second = (app.test_client() for app in instances)
    instances[0].extensions["edutv"].catalog_import.run(load_feed(small_feed))
    for client in (first, second):
        assert client.get("/api/v1/courses?grade=g4").get_json()["items"][0]["title"]["zh"] == (
            "古诗三首"
        )
        client.get("/api/v1/courses?grade=g4")  # warm: now answered from process memory
    small_feed["courses"][2]["title"]["zh"] = "古诗四首"
    instances[0].extensions["edutv"].catalog_import.run(load_feed(small_feed))
    assert wait_until(
        lambda: (
            second.get("/api/v1/courses?grade=g4").get_json()["items"][0]["title"]["zh"]
            == "古诗四首"
        ),
        limit=2,
    )
    assert first.get("/api/v1/courses?grade=g4").get_json()["items"][0]["title"]["zh"] == (
        "古诗四首"
    )


def test_attendance_is_counted_for_all_instances_together(instances):
    """Each gunicorn worker is an instance: a box counted by one is not counted again by
    another, and each reads the same total."""
    first, second = (app.extensions["edutv"].live.attendance_store for app in instances)
    start = datetime(2026, 11, 29, 8, tzinfo=UTC)
    assert first.record("class.hnedu.tv", start, "box-1")
    assert second.record("class.hnedu.tv", start, "box-2")
    second.record("class.hnedu.tv", start, "box-1")
    assert first.count("class.hnedu.tv", start) == second.count("class.hnedu.tv", start) == 2

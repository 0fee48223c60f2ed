"""The catalog client against a real backend over real HTTP: data, ETags, offline, errors."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tv_client.api import ApiError, CacheEntry, ClientError, Link, Offline
from tv_client.api.client import request_key


def _titles(items: list[dict]) -> set[str]:
    return {item["title"]["en"] for item in items}


def test_taxonomy_lists_the_stages(catalog_client):
    fetched = catalog_client.taxonomy()
    codes = [stage["code"] for stage in fetched.data["stages"]]
    assert codes[:2] == ["primary", "junior"]
    assert fetched.offline is False


def test_courses_filter_and_page_with_a_cursor(catalog_client):
    first = catalog_client.courses(stage="primary", limit=2).data
    rest = catalog_client.courses(stage="primary", limit=2, cursor=first["next_cursor"]).data
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    assert _titles(first["items"]).isdisjoint(_titles(rest["items"]))
    grade3 = catalog_client.courses(grade="g3", subject="math").data
    assert _titles(grade3["items"]) == {"Getting to Know Fractions", "Hours, Minutes, Seconds"}
    assert grade3["next_cursor"] is None


def test_course_has_its_lessons_in_order(catalog_client):
    [course] = catalog_client.search("fractions").data["items"]
    detail = catalog_client.course(course["id"]).data
    assert detail["title"]["zh"] == "分数的初步认识"
    assert [lesson["position"] for lesson in detail["lessons"]] == [1, 2, 3]


def test_search_finds_by_pinyin_initials(catalog_client):
    fetched = catalog_client.search("sx", limit=5)
    assert fetched.data["query"] == "sx"
    assert "Getting to Know Fractions" in _titles(fetched.data["items"])


def test_home_has_rows_for_the_grade(catalog_client):
    rows = catalog_client.home(grade="g3").data["rows"]
    assert rows[0]["kind"] == "recommended"
    assert {"kind", "title", "series", "items"} <= set(rows[0])


def test_media_urls_resolve_against_the_backend(catalog_client, backend):
    [course] = catalog_client.search("fractions").data["items"]
    lessons = catalog_client.course(course["id"]).data["lessons"]
    assert (
        catalog_client.media_url(course["poster"]) == f"{backend.url}/media/posters/fractions.jpg"
    )
    assert catalog_client.media_url(lessons[2]["hls"]) == "https://cdn.example.org/f3/master.m3u8"
    assert catalog_client.media_url(None) is None


def test_second_call_revalidates_with_the_etag_and_gets_304(catalog_client, recorder):
    first = catalog_client.home(grade="g3")
    second = catalog_client.home(grade="g3")
    assert recorder.statuses == [200, 304]
    assert second.data == first.data
    assert second.offline is False


def test_304_serves_the_stored_body(catalog_client, recorder):
    catalog_client.taxonomy()
    # Only the stored copy could produce this marker: the backend answers 304 with no body.
    key = request_key("/api/v1/taxonomy")
    entry = catalog_client.cache.get(key)
    catalog_client.cache.put(key, CacheEntry({"marker": 1}, entry.etag, 0.0))
    assert catalog_client.taxonomy().data == {"marker": 1}
    assert recorder.statuses == [200, 304]


def test_a_stale_etag_gets_the_new_body(catalog_client, recorder):
    key = request_key("/api/v1/taxonomy")
    catalog_client.taxonomy()
    catalog_client.cache.put(key, CacheEntry({"old": True}, '"not-the-etag"', 0.0))
    assert "stages" in catalog_client.taxonomy().data
    assert recorder.statuses == [200, 200]


def test_backend_down_serves_the_stored_catalog_marked_offline(catalog_client, backend):
    online = catalog_client.home(grade="g3")
    backend.stop()
    offline = catalog_client.home(grade="g3")
    assert offline.offline is True
    assert offline.data == online.data
    assert offline.fetched_at == online.fetched_at
    assert catalog_client.monitor.state is Link.OFFLINE


def test_backend_down_with_nothing_stored_raises_offline(catalog_client, backend, recorder):
    backend.stop()
    with pytest.raises(Offline, match="cannot be reached") as caught:
        catalog_client.search("sx")
    assert isinstance(caught.value, ClientError)
    assert "/api/v1/search?limit=20&q=sx" in str(caught.value)
    assert recorder.sleeps == [0.125, 0.25]


def test_the_client_recovers_when_the_backend_returns(catalog_client, backend):
    catalog_client.taxonomy()
    backend.stop()
    assert catalog_client.taxonomy().offline is True
    assert catalog_client.probe() is False
    backend.start()
    assert catalog_client.probe() is True
    assert catalog_client.monitor.state is Link.ONLINE
    assert catalog_client.taxonomy().offline is False


@pytest.mark.parametrize(
    ("call", "status", "code"),
    [
        (lambda c: c.courses(limit=500), 400, "invalid_request"),
        (lambda c: c.course(99999), 404, "not_found"),
    ],
    ids=["limit-too-large", "unknown-course"],
)
def test_4xx_raises_api_error_without_retrying(catalog_client, recorder, call, status, code):
    with pytest.raises(ApiError) as caught:
        call(catalog_client)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.message
    assert recorder.statuses == [status]
    assert recorder.sleeps == []
    assert catalog_client.monitor.state is Link.ONLINE


def test_api_error_carries_the_field_errors(catalog_client):
    with pytest.raises(ApiError) as caught:
        catalog_client.courses(limit=500)
    assert caught.value.message == "Some fields are not valid; see errors."
    assert "limit" in caught.value.errors


def test_one_client_serves_many_threads(catalog_client):
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: catalog_client.taxonomy().data, range(32)))
    assert all(result == results[0] for result in results)


def test_stored_entries_are_json_files_with_the_etag(catalog_client):
    catalog_client.taxonomy()
    path = catalog_client.cache.path(request_key("/api/v1/taxonomy"))
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["etag"].startswith('"')
    assert stored["key"] == "/api/v1/taxonomy"

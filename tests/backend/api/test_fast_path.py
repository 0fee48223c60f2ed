"""Cache hits are answered before Flask; misses, errors and other methods go through it."""

from __future__ import annotations

import pytest

from tv_backend.api.fast_path import cache_key, not_modified
from tv_backend.services.response_cache import Entry


@pytest.mark.parametrize(
    ("path", "query", "key"),
    [
        ("/api/v1/courses", "", "/api/v1/courses"),
        ("/api/v1/courses", "grade=g3&stage=primary", "/api/v1/courses?grade=g3&stage=primary"),
        ("/api/v1/courses", "stage=primary&grade=g3", "/api/v1/courses?grade=g3&stage=primary"),
        ("/api/v1/search", "q=%E6%95%B0", "/api/v1/search?q=%E6%95%B0"),
        ("/api/v1/search", "q=数", "/api/v1/search?q=%E6%95%B0"),
    ],
)
def test_equal_queries_share_a_key(path, query, key):
    assert cache_key(path, query) == key


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ("*", True),
        ('"abcd"', False),
    ],
)
def test_if_none_match_uses_weak_comparison(header, expected):
    assert not_modified(Entry('"abc"', b"{}"), header) is expected


@pytest.mark.usefixtures("catalog")
def test_a_cached_response_is_served_without_reaching_the_view(app, client, monkeypatch):
    first = client.get("/api/v1/courses?stage=primary&grade=g3")

    def unreachable(*_args, **_kwargs):
        raise AssertionError("the view ran for a cached response")

    monkeypatch.setattr(app.extensions["edutv"].catalog, "courses", unreachable)
    again = client.get("/api/v1/courses?grade=g3&stage=primary")  # same query, other order
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == "application/json"
    head = client.head("/api/v1/courses?grade=g3&stage=primary")
    assert head.status_code == 200 and head.data == b""
    cond = client.get(
        "/api/v1/courses?grade=g3&stage=primary", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert cond.status_code == 304


@pytest.mark.usefixtures("catalog")
def test_invalid_requests_are_never_cached(client):
    for _ in range(2):
        response = client.get("/api/v1/courses?limit=999")
        assert response.status_code == 400 and "ETag" not in response.headers

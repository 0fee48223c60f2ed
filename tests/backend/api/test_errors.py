"""Bad input gets the one error body with a message a person can act on; nothing changes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("catalog")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == status and body["code"] == code
    assert body["message"] and "Traceback" not in response.get_data(as_text=True)
    return body


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/courses?limit=500", 400, "invalid_request", "limit"),
        ("/api/v1/courses?limit=0", 400, "invalid_request", "limit"),
        ("/api/v1/courses?limit=ten", 400, "invalid_request", "limit"),
        ("/api/v1/courses?colour=red", 400, "invalid_request", "colour"),
        ("/api/v1/courses?stage=kindergarten", 400, "invalid_query", "stage"),
        ("/api/v1/courses?stage=Primary!", 400, "invalid_request", "stage"),
        ("/api/v1/courses?cursor=not-a-cursor", 400, "invalid_query", "cursor"),
        ("/api/v1/courses?cursor=eyJhZnRlciI6LTF9", 400, "invalid_query", "cursor"),
        ("/api/v1/search", 400, "invalid_request", "q"),
        ("/api/v1/search?q=" + "长" * 65, 400, "invalid_request", "q"),
        ("/api/v1/search?q=%20%20", 400, "invalid_query", "q"),
        ("/api/v1/home?grade=g13", 400, "invalid_query", "grade"),
    ],
)
def test_bad_queries_name_the_field(client, url, status, code, field):
    body = assert_error(client.get(url), status, code)
    assert field in body["errors"]


@pytest.mark.parametrize("url", ["/api/v1/courses/999999", "/api/v1/nothing-here", "/x"])
def test_unknown_ids_and_paths_are_404(client, url):
    assert_error(client.get(url), 404, "not_found")


def test_a_wrong_method_is_405_with_the_body(client):
    assert_error(client.post("/api/v1/courses", json={}), 405, "method_not_allowed")


def test_an_unexpected_failure_is_a_500_body_without_traceback(app, client, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["edutv"].catalog, "offered_taxonomy", boom)
    monkeypatch.setattr(
        app.extensions["edutv"].responses.cache, "lookup", lambda name: (None, None)
    )
    app.config["TESTING"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(app.extensions["edutv"].responses, "_version_source", lambda: 10**9)
    response = client.get("/api/v1/taxonomy")
    body = assert_error(response, 500, "internal_server_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert body["message"].startswith("Something went wrong")

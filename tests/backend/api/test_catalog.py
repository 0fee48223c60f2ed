"""The catalog API as the TV uses it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("catalog")


def ids(response) -> list[str]:
    return [c["external_id"] for c in response.get_json()["items"]]


def test_taxonomy_lists_stages_with_grades_subjects_and_series(client):
    body = client.get("/api/v1/taxonomy").get_json()
    stages = {s["code"]: s for s in body["stages"]}
    assert [s["name"]["zh"] for s in body["stages"]] == [
        "小学",
        "初中",
        "高中",
        "中职",
        "高校",
        "家庭教育",
    ]
    assert [g["code"] for g in stages["primary"]["grades"]] == [f"g{n}" for n in range(1, 7)]
    assert stages["higher"]["grades"] == []
    series = {s["code"]: s["name"]["zh"] for s in body["series"]}
    assert series["jiebanren"] == "我是接班人"
    assert series["yuelu"] == "岳麓讲堂"  # defined by the imported feed
    assert {s["code"] for s in body["subjects"]} >= {"math", "chinese", "english"}


@pytest.mark.parametrize("page", [2, 500])  # the courses are read a page at a time
def test_taxonomy_lists_the_subjects_each_stage_grade_and_series_has_courses_in(
    client, monkeypatch, page
):
    monkeypatch.setattr("tv_backend.services.catalog.OFFER_PAGE", page)
    body = client.get("/api/v1/taxonomy").get_json()
    stages = {s["code"]: s for s in body["stages"]}
    assert stages["primary"]["subjects"] == ["chinese", "math", "safety"]  # the subjects' order
    assert stages["junior"]["subjects"] == ["physics"]
    assert stages["senior"]["subjects"] == []
    grades = {g["code"]: g["subjects"] for g in stages["primary"]["grades"]}
    assert (grades["g3"], grades["g4"], grades["g1"]) == (["math"], ["chinese"], [])
    series = {s["code"]: s["subjects"] for s in body["series"]}
    assert (series["yuelu"], series["tongbu"], series["jiebanren"]) == (["parenting"], ["math"], [])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "t:math-g3-fractions",
                "t:math-g3-time",
                "t:chinese-g4-poems",
                "t:physics-g8-light",
                "t:safety-swim",
                "t:family-reading",
            ],
        ),
        ("?stage=junior", ["t:physics-g8-light"]),
        ("?grade=g3", ["t:math-g3-fractions", "t:math-g3-time"]),
        ("?grade=g3&series=zhiqu", ["t:math-g3-time"]),
        ("?subject=math&stage=primary", ["t:math-g3-fractions", "t:math-g3-time"]),
        ("?series=yuelu", ["t:family-reading"]),
        ("?stage=senior", []),
    ],
)
def test_courses_filter_by_stage_grade_subject_series(client, query, expected):
    response = client.get("/api/v1/courses" + query)
    assert response.status_code == 200
    assert ids(response) == expected


def test_course_pages_follow_the_cursor_to_the_end(client):
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/courses?limit=4" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen += [c["external_id"] for c in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
    assert pages == 2
    assert len(seen) == len(set(seen)) == 6


def test_course_summary_carries_what_a_poster_row_needs(client):
    course = client.get("/api/v1/courses?grade=g3&series=tongbu").get_json()["items"][0]
    assert course["title"] == {"zh": "分数的初步认识", "en": "Getting to Know Fractions"}
    assert course["poster"] == "/media/posters/fractions.jpg"
    assert course["subject"]["code"] == "math" and course["subject"]["color"].startswith("#")
    assert course["grade"]["name"]["zh"] == "三年级"
    assert course["lesson_count"] == 3 and course["duration"] == 128.0


def test_course_detail_lists_lessons_in_order_with_media_urls(client):
    course_id = client.get("/api/v1/courses?grade=g3&series=tongbu").get_json()["items"][0]["id"]
    body = client.get(f"/api/v1/courses/{course_id}").get_json()
    assert body["description"]["zh"] == "认识几分之一和几分之几。"
    lessons = body["lessons"]
    assert [(lesson["position"], lesson["title"]["zh"]) for lesson in lessons] == [
        (1, "几分之一"),
        (2, "几分之几"),
        (3, "分数的简单计算"),
    ]
    assert lessons[0]["hls"] == "/media/lessons/f1/master.m3u8"
    assert lessons[1]["subtitles"] == [{"lang": "zh", "url": "/media/subtitles/f2.zh.vtt"}]
    assert lessons[2]["hls"] == "https://cdn.example.org/f3/master.m3u8"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("数学", {"t:math-g3-fractions", "t:math-g3-time"}),
        ("sx", {"t:math-g3-fractions", "t:math-g3-time", "t:chinese-g4-poems"}),  # 书香 too
        ("ＳＸ", {"t:math-g3-fractions", "t:math-g3-time", "t:chinese-g4-poems"}),
        ("fenshu", {"t:math-g3-fractions"}),
        ("fs", {"t:math-g3-fractions"}),
        ("math", {"t:math-g3-fractions", "t:math-g3-time"}),
        ("Poetry", {"t:chinese-g4-poems"}),
        ("light", {"t:physics-g8-light"}),
        ("防溺水", {"t:safety-swim"}),
        ("岳麓", {"t:family-reading"}),
        ("100%", set()),
        ("zzzz", set()),
    ],
)
def test_search_matches_chinese_english_pinyin_and_initials(client, q, expected):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    assert set(ids(response)) == expected


def test_search_ranks_title_matches_first(client):
    assert ids(client.get("/api/v1/search?q=分数"))[0] == "t:math-g3-fractions"
    # 数学 (the subject) is a whole word for "sx"; 书香校园 (sxxy) only starts with it.
    assert ids(client.get("/api/v1/search?q=sx"))[-1] == "t:chinese-g4-poems"
    assert ids(client.get("/api/v1/search?q=gs"))[0] == "t:chinese-g4-poems"  # 古诗三首


def test_home_rows_recommend_for_the_grade_then_newest_then_series(client):
    rows = client.get("/api/v1/home?grade=g3").get_json()["rows"]
    assert rows[0]["kind"] == "recommended"
    assert {c["external_id"] for c in rows[0]["items"]} == {"t:math-g3-fractions", "t:math-g3-time"}
    assert rows[1]["kind"] == "latest" and len(rows[1]["items"]) == 6
    series_rows = [r["series"]["code"] for r in rows if r["kind"] == "series"]
    assert series_rows == ["zhiqu", "weilai", "shuxiang", "anquan", "tongbu", "yuelu"]
    assert client.get("/api/v1/home").get_json()["rows"][0]["kind"] == "latest"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/taxonomy", "/api/v1/courses?grade=g3", "/api/v1/search?q=sx", "/api/v1/home"],
)
def test_get_responses_carry_etag_and_answer_if_none_match_with_304(client, url):
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_catalog_write_changes_the_etag_and_the_content(client, services, small_feed):
    from tv_backend.schemas.catalog_feed import load_feed

    before = client.get("/api/v1/courses?grade=g4")
    small_feed["courses"][2]["title"]["zh"] = "古诗四首"
    services.catalog_import.run(load_feed(small_feed))
    after = client.get(
        "/api/v1/courses?grade=g4", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert after.get_json()["items"][0]["title"]["zh"] == "古诗四首"


def test_openapi_document_describes_the_catalog(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in [
        "/api/v1/taxonomy",
        "/api/v1/courses",
        "/api/v1/courses/{course_id}",
        "/api/v1/search",
        "/api/v1/home",
    ]:
        assert "get" in spec["paths"][path]
    params = {p["name"] for p in spec["paths"]["/api/v1/courses"]["get"]["parameters"]}
    assert {"stage", "grade", "subject", "series", "cursor", "limit"} <= params


def test_openapi_documents_the_one_error_body(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert error["code"]["type"] == "string" and error["status"]["type"] == "integer"
    assert set(error) == {"code", "status", "message", "errors"}

"""`edutv seed-demo`: a real catalog of courses whose every lesson plays as adaptive HLS."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from tv_backend.demo.content import COURSES
from tv_backend.demo.seed import seed
from tv_backend.media.profile import LADDER

pytestmark = [pytest.mark.media, pytest.mark.slow]


def all_courses(client) -> list[dict]:
    return client.get("/api/v1/courses?limit=100").get_json()["items"]


def lessons_of(client) -> list[dict]:
    return [
        lesson
        for course in all_courses(client)
        for lesson in client.get(f"/api/v1/courses/{course['id']}").get_json()["lessons"]
    ]


def media_path(app, url: str):
    assert url.startswith("/media/")
    return app.extensions["edutv"].settings.resolved_media_dir / url.removeprefix("/media/")


def test_the_demo_catalog_spans_stages_subjects_and_series(demo):
    app, report = demo
    courses = all_courses(app.test_client())
    assert len(courses) == report.courses == len(COURSES) >= 40
    assert all(3 <= c["lesson_count"] <= 8 for c in courses)
    assert set(Counter(c["stage"]["code"] for c in courses)) == {
        "primary",
        "junior",
        "senior",
        "vocational",
        "higher",
        "family",
    }
    series = {c["series"]["code"] for c in courses}
    assert {
        "jiebanren",
        "zhiqu",
        "weilai",
        "daguo",
        "shuxiang",
        "xinli",
        "laodong",
        "anquan",
        "kepu",
    } <= series
    assert len({c["subject"]["code"] for c in courses}) >= 15


def test_every_course_has_a_real_poster(demo):
    app, _ = demo
    for course in all_courses(app.test_client()):
        with Image.open(media_path(app, course["poster"])) as poster:
            assert poster.format == "JPEG"
            assert poster.width > poster.height >= 270


def test_seeding_again_reuses_the_media_and_updates_in_place(demo):
    app, first = demo
    svc = app.extensions["edutv"]
    masters = sorted(svc.settings.resolved_media_dir.glob("lessons/*/.built"))
    stamps = [p.stat().st_mtime_ns for p in masters]
    again = seed(svc, jobs=2, echo=lambda _line: None)
    assert (again.created, again.updated) == (0, first.courses)
    assert [p.stat().st_mtime_ns for p in masters] == stamps  # nothing re-encoded


def ffprobe(path) -> dict:
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_programs",
            "-show_streams",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_ffprobe_reads_every_master_playlist_as_the_whole_ladder(demo):
    app, _ = demo
    lessons = lessons_of(app.test_client())
    assert len(lessons) >= 200
    with ThreadPoolExecutor(4) as pool:
        probes = list(pool.map(lambda lesson: ffprobe(media_path(app, lesson["hls"])), lessons))
    for lesson, probe in zip(lessons, probes, strict=True):
        heights = sorted(s["height"] for s in probe["streams"] if s["codec_type"] == "video")
        assert heights == [r.height for r in LADDER], lesson["hls"]
        assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
        assert (
            abs(
                float(probe["programs"][0].get("duration", lesson["duration"])) - lesson["duration"]
            )
            < 3
        )

"""The `edutv` command line: clear output, meaningful exit codes, nothing half-done."""

from __future__ import annotations

import json

from tv_backend.storage import db


def test_help_lists_the_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("serve", "db", "seed-demo", "catalog", "demo", "settings"):
        assert command in result.output


def test_db_upgrade_is_idempotent(run):
    assert run("db", "upgrade").exit_code == 0
    again = run("db", "upgrade")
    assert again.exit_code == 0 and f"revision {db.head_revision()}" in again.output


def test_catalog_import_reports_what_it_did(run, fixtures_dir):
    result = run("catalog", "import", str(fixtures_dir / "feed_small.json"))
    assert result.exit_code == 0, result.output
    assert "6 new, 0 updated, 1 series" in result.output
    assert (
        "0 new, 6 updated" in run("catalog", "import", str(fixtures_dir / "feed_small.json")).output
    )


def test_a_rejected_feed_exits_1_with_every_record_and_imports_nothing(run, tmp_path, small_feed):
    small_feed["courses"][0]["subject"] = "alchemy"
    small_feed["courses"][4]["lessons"][0]["hls"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small_feed), encoding="utf-8")
    result = run("catalog", "import", str(path))
    assert result.exit_code == 1
    assert "rejected course t:math-g3-fractions" in result.output
    assert "rejected course t:safety-swim" in result.output
    assert "Nothing was imported" in result.output
    assert "Traceback" not in result.output
    dry = run("catalog", "import", "--dry-run", str(path))
    assert dry.exit_code == 1


def test_malformed_json_is_a_clear_error(run, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"feed": "edutv.catalog", ', encoding="utf-8")
    result = run("catalog", "import", str(path))
    assert result.exit_code == 1
    assert "is not valid JSON" in result.output


def test_a_dry_run_writes_nothing(run, fixtures_dir, client):
    result = run("catalog", "import", "--dry-run", str(fixtures_dir / "feed_small.json"))
    assert result.exit_code == 0 and "would import 6 courses" in result.output
    assert client.get("/api/v1/courses").get_json()["items"] == []


def test_settings_documents_every_variable(run):
    output = run("settings").output
    for name in (
        "TV_DATA_DIR",
        "TV_DATABASE_URL",
        "TV_REDIS_URL",
        "TV_MEDIA_DIR",
        "TV_MEDIA_URL",
        "TV_SECRET_KEY",
    ):
        assert name in output

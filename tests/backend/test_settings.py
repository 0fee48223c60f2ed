"""Settings: every TV_* variable typed, documented once, and listed in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tv_backend.settings import Settings, SettingsError

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_are_the_embedded_set_up():
    settings = Settings.from_env({})
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("var/edutv.sqlite3")
    assert settings.redis_url == ""
    assert settings.resolved_media_dir == Path("var/media")


def test_variables_are_parsed_to_their_types():
    settings = Settings.from_env(
        {
            "TV_WORKERS": "4",
            "TV_REDIS_TIMEOUT": "0.5",
            "TV_SERVE_MEDIA": "no",
            "TV_MEDIA_DIR": "/srv/media",
            "TV_DATABASE_URL": "postgresql+psycopg://x@h/db",
            "UNRELATED": "1",
        }
    )
    assert settings.workers == 4 and settings.redis_timeout == 0.5
    assert settings.serve_media is False
    assert settings.resolved_media_dir == Path("/srv/media")
    assert settings.resolved_database_url == "postgresql+psycopg://x@h/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [("TV_WORKERS", "many"), ("TV_SERVE_MEDIA", "maybe"), ("TV_REDIS_TIMEOUT", "fast")],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_every_setting_is_documented_and_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name, _default, doc in Settings.documentation():
        assert name.startswith("TV_") and len(doc) > 20
        assert f"`{name}`" in readme, f"{name} is missing from the README's configuration table"

"""The TV client's settings: typed, documented, listed in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from tv_client.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_point_at_a_local_backend_in_chinese():
    settings = Settings.from_env({})
    assert settings.backend_url == "http://127.0.0.1:8000"
    assert settings.language == "zh"


def test_variables_override_the_defaults():
    settings = Settings.from_env({"TV_BACKEND_URL": "http://box:9000", "TV_LANGUAGE": "en"})
    assert settings.backend_url == "http://box:9000" and settings.language == "en"


def test_an_unknown_language_is_refused_with_the_variable_named():
    with pytest.raises(ValueError, match="TV_LANGUAGE"):
        Settings.from_env({"TV_LANGUAGE": "fr"})


def test_every_client_setting_is_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name, _default, doc in Settings.documentation():
        assert f"`{name}`" in readme and doc

"""Preferences: environment defaults, saved choices winning, damaged files, atomic saves, URLs."""

from __future__ import annotations

import json
import logging
import os

import pytest

from tv_client.preferences import (
    FILE_NAME,
    QUALITIES,
    BackendUrlError,
    Preferences,
    PreferencesStore,
    check_backend_url,
)
from tv_client.settings import Settings


@pytest.fixture
def store(tmp_path) -> PreferencesStore:
    return PreferencesStore(tmp_path / "box" / FILE_NAME)


def test_a_box_without_a_file_uses_the_defaults(store):
    assert store.load() == Preferences(language="zh", quality="auto", backend_url=None)
    assert not store.path.exists()


def test_the_environment_gives_the_defaults_and_the_file_sits_in_the_data_dir(tmp_path):
    settings = Settings(language="en", client_data_dir=tmp_path, backend_url="http://box:9000")
    store = PreferencesStore.for_settings(settings)
    assert store.path == tmp_path / "preferences.json"
    preferences = store.load()
    assert preferences == Preferences(language="en")
    assert preferences.backend(settings) == "http://box:9000"


def test_a_saved_choice_wins_over_the_environment(tmp_path):
    english = PreferencesStore(tmp_path / FILE_NAME, Preferences(language="en"))
    english.save(Preferences(language="zh", quality="480p", backend_url="http://10.0.0.2:8000"))
    chinese_box = PreferencesStore(tmp_path / FILE_NAME, Preferences(language="en"))
    saved = chinese_box.load()
    assert saved == Preferences("zh", "480p", "http://10.0.0.2:8000")
    assert saved.backend(Settings()) == "http://10.0.0.2:8000"


def test_only_what_differs_from_the_defaults_is_kept(store):
    store.save(Preferences(language="zh", quality="720p"))
    document = json.loads(store.path.read_text(encoding="utf-8"))
    assert document == {"format": "edutv.preferences", "version": 1, "quality": "720p"}
    # the carrier later changes TV_LANGUAGE: this box never chose a language, so it follows
    later = PreferencesStore(store.path, Preferences(language="en"))
    assert later.load() == Preferences(language="en", quality="720p")


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary_file(store, monkeypatch):
    store.save(Preferences(quality="720p"))
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda src, dst: (replaced.append((src, dst)), real_replace(src, dst))
    )
    store.save(Preferences(quality="360p"))
    ((source, target),) = replaced
    assert os.path.dirname(source) == str(store.path.parent) and target == store.path
    assert [p.name for p in store.path.parent.iterdir()] == [FILE_NAME]
    assert store.load().quality == "360p"


def test_a_failed_save_keeps_the_old_file_and_says_so(store, monkeypatch):
    store.save(Preferences(quality="720p"))

    def full_disk(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        store.save(Preferences(quality="360p"))
    assert [p.name for p in store.path.parent.iterdir()] == [FILE_NAME]
    assert store.load().quality == "720p"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"en"',
        b'{"language": "en"}',  # no format
        b'{"format": "edutv.preferences", "version": 99, "language": "en"}',
        b'{"format": "something.else", "version": 1, "language": "en"}',
    ],
)
def test_a_damaged_file_means_the_defaults_with_a_warning(store, caplog, content):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="tv_client.preferences"):
        assert store.load() == Preferences()
    assert "ignoring" in caplog.text and str(store.path) in caplog.text


@pytest.mark.parametrize(
    ("saved", "expected"),
    [
        ({"language": "fr", "quality": "720p"}, Preferences(quality="720p")),
        ({"language": "en", "quality": "4k"}, Preferences(language="en")),
        ({"quality": 720}, Preferences()),
        ({"backend_url": "ftp://box"}, Preferences()),
        ({"backend_url": "http://box:8000/", "quality": "360p"}, Preferences("zh", "360p", "http://box:8000")),
    ],
)  # fmt: skip
def test_one_bad_field_is_ignored_and_the_rest_kept(store, caplog, saved, expected):
    store.path.parent.mkdir(parents=True)
    document = {"format": "edutv.preferences", "version": 1, **saved}
    store.path.write_text(json.dumps(document), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="tv_client.preferences"):
        assert store.load() == expected


@pytest.mark.parametrize(
    ("quality", "height"),
    [("auto", None), ("1080p", 1080), ("720p", 720), ("480p", 480), ("360p", 360)],
)
def test_quality_is_automatic_or_a_cap_on_the_video_height(quality, height):
    assert Preferences(quality=quality).max_height == height


def test_every_quality_has_both_labels():
    assert [value for value, _ in QUALITIES] == ["auto", "1080p", "720p", "480p", "360p"]
    assert all(set(labels) == {"zh", "en"} and all(labels.values()) for _, labels in QUALITIES)


@pytest.mark.parametrize(
    ("field", "value"),
    [("language", "fr"), ("quality", "8k"), ("backend_url", "box:8000"), ("backend_url", "http://a/")],
)  # fmt: skip
def test_preferences_refuse_values_that_cannot_work(field, value):
    with pytest.raises(ValueError):
        Preferences(**{field: value})


@pytest.mark.parametrize(
    ("typed", "checked"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("  https://edutv.example.cn/  ", "https://edutv.example.cn"),
        ("http://192.168.1.20", "http://192.168.1.20"),
        ("http://box.local:65535/edutv/", "http://box.local:65535/edutv"),
        ("HTTP://Box-1.example.org", "HTTP://Box-1.example.org"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_good_addresses_are_kept_without_a_trailing_slash(typed, checked):
    assert check_backend_url(typed) == checked


@pytest.mark.parametrize(
    ("typed", "zh", "en"),
    [
        ("127.0.0.1:8000", "http:// 或 https:// 开头", "must start with http://"),
        ("box", "http:// 或 https:// 开头", "must start with http://"),
        ("ftp://box", "http:// 或 https:// 开头", "must start with http://"),
        ("http:/box", "http:// 或 https:// 开头", "must start with http://"),
        ("http://", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://:8000", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://bad_host", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://-box", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://user:pw@box", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://[::1", "服务器名或 IP 地址", "server's name or IP address"),
        ("http://box:", "端口", "port must be a number from 1 to 65535"),
        ("http://box:0", "端口", "port must be a number from 1 to 65535"),
        ("http://box:65536", "端口", "port must be a number from 1 to 65535"),
        ("http://box:80a", "端口", "port must be a number from 1 to 65535"),
        ("http://bo x", "空格", "cannot contain spaces"),
        ("http://box/?a=1", "? 或 #", "cannot contain ? or #"),
        ("http://box/#top", "? 或 #", "cannot contain ? or #"),
    ],
)
def test_bad_addresses_are_refused_saying_why_in_both_languages(typed, zh, en):
    with pytest.raises(BackendUrlError) as caught:
        check_backend_url(typed)
    assert zh in caught.value.message("zh")
    assert en in caught.value.message("en")

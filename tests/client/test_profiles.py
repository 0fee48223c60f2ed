"""The household's profiles on the box: lenient load, atomic save, who is asked for."""

from __future__ import annotations

import json

import pytest

from tv_client.profiles import FORMAT, GUEST, Household, Profile, ProfileStore


def write(store: ProfileStore, body) -> None:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    store.path.write_text(text, encoding="utf-8")


def household(*profiles: dict, last: str | None = None) -> dict:
    return {"format": FORMAT, "version": 1, "last": last, "profiles": list(profiles)}


def test_no_file_is_the_guest_alone_and_nobody_is_asked(tmp_path):
    loaded = ProfileStore(tmp_path).load()
    assert loaded.profiles == (GUEST,) and not loaded.ask
    assert loaded.get(None) is GUEST


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        {"format": "something.else", "profiles": []},
        household({"id": "a", "name": " "}),
        household({"id": "a", "name": "小明"}, {"id": "a", "name": "小红"}),
        household({"name": "no id"}),
        household(),
    ],
    ids=["not-json", "other-format", "blank-name", "shared-id", "no-id", "no-profiles"],
)
def test_a_damaged_or_empty_file_means_the_guest(tmp_path, body):
    store = ProfileStore(tmp_path)
    write(store, body)
    assert store.load() == Household()


def test_several_children_are_asked_for_and_the_last_one_is_offered_first(tmp_path):
    store = ProfileStore(tmp_path)
    write(
        store,
        household(
            {"id": "p1", "name": "小明"},
            {"id": "p2", "name": "小红", "grade": "g3", "color": "#EF5350"},
            last="p2",
        ),
    )
    loaded = store.load()
    assert loaded.ask and [p.name for p in loaded.profiles] == ["小明", "小红"]
    assert loaded.get(None).id == "p2" and loaded.get("p1").id == "p1"
    assert loaded.get("gone").id == "p2"  # an unknown id falls back to the last chosen
    assert loaded.profiles[0].color and loaded.profiles[1].grade == "g3"


def test_a_choice_is_saved_atomically_and_read_back(tmp_path):
    store = ProfileStore(tmp_path)
    chosen = Household((Profile("p1", "小明"), Profile("p2", "Lily", "g5"))).chose("p2")
    store.save(chosen)
    assert store.load() == chosen
    assert [p.name for p in store.path.parent.iterdir()] == ["profiles.json"]  # no temp left


@pytest.mark.parametrize(
    ("name", "initial"), [("小明", "明"), ("lily", "L"), ("王小红", "红"), ("", "?")]
)
def test_the_avatar_shows_what_a_family_calls_the_child(name, initial):
    assert Profile("x", name).initial == initial

"""The device id: made once, kept, and replaced (with a warning) when its file is damaged."""

from __future__ import annotations

import logging
import re

from tv_client.sync.device import FILE_NAME, device_id


def test_the_id_is_made_once_and_kept(tmp_path):
    first = device_id(tmp_path / "data")
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert device_id(tmp_path / "data") == first
    assert (tmp_path / "data" / FILE_NAME).read_text(encoding="ascii").strip() == first
    assert [p.name for p in (tmp_path / "data").iterdir()] == [FILE_NAME]  # no temporary left


def test_two_boxes_get_different_ids(tmp_path):
    assert device_id(tmp_path / "a") != device_id(tmp_path / "b")


def test_a_malformed_file_gets_a_new_id_with_a_warning(tmp_path, caplog):
    (tmp_path / FILE_NAME).write_text("not-an-id\n", encoding="ascii")
    with caplog.at_level(logging.WARNING):
        made = device_id(tmp_path, new_id=lambda: "0" * 32)
    assert made == "0" * 32
    assert (tmp_path / FILE_NAME).read_text(encoding="ascii").strip() == made
    assert "malformed" in caplog.text


def test_an_unreadable_file_gets_an_id_all_the_same(tmp_path, caplog):
    (tmp_path / FILE_NAME).mkdir()  # neither readable nor replaceable
    with caplog.at_level(logging.WARNING):
        made = device_id(tmp_path, new_id=lambda: "a" * 32)
    assert made == "a" * 32
    assert "cannot read" in caplog.text
    assert "cannot save" in caplog.text

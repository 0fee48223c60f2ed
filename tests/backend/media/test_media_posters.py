"""Posters, title cards and the typesetting under them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tv_backend.media import typesetting as ts
from tv_backend.media.cards import render_card
from tv_backend.media.posters import poster_key, render_poster

POSTER = {
    "title_zh": "分数的初步认识：把一个整体平均分成几份，再取其中的几份",
    "title_en": "A First Look at Fractions: Sharing a Whole Equally",
    "series_zh": "小学数学 · 三年级上册",
    "subject_zh": "数学",
    "grade_zh": "三年级",
    "color": "#2E7D32",
}


def test_poster_is_a_jpeg_of_the_requested_size(tmp_path: Path) -> None:
    path = tmp_path / "posters" / "p.jpg"
    render_poster(path, **POSTER)
    with Image.open(path) as image:
        assert (image.format, image.size) == ("JPEG", (640, 360))
    render_poster(path, **POSTER, size=(1280, 720))
    with Image.open(path) as image:
        assert image.size == (1280, 720)
    assert [p.name for p in path.parent.iterdir()] == ["p.jpg"]


def test_poster_background_carries_the_series_colour(tmp_path: Path) -> None:
    path = tmp_path / "p.jpg"
    render_poster(path, **{**POSTER, "color": "#C62828"})
    with Image.open(path) as image:
        red, green, blue = image.convert("RGB").getpixel((image.width - 2, image.height // 2))
    assert red > green + 20 and red > blue + 20


def test_poster_key_follows_every_input() -> None:
    key = poster_key(**POSTER)
    assert key == poster_key(**POSTER)
    assert len(key) == 12
    assert poster_key(**{**POSTER, "color": "#000000"}) != key
    assert poster_key(**POSTER, size=(1280, 720)) != key


def test_bad_colour_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        render_poster(tmp_path / "p.jpg", **{**POSTER, "color": "green"})


def test_title_card_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    render_card(
        path, title_zh="我是接班人", title_en="I Am the Successor", course_zh="一年级语文", number=3
    )
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (960, 540))


def test_fit_shrinks_and_wraps_to_the_box() -> None:
    block = ts.fit(
        POSTER["title_zh"], max_width=560, max_lines=2, sizes=range(60, 27, -2), bold=True
    )
    assert len(block.lines) <= 2
    assert all(block.face.getlength(line) <= 560 for line in block.lines)
    assert block.face.size < 60


def test_fit_ellipsizes_what_cannot_fit() -> None:
    block = ts.fit("很长的标题" * 20, max_width=200, max_lines=2, sizes=range(30, 19, -5))
    assert len(block.lines) == 2
    assert block.lines[-1].endswith("…")
    assert all(block.face.getlength(line) <= 200 for line in block.lines)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Sharing a Whole Equally", 130, ["Sharing a", "Whole", "Equally"]),
        ("我们的数学课。", 130, ["我们的数学", "课。"]),
        ("第一课：分数", 95, ["第一课：", "分数"]),
    ],
)
def test_wrap_keeps_words_whole_and_punctuation_off_line_starts(text, width, expected) -> None:
    assert ts.wrap(text, ts.font(24), width) == expected

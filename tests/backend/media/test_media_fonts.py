"""The bundled CJK font: present, licensed, renamed, and covering what the demo shows."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from tv_backend.media.fonts import assets_dir, font_path


@cache
def cmap(bold: bool) -> dict[int, str]:
    with TTFont(str(font_path(bold)), lazy=True) as font:
        return dict(font.getBestCmap())


def gb2312_hanzi() -> list[str]:
    """Level 1 and 2 hanzi: rows 0xB0-0xF7 of GB2312."""
    chars = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


@pytest.mark.parametrize("bold", [False, True])
def test_font_covers_demo_text(bold: bool) -> None:
    text = "数学语文我是接班人第3课《分数的初步认识》：一、二。ABC abc 0-9 ★☆●▶←→✓…—"
    missing = [ch for ch in text if ch != " " and ord(ch) not in cmap(bold)]
    assert missing == []


@pytest.mark.parametrize("bold", [False, True])
def test_font_covers_all_gb2312_hanzi(bold: bool) -> None:
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    assert [ch for ch in hanzi if ord(ch) not in cmap(bold)] == []


@pytest.mark.parametrize(("bold", "style"), [(False, "Regular"), (True, "Bold")])
def test_font_is_the_renamed_subset(bold: bool, style: str) -> None:
    path = font_path(bold)
    with TTFont(str(path), lazy=True) as font:
        family, subfamily = font["name"].getDebugName(1), font["name"].getDebugName(2)
    assert (family, subfamily) == ("Noto Sans SC EduTV", style)
    assert path.stat().st_size < 4_000_000


def test_licence_travels_with_the_font() -> None:
    text = (assets_dir() / "fonts" / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in text
    assert "Adobe" in text


def test_assets_dir_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TV_ASSETS_DIR", str(tmp_path))
    assert assets_dir() == tmp_path
    assert font_path(bold=True) == tmp_path / "fonts" / "NotoSansSC-EduTV-Bold.otf"

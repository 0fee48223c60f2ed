"""The look: a 1920x1080 logical layout scaled to the window, one palette, one focus style.

Every size in the client is written in logical pixels of a 1080p screen and turned into window
pixels by `px`, so 1280x720 and 3840x2160 look the same, proportionally. Logical rectangles are
y-down (as in ``tv_client.navigation``); `to_window` is the one place that flips them into
Kivy's y-up window coordinates.
"""

from __future__ import annotations

import functools
from pathlib import Path

from kivy.core.text import LabelBase
from kivy.core.window import Window
from kivy.utils import get_color_from_hex

from tv_client.navigation.focus import Rect

LOGICAL_W, LOGICAL_H = 1920, 1080
SAFE_X, SAFE_Y = LOGICAL_W * 0.05, LOGICAL_H * 0.05  # 5% safe area on every edge

FONT = "EduTV"
FONT_BOLD = "EduTV-Bold"
FONT_FILES = {FONT: "NotoSansSC-EduTV-Regular.otf", FONT_BOLD: "NotoSansSC-EduTV-Bold.otf"}

# Font sizes in logical px: nothing Chinese below 28 at 1080p.
TEXT_SMALL, TEXT_BODY, TEXT_TITLE, TEXT_HERO = 28, 32, 40, 56

FOCUS_SCALE = 1.08
FOCUS_OUTLINE = 4  # logical px

PALETTE = {
    "background": "#101418",
    "surface": "#1C232B",
    "surface_focus": "#2A3642",
    "text": "#F2F5F7",
    "text_dim": "#A9B4BE",
    "focus": "#FFD54F",
    "banner": "#B71C1C",
}


@functools.lru_cache(maxsize=256)
def color(name_or_hex: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """RGBA of a palette name or a ``#RRGGBB`` colour (cached: every card asks on every move)."""
    rgba = get_color_from_hex(PALETTE.get(name_or_hex, name_or_hex))
    return (*rgba[:3], alpha)


def scale() -> float:
    """Window pixels per logical pixel."""
    return Window.height / LOGICAL_H


def px(value: float) -> float:
    """A logical 1080p length in window pixels."""
    return value * scale()


def to_window(rect: Rect) -> tuple[float, float, float, float]:
    """(x, y, w, h) in Kivy window pixels (y up) of a logical y-down rectangle."""
    s = scale()
    return rect.x * s, Window.height - (rect.y + rect.h) * s, rect.w * s, rect.h * s


def register_fonts(assets_dir: Path) -> None:
    """Register the bundled CJK font as ``EduTV`` and ``EduTV-Bold``."""
    fonts = assets_dir / "fonts"
    for name, file in FONT_FILES.items():
        LabelBase.register(name=name, fn_regular=str(fonts / file))

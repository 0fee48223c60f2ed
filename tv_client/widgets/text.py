"""Labels in the bundled CJK font, sized in logical pixels."""

from __future__ import annotations

from typing import Any

from kivy.uix.label import Label

from tv_client import theme
from tv_client.navigation.focus import Rect


def tv_label(
    text: str = "",
    size: float = theme.TEXT_BODY,
    *,
    bold: bool = False,
    color: str = "text",
    **kwargs: Any,
) -> Label:
    """A label in the EduTV font at ``size`` logical px (at least 28 for Chinese)."""
    return Label(
        text=text,
        font_name=theme.FONT_BOLD if bold else theme.FONT,
        font_size=theme.px(size),
        color=theme.color(color),
        halign=kwargs.pop("halign", "left"),
        valign=kwargs.pop("valign", "middle"),
        size_hint=(None, None),
        **kwargs,
    )


def place_label(label: Label, x: float, y: float, w: float, h: float, size: float) -> None:
    """Put ``label`` at a logical y-down rectangle, wrapping or shortening inside it."""
    wx, wy, ww, wh = theme.to_window(Rect(x, y, w, h))
    label.pos, label.size = (wx, wy), (ww, wh)
    label.text_size = (ww, wh)
    label.font_size = theme.px(size)

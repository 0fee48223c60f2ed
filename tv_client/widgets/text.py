"""Labels in the bundled CJK font, sized in logical pixels.

`TvLabel` renders its text in white and tints it with ``color`` when drawn, so a colour change
(focus brightening a card's title) costs a canvas update instead of rendering the text again.
"""

from __future__ import annotations

from typing import Any

from kivy.lang import Builder
from kivy.uix.label import Label

from tv_client import theme
from tv_client.navigation.focus import Rect

Builder.load_string(
    """
<-TvLabel>:
    canvas:
        Color:
            rgba: self.color
        Rectangle:
            texture: self.texture
            size: self.texture_size
            pos: int(self.center_x - self.texture_size[0] / 2.), int(self.center_y - self.texture_size[1] / 2.)
"""  # noqa: E501  (kv: one expression per line)
)


class TvLabel(Label):
    """A label whose ``color`` tints a white texture instead of being rendered into it."""

    _font_properties = tuple(p for p in Label._font_properties if p != "color")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.funbind("color", self._trigger_texture_update, "color")


def tv_label(
    text: str = "",
    size: float = theme.TEXT_BODY,
    *,
    bold: bool = False,
    color: str = "text",
    tight: bool = False,
    **kwargs: Any,
) -> TvLabel:
    """A label in the EduTV font at ``size`` logical px (at least 28 for Chinese).

    ``tight``: the widget's width follows its text (for `place_line`).
    """
    label = TvLabel(
        text=text,
        font_name=theme.FONT_BOLD if bold else theme.FONT,
        font_size=theme.px(size),
        color=theme.color(color),
        halign=kwargs.pop("halign", "left"),
        valign=kwargs.pop("valign", "middle"),
        size_hint=(None, None),
        **kwargs,
    )
    if tight:
        label.bind(texture_size=lambda widget, size: setattr(widget, "width", size[0]))
    return label


def place_label(
    label: Label, x: float, y: float, w: float, h: float, size: float, *, fit: bool = False
) -> None:
    """Put ``label`` at a logical y-down rectangle, wrapping or shortening inside it.

    With ``fit`` the text's texture is only as tall as its lines (drawn centred in the box):
    fewer transparent pixels to blend on every frame, which a software renderer feels.
    """
    wx, wy, ww, wh = theme.to_window(Rect(x, y, w, h))
    label.pos, label.size = (wx, wy), (ww, wh)
    label.text_size = (ww, None) if fit else (ww, wh)
    label.font_size = theme.px(size)


def place_line(label: Label, x: float, y: float, h: float, size: float) -> None:
    """One left-aligned line at logical (x, y): the widget is exactly as wide as its text.

    A left-aligned label in a wide box renders (and blends) a texture as wide as the box; this
    one's texture is the text's own size. The label must come from ``tv_label(tight=True)``.
    """
    wx, wy, _ww, wh = theme.to_window(Rect(x, y, 0, h))
    label.x, label.y, label.height = wx, wy, wh
    label.text_size = (None, None)
    label.font_size = theme.px(size)

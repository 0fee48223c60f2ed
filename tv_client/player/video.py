"""The video inside the Kivy window: three luminance textures and a YUV->RGB shader.

`VideoView` takes the newest I420 picture from a player's `FrameSource` when one arrives (the
source calls a Clock trigger from libVLC's thread; the upload runs on the main thread), blits
its Y, U and V planes straight from the player's buffers into three single-channel textures
and draws them through a fragment shader that converts to RGB, as Kivy's own ffpyplayer
provider does, but into the widget's canvas directly rather than through an extra FBO pass.
The picture keeps its aspect ratio, centred, with black bars; widgets drawn after the view
(banner, progress bar, spinner, messages) show on top of it.

Colour: limited-range BT.601 for pictures under 720 lines, BT.709 from 720 up (what players
assume for untagged video; libVLC does not tell us the stream's matrix).

`pump_on_clock` is the Kivy side of `Player.pump`: the app schedules it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.graphics import BindTexture, Color, Rectangle, RenderContext
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

from tv_client.player.base import FrameSource, Picture, Player

PUMP_EVERY = 0.1  # seconds between two `Player.pump` calls

YUV_FS = """
$HEADER$
uniform sampler2D tex_u;
uniform sampler2D tex_v;
uniform vec4 yuv_coeffs;  /* R from V; G from U; G from V; B from U */

void main(void) {
    float y = 1.164384 * (texture2D(texture0, tex_coord0).r - 0.062745);
    float u = texture2D(tex_u, tex_coord0).r - 0.501961;
    float v = texture2D(tex_v, tex_coord0).r - 0.501961;
    gl_FragColor = vec4(y + yuv_coeffs.x * v,
                        y - yuv_coeffs.y * u - yuv_coeffs.z * v,
                        y + yuv_coeffs.w * u,
                        1.0);
}
"""
BT601 = (1.596027, 0.391762, 0.812968, 2.017232)
BT709 = (1.792741, 0.213249, 0.532909, 2.112402)
HD_LINES = 720


def pump_on_clock(player: Player, every: float = PUMP_EVERY) -> ClockEvent:
    """Call ``player.pump()`` on the Kivy clock (cancel the returned event to stop)."""
    return Clock.schedule_interval(lambda _dt: player.pump(), every)


def fit(box: tuple[float, float, float, float], aspect: float) -> tuple[float, ...]:
    """The largest (x, y, w, h) of ``aspect`` (width / height) centred in ``box``."""
    x, y, w, h = box
    if w <= 0 or h <= 0 or aspect <= 0:
        return x, y, 0.0, 0.0
    if w / h > aspect:
        vw = h * aspect
        return x + (w - vw) / 2, y, vw, h
    vh = w / aspect
    return x, y + (h - vh) / 2, w, vh


class VideoView(Widget):
    """Draws a `FrameSource`'s pictures; black until the first one (and after `show(None)`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frames_drawn = 0
        self._source: FrameSource | None = None
        self._layout: tuple[Any, ...] | None = None  # (pitches, lines) of the textures
        self._aspect = 0.0
        self._trigger: Callable[[], None] = Clock.create_trigger(self._upload)
        with self.canvas.before:
            Color(0, 0, 0, 1)
            self._bars = (Rectangle(), Rectangle())
        self._video = RenderContext(
            use_parent_projection=True, use_parent_modelview=True, use_parent_frag_modelview=True
        )
        self._video.shader.fs = YUV_FS
        if not self._video.shader.success:
            raise RuntimeError("the YUV shader did not compile")
        self._video["tex_u"], self._video["tex_v"] = 1, 2
        self._video["yuv_coeffs"] = list(BT601)
        with self._video:
            Color(1, 1, 1, 1)
            self._bind_u, self._bind_v = BindTexture(index=1), BindTexture(index=2)
            self._picture = Rectangle(size=(0, 0))
        self.canvas.add(self._video)
        self.bind(pos=self._place, size=self._place)
        self._place()

    def show(self, source: FrameSource | None) -> None:
        """Draw ``source``'s pictures from now on (None: nothing, black)."""
        if self._source is not None:
            self._source.on_frame = None
        self._source, self._layout, self._aspect = source, None, 0.0
        self._picture.texture = None
        self._place()
        if source is not None:
            source.on_frame = self._trigger
            self._trigger()  # a picture may be waiting already

    @property
    def textures(self) -> tuple[Texture, Texture, Texture] | None:
        """The Y, U and V textures (None before the first picture): tests read them back."""
        if self._picture.texture is None:
            return None
        return self._picture.texture, self._bind_u.texture, self._bind_v.texture

    def _upload(self, _dt: float = 0.0) -> None:
        picture = self._source.take() if self._source is not None else None
        if picture is None:
            return
        if self._layout != (picture.pitches, picture.lines) or self._picture.texture is None:
            self._allocate(picture)
        textures = (self._picture.texture, self._bind_u.texture, self._bind_v.texture)
        for texture, plane in zip(textures, picture.planes, strict=True):
            texture.blit_buffer(plane, colorfmt="luminance", bufferfmt="ubyte")
        self._crop(picture)
        self.frames_drawn += 1
        self.canvas.ask_update()

    def _allocate(self, picture: Picture) -> None:
        y, u, v = (
            Texture.create(size=(pitch, lines), colorfmt="luminance")
            for pitch, lines in zip(picture.pitches, picture.lines, strict=True)
        )
        self._picture.texture, self._bind_u.texture, self._bind_v.texture = y, u, v
        self._layout = (picture.pitches, picture.lines)
        self._aspect = 0.0  # `_crop` sets the coordinates and the matrix

    def _crop(self, picture: Picture) -> None:
        """Only the visible part of the padded planes, top row up; the matrix by height."""
        if picture.aspect == self._aspect:
            return
        (width, height), (pitch, lines) = picture.visible, (picture.pitches[0], picture.lines[0])
        u, v = width / pitch, height / lines
        self._picture.tex_coords = (0, v, u, v, u, 0, 0, 0)
        self._video["yuv_coeffs"] = list(BT709 if height >= HD_LINES else BT601)
        self._aspect = picture.aspect
        self._place()

    def _place(self, *_args: object) -> None:
        box = (*self.pos, *self.size)
        x, y, w, h = fit(box, self._aspect) if self._aspect else (*self.pos, 0.0, 0.0)
        self._picture.pos, self._picture.size = (x, y), (w, h)
        left, bottom = self.pos
        right, top = self.right - x - w, self.top - y - h  # the far bars' widths or heights
        if w <= 0:  # no picture: one bar is the whole view
            self._bars[0].pos, self._bars[0].size = self.pos, self.size
            self._bars[1].size = (0, 0)
        elif w < self.width:  # pillarbox: left and right
            self._bars[0].pos, self._bars[0].size = (left, bottom), (x - left, self.height)
            self._bars[1].pos, self._bars[1].size = (x + w, bottom), (right, self.height)
        else:  # letterbox: below and above
            self._bars[0].pos, self._bars[0].size = (left, bottom), (self.width, y - bottom)
            self._bars[1].pos, self._bars[1].size = (left, y + h), (self.width, top)

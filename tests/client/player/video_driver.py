"""A `VideoView` in a real Kivy window, under Xvfb, for ``test_video_view.py``.

Started as ``python video_driver.py SCENARIO [URL]``; prints result lines ``@@ {...}`` on
stdout (Kivy logs to stderr) and stops by itself:

- ``shader``: a synthetic I420 picture (quadrants red and blue, padded planes whose padding
  is bright green) through the shader; reports the colours read back from the window at each
  quadrant and near the edges, in a letterbox bar and on a white overlay drawn over the video.
- ``play URL``: a `VlcPlayer` (dummy audio) draws ``URL`` into the view; after 25 pictures it
  reports ``ready`` (frames drawn, the Y plane's range, colours read back), then keeps playing
  until the player fails or ends (the test may kill the server) and reports ``final``: the
  states seen, the error, and the longest gap between two Kivy clock ticks over the whole run.
"""

from __future__ import annotations

import json
import sys
import time

from tv_client.__main__ import prepare_kivy

prepare_kivy()

from kivy.app import App  # noqa: E402  (Kivy must be configured first)
from kivy.clock import Clock  # noqa: E402
from kivy.graphics import Color, Rectangle  # noqa: E402
from kivy.uix.floatlayout import FloatLayout  # noqa: E402
from kivy.uix.widget import Widget  # noqa: E402

from tv_client.player import State  # noqa: E402
from tv_client.player.video import VideoView, pump_on_clock  # noqa: E402

RED, BLUE, GREEN = (81, 90, 240), (41, 240, 110), (145, 54, 34)  # BT.601 limited-range YUV


def reply(payload: dict) -> None:
    sys.stdout.write("@@ " + json.dumps(payload) + "\n")
    sys.stdout.flush()


class SyntheticPicture:
    """64x32 visible in 96x40 Y planes: red top left and bottom right, blue elsewhere,
    padding green."""

    def __init__(self) -> None:
        self.pitches, self.lines, self.visible = (96, 48, 48), (40, 20, 20), (64, 32)
        self.aspect = 2.0
        planes = []
        for plane, (pitch, lines) in enumerate(zip(self.pitches, self.lines, strict=True)):
            scale = 1 if plane == 0 else 2
            data = bytearray(pitch * lines)
            for row in range(lines):
                for column in range(pitch):
                    colour = self.colour(column * scale, row * scale)
                    data[row * pitch + column] = colour[plane]
            planes.append(memoryview(data))
        self.planes = tuple(planes)

    @staticmethod
    def colour(x: int, y: int) -> tuple[int, int, int]:
        if x >= 64 or y >= 32:
            return GREEN
        return RED if (x < 32) == (y < 16) else BLUE


class Recording:
    """A frame source that remembers the last picture the view took (to read its planes)."""

    def __init__(self, source) -> None:
        self.source, self.last = source, None

    @property
    def on_frame(self):
        return self.source.on_frame

    @on_frame.setter
    def on_frame(self, notify) -> None:
        self.source.on_frame = notify

    def take(self):
        picture = self.source.take()
        if picture is not None:
            self.last = picture
        return picture


class OneShotSource:
    def __init__(self, picture) -> None:
        self.picture, self.on_frame = picture, None

    def take(self):
        picture, self.picture = self.picture, None
        return picture


class Overlay(Widget):
    """A white square: drawn after the video, it must cover it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(size_hint=(None, None), size=(80, 80), **kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
            self.rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=lambda *_: setattr(self.rect, "pos", self.pos))


class Driver(App):
    def __init__(self, scenario: str, url: str | None) -> None:
        super().__init__()
        self.scenario, self.url = scenario, url
        self.ticks: list[float] = []
        self.states: list[str] = []

    def build(self):
        root = FloatLayout()
        self.view = VideoView(size_hint=(1, 1))
        self.overlay = Overlay(pos=(100, 300))
        root.add_widget(self.view)
        root.add_widget(self.overlay)
        Clock.schedule_interval(lambda _dt: self.ticks.append(time.monotonic()), 0)
        return root

    def on_start(self) -> None:
        if self.scenario == "shader":
            self.view.show(OneShotSource(SyntheticPicture()))
            Clock.schedule_once(lambda _dt: self._report_shader(), 0.5)
        else:
            self._start_player()

    def sample(self, *points: tuple[float, float]) -> list[list[int]]:
        """RGB at window points (x, y up), read back by rendering the root into an Fbo."""
        image = self.root.export_as_image()
        width, height = image.texture.size
        pixels = image.texture.pixels
        found = []
        for x, y in points:
            row = height - 1 - int(y)  # export_as_image stores the top row first
            offset = (row * width + int(x)) * 4
            found.append(list(pixels[offset : offset + 3]))
        return found

    def _report_shader(self) -> None:
        x, y, w, h = self.view._picture.pos + self.view._picture.size
        points = {  # window coordinates: y up, so the picture's top is y + h
            "top_left": (x + w * 0.25, y + h * 0.75),
            "top_right": (x + w * 0.75, y + h * 0.75),
            "bottom_left": (x + w * 0.25, y + h * 0.25),
            "bottom_right": (x + w * 0.75, y + h * 0.25),
            "right_edge": (x + w * 0.97, y + h * 0.75),
            "top_edge": (x + w * 0.25, y + h * 0.97),
            "bar": (self.view.width / 2, 5),
            "overlay": (self.overlay.center_x, self.overlay.center_y),
        }
        colours = dict(zip(points, self.sample(*points.values()), strict=True))
        reply({**colours, "picture": [x, y, w, h], "window": list(self.root.size),
               "frames_drawn": self.view.frames_drawn})  # fmt: skip
        self.stop()

    def _start_player(self) -> None:
        from tv_client.player.vlc_player import VlcPlayer, make_instance

        self.instance = make_instance(audio=False, extra=["--quiet"])
        self.player = VlcPlayer(self.instance, stall_timeout_s=6.0, relay_timeout_s=3.0)
        self.player.subscribe(self._on_event)
        self.recording = Recording(self.player.frames)
        self.view.show(self.recording)
        self.pumping = pump_on_clock(self.player)
        self.started = time.monotonic()
        self.player.open(self.url)
        Clock.schedule_interval(self._check, 0.1)

    def _on_event(self, kind: str, **data) -> None:
        if kind == "state":
            self.states.append(str(data["state"]))

    def _check(self, _dt: float) -> bool | None:
        if self.view.frames_drawn >= 25 and not getattr(self, "ready", False):
            self.ready = True
            self._report_ready()
        finished = self.player.state in (State.ERROR, State.ENDED)
        if finished and not hasattr(self, "finished_at"):
            self.finished_at = time.monotonic()
        if (finished and time.monotonic() - self.finished_at > 1.0) or (
            time.monotonic() - self.started > 40
        ):
            self._report_final()
            return False
        return None

    def _report_ready(self) -> None:
        picture = self.recording.last
        width, height = picture.visible
        luma = b"".join(  # the visible rows of the Y plane the view drew last
            bytes(picture.planes[0][r * picture.pitches[0] : r * picture.pitches[0] + width])
            for r in range(height)
        )
        x, y, w, h = self.view._picture.pos + self.view._picture.size
        centre, overlay = self.sample(
            (x + w / 2, y + h / 2), (self.overlay.center_x, self.overlay.center_y)
        )
        rendition = self.player.rendition
        reply({"ready": True, "frames_drawn": self.view.frames_drawn,
               "player_frames": self.player.frames_drawn,
               "luma_min": min(luma), "luma_max": max(luma), "visible": [width, height],
               "centre": centre, "overlay": overlay, "picture": [x, y, w, h],
               "rendition": rendition.label() if rendition else None})  # fmt: skip

    def _report_final(self) -> None:
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        after = [t for t in self.ticks if hasattr(self, "finished_at") and t > self.finished_at]
        reply({"final": True, "states": self.states, "state": str(self.player.state),
               "error": str(self.player.error) if self.player.error else None,
               "longest_tick_gap": max(gaps) if gaps else None, "ticks_after_end": len(after),
               "frames_drawn": self.view.frames_drawn})  # fmt: skip
        self.pumping.cancel()
        self.player.release()
        self.stop()


if __name__ == "__main__":
    Driver(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None).run()

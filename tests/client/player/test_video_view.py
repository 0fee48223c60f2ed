"""The video drawn inside the Kivy window: the shader's colours, overlays on top, libVLC's
pictures reaching the widget, and a UI that keeps ticking when the backend dies.

Each test runs ``video_driver.py`` under ``xvfb-run`` and reads its ``@@`` lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tv_client.player.video import fit

DRIVER = Path(__file__).with_name("video_driver.py")
ROOT = Path(__file__).resolve().parents[3]


class Driven:
    """The driver process; ``next()`` is its next ``@@`` payload."""

    def __init__(self, *args: str, log: Path) -> None:
        if shutil.which("xvfb-run") is None:
            pytest.skip("xvfb-run is not installed (apt package xvfb)")
        self._log = log.open("wb")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", sys.executable, str(DRIVER)]
        env = {**os.environ, "KCFG_GRAPHICS_WIDTH": "1280", "KCFG_GRAPHICS_HEIGHT": "720"}
        self.proc = subprocess.Popen(
            [*command, *args], stdout=subprocess.PIPE, stderr=self._log, env=env, cwd=ROOT,
            text=True, start_new_session=True,
        )  # fmt: skip
        self._lines: queue.Queue[dict] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with self.proc.stdout:  # closed by its only reader: closing it elsewhere could block
            for line in self.proc.stdout:
                if line.startswith("@@ "):
                    self._lines.put(json.loads(line[3:]))

    def next(self, timeout: float = 30) -> dict:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the driver said nothing in {timeout}s") from None

    def close(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # xvfb-run, Xvfb and the driver
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        self._log.close()


@pytest.fixture
def driven(tmp_path):
    started: list[Driven] = []

    def start(*args: str) -> Driven:
        process = Driven(*args, log=tmp_path / f"driver-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


@pytest.mark.parametrize(
    ("box", "aspect", "expected"),
    [
        ((0, 0, 1920, 1080), 16 / 9, (0, 0, 1920, 1080)),
        ((0, 0, 1920, 1080), 4 / 3, (240, 0, 1440, 1080)),  # pillarbox
        ((10, 20, 1000, 1000), 2.0, (10, 270, 1000, 500)),  # letterbox
        ((0, 0, 0, 100), 2.0, (0, 0, 0.0, 0.0)),
    ],
)
def test_fit_keeps_the_aspect_centred(box, aspect, expected) -> None:
    assert fit(box, aspect) == pytest.approx(expected)


def _close(colour: list[int], expected: tuple[int, int, int], tolerance: int = 14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.mark.kivy
def test_the_shader_converts_bt601_and_crops_the_padding(driven) -> None:
    result = driven("shader").next()
    assert result["frames_drawn"] == 1
    red, blue = (255, 0, 0), (0, 0, 255)
    expected = {"top_left": red, "top_right": blue, "bottom_left": blue, "bottom_right": red,
                "right_edge": blue, "top_edge": red}  # fmt: skip
    for where, colour in expected.items():  # upright, cropped: no green padding anywhere
        assert _close(result[where], colour), (where, result)
    assert result["bar"] == [0, 0, 0]  # letterbox: a 2:1 picture in a 16:9 window
    assert result["overlay"] == [255, 255, 255]  # a widget after the video covers it
    _x, y, w, h = result["picture"]
    assert (w, h) == pytest.approx((1280, 640)) and y == pytest.approx(40)


@pytest.mark.kivy
@pytest.mark.vlc
@pytest.mark.media
@pytest.mark.slow
def test_libvlc_pictures_reach_the_widget_and_a_dead_backend_freezes_nothing(
    driven, media_server
) -> None:
    media_server.rate_bps = 650_000  # a few seconds buffered, so the death is felt
    process = driven("play", media_server.url())
    ready = process.next(40)
    assert ready["frames_drawn"] >= 25 and ready["player_frames"] >= 25
    assert ready["luma_max"] > ready["luma_min"] + 100  # testsrc2: not a black picture
    assert sum(ready["centre"]) > 60, ready  # the picture, read back from the window
    assert ready["overlay"] == [255, 255, 255]
    assert ready["rendition"].startswith("240p")
    assert ready["picture"][2] == pytest.approx(1280, abs=2)  # 16:9 fills the width
    media_server.stop()
    final = process.next(40)
    assert final["error"] == "unreachable", final
    assert final["states"][:2] == ["opening", "playing"]
    assert final["ticks_after_end"] >= 10  # the clock goes on after the error ...
    assert final["longest_tick_gap"] < 0.5  # ... and never stood still during the run

"""One play in its own process: a player opens a URL; every displayed picture is timed.

bench/player.py starts this once per play with a JSON job as its argument and reads one JSON
line back from stdout. The job says which player, what to open and for how long:

- ``"player": "plain"``: a libVLC instance with the job's ``options`` (none: libVLC's
  defaults), video into this module's callbacks in ``chroma`` (``RV32``: libVLC converts to
  RGB, what python-vlc's examples do; ``I420``: planes as decoded);
- ``"player": "edutv"``: the shipped player, ``tv_client.player.vlc_player`` (its
  ``make_instance`` with ``options`` as extras, ``VlcPlayer`` with its relay and picture
  buffers), pumped on the main thread every 0.1 s as the app's clock does;
- ``"view": true``: the pictures are also drawn in a Kivy window (needs DISPLAY): EduTV's
  through its ``VideoView`` (three textures and a shader), plain ones through one BGRA texture,
  the obvious way.

Pictures are timed when libVLC displays them (the display callback, or EduTV's ``on_frame``),
which is when they are due on screen, so a gap between two is a gap a viewer would see. Times
are ``time.monotonic()``, the one clock of every process of the machine (the shaper's too).
With ``measure_from`` the process also reads its own CPU time and VmRSS from that many seconds
after the first picture to the end: what playing costs, start-up excluded.

    .venv/bin/python bench/player_probe.py '{"player": "plain", "url": "http://...", "seconds": 10}'
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# bench/tv_client.py (a benchmark) would shadow the tv_client package: drop this directory.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import vlc  # noqa: E402  (after the path fix, like everything below)

ALIGN = 32  # libVLC asks for 32-byte aligned planes, pitches and line counts
PUMP_EVERY = 0.1  # seconds; the app's clock pumps its player this often
FIRST_FRAME_TIMEOUT_S = 30.0

FormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,  # char[4] chroma, written in place (python-vlc's c_char_p would copy it)
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)
CleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
LockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
UnlockCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
DisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class Timing:
    """Display times of every picture; the first one also sets an event."""

    def __init__(self) -> None:
        self.frames: list[float] = []
        self.first = threading.Event()
        self.then: Callable[[], None] | None = None  # a view's trigger, called after timing

    def tick(self) -> None:
        self.frames.append(time.monotonic())
        self.first.set()
        if self.then is not None:
            self.then()


# ------------------------------------------------------------------------------ plain libVLC


class FrameSink:
    """Video callbacks into one buffer of the chroma asked for; notes each format."""

    def __init__(self, chroma: str, timing: Timing) -> None:
        self.chroma, self.timing = chroma.encode(), timing
        self.formats: list[tuple[float, int, int]] = []  # (when, width, height) per vout
        self.layout: tuple[int, int] = (0, 0)  # first plane's (pitch, lines)
        self.planes: list[int] = []
        self._buffer: ctypes.Array | None = None
        self.callbacks = (  # kept referenced: libVLC holds only the C pointers
            FormatCb(self._format),
            CleanupCb(lambda _opaque: None),
            LockCb(self._lock),
            UnlockCb(lambda _opaque, _picture, _planes: None),
            DisplayCb(lambda _opaque, _picture: self.timing.tick()),
        )

    def attach(self, player: vlc.MediaPlayer) -> None:
        fmt, cleanup, lock, unlock, display = self.callbacks
        vlc.dll.libvlc_video_set_callbacks(player, lock, unlock, display, None)
        vlc.dll.libvlc_video_set_format_callbacks(player, fmt, cleanup)

    def _format(self, opaque, chroma, width, height, pitches, lines) -> int:
        w, h = width[0], height[0]
        ctypes.memmove(chroma, self.chroma, 4)
        if self.chroma == b"I420":
            shapes = [(_align(w), _align(h))] + [(_align((w + 1) // 2), _align((h + 1) // 2))] * 2
        else:
            shapes = [(_align(w * 4), _align(h))]
        for index, (pitch, count) in enumerate(shapes):
            pitches[index], lines[index] = pitch, count
        sizes = [pitch * count for pitch, count in shapes]
        buffer = ctypes.create_string_buffer(sum(sizes) + ALIGN)
        base = _align(ctypes.addressof(buffer))
        # the old buffer stays referenced until here: a late picture may still use it
        self._buffer, self.layout = buffer, shapes[0]
        self.planes = [base + sum(sizes[:i]) for i in range(len(sizes))]
        self.formats.append((time.monotonic(), w, h))
        return 1

    def _lock(self, opaque, planes) -> None:
        for index, address in enumerate(self.planes):
            planes[index] = address
        return None


class Plain:
    """A libVLC instance with the job's options, into :class:`FrameSink`."""

    def __init__(self, job: dict, timing: Timing) -> None:
        self.instance = vlc.Instance(job.get("options", []))
        if self.instance is None:
            raise RuntimeError(f"libVLC refused the options {job.get('options')}")
        self.player = self.instance.media_player_new()
        self.media = self.instance.media_new(job["url"])
        self.player.set_media(self.media)
        self.sink = FrameSink(job.get("chroma", "RV32"), timing)
        self.sink.attach(self.player)
        self.events: list[tuple[float, str]] = []
        manager = self.player.event_manager()
        for kind in ("MediaPlayerEncounteredError", "MediaPlayerEndReached"):
            manager.event_attach(
                getattr(vlc.EventType, kind),
                lambda _e, k=kind: self.events.append((time.monotonic(), k)),
            )

    def open(self) -> None:
        if self.player.play() != 0:
            raise RuntimeError("libvlc_media_player_play failed")

    def pump(self) -> None:
        pass

    def position_ms(self) -> int:
        return self.player.get_time()

    def record(self) -> dict:
        stats = vlc.MediaStats()
        names = ("demux_read_bytes", "decoded_video", "displayed_pictures", "lost_pictures")
        got = {n: getattr(stats, n) for n in names} if self.media.get_stats(stats) else {}
        return {"formats": self.sink.formats, "events": self.events, "stats": got}

    def view(self):
        return _plain_view(self.sink)


def _plain_view(sink: FrameSink):
    """A Kivy widget showing the RV32 buffer through one BGRA texture, stretched to fit."""
    from kivy.clock import Clock
    from kivy.graphics import Color, Rectangle
    from kivy.graphics.texture import Texture
    from kivy.uix.widget import Widget

    class PlainView(Widget):
        def __init__(self) -> None:
            super().__init__()
            self.texture: Texture | None = None
            self.shape: tuple[int, int] | None = None
            with self.canvas:
                Color(1, 1, 1, 1)
                self.rect = Rectangle(pos=self.pos, size=(0, 0))
            self.bind(pos=self._place, size=self._place)
            sink.timing.then = Clock.create_trigger(self._upload)

        def _upload(self, _dt: float) -> None:
            (pitch, lines), planes = sink.layout, sink.planes
            if not planes:
                return
            shape = (pitch // 4, lines)
            if self.texture is None or shape != self.shape:
                self.texture, self.shape = Texture.create(size=shape, colorfmt="bgra"), shape
                self.texture.flip_vertical()
                self.rect.texture = self.texture
                self._place()
            pixels = (ctypes.c_char * (pitch * lines)).from_address(planes[0])
            self.texture.blit_buffer(memoryview(pixels), colorfmt="bgra", bufferfmt="ubyte")
            self.canvas.ask_update()

        def _place(self, *_args: object) -> None:
            if self.shape:
                scale = min(self.width / self.shape[0], self.height / self.shape[1])
                w, h = self.shape[0] * scale, self.shape[1] * scale
                self.rect.pos = (self.x + (self.width - w) / 2, self.y + (self.height - h) / 2)
                self.rect.size = (w, h)

    return PlainView()


# --------------------------------------------------------------------------- the EduTV player


class EduTV:
    """The shipped player: ``make_instance`` and ``VlcPlayer`` (relay, picture buffers)."""

    def __init__(self, job: dict, timing: Timing) -> None:
        from tv_client.player.vlc_player import VlcPlayer, make_instance

        self.url, self.timing = job["url"], timing
        self.instance = make_instance(audio=False, extra=job.get("options", []))
        self.player = VlcPlayer(self.instance)
        self.player.frames.on_frame = timing.tick
        self.states: list[tuple[float, str]] = []
        self.player.subscribe(self._on_event)

    def _on_event(self, kind: str, **data) -> None:
        if kind == "state":
            self.states.append((time.monotonic(), str(data["state"])))
        elif kind == "error":
            self.states.append((time.monotonic(), f"error {data['code']}: {data['detail']}"))

    def open(self) -> None:
        self.player.open(self.url, max_height=None)

    def pump(self) -> None:
        self.player.pump()

    def position_ms(self) -> int:
        return int(self.player.position_s * 1000)

    def record(self) -> dict:
        return {"states": self.states}

    def view(self):
        from tv_client.player.video import VideoView

        view = VideoView()
        view.show(self.player.frames)  # sets the source's on_frame to the view's trigger ...
        self.timing.then = self.player.frames.on_frame
        self.player.frames.on_frame = self.timing.tick  # ... which now runs after the timing
        return view


# ------------------------------------------------------------------------------------ usage


class Usage:
    """CPU seconds (all threads) and VmRSS of this process, sampled while playing."""

    def __init__(self) -> None:
        self.rss_kib: list[int] = []
        self.cpu_start = self.wall_start = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        times = os.times()
        self.cpu_start, self.wall_start = times.user + times.system, time.monotonic()
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.rss_kib.append(_status("VmRSS"))

    def stop(self) -> dict:
        times = os.times()
        wall = time.monotonic() - self.wall_start
        self._stop.set()
        self._thread.join(2)
        cpu = times.user + times.system - self.cpu_start
        rss = self.rss_kib or [_status("VmRSS")]
        return {
            "wall_s": wall,
            "cpu_s": cpu,
            "cpu_share": cpu / wall if wall > 0 else 0.0,
            "rss_mean_mib": sum(rss) / len(rss) / 1024,
            "rss_max_mib": max(rss) / 1024,
            "hwm_mib": _status("VmHWM") / 1024,
        }


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# -------------------------------------------------------------------------------------- runs


class Run:
    """One play: open, pump until the end, start measuring once the first picture is in."""

    def __init__(self, job: dict) -> None:
        self.job, self.timing = job, Timing()
        kind = {"plain": Plain, "edutv": EduTV}[job.get("player", "plain")]
        self.session = kind(job, self.timing)
        self.usage = Usage() if job.get("measure_from") is not None else None
        self.started = self.end = 0.0

    def open(self) -> None:
        self.started = time.monotonic()
        self.end = self.started + self.job["seconds"]
        self.session.open()

    def tick(self) -> bool:
        """Pump once and start measuring when due; False when the play is over."""
        self.session.pump()
        now = time.monotonic()
        frames = self.timing.frames
        if self.usage and not self.usage.wall_start and frames:
            due = min(frames[0] + self.job["measure_from"], self.end - 1)
            if now >= due:
                self.usage.start()
        if not frames and now - self.started > FIRST_FRAME_TIMEOUT_S:
            return False
        return now < self.end

    def record(self) -> dict:
        ended = time.monotonic()
        record = {
            "play_at": self.started,
            "ended_at": ended,
            "frames": list(self.timing.frames),
            "position_ms": self.session.position_ms(),
            "libvlc": vlc.libvlc_get_version().decode(),
            **self.session.record(),
        }
        if self.usage and self.usage.wall_start:
            record["usage"] = self.usage.stop()
        return record


def headless(job: dict) -> dict:
    run = Run(job)
    run.open()
    while run.tick():
        time.sleep(max(0.0, min(PUMP_EVERY, run.end - time.monotonic())))
    return run.record()


def in_window(job: dict) -> dict:
    from tv_client.__main__ import prepare_kivy

    prepare_kivy()
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    run = Run(job)
    result: dict = {}
    flips: list[float] = []

    class ProbeApp(App):
        title = "player probe"

        def build(self):
            view = run.session.view()
            Window.bind(on_flip=lambda *_: flips.append(time.monotonic()))
            Clock.schedule_once(lambda _dt: self._open(), 0)
            return view

        def _open(self) -> None:
            run.open()
            Clock.schedule_interval(self._tick, PUMP_EVERY)

        def _tick(self, _dt: float) -> bool:
            if run.tick():
                return True
            result.update(run.record())
            shown = [t for t in flips if result["frames"] and t >= result["frames"][0]]
            seconds = result["ended_at"] - (result["frames"] or [result["ended_at"]])[0]
            result["window"] = {"flips": len(shown), "flips_per_s": len(shown) / max(seconds, 1e-9)}
            self.stop()
            return False

    ProbeApp().run()
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        job = json.loads(argv[1])
        record = in_window(job) if job.get("view") else headless(job)
    except Exception as exc:  # the process edge: report, never hang the benchmark
        record = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no libVLC teardown: stopping an adaptive stream can take seconds, and the
    # play is over; the kernel closes the sockets and frees everything


if __name__ == "__main__":
    sys.exit(main(sys.argv))

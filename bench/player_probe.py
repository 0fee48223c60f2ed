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
- ``"zap": {...}`` (bench/zap.py): instead of one play, one long-lived player zaps through live
  channels with CH+, the EduTV one the way the live screen does; see `Zapper`.

Pictures are timed when libVLC displays them (the display callback, or EduTV's ``on_frame``),
which is when they are due on screen, so a gap between two is a gap a viewer would see. Times
are ``time.monotonic()``, the one clock of every process of the machine (the shaper's too).
With ``measure_from`` the process also reads its own CPU time and VmRSS from that many seconds
after the first picture to the end: what playing costs, start-up excluded.

    .venv/bin/python bench/player_probe.py '{"player": "plain", "url": "http://...", "seconds": 10}'
"""

from __future__ import annotations

import bisect
import ctypes
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
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

    def tune(self, url: str) -> None:
        """Another stream on the same MediaPlayer (a zap): a new media, then play."""
        self.media = self.instance.media_new(url)
        self.player.set_media(self.media)  # stops the stream playing (it waits for its input)
        if self.player.play() != 0:
            raise RuntimeError("libvlc_media_player_play failed")


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

    def tune(self, url: str) -> None:
        """What the live screen does on a tune: ``open`` on the same player (auto quality)."""
        self.player.open(url, max_height=None)

    def log_fetches(self) -> list[dict]:
        """From now on, every request libVLC makes through the relay, timed (a list that
        grows): the relay reports each `Fetch` when it is done, from its own threads."""
        fetches: list[dict] = []
        relay = self.player.relay
        report = relay.report

        def logged(fetch) -> None:
            done = time.monotonic()
            entry = {
                "session": fetch.session,
                "path": "/" + fetch.url.split("/", 3)[-1],
                "status": fetch.status,
                "size": fetch.size,
                "started": done - fetch.seconds,
                "done": done,
                "error": fetch.error,
            }
            if fetch.body is not None:  # a playlist: its segments, to place the first fetched
                text = fetch.body.decode("utf-8", "replace")
                entry["uris"] = [u.strip() for u in text.splitlines() if u.strip()[:1] not in "#"]
            fetches.append(entry)
            report(fetch)

        relay.report = logged  # the instance's attribute: only this relay, only this process
        return fetches


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


# -------------------------------------------------------------------------------------- zaps

LIVE_TICK_S = 0.1  # tv_client.screens.live.TICK_S: the live screen's ticker (Kivy not imported)


class Zapper:
    """A ``"zap"`` job (bench/zap.py): one long-lived player zaps through live channels.

    ``job["zap"]``: ``base`` (the backend's URL), ``channels`` (its ``/api/v1/channels``
    answer), ``zaps``, ``dwell_s`` and ``timeout_s``. The first channel is tuned, then CH+ is
    pressed ``zaps`` times, each ``dwell_s`` after the picture of the channel before came.

    "edutv" goes the live screen's way (tv_client/screens/live.py): the key goes to its
    ``LiveViewModel``, whose ``tick`` (every ``LIVE_TICK_S``, as the screen's ticker) sends the
    tune once the keys rest, and the tune ``open``s ``base + stream`` (``media_url``) on the
    same ``VlcPlayer``, pumped every ``PUMP_EVERY`` as ``pump_on_clock`` does. "plain" tunes at
    the key: a new media on the same MediaPlayer. A channel's first picture is the first one
    displayed after the tune call returned (libVLC stops the old stream inside it).
    """

    def __init__(self, job: dict) -> None:
        from tv_client.navigation.keys import Action, KeyPress
        from tv_client.viewmodels.live import LiveViewModel

        self.spec, self.timing = job["zap"], Timing()
        self.base = self.spec["base"].rstrip("/")
        kind = job.get("player", "plain")
        first = self._url(min(self.spec["channels"]["channels"], key=lambda c: c["number"]))
        self.session = {"plain": Plain, "edutv": EduTV}[kind](job | {"url": first}, self.timing)
        self.fetches = self.session.log_fetches() if kind == "edutv" else []
        self.vm = LiveViewModel() if kind == "edutv" else None
        self.channel_up = KeyPress(Action.CHANNEL_UP)
        self.channels = sorted(self.spec["channels"]["channels"], key=lambda c: c["number"])
        self.index = 0
        self.next_tick = time.monotonic()
        self.pending: dict | None = None  # the zap being timed

    def _url(self, channel: dict) -> str:
        return f"{self.base}/{channel['stream'].lstrip('/')}"  # CatalogClient.media_url

    def run(self) -> dict:
        """Tune the first channel, then every zap; one record each."""
        if self.vm is not None:
            self.vm.apply_channels(self.spec["channels"])
            first = self._settle(self._tune_commands(self.vm.start(_utc_now())))
        else:
            first = self._settle(self._tune_at_once(0))
        zaps = []
        for _ in range(self.spec["zaps"]):
            shown = first["frame_at"] if not zaps else zaps[-1]["frame_at"]
            self._wait_until((shown or time.monotonic()) + self.spec["dwell_s"])
            zaps.append(self._settle(self._press()))
        last = (zaps[-1] if zaps else first)["frame_at"]
        self._wait_until((last or time.monotonic()) + self.spec["dwell_s"])  # its pictures too
        self._pictures_after([first, *zaps])
        return {
            "first": first,
            "zaps": zaps,
            "fetches": self.fetches,
            "frames": len(self.timing.frames),
            "libvlc": vlc.libvlc_get_version().decode(),
            **self.session.record(),
        }

    def _pictures_after(self, zaps: list[dict], count: int = 150) -> None:
        """Each zap's next pictures (s after its first; until the next tune, at most ``count``):
        does the picture move on at once, or stand while libVLC buffers?"""
        frames = self.timing.frames
        for zap, after in zip(zaps, [*zaps[1:], None], strict=True):
            if zap["frame_at"] is None:
                continue
            end = (after or {}).get("tune_at", math.inf)
            start = bisect.bisect_right(frames, zap["frame_at"])
            shown = [t for t in frames[start : start + count] if t < end]
            zap["pictures_after"] = [round(t - zap["frame_at"], 4) for t in shown]

    def _press(self) -> dict:
        pressed = {"press_at": time.monotonic()}
        if self.vm is None:
            return pressed | self._tune_at_once((self.index + 1) % len(self.channels))
        commands = self.vm.press(self.channel_up, _utc_now())
        return pressed | self._tune_commands(commands)

    def _tune_at_once(self, index: int) -> dict:
        self.index = index
        return self._tune(self.channels[index])

    def _tune_commands(self, commands: list) -> dict:
        for command in commands:
            if command.kind == "tune" and command.channel is not None:
                channel = next(c for c in self.channels if c["id"] == command.channel.id)
                return self._tune(channel)
        return {}

    def _tune(self, channel: dict) -> dict:
        tune_at = time.monotonic()
        self.session.tune(self._url(channel))
        return {"to": channel["id"], "tune_at": tune_at, "opened_at": time.monotonic()}

    def _settle(self, zap: dict) -> dict:
        """Tick until the tuned channel's first picture (or ``timeout_s``); ``zap`` filled in."""
        self.pending = zap
        deadline = zap.get("press_at", time.monotonic()) + self.spec["timeout_s"]
        while time.monotonic() < deadline and self._picture(zap) is None:
            self._tick_once()
        zap["frame_at"] = self._picture(zap)
        self.pending = None
        return zap

    def _picture(self, zap: dict) -> float | None:
        """The first picture displayed after the tune returned, if one was."""
        if "opened_at" not in zap:
            return None
        frames = self.timing.frames  # appended on libVLC's thread, in time order
        index = bisect.bisect_right(frames, zap["opened_at"])
        return frames[index] if index < len(frames) else None

    def _wait_until(self, moment: float) -> None:
        while time.monotonic() < moment:
            self._tick_once(moment)

    def _tick_once(self, limit: float | None = None) -> None:
        """Sleep to the next tick (or ``limit``), then tick as the screen's clocks do."""
        now = time.monotonic()
        wake = self.next_tick if limit is None else min(self.next_tick, limit)
        time.sleep(max(0.0, wake - now))
        if time.monotonic() < self.next_tick:
            return
        self.next_tick = time.monotonic() + LIVE_TICK_S  # as Kivy's interval: no catching up
        if self.vm is not None:
            tuned = self._tune_commands(self.vm.tick(_utc_now()))
            if tuned and self.pending is not None:
                self.pending.update(tuned)
        self.session.pump()


def _utc_now() -> datetime:
    return datetime.now(UTC)  # what the live screen gives its view-model


def zapping(job: dict) -> dict:
    return Zapper(job).run()


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        job = json.loads(argv[1])
        if "zap" in job:
            record = zapping(job)
        else:
            record = in_window(job) if job.get("view") else headless(job)
    except Exception as exc:  # the process edge: report, never hang the benchmark
        record = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no libVLC teardown: stopping an adaptive stream can take seconds, and the
    # play is over; the kernel closes the sockets and frees everything


if __name__ == "__main__":
    sys.exit(main(sys.argv))

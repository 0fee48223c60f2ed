"""The libVLC player: one long-lived ``vlc.Instance``, pictures into our memory, HLS via a relay.

Threads. libVLC calls us from its own threads: the video callbacks (`PictureBuffers`) and the
event manager. Those callbacks only write into preallocated memory, count, and queue a message;
they never touch a widget and never call back into libVLC. `VlcPlayer.pump`, on the main
thread, drains the queue, asks libVLC what it needs (time, size, tracks), runs the watchdogs
and emits the `Player` events.

Pictures. The format callback asks for I420 at the decoder's size; libVLC copies each decoded
picture once into one of three preallocated buffers (`PictureBuffers`), and the video view
uploads the newest one as three single-channel textures, converted to RGB by a shader. No
RGB conversion on the CPU, no second copy; three buffers so the one being uploaded is never
the one being written.

Adaptive HLS. libVLC fetches through `tv_client.player.adaptive.Relay` (why: see there). The
adaptation logic is ``rate`` (`VLC_OPTIONS`). Measured with libVLC 3.0.24 on a line shaped to
1.5 Mbit/s, a 60 s ladder of 240p/360p/540p (0.55/0.99/1.76 Mbit/s declared), two runs of 45 s
each: the default ``nearoptimal`` fetched one 240p segment, then only 540p, stalled 4-5 times
and was at 38.5 s after 45 s; ``predictive`` started on 540p (first picture 1.4 s, not 0.5 s)
and then stayed on 240p although the line carries 360p (at 41.8 s); ``rate`` started on 240p
(first picture 0.5 s), moved to 360p after one segment, stayed there and never stalled (at
43.6 s). The user's quality cap is libVLC's own ``adaptive-maxheight``, per stream (a cap
below the lowest rendition plays the lowest).
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import vlc

from tv_client.player.adaptive import Fetch, Observer, Relay
from tv_client.player.base import ErrorCode, Player, Rendition, State

log = logging.getLogger(__name__)

VLC_OPTIONS = (
    "--no-xlib",  # we draw the pictures ourselves: libVLC needs no X11 threads
    "--avcodec-hw=none",  # decode on the CPU: GPU surfaces would only be read back for us
    "--adaptive-logic=rate",  # see the module docstring for the measurement
    "--no-video-title-show",  # no file name painted into the first pictures
    "--no-stats",
)
SEEK_PATIENCE_S = 5.0  # after this, libVLC's time is the position even if it did not move
SEEK_LANDED_S = 1.5  # libVLC's clock this close to a jump's target: the jump has landed
END_SLACK_S = 3.0  # "end reached" this close to the length is the end, not a failure
SUBTITLE_PRIORITY = 4  # libVLC's highest: the user's own choice
ALIGN = 32  # libVLC wants planes and pitches aligned to 32 bytes


def make_instance(*, audio: bool = True, extra: Sequence[str] = ()) -> vlc.Instance:
    """The app's one libVLC instance (the composition root makes it once).

    ``audio=False`` plays into a dummy output (tests, boxes without sound).
    """
    options = [*VLC_OPTIONS, *([] if audio else ["--aout=dummy"]), *extra]
    instance = vlc.Instance(options)
    if instance is None:
        raise RuntimeError(f"libVLC refused its options: {options}")
    return instance


# -- pictures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Picture:
    planes: tuple[memoryview, memoryview, memoryview]
    pitches: tuple[int, int, int]
    lines: tuple[int, int, int]
    visible: tuple[int, int]
    aspect: float


class _Geometry:
    """Three picture buffers for one video format; each one allocation with aligned planes."""

    SLOTS = 3

    def __init__(self, width: int, height: int) -> None:
        chroma_pitch = _align((width + 1) // 2)
        chroma_lines = (height + 1) // 2
        self.pitches = (2 * chroma_pitch, chroma_pitch, chroma_pitch)
        self.lines = (2 * chroma_lines, chroma_lines, chroma_lines)
        self.visible = (width, height)
        self.aspect = width / height if height else 16 / 9
        sizes = [p * n for p, n in zip(self.pitches, self.lines, strict=True)]
        self.slots = [_Slot(sizes) for _ in range(self.SLOTS)]


class _Slot:
    def __init__(self, sizes: list[int]) -> None:
        self.raw = bytearray(sum(sizes) + 4 * ALIGN)
        self._pin = (ctypes.c_char * len(self.raw)).from_buffer(self.raw)  # no resize, ever
        base = ctypes.addressof(self._pin)
        offset = -base % ALIGN
        views, addresses = [], []
        for size in sizes:
            views.append(memoryview(self.raw)[offset : offset + size])
            addresses.append(base + offset)
            offset += _align(size)
        self.planes = tuple(views)
        self.addresses = tuple(addresses)


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class PictureBuffers:
    """The `FrameSource` libVLC writes into: lock/unlock/display on its thread, take on ours.

    A slot is *writing* between lock and unlock, *ready* once displayed, *front* once taken
    by the main thread (lent to the view until the next `take`). libVLC is only ever given a
    slot that is none of these, so a picture being uploaded is never overwritten.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._geometry: _Geometry | None = None
        self._writing: set[int] = set()
        self._ready: int | None = None
        self._front: int | None = None
        self.count = 0  # pictures displayed
        self.on_frame: Callable[[], None] | None = None

    def configure(self, width: int, height: int) -> _Geometry:
        """A new format (libVLC's thread): fresh buffers; the old ones die with their users."""
        geometry = _Geometry(width, height)
        with self._lock:
            self._geometry = geometry
            self._writing.clear()
            self._ready = self._front = None
        return geometry

    def set_visible(self, width: int, height: int) -> None:
        """Main thread: the picture's own size inside the (padded) decoder size."""
        with self._lock:
            if self._geometry is not None and width and height:
                self._geometry.visible = (width, height)
                self._geometry.aspect = width / height

    def lock(self) -> tuple[int, tuple[int, ...]]:
        with self._lock:
            geometry = self._geometry
            busy = {self._ready, self._front, *self._writing}
            index = next((i for i in range(geometry.SLOTS) if i not in busy), 0)
            self._writing.add(index)
        return index, geometry.slots[index].addresses

    def unlock(self, index: int) -> None:
        with self._lock:
            self._writing.discard(index)

    def display(self, index: int) -> None:
        with self._lock:
            self._ready = index
            self.count += 1
        notify = self.on_frame
        if notify is not None:
            notify()

    def take(self) -> _Picture | None:
        with self._lock:
            if self._ready is None or self._geometry is None:
                return None
            self._front, self._ready = self._ready, None
            g = self._geometry
        return _Picture(g.slots[self._front].planes, g.pitches, g.lines, g.visible, g.aspect)


_FormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,  # char *chroma, written: python-vlc's c_char_p would be a copy
    *[ctypes.POINTER(ctypes.c_uint)] * 4,
)
_CleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_set_format_callbacks = ctypes.CFUNCTYPE(None, ctypes.c_void_p, _FormatCb, _CleanupCb)(
    ("libvlc_video_set_format_callbacks", vlc.dll), ((1,), (1,), (1,))
)


def _attach_video(mp: vlc.MediaPlayer, buffers: PictureBuffers, post: Callable) -> tuple:
    """Point ``mp``'s video at ``buffers``; returns the callbacks (keep them alive)."""
    decorators = vlc.CallbackDecorators

    def setup(_opaque, chroma, width, height, pitches, lines):
        try:
            ctypes.memmove(chroma, b"I420", 4)
            geometry = buffers.configure(width[0], height[0])
            for i in range(3):
                pitches[i], lines[i] = geometry.pitches[i], geometry.lines[i]
            post(("format",))
            return 1
        except Exception:  # a libVLC callback is a process edge
            log.exception("video format setup failed")
            return 0

    def lock(_opaque, planes):
        index, addresses = buffers.lock()
        for i, address in enumerate(addresses):
            planes[i] = address
        return index + 1  # the picture's id; never NULL

    def unlock(_opaque, picture, _planes):
        buffers.unlock((picture or 1) - 1)

    def display(_opaque, picture):
        buffers.display((picture or 1) - 1)

    callbacks = (
        decorators.VideoLockCb(lock),
        decorators.VideoUnlockCb(unlock),
        decorators.VideoDisplayCb(display),
        _FormatCb(setup),
        _CleanupCb(lambda _opaque: None),
    )
    mp.video_set_callbacks(callbacks[0], callbacks[1], callbacks[2], None)
    _set_format_callbacks(mp, callbacks[3], callbacks[4])
    return callbacks


# -- the player ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Seek:
    """A jump asked for: `VlcPlayer.position_s` says ``target`` until libVLC's clock moved."""

    target: float
    frames: int  # pictures shown when it was asked
    millis: int  # libVLC's time then
    at: float

    def shown(self, frames: int, millis: int, now: float) -> bool:
        """Pictures came and libVLC's clock moved on near the target. Right after a jump in
        HLS libVLC's clock says the target itself, then, for a moment, a time about 3 s short
        (though the picture lands where asked), so neither of those is the landing."""
        moved = millis >= 0 and millis not in (self.millis, round(self.target * 1000))
        near = abs(millis / 1000 - self.target) < SEEK_LANDED_S
        landed = moved and near and frames >= self.frames + 2
        return landed or now - self.at > SEEK_PATIENCE_S


_EVENTS = ("EndReached", "EncounteredError", "Paused", "LengthChanged", "ESAdded")


class VlcPlayer(Player):
    """`Player` on libVLC. ``instance`` comes from `make_instance` and outlives the player.

    Watchdogs (seconds, on ``clock``): no first picture within ``first_frame_timeout_s`` is
    `ErrorCode.NEVER_STARTED`; libVLC's clock standing still for ``buffering_after_s`` shows
    BUFFERING (its time moves in steps of up to a second), and for ``stall_timeout_s`` is
    `ErrorCode.STALLED` (or UNREACHABLE when the relay saw the server go away).
    """

    def __init__(
        self,
        instance: vlc.Instance,
        *,
        clock: Callable[[], float] = time.monotonic,
        first_frame_timeout_s: float = 20.0,
        stall_timeout_s: float = 20.0,
        buffering_after_s: float = 1.5,
        relay_timeout_s: float = 8.0,
    ) -> None:
        super().__init__()
        self._clock = clock
        self.first_frame_timeout_s = first_frame_timeout_s
        self.stall_timeout_s = stall_timeout_s
        self.buffering_after_s = buffering_after_s
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._mp = instance.media_player_new()
        self._instance = instance
        self._buffers = PictureBuffers()
        self._callbacks = _attach_video(self._mp, self._buffers, self._queue.put)
        self._events = self._mp.event_manager()
        for name in _EVENTS:
            kind = getattr(vlc.EventType, f"MediaPlayer{name}")
            self._events.event_attach(kind, lambda _e, n=name: self._queue.put(("vlc", n)))
        self._relay = Relay(lambda fetch: self._queue.put(("fetch", fetch)),
                            timeout_s=relay_timeout_s)  # fmt: skip
        self._session = 0
        self._observer: Observer | None = None
        self._subtitles_on = False
        self._reset_watch()

    def _reset_watch(self) -> None:
        now = self._clock()
        self._opened_at = self._progress_at = now
        self._seen_frames = self._buffers.count
        self._seen_time = -1
        self._last_position = 0.0
        self._seek: _Seek | None = None  # a jump libVLC's clock has not shown yet
        self._want_pause = False
        self._length: float | None = None
        self._tracks: list[tuple[int, str]] = []
        self._shown: Rendition | None = None
        self._reported: tuple[float, float | None] | None = None

    # -- commands --------------------------------------------------------------------------------

    def open(
        self,
        url: str,
        *,
        start_s: float = 0.0,
        max_height: int | None = None,
        subtitles: Sequence[str] = (),
    ) -> None:
        self._url, self._max_height, self._error = url, max_height, None
        self._subtitle_urls = tuple(subtitles)
        self._session, local = self._relay.begin(url)
        self._mp.stop()
        self._drain()  # whatever the previous stream queued is stale now
        self._observer = Observer(url)
        options = [f":start-time={start_s:.3f}"] if start_s > 0 else []
        if max_height:
            options.append(f":adaptive-maxheight={int(max_height)}")
        media = self._instance.media_new(local, *options)
        for subtitle in self._subtitle_urls:  # fetched directly: small, and not the video
            media.slaves_add(vlc.MediaSlaveType.subtitle, SUBTITLE_PRIORITY, subtitle)
        self._mp.set_media(media)
        media.release()  # the media player holds its own reference
        self._reset_watch()
        if start_s > 0:
            self._seek = _Seek(start_s, self._buffers.count, -1, self._clock())
            self._last_position = start_s
        self._set_state(State.OPENING)
        if self._mp.play() != 0:
            self._fail(ErrorCode.UNPLAYABLE, "libVLC would not start")

    def play(self) -> None:
        self._want_pause = False
        if self._state is State.PAUSED:
            self._mp.set_pause(0)
            self._progress_at = self._clock()
            self._set_state(State.PLAYING)
        elif self._state is State.ENDED:
            self._reopen(0.0)
        elif self._state is State.ERROR:
            self.retry()

    def pause(self) -> None:
        if self._state is State.OPENING:
            self._want_pause = True
        elif self._state in (State.PLAYING, State.BUFFERING):
            self._mp.set_pause(1)
            self._set_state(State.PAUSED)

    def seek(self, seconds: float) -> None:
        target = max(0.0, seconds)
        if self._length:
            target = min(target, max(0.0, self._length - 1.0))
        if self._state is State.ENDED:
            self._reopen(target)
            return
        if self._state in (State.PLAYING, State.PAUSED, State.BUFFERING):
            before = self._mp.get_time()
            self._mp.set_time(int(target * 1000))
            self._seek = _Seek(target, self._buffers.count, before, self._clock())
            self._progress_at = self._clock()

    def stop(self) -> None:
        self._stop_playback()
        self._url = None
        self._set_state(State.IDLE)

    def _stop_playback(self) -> None:
        self._relay.cancel()  # first: libVLC's stop must not wait on a dead server
        self._mp.stop()

    def set_rate(self, rate: float) -> None:
        self._mp.set_rate(rate)

    def set_subtitles(self, on: bool) -> None:
        self._subtitles_on = on
        if self._state is not State.IDLE:
            self._mp.video_set_spu(self._tracks[0][0] if on and self._tracks else -1)

    def release(self) -> None:
        self.stop()
        self._listeners.clear()
        for name in _EVENTS:
            self._events.event_detach(getattr(vlc.EventType, f"MediaPlayer{name}"))
        self._mp.release()
        self._relay.close()

    # -- what it shows ---------------------------------------------------------------------------

    @property
    def subtitle_tracks(self) -> list[str]:
        return [name for _, name in self._tracks]

    @property
    def subtitles_on(self) -> bool:
        return self._state is not State.IDLE and self._mp.video_get_spu() >= 0

    @property
    def position_s(self) -> float:
        """libVLC's time; a jump's target until its clock shows it; the last time once stopped
        (so `retry` resumes there)."""
        if self._seek is not None:
            return self._seek.target
        if self._state in (State.PLAYING, State.BUFFERING, State.PAUSED):
            millis = self._mp.get_time()
            if millis >= 0:
                self._last_position = millis / 1000
        return self._last_position

    @property
    def duration_s(self) -> float | None:
        return self._length

    @property
    def rendition(self) -> Rendition | None:
        if self._observer is None or self._state in (State.IDLE, State.ERROR):
            return None
        return self._observer.rendition_at(self.position_s)

    @property
    def frames_drawn(self) -> int:
        return self._buffers.count

    @property
    def frames(self) -> PictureBuffers:
        return self._buffers

    @property
    def relay(self) -> Relay:
        return self._relay

    @property
    def observer(self) -> Observer | None:
        return self._observer

    # -- the main thread's turn ------------------------------------------------------------------

    def pump(self) -> None:
        for message in self._drain():
            if self._state in (State.IDLE, State.ERROR):
                break
            self._apply(message)
        if self._state in (State.OPENING, State.PLAYING, State.BUFFERING, State.PAUSED):
            self._watch(self._clock())
        if self._state in (State.PLAYING, State.BUFFERING, State.PAUSED):
            self._report()

    def _drain(self) -> list[tuple[Any, ...]]:
        messages = []
        while True:
            try:
                messages.append(self._queue.get_nowait())
            except queue.Empty:
                return messages

    def _apply(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "fetch":
            self._fetched(message[1])
        elif kind == "format":
            width, height = self._mp.video_get_size(0) or (0, 0)
            self._buffers.set_visible(width, height)
        elif kind == "vlc":
            self._vlc_event(message[1])

    def _fetched(self, fetch: Fetch) -> None:
        if fetch.session != self._session or self._observer is None:
            return
        self._observer.record(fetch)
        if fetch.failed and fetch.url == self._url:
            self._fail(self._diagnose(), f"master playlist: {fetch.status or fetch.error}")
        elif fetch.failed and not fetch.unreachable:
            code = "segment_truncated" if fetch.error == "truncated" else "segment_missing"
            self._emit("warning", code=code, url=fetch.url)

    def _vlc_event(self, name: str) -> None:
        if name == "EndReached":
            self._end()
        elif name == "EncounteredError":
            self._fail(self._diagnose(), "libVLC reported an error")
        elif name == "Paused" and self._state in (State.PLAYING, State.BUFFERING):
            self._set_state(State.PAUSED)
        elif name == "LengthChanged":
            length = self._mp.get_length()
            self._length = length / 1000 if length > 0 else None
        elif name == "ESAdded":
            tracks = [(i, n.decode() if isinstance(n, bytes) else str(n))
                      for i, n in self._mp.video_get_spu_description() or [] if i >= 0]  # fmt: skip
            if tracks != self._tracks:
                self._tracks = tracks
                self.set_subtitles(self._subtitles_on)  # libVLC may have picked one itself
                self._emit("subtitles", tracks=self.subtitle_tracks)

    def _end(self) -> None:
        failures = self._observer.failures if self._observer else ()
        near_end = self._length is None or self.position_s >= self._length - END_SLACK_S
        if failures and not near_end:
            self._fail(self._diagnose(), "the stream ended early after failed fetches")
            return
        self._relay.cancel()
        self._set_state(State.ENDED)
        self._report()

    def _diagnose(self, fallback: ErrorCode = ErrorCode.UNPLAYABLE) -> ErrorCode:
        """The error that best explains what the relay saw (``fallback`` if it saw nothing)."""
        observer = self._observer
        master = observer.master_fetch if observer else None
        if master is not None and master.failed:
            if master.status in (404, 410):
                return ErrorCode.NOT_FOUND
            return ErrorCode.UNREACHABLE if master.unreachable else ErrorCode.STREAM_FAILED
        failures = list(observer.failures) if observer else []
        if any(f.unreachable for f in failures[-3:]):
            return ErrorCode.UNREACHABLE
        return ErrorCode.STREAM_FAILED if failures else fallback

    def _watch(self, now: float) -> None:
        """First picture, buffering, stalls. Progress is libVLC's clock moving, not pictures:
        starved, libVLC keeps displaying the last picture again (about 15 times a second)."""
        if self._state is State.OPENING:
            self._watch_start(now)
            return
        millis = self._mp.get_time()
        if self._seek is not None and self._seek.shown(self._buffers.count, millis, now):
            self._seek = None
        if self._state is State.PAUSED or (millis >= 0 and millis != self._seen_time):
            self._seen_time, self._progress_at = millis, now
            if self._state is State.BUFFERING:
                self._set_state(State.PLAYING)
            return
        idle = now - self._progress_at
        if self._state is State.PLAYING and idle > self.buffering_after_s:
            self._set_state(State.BUFFERING)
        elif self._state is State.BUFFERING and idle > self.stall_timeout_s:
            self._fail(self._diagnose(ErrorCode.STALLED), f"the clock stood {idle:.0f} s")

    def _watch_start(self, now: float) -> None:
        if self._buffers.count > self._seen_frames:  # the first picture
            self._progress_at, self._seen_time = now, self._mp.get_time()
            if self._want_pause:
                self._mp.set_pause(1)
            self._set_state(State.PAUSED if self._want_pause else State.PLAYING)
        elif now - self._opened_at > self.first_frame_timeout_s:
            self._fail(self._diagnose(ErrorCode.NEVER_STARTED), "no first picture")

    def _report(self) -> None:
        rendition = self.rendition
        if rendition is not None and _variant(rendition) != _variant(self._shown):
            self._shown = rendition
            self._emit("rendition", rendition=rendition)
        now = (round(self.position_s, 1), self._length)
        if now != self._reported:
            self._reported = now
            self._emit("position", position_s=self.position_s, duration_s=self._length)


def _variant(rendition: Rendition | None) -> tuple[int | None, ...] | None:
    """What names a rung (the measured throughput changes with every segment)."""
    return None if rendition is None else (rendition.height, rendition.width, rendition.bandwidth)

"""The one encoding profile every EduTV rendition shares, and the lesson timeline arithmetic.

H.264 Main@3.1 (CABAC, one reference frame), yuv420p, 25 fps, no B-frames, a closed GOP of
exactly one 2 s segment (IDR at every segment start, aligned across renditions); AAC-LC stereo
48 kHz 96 kbit/s; MPEG-TS.

A lesson is a title card followed by a shared body, encoded separately and joined in the
playlist without a discontinuity, so their timestamps must meet exactly:

* Video: the card is encoded with ``-output_ts_offset TIMELINE_OFFSET`` and the body with
  ``TIMELINE_OFFSET + CARD_SECONDS``; with the MPEG-TS muxer's fixed 1.4 s delay a lesson's
  first frame has PTS ``LESSON_START_PTS`` and the body's first frame has the PTS that follows
  the card's last frame. No B-frames means PTS == DTS, so DTS is monotonic across the join.
* Audio: AAC packets are 1024 samples and the encoder adds one priming packet before the
  content, so audio packets start one packet before the video. ``CARD_SECONDS`` is not a
  whole number of packets, so the card's audio is cut to :func:`card_audio_samples` and the
  body's audio is delayed by :func:`body_audio_delay`: the body's first audio packet then
  starts exactly where the card's last one ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PIPELINE_VERSION = "edutv-media-1"  # bump when the output of the same inputs changes
FPS = 25
SEGMENT_SECONDS = 2
GOP = FPS * SEGMENT_SECONDS
CARD_SEGMENTS = 2
CARD_SECONDS = float(CARD_SEGMENTS * SEGMENT_SECONDS)
AUDIO_RATE = 48_000
AAC_FRAME_SAMPLES = 1024
AUDIO_KBPS = 96
MPEGTS_CLOCK = 90_000
MPEGTS_MUX_DELAY = 1.4  # seconds ffmpeg's MPEG-TS muxer adds to every timestamp by default
TIMELINE_OFFSET = 0.6  # seconds; keeps every timestamp positive (no muxer shift) ...
LESSON_START_PTS = round((MPEGTS_MUX_DELAY + TIMELINE_OFFSET) * MPEGTS_CLOCK)  # ... = 2.0 s
X264_PINNED = (
    f"stitchable=1:cabac=1:ref=1:weightp=0:bframes=0:keyint={GOP}:min-keyint={GOP}:scenecut=0"
)
CODECS = "avc1.4d401f,mp4a.40.2"  # H.264 Main (0x4d, constraint_set1) level 3.1; AAC-LC


@dataclass(frozen=True)
class Rendition:
    """One rung of the ladder."""

    name: str
    width: int
    height: int
    video_kbps: int

    @property
    def maxrate_kbps(self) -> int:
        return self.video_kbps * 11 // 10

    @property
    def bufsize_kbps(self) -> int:
        return self.video_kbps * 2

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}"


# Lowest first. Neighbouring rungs are at most about 1.6x apart, so a line between two of them
# loses little; the lowest (about 0.35 Mbit/s with its audio) still plays on a 0.5 Mbit/s
# rural line that the 240p rung (about 0.6) would stall on.
LADDER: tuple[Rendition, ...] = (
    Rendition("180p", 320, 180, 200),
    Rendition("240p", 426, 240, 400),
    Rendition("360p", 640, 360, 700),
    Rendition("432p", 768, 432, 1050),
    Rendition("540p", 960, 540, 1500),
)


def card_audio_samples() -> int:
    """Samples of silence under the card: one packet fewer than the card spans, priming aside."""
    return (_card_audio_packets() - 1) * AAC_FRAME_SAMPLES


def body_audio_delay() -> float:
    """Seconds the body's audio starts after its video, to meet the card's last audio packet."""
    samples = _card_audio_packets() * AAC_FRAME_SAMPLES - round(CARD_SECONDS * AUDIO_RATE)
    return samples / AUDIO_RATE


def _card_audio_packets() -> int:
    return math.ceil(CARD_SECONDS * AUDIO_RATE / AAC_FRAME_SAMPLES)


def video_args(rendition: Rendition, *, still: bool = False) -> list[str]:
    """x264 options for one output of ``rendition``.

    ``X264_PINNED`` fixes everything that reaches the SPS/PPS, so a title card (``still``:
    fastest preset, constant quality) and a body (bit-rate target) differ only in encoder
    effort and rate control, never in stream parameters.
    """
    if still:
        # one thread: a still frame gains nothing from threads, and workers run side by side
        effort = ["-preset", "ultrafast", "-crf", "20", "-threads", "1"]
    else:
        effort = ["-preset", "superfast", "-b:v", f"{rendition.video_kbps}k"]
    return [
        "-c:v", "libx264", *effort, "-x264-params", X264_PINNED,
        "-profile:v", "main", "-level:v", "3.1", "-pix_fmt", "yuv420p", "-r", str(FPS),
        "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
        "-maxrate", f"{rendition.maxrate_kbps}k", "-bufsize", f"{rendition.bufsize_kbps}k",
    ]  # fmt: skip


def audio_args() -> list[str]:
    return ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ar", str(AUDIO_RATE), "-ac", "2"]


def hls_args(offset: float, segment_pattern: str, playlist: str) -> list[str]:
    """HLS muxer options: 2 s MPEG-TS segments, timestamps shifted by ``offset`` seconds.

    ffmpeg's own playlist (``playlist``) is only read back for segment durations; EduTV writes
    the playlists clients see.
    """
    return [
        "-output_ts_offset", f"{offset:.6f}",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_list_size", "0",
        "-hls_playlist_type", "vod", "-hls_segment_type", "mpegts",
        "-hls_segment_filename", segment_pattern, playlist,
    ]  # fmt: skip

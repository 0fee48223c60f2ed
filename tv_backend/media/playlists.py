"""HLS playlists (RFC 8216) and WebVTT subtitles, as EduTV writes them."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tv_backend.media import MediaError


@dataclass(frozen=True)
class Segment:
    """A media segment: its URI (relative to the playlist), duration and size in bytes."""

    uri: str
    duration: float
    size: int

    def moved(self, prefix: str) -> Segment:
        """The same segment referenced from elsewhere, ``prefix`` prepended to its URI."""
        return Segment(prefix + self.uri, self.duration, self.size)


@dataclass(frozen=True)
class Variant:
    """One ``#EXT-X-STREAM-INF`` entry of a master playlist."""

    uri: str
    bandwidth: int
    average_bandwidth: int
    resolution: str
    codecs: str
    frame_rate: float


def read_segments(playlist: Path) -> list[Segment]:
    """Segments of a media playlist on disk (sizes from the files beside it)."""
    segments: list[Segment] = []
    duration: float | None = None
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            if duration is None:
                raise MediaError(f"{playlist}: segment {line!r} has no #EXTINF")
            size = (playlist.parent / line).stat().st_size
            segments.append(Segment(line, duration, size))
            duration = None
    return segments


def media_playlist(segments: Sequence[Segment]) -> str:
    """A VOD media playlist (version 3: decimal durations)."""
    target = max((round(s.duration) for s in segments), default=0)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def master_playlist(variants: Sequence[Variant]) -> str:
    """A master playlist listing ``variants`` in the given order (lowest first, by convention)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for v in variants:
        lines += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={v.bandwidth},AVERAGE-BANDWIDTH={v.average_bandwidth},"
            f'RESOLUTION={v.resolution},CODECS="{v.codecs}",FRAME-RATE={v.frame_rate:.3f}',
            v.uri,
        ]
    return "\n".join(lines) + "\n"


def peak_bandwidth(segments: Sequence[Segment]) -> int:
    """BANDWIDTH as RFC 8216 defines it: the highest bit rate of any one segment."""
    return max((_bps(s.size, s.duration) for s in segments), default=0)


def average_bandwidth(segments: Sequence[Segment]) -> int:
    """AVERAGE-BANDWIDTH: all bits over all seconds."""
    return _bps(sum(s.size for s in segments), sum(s.duration for s in segments))


def _bps(size: int, seconds: float) -> int:
    return math.ceil(size * 8 / seconds) if seconds > 0 else 0


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def write_webvtt(
    path: Path, cues: Sequence[tuple[float, float, str]], *, mpegts: int | None = None
) -> None:
    """Write WebVTT subtitles; ``cues`` are ``(start, end, text)`` in lesson seconds.

    Pass ``mpegts`` (e.g. ``profile.LESSON_START_PTS``) when the file is an HLS subtitle
    rendition: it adds the ``X-TIMESTAMP-MAP`` header that ties cue time 0 to that PTS.
    """
    lines = ["WEBVTT"]
    if mpegts is not None:
        lines.append(f"X-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000")
    lines.append("")
    for start, end, text in cues:
        if not 0 <= start < end:
            raise ValueError(f"bad cue times {start!r} -> {end!r}")
        lines += [f"{_vtt_time(start)} --> {_vtt_time(end)}", *_cue_lines(text), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, "\n".join(lines) + "\n")


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _cue_lines(text: str) -> list[str]:
    """Cue payload lines: escaped, no blank lines (a blank line would end the cue)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return [line for line in (s.strip() for s in escaped.splitlines()) if line] or [" "]

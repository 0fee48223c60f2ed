"""ffprobe as data, for tests and diagnostics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tv_backend.media import transcode


def probe(path: Path) -> dict:
    """ffprobe's JSON for ``path`` (a segment, a media or a master playlist): format, streams."""
    out = transcode.run_probe(["-print_format", "json", "-show_format", "-show_streams", str(path)])
    return json.loads(out)


@dataclass(frozen=True)
class Packet:
    """One demuxed packet; times in MPEG-TS ticks (90 kHz) for TS input, ``pos`` in bytes."""

    pts: int
    dts: int
    duration: int
    keyframe: bool
    pos: int


def packets(source: Path | str, stream: str = "v") -> list[Packet]:
    """Packets of the first ``stream`` ("v" or "a") of ``source``, in file order.

    ``source`` may be any ffmpeg URL, e.g. ``concat:a.ts|b.ts`` to read segments in one go.
    """
    out = transcode.run_probe([
        "-print_format", "json", "-select_streams", f"{stream}:0",
        "-show_entries", "packet=pts,dts,duration,flags,pos", str(source),
    ])  # fmt: skip
    return [
        Packet(
            int(p["pts"]),
            int(p["dts"]),
            int(p.get("duration", 0)),
            "K" in p["flags"],
            int(p.get("pos", -1)),
        )
        for p in json.loads(out).get("packets", [])
    ]


def parameter_sets(path: Path) -> tuple[bytes, bytes]:
    """The first H.264 SPS and PPS NAL units in ``path`` (without start codes)."""
    annexb = transcode.run([
        "-i", str(path), "-map", "0:v:0", "-c", "copy", "-frames:v", "1",
        "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-",
    ])  # fmt: skip
    # 4-byte start codes leave a zero behind; a NAL unit never ends in a zero byte
    units = [u.strip(b"\0") for u in annexb.split(b"\0\0\1") if u.strip(b"\0")]
    sps = next(u for u in units if u[0] & 0x1F == 7)
    pps = next(u for u in units if u[0] & 0x1F == 8)
    return sps, pps

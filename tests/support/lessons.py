"""Short ffmpeg-made lessons in the backend's media layout, for tests that play channels.

Two aligned renditions (180p, 360p), 2 s segments with a keyframe at each, a test pattern
(``source``: an ffmpeg lavfi video source such as testsrc2 or smptebars, so two programmes
look different) and a tone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

RENDITIONS = (("180p", "320x180", 300), ("360p", "640x360", 600))


def make_lesson(root: Path, key: str, source: str, seconds: int = 8) -> str:
    """Write ``lessons/<key>/`` under ``root``; its master playlist's path relative to it."""
    lesson = root / "lessons" / key
    master = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for name, size, kbps in RENDITIONS:
        out = lesson / name
        out.mkdir(parents=True)
        command = [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"{source}=size={size}:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-b:v", f"{kbps}k", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", "64k", "-ac", "2",
            "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
            "-hls_segment_filename", str(out / "seg_%03d.ts"), str(out / "index.m3u8"),
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=120)
        master += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={kbps * 1100},RESOLUTION={size},"
            'CODECS="avc1.42c01e,mp4a.40.2"',
            f"{name}/index.m3u8",
        ]
    (lesson / "master.m3u8").write_text("\n".join(master) + "\n")
    return f"lessons/{key}/master.m3u8"

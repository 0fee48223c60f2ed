"""Fixtures for every client test: ``hls_ladder``, a small HLS ladder made by ffmpeg.

16 s of ``testsrc2`` at 240p/360p/540p (300/600/1200 kbit/s), 2 s segments, one master
playlist and a sidecar ``subs.vtt``, built once per session (a few seconds of ffmpeg); the
player tests play it directly, the UI tests serve it as a lesson of the backend.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LADDER = ((426, 240, 300), (640, 360, 600), (960, 540, 1200))  # width, height, kbit/s
LADDER_SECONDS = 16
SEGMENT_SECONDS = 2


@pytest.fixture(scope="session")
def hls_ladder(tmp_path_factory) -> Path:
    """A directory with ``master.m3u8`` and ``v0``..``v2`` (lowest first), built by ffmpeg."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (apt package ffmpeg)")
    out = tmp_path_factory.mktemp("ladder")
    count = len(LADDER)
    scales = "".join(f"[s{i}]scale={w}:{h}[v{i}];" for i, (w, h, _) in enumerate(LADDER))
    graph = f"[0:v]split={count}" + "".join(f"[s{i}]" for i in range(count)) + ";" + scales
    maps, rates = [], []
    for i, (_w, _h, kbps) in enumerate(LADDER):
        maps += ["-map", f"[v{i}]", "-map", "1:a"]
        rates += [f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{kbps * 11 // 10}k"]
        rates += [f"-bufsize:v:{i}", f"{kbps * 2}k"]
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=960x540:rate=25:duration={LADDER_SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={LADDER_SECONDS}",
        "-filter_complex", graph.rstrip(";"), *maps,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *rates,
        "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "64k", "-ac", "2",
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out / "v%v" / "seg_%03d.ts"),
        "-master_pl_name", "master.m3u8",
        "-var_stream_map", " ".join(f"v:{i},a:{i}" for i in range(count)),
        str(out / "v%v" / "index.m3u8"),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=120)
    (out / "subs.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:16.000\nEduTV\n")
    return out

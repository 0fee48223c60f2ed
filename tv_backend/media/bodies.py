"""The shared lesson bodies: a few clips encoded once per rendition and reused by every lesson.

Each body shows a moving background (an ffmpeg test source), a label and a running clock of
*lesson* time ("mm:ss", starting at the card's length), so a player test can read where a seek
landed. Its timestamps start where a title card ends (see :mod:`tv_backend.media.profile`).

Layout: ``bodies/<variant>/<rendition>/seg_NNN.ts`` plus a playable ``index.m3u8`` per
rendition and ``body.json`` (written last) describing the segments.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from tv_backend.media import MediaError, transcode
from tv_backend.media import profile as pf
from tv_backend.media.fonts import font_path
from tv_backend.media.mpegts import first_continuity
from tv_backend.media.playlists import Segment, media_playlist, read_segments, write_text
from tv_backend.media.staging import replace_dir, staging_dir

BODY_VARIANTS: dict[str, float] = {"b20": 20.0, "b36": 36.0, "b60": 60.0}
# lavfi video sources, one look per variant, drawn at quarter size (cheap) and scaled up
SOURCES = {
    "b20": "mandelbrot=size=480x270:rate=25:end_scale=0.05:end_pts=500:maxiter=256",
    "b36": "gradients=size=480x270:rate=25:speed=0.03:n=4:seed=7",
    "b60": "life=size=480x270:rate=25:ratio=0.12:mold=8:seed=3"
    ":life_color=#7fb3ff:death_color=#0b1020:mold_color=#203a70",
}
FALLBACK_SOURCE = "testsrc2=size=480x270:rate=25"
LABEL = "EduTV 示例课程"
BODY_FILE = "body.json"


@dataclass(frozen=True)
class Body:
    """A built body.

    Per rendition name: its segments, and the MPEG-TS continuity counter (PID -> CC) each
    PID starts with in its first segment, which a card must lead into.
    """

    variant: str
    key: str
    segments: dict[str, list[Segment]]
    continuity: dict[str, dict[int, int]]

    def directory(self, rendition: str) -> str:
        """Its rendition directory relative to the media root."""
        return f"bodies/{self.variant}/{rendition}"


def body_key(variant: str, seconds: float) -> str:
    """What a body's content depends on; a lesson's key includes it."""
    fields = [
        pf.PIPELINE_VERSION,
        variant,
        seconds,
        SOURCES.get(variant, FALLBACK_SOURCE),
        LABEL,
        _filter_graph(),
        pf.body_audio_delay(),
        pf.CARD_SECONDS,
        [[r.__dict__, pf.video_args(r)] for r in pf.LADDER],
        pf.audio_args(),
    ]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]


def ensure_body(media_root: Path, variant: str, seconds: float) -> Body:
    """The body ``variant`` of ``seconds``, built unless an up-to-date one is on disk."""
    body = current_body(media_root, variant, seconds)
    if body is not None:
        return body
    key = body_key(variant, seconds)
    target = media_root / "bodies" / variant
    with staging_dir(target) as work:
        segments = _encode(work, variant, seconds)
        continuity = {
            name: first_continuity(work / name / items[0].uri) for name, items in segments.items()
        }
        body = Body(variant, key, segments, continuity)
        write_text(work / BODY_FILE, json.dumps(_to_json(body), indent=1))
        replace_dir(work, target)
    return body


def current_body(media_root: Path, variant: str, seconds: float) -> Body | None:
    """The body on disk if it was built from the current inputs, else ``None``."""
    body = load_body(media_root / "bodies" / variant, variant)
    return body if body is not None and body.key == body_key(variant, seconds) else None


def load_body(directory: Path, variant: str) -> Body | None:
    try:
        data = json.loads((directory / BODY_FILE).read_text())
        segments = {name: [Segment(*s) for s in items] for name, items in data["segments"].items()}
        continuity = {
            name: {int(pid): cc for pid, cc in ccs.items()}
            for name, ccs in data["continuity"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Body(variant, data["key"], segments, continuity)


def _to_json(body: Body) -> dict:
    segments = {
        name: [[s.uri, s.duration, s.size] for s in items] for name, items in body.segments.items()
    }
    return {
        "key": body.key,
        "variant": body.variant,
        "segments": segments,
        "continuity": body.continuity,
    }


def _encode(work: Path, variant: str, seconds: float) -> dict[str, list[Segment]]:
    """One ffmpeg run: draw once at 540p, scale to every rung, write every rendition."""
    shutil.copyfile(font_path(bold=True), work / "font.otf")
    (work / "label.txt").write_text(LABEL, encoding="utf-8")
    (work / "clock.txt").write_text(_clock_text(), encoding="utf-8")
    source = SOURCES.get(variant, FALLBACK_SOURCE)
    inputs = [
        "-t", f"{seconds}", "-f", "lavfi", "-i", source,
        "-t", f"{seconds}", "-itsoffset", f"{pf.body_audio_delay():.6f}",
        "-f", "lavfi", "-i", f"sine=frequency=330:beep_factor=4:sample_rate={pf.AUDIO_RATE}",
    ]  # fmt: skip
    outputs: list[str] = []
    for index, rendition in enumerate(pf.LADDER):
        (work / rendition.name).mkdir()
        outputs += ["-map", f"[v{index}]", "-map", f"[a{index}]"]
        outputs += pf.video_args(rendition) + pf.audio_args()
        outputs += pf.hls_args(
            pf.TIMELINE_OFFSET + pf.CARD_SECONDS,
            f"{rendition.name}/seg_%03d.ts",
            f"{rendition.name}/ffmpeg.m3u8",
        )
    transcode.run([*inputs, "-filter_complex", _filter_graph(), *outputs], cwd=work)
    for name in ("font.otf", "label.txt", "clock.txt"):
        (work / name).unlink()
    return {r.name: _publish_rendition(work / r.name) for r in pf.LADDER}


def _clock_text() -> str:
    """drawtext expansion for "mm:ss" of lesson time (the body starts after the card)."""
    t = f"(t+{pf.CARD_SECONDS}+0.001)"
    return f"%{{eif:trunc({t}/60):d:2}}:%{{eif:mod(trunc({t}),60):d:2}}"


def _filter_graph() -> str:
    count = len(pf.LADDER)
    video = (
        "[0:v]scale=960:540:flags=bicubic,format=yuv420p,"
        "drawtext=fontfile=font.otf:textfile=label.txt:fontsize=30:fontcolor=white:"
        "box=1:boxcolor=black@0.45:boxborderw=12:x=54:y=40,"
        "drawtext=fontfile=font.otf:textfile=clock.txt:fontsize=88:fontcolor=white:"
        "box=1:boxcolor=black@0.55:boxborderw=18:x=(w-tw)/2:y=h-th-70,"
        f"split={count}" + "".join(f"[s{i}]" for i in range(count))
    )
    scales = [
        f"[s{i}]scale={r.width}:{r.height}:flags=bicubic,setsar=1[v{i}]"
        for i, r in enumerate(pf.LADDER)
    ]
    audio = (
        "[1:a]volume=0.08,aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"asplit={count}" + "".join(f"[a{i}]" for i in range(count))
    )
    return ";".join([video, *scales, audio])


def _publish_rendition(directory: Path) -> list[Segment]:
    """Replace ffmpeg's playlist with ours and return the segments."""
    generated = directory / "ffmpeg.m3u8"
    segments = read_segments(generated)
    if not segments:
        raise MediaError(f"ffmpeg wrote no segments in {directory}")
    generated.unlink()
    write_text(directory / "index.m3u8", media_playlist(segments))
    return segments

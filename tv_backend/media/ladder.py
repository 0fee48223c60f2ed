"""Adaptive HLS for demo lessons: a lesson's own title card, then a shared pre-encoded body.

Layout under the media root::

    bodies/<variant>/<rendition>/seg_NNN.ts       shared, built once (see bodies.py)
    lessons/<key>/master.m3u8                    one STREAM-INF per rendition, lowest first
    lessons/<key>/<rendition>/index.m3u8         card segments, then ../../../bodies/... URIs
    lessons/<key>/<rendition>/card_NNN.ts
    lessons/<key>/.built                         JSON: input hash, duration (written last)

A lesson is skipped when its ``.built`` hash matches its spec, its body and
``PIPELINE_VERSION``; otherwise it is built in a staging directory and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from tv_backend.media import MediaError, transcode
from tv_backend.media import profile as pf
from tv_backend.media.bodies import BODY_VARIANTS, Body, body_key, current_body, ensure_body
from tv_backend.media.cards import render_card
from tv_backend.media.mpegts import renumber_continuity
from tv_backend.media.playlists import (
    Segment,
    Variant,
    average_bandwidth,
    master_playlist,
    media_playlist,
    peak_bandwidth,
    read_segments,
    write_text,
    write_webvtt,
)
from tv_backend.media.profile import LADDER, PIPELINE_VERSION, Rendition
from tv_backend.media.staging import replace_dir, staging_dir, sweep

__all__ = [
    "BODY_VARIANTS", "LADDER", "PIPELINE_VERSION", "LessonMedia", "LessonSpec", "MediaError",
    "Rendition", "build_lessons", "write_webvtt",
]  # fmt: skip

BUILT_FILE = ".built"
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")


@dataclass(frozen=True)
class LessonSpec:
    """What a lesson's video shows; ``key`` is its unique slug and directory name."""

    key: str
    title_zh: str
    title_en: str
    course_zh: str
    number: int
    body: str


@dataclass(frozen=True)
class LessonMedia:
    """A built lesson: its master playlist relative to the media root, and its length."""

    master: str
    duration: float


def build_lessons(
    media_root: Path,
    specs: list[LessonSpec],
    *,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LessonMedia]:
    """Make sure every lesson in ``specs`` has its HLS ladder; returns them by key.

    Bodies are built first (once), then one ffmpeg per stale lesson encodes its card for
    every rendition, ``workers`` ffmpeg processes at a time. Up-to-date lessons run no ffmpeg.

    Raises:
        ValueError: a bad key, a duplicate key or an unknown body.
        MediaError: ffmpeg is missing or failed (its stderr tail is in the message).
    """
    _validate(specs)
    lessons_dir = media_root / "lessons"
    sweep(lessons_dir)
    sweep(media_root / "bodies")
    report = _Progress(len(specs), progress)
    bodies_ready = {
        v: current_body(media_root, v, BODY_VARIANTS[v]) is not None
        for v in {s.body for s in specs}
    }
    results: dict[str, LessonMedia] = {}
    stale: list[LessonSpec] = []
    for spec in specs:
        current = _current(lessons_dir / spec.key, _lesson_hash(spec))
        if current is None or not bodies_ready[spec.body]:
            stale.append(spec)
        else:
            results[spec.key] = current
            report.step()
    if stale:
        results.update(_build_stale(media_root, stale, workers, report))
    return {spec.key: results[spec.key] for spec in specs}


class _Progress:
    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def step(self) -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total)


def _validate(specs: list[LessonSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if not _SLUG.fullmatch(spec.key):
            raise ValueError(f"lesson key {spec.key!r} is not a slug ([a-z0-9._-], ≤128)")
        if spec.key in seen:
            raise ValueError(f"duplicate lesson key {spec.key!r}")
        if spec.body not in BODY_VARIANTS:
            raise ValueError(f"lesson {spec.key!r}: unknown body {spec.body!r}")
        seen.add(spec.key)


def _lesson_hash(spec: LessonSpec) -> str:
    """What a lesson's files depend on: its spec, its body, and how cards are encoded."""
    encoding = [_card_graph(), pf.audio_args(), [pf.video_args(r, still=True) for r in LADDER]]
    body = body_key(spec.body, BODY_VARIANTS[spec.body])
    fields = [PIPELINE_VERSION, asdict(spec), body, encoding]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def _current(directory: Path, lesson_hash: str) -> LessonMedia | None:
    """The lesson on disk, if it was completely built from the same inputs."""
    try:
        built = json.loads((directory / BUILT_FILE).read_text())
    except (OSError, ValueError):
        return None
    outputs = [directory / "master.m3u8", *(directory / r.name / "index.m3u8" for r in LADDER)]
    if built.get("hash") != lesson_hash or not all(p.is_file() for p in outputs):
        return None
    return LessonMedia(master=_master_uri(directory.name), duration=built["duration"])


def _master_uri(key: str) -> str:
    return f"lessons/{key}/master.m3u8"


def _build_stale(
    media_root: Path, specs: list[LessonSpec], workers: int, report: _Progress
) -> dict[str, LessonMedia]:
    results: dict[str, LessonMedia] = {}
    variants = sorted({s.body for s in specs}, key=lambda v: -BODY_VARIANTS[v])
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="media") as pool:
        try:
            bodies = {
                v: pool.submit(ensure_body, media_root, v, BODY_VARIANTS[v]) for v in variants
            }
            cards = {pool.submit(_build_lesson, media_root, s, bodies[s.body]): s for s in specs}
            for future in as_completed(cards):
                results[cards[future].key] = future.result()
                report.step()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


def _build_lesson(media_root: Path, spec: LessonSpec, body: Future[Body]) -> LessonMedia:
    """Encode the card, wait for the body, write playlists, and swap the lesson into place."""
    target = media_root / "lessons" / spec.key
    with staging_dir(target) as work:
        cards = _encode_card(work, spec)
        ready = body.result()
        for name, segments in cards.items():
            renumber_continuity([work / name / s.uri for s in segments], ready.continuity[name])
        duration = _write_playlists(work, cards, ready)
        built = {"hash": _lesson_hash(spec), "duration": duration, "pipeline": PIPELINE_VERSION}
        write_text(work / BUILT_FILE, json.dumps(built))
        replace_dir(work, target)
    return LessonMedia(master=_master_uri(spec.key), duration=duration)


def _encode_card(work: Path, spec: LessonSpec) -> dict[str, list[Segment]]:
    """One ffmpeg run: the card picture and silence, scaled and encoded for every rendition."""
    render_card(
        work / "card.png",
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        course_zh=spec.course_zh,
        number=spec.number,
    )
    inputs = [
        "-framerate", str(pf.FPS), "-i", "card.png",
        "-f", "lavfi", "-i", f"anullsrc=r={pf.AUDIO_RATE}:cl=stereo",
    ]  # fmt: skip
    outputs: list[str] = []
    for index, rendition in enumerate(LADDER):
        (work / rendition.name).mkdir()
        outputs += ["-map", f"[v{index}]", "-map", f"[a{index}]"]
        outputs += pf.video_args(rendition, still=True)
        outputs += pf.audio_args()
        outputs += pf.hls_args(
            pf.TIMELINE_OFFSET, f"{rendition.name}/card_%03d.ts", f"{rendition.name}/ffmpeg.m3u8"
        )
    transcode.run([*inputs, "-filter_complex", _card_graph(), *outputs], cwd=work)
    (work / "card.png").unlink()
    return {r.name: _take_segments(work / r.name) for r in LADDER}


def _card_graph() -> str:
    """Scale the one decoded picture per rung, then repeat it (cheaply) for the card's length."""
    count = len(LADDER)
    frames = round(pf.CARD_SECONDS * pf.FPS)
    video = f"[0:v]split={count}" + "".join(f"[s{i}]" for i in range(count))
    scales = [
        f"[s{i}]scale={r.width}:{r.height}:flags=lanczos,setsar=1,format=yuv420p,"
        f"tpad=stop_mode=clone:stop={frames - 1}[v{i}]"
        for i, r in enumerate(LADDER)
    ]
    audio = f"[1:a]atrim=end_sample={pf.card_audio_samples()},asplit={count}" + "".join(
        f"[a{i}]" for i in range(count)
    )
    return ";".join([video, *scales, audio])


def _take_segments(directory: Path) -> list[Segment]:
    """Read and delete ffmpeg's playlist; check the card came out as whole segments."""
    generated = directory / "ffmpeg.m3u8"
    segments = read_segments(generated)
    generated.unlink()
    if len(segments) != pf.CARD_SEGMENTS:
        raise MediaError(
            f"{directory}: expected {pf.CARD_SEGMENTS} card segments, got {len(segments)}"
        )
    return segments


def _write_playlists(work: Path, cards: dict[str, list[Segment]], body: Body) -> float:
    """Per-rendition media playlists and the master; returns the lesson's duration."""
    variants = []
    for rendition in LADDER:
        prefix = f"../../../{body.directory(rendition.name)}/"
        segments = cards[rendition.name] + [s.moved(prefix) for s in body.segments[rendition.name]]
        write_text(work / rendition.name / "index.m3u8", media_playlist(segments))
        variants.append(_variant(rendition, segments))
    write_text(work / "master.m3u8", master_playlist(variants))
    return round(sum(s.duration for s in segments), 6)


def _variant(rendition: Rendition, segments: list[Segment]) -> Variant:
    return Variant(
        uri=f"{rendition.name}/index.m3u8",
        bandwidth=peak_bandwidth(segments),
        average_bandwidth=average_bandwidth(segments),
        resolution=rendition.resolution,
        codecs=pf.CODECS,
        frame_rate=float(pf.FPS),
    )

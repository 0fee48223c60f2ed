"""The HLS ladder as players see it: playlists, segments, keyframes and the card/body join."""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tv_backend.media import MediaError, profile, transcode
from tv_backend.media.ladder import LADDER, build_lessons
from tv_backend.media.probe import Packet, packets, parameter_sets, probe

pytestmark = pytest.mark.media

SEGMENT_TICKS = profile.SEGMENT_SECONDS * profile.MPEGTS_CLOCK
FRAME_TICKS = profile.MPEGTS_CLOCK // profile.FPS


def stream_infs(master: Path) -> list[tuple[dict[str, str], str]]:
    """(attributes, uri) per #EXT-X-STREAM-INF, parsed independently of the writer."""
    lines = master.read_text().splitlines()
    entries = []
    for line, uri in itertools.pairwise(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attrs = dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))
            entries.append(({k: v.strip('"') for k, v in attrs.items()}, uri))
    return entries


def media_segments(playlist: Path) -> list[tuple[float, Path]]:
    lines = playlist.read_text().splitlines()
    return [
        (float(line[8:].split(",")[0]), (playlist.parent / uri).resolve())
        for line, uri in itertools.pairwise(lines)
        if line.startswith("#EXTINF:")
    ]


@cache
def cached_packets(segment: Path, stream: str) -> list[Packet]:
    """Packets of one segment file, read along with its whole playlist (one ffprobe)."""
    return _playlist_packets(segment.parent, stream)[segment]


@cache
def _playlist_packets(directory: Path, stream: str) -> dict[Path, list[Packet]]:
    """Every segment file in ``directory`` probed as one concatenation, split back by offset."""
    files = sorted(directory.glob("*.ts"))
    ends, total = [], 0
    for path in files:
        total += path.stat().st_size
        ends.append(total)
    split: dict[Path, list[Packet]] = {path: [] for path in files}
    pos = 0
    for packet in packets("concat:" + "|".join(map(str, files)), stream):
        pos = packet.pos if packet.pos >= 0 else pos  # later AAC frames of one PES: no pos
        split[files[bisect.bisect_right(ends, pos)]].append(packet)
    return split


def rendition_segments(tree, key: str) -> dict[str, list[tuple[float, Path]]]:
    lesson = tree.lesson_dir(key)
    return {r.name: media_segments(lesson / r.name / "index.m3u8") for r in LADDER}


@pytest.fixture(params=["math-g3-fractions-01", "yuwen-g1-jiebanren-02"])
def lesson_key(request: pytest.FixtureRequest) -> str:
    return request.param


def test_results_point_at_master_playlists(media_tree) -> None:
    for spec in media_tree.specs:
        media = media_tree.lessons[spec.key]
        assert media.master == f"lessons/{spec.key}/master.m3u8"
        assert (media_tree.root / media.master).is_file()
    assert media_tree.lessons["math-g3-fractions-01"].duration == pytest.approx(24.0)
    assert media_tree.lessons["yuwen-g1-jiebanren-02"].duration == pytest.approx(10.0)


def test_master_lists_every_rendition_lowest_first(media_tree, lesson_key: str) -> None:
    entries = stream_infs(media_tree.lesson_dir(lesson_key) / "master.m3u8")
    assert [attrs["RESOLUTION"] for attrs, _ in entries] == [
        "320x180", "426x240", "640x360", "768x432", "960x540",
    ]  # fmt: skip
    assert [uri for _, uri in entries] == [f"{r.name}/index.m3u8" for r in LADDER]
    bandwidths = [int(attrs["BANDWIDTH"]) for attrs, _ in entries]
    assert bandwidths == sorted(bandwidths)
    for attrs, _ in entries:
        assert attrs["CODECS"] == "avc1.4d401f,mp4a.40.2"
        assert attrs["FRAME-RATE"] == "25.000"
        assert 0 < int(attrs["AVERAGE-BANDWIDTH"]) <= int(attrs["BANDWIDTH"])


def test_bandwidth_is_the_measured_peak_segment_rate(media_tree) -> None:
    key = "math-g3-fractions-01"
    entries = stream_infs(media_tree.lesson_dir(key) / "master.m3u8")
    for (attrs, _), segments in zip(
        entries, rendition_segments(media_tree, key).values(), strict=True
    ):
        peak = max(path.stat().st_size * 8 / duration for duration, path in segments)
        assert int(attrs["BANDWIDTH"]) == pytest.approx(peak, abs=1)


def test_media_playlists_are_vod_with_two_second_target(media_tree, lesson_key: str) -> None:
    for rendition in LADDER:
        text = (media_tree.lesson_dir(lesson_key) / rendition.name / "index.m3u8").read_text()
        head = text.splitlines()[:5]
        assert head == [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            "#EXT-X-TARGETDURATION:2",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
        ]
        assert text.endswith("#EXT-X-ENDLIST\n")
        assert "#EXT-X-DISCONTINUITY" not in text


def test_ffprobe_reads_the_master(media_tree, lesson_key: str) -> None:
    info = probe(media_tree.lesson_dir(lesson_key) / "master.m3u8")
    video = [s for s in info["streams"] if s["codec_type"] == "video"]
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert sorted((s["width"], s["height"]) for s in video) == [
        (320, 180), (426, 240), (640, 360), (768, 432), (960, 540),
    ]  # fmt: skip
    assert {(s["codec_name"], s["profile"], s["level"]) for s in video} == {("h264", "Main", 31)}
    assert {
        (s["codec_name"], s["profile"], int(s["sample_rate"]), s["channels"]) for s in audio
    } == {("aac", "LC", 48000, 2)}


def test_ffmpeg_decodes_every_rendition_without_complaint(media_tree, lesson_key: str) -> None:
    master = media_tree.lesson_dir(lesson_key) / "master.m3u8"
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "warning", "-i", str(master)]
    command += ["-map", "0", "-f", "null", "-"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stderr == ""


def test_segments_are_two_seconds_and_start_with_a_keyframe(media_tree, lesson_key) -> None:
    for name, segments in rendition_segments(media_tree, lesson_key).items():
        for index, (duration, path) in enumerate(segments):
            video = cached_packets(path, "v")
            measured = (video[-1].pts + video[-1].duration - video[0].pts) / profile.MPEGTS_CLOCK
            assert video[0].keyframe, (name, path)
            if index < len(segments) - 1:
                assert duration == pytest.approx(2.0, abs=0.05), (name, path)
                assert measured == pytest.approx(2.0, abs=0.05), (name, path)


def test_keyframes_are_aligned_across_renditions(media_tree, lesson_key: str) -> None:
    starts = {
        name: [cached_packets(path, "v")[0].pts for _, path in segments]
        for name, segments in rendition_segments(media_tree, lesson_key).items()
    }
    first = starts[LADDER[0].name]
    assert all(other == first for other in starts.values())
    assert first[0] == profile.LESSON_START_PTS
    assert [b - a for a, b in itertools.pairwise(first)] == [SEGMENT_TICKS] * (len(first) - 1)


def test_timestamps_run_on_across_the_card_body_join(media_tree, lesson_key: str) -> None:
    for name, segments in rendition_segments(media_tree, lesson_key).items():
        card = [path for _, path in segments[: profile.CARD_SEGMENTS]]
        body = segments[profile.CARD_SEGMENTS][1]
        assert all(p.name.startswith("card_") for p in card) and "bodies" in body.parts
        for stream in ("v", "a"):
            last = cached_packets(card[-1], stream)[-1]
            first = cached_packets(body, stream)[0]
            assert last.pts + last.duration == first.pts, (name, stream)
            assert last.dts < first.dts, (name, stream)


def test_video_timestamps_step_one_frame_through_the_whole_lesson(media_tree, lesson_key) -> None:
    for segments in rendition_segments(media_tree, lesson_key).values():
        pts = [p.pts for _, path in segments for p in cached_packets(path, "v")]
        assert [b - a for a, b in itertools.pairwise(pts)] == [FRAME_TICKS] * (len(pts) - 1)


def test_card_and_body_share_one_set_of_stream_parameters(media_tree) -> None:
    for name, segments in rendition_segments(media_tree, "math-g3-fractions-01").items():
        card, body = segments[0][1], segments[-1][1]
        sps, pps = parameter_sets(card)
        assert (sps, pps) == parameter_sets(body), name
        assert sps[1:4].hex() == "4d401f"  # what CODECS promises: Main, constraint_set1, 3.1


def test_rerun_runs_no_ffmpeg(media_tree, monkeypatch: pytest.MonkeyPatch) -> None:
    built = [media_tree.lesson_dir(s.key) / ".built" for s in media_tree.specs]
    before = [p.stat().st_mtime_ns for p in built]
    calls = count_ffmpeg(monkeypatch)
    again = build_lessons(media_tree.root, list(media_tree.specs))
    assert again == media_tree.lessons
    assert calls == []
    assert [p.stat().st_mtime_ns for p in built] == before


def test_lesson_without_built_marker_is_rebuilt(fresh_root: Path, media_tree, monkeypatch) -> None:
    specs = list(media_tree.specs)
    build_lessons(fresh_root, specs)
    (fresh_root / "lessons" / specs[0].key / ".built").unlink()
    other = (fresh_root / "lessons" / specs[1].key / ".built").stat().st_mtime_ns
    calls = count_ffmpeg(monkeypatch)
    result = build_lessons(fresh_root, specs)
    assert len(calls) == 1
    assert (fresh_root / "lessons" / specs[0].key / ".built").is_file()
    assert (fresh_root / "lessons" / specs[1].key / ".built").stat().st_mtime_ns == other
    assert result == media_tree.lessons


def test_lessons_of_a_missing_body_are_rebuilt_with_it(fresh_root: Path, media_tree, monkeypatch):
    spec = media_tree.specs[1]
    build_lessons(fresh_root, [spec])
    shutil.rmtree(fresh_root / "bodies" / spec.body)
    calls = count_ffmpeg(monkeypatch)
    build_lessons(fresh_root, [spec])
    assert len(calls) == 2  # the body, then the lesson's card
    assert (fresh_root / "bodies" / spec.body / "body.json").is_file()


def test_changed_spec_is_rebuilt(fresh_root: Path, media_tree, monkeypatch) -> None:
    spec = media_tree.specs[1]
    build_lessons(fresh_root, [spec])
    calls = count_ffmpeg(monkeypatch)
    build_lessons(fresh_root, [dataclasses.replace(spec, title_zh="新标题")])
    assert len(calls) == 1


def test_failed_build_leaves_nothing_that_looks_done(fresh_root: Path, media_tree, monkeypatch):
    def broken(args: list[str], *, cwd: Path | None = None) -> bytes:
        raise MediaError("ffmpeg exited with status 1:\nboom")

    monkeypatch.setattr("tv_backend.media.transcode.run", broken)
    with pytest.raises(MediaError, match="boom"):
        build_lessons(fresh_root, [media_tree.specs[1]])
    assert not (fresh_root / "lessons" / media_tree.specs[1].key).exists()
    assert list((fresh_root / "lessons").iterdir()) == []


def test_progress_counts_every_lesson(fresh_root: Path, media_tree) -> None:
    seen: list[tuple[int, int]] = []
    build_lessons(fresh_root, list(media_tree.specs), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]


@pytest.mark.parametrize(
    ("change", "message"),
    [({"key": "Bad Key"}, "slug"), ({"body": "b999"}, "unknown body")],
)
def test_bad_specs_are_refused(media_tree, tmp_path: Path, change: dict, message: str) -> None:
    spec = media_tree.specs[0]
    with pytest.raises(ValueError, match=message):
        build_lessons(tmp_path, [dataclasses.replace(spec, **change)])


def test_duplicate_keys_are_refused(media_tree, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duplicate"):
        build_lessons(tmp_path, [media_tree.specs[0], media_tree.specs[0]])


def test_missing_ffmpeg_is_a_media_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MediaError, match="ffmpeg not found"):
        transcode.run(["-version"])


def test_ffmpeg_failure_carries_stderr(tmp_path: Path) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    with pytest.raises(MediaError, match="No such file"):
        transcode.run(["-i", str(tmp_path / "missing.ts"), "-f", "null", "-"])


def count_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every ffmpeg run from now on (still running it)."""
    calls: list[list[str]] = []
    real = transcode.run

    def counting(args: list[str], *, cwd: Path | None = None) -> bytes:
        calls.append(args)
        return real(args, cwd=cwd)

    monkeypatch.setattr(transcode, "run", counting)
    return calls

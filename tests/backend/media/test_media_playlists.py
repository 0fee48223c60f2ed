"""Playlist and subtitle writers, the timeline arithmetic and MPEG-TS counter rewriting."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tv_backend.media import profile
from tv_backend.media.mpegts import first_continuity, renumber_continuity
from tv_backend.media.playlists import (
    Segment,
    Variant,
    average_bandwidth,
    master_playlist,
    media_playlist,
    peak_bandwidth,
    write_webvtt,
)

SEGMENTS = [
    Segment("card_000.ts", 2.0, 50_000),
    Segment("../b/seg_000.ts", 2.0, 250_000),
    Segment("../b/seg_001.ts", 1.5, 150_000),
]


def test_media_playlist_is_a_vod_playlist() -> None:
    assert media_playlist(SEGMENTS).splitlines() == [
        "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXTINF:2.000000,", "card_000.ts",
        "#EXTINF:2.000000,", "../b/seg_000.ts",
        "#EXTINF:1.500000,", "../b/seg_001.ts",
        "#EXT-X-ENDLIST",
    ]  # fmt: skip


def test_bandwidths_are_peak_and_average_segment_rates() -> None:
    assert peak_bandwidth(SEGMENTS) == 1_000_000
    assert average_bandwidth(SEGMENTS) == math.ceil(450_000 * 8 / 5.5)
    assert peak_bandwidth([]) == 0


def test_master_playlist_lines() -> None:
    variant = Variant("240p/index.m3u8", 500_000, 400_000, "426x240", profile.CODECS, 25.0)
    assert master_playlist([variant]).splitlines() == [
        "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS",
        "#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,RESOLUTION=426x240,"
        'CODECS="avc1.4d401f,mp4a.40.2",FRAME-RATE=25.000',
        "240p/index.m3u8",
    ]  # fmt: skip


def test_webvtt(tmp_path: Path) -> None:
    path = tmp_path / "subs" / "zh.vtt"
    write_webvtt(path, [(0.0, 2.5, "同学们好"), (3661.25, 3662.0, "a < b & c\n\nline two")])
    assert path.read_text() == (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:02.500\n同学们好\n\n"
        "01:01:01.250 --> 01:01:02.000\na &lt; b &amp; c\nline two\n\n"
    )


def test_webvtt_timestamp_map_for_hls(tmp_path: Path) -> None:
    path = tmp_path / "zh.vtt"
    write_webvtt(path, [(1.0, 2.0, "你好")], mpegts=profile.LESSON_START_PTS)
    assert path.read_text().splitlines()[1] == "X-TIMESTAMP-MAP=MPEGTS:180000,LOCAL:00:00:00.000"


@pytest.mark.parametrize("cue", [(2.0, 1.0, "x"), (-1.0, 1.0, "x"), (1.0, 1.0, "x")])
def test_webvtt_refuses_bad_cue_times(tmp_path: Path, cue) -> None:
    with pytest.raises(ValueError, match="cue times"):
        write_webvtt(tmp_path / "x.vtt", [cue])


def test_card_audio_ends_where_body_audio_begins() -> None:
    """In AAC packets (1024 samples, one priming packet first): card end == body start."""
    frame = profile.AAC_FRAME_SAMPLES
    card_packets = math.ceil(profile.card_audio_samples() / frame) + 1
    card_end = -frame + card_packets * frame
    body_start = round((profile.CARD_SECONDS + profile.body_audio_delay()) * profile.AUDIO_RATE)
    assert card_end == body_start - frame
    assert 0 <= profile.body_audio_delay() < frame / profile.AUDIO_RATE


def test_lesson_start_pts_is_two_seconds() -> None:
    assert profile.LESSON_START_PTS == 2 * profile.MPEGTS_CLOCK


def ts_packet(pid: int, cc: int, payload: bool = True) -> bytes:
    control = (0x10 if payload else 0x20) | cc
    return bytes([0x47, pid >> 8, pid & 0xFF, control]) + bytes(184)


def counters(path: Path) -> list[tuple[int, int]]:
    data = path.read_bytes()
    return [
        (((data[i + 1] & 0x1F) << 8) | data[i + 2], data[i + 3] & 0x0F)
        for i in range(0, len(data), 188)
    ]


def test_renumbered_card_leads_into_the_body(tmp_path: Path) -> None:
    first, second, body = tmp_path / "c0.ts", tmp_path / "c1.ts", tmp_path / "b.ts"
    first.write_bytes(ts_packet(0x100, 0) + ts_packet(0x101, 0) + ts_packet(0x100, 1))
    second.write_bytes(
        ts_packet(0x100, 2)
        + ts_packet(0x100, 2, payload=False)
        + ts_packet(0x101, 1)
        + ts_packet(0x1FFF, 0)
    )
    body.write_bytes(ts_packet(0x100, 5) + ts_packet(0x101, 0) + ts_packet(0x100, 6))
    following = first_continuity(body)
    assert following == {0x100: 5, 0x101: 0}
    renumber_continuity([first, second], following)
    assert counters(first) == [(0x100, 2), (0x101, 14), (0x100, 3)]
    assert counters(second) == [(0x100, 4), (0x100, 4), (0x101, 15), (0x1FFF, 0)]

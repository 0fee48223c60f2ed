"""RFC 8216 rules over rendered playlists, read back with the `m3u8` parser: one checker for the
pure builder's tests (tests/epg/test_linear.py) and the service's (tests/backend/services/
test_live.py, tests/backend/api/test_live_http.py).

``following`` maps each segment URI to the one that comes next in its own medium (a lesson's
playlist, the slate, an upstream): a segment that does not follow its predecessor must carry
``#EXT-X-DISCONTINUITY`` (§4.3.2.3), and one that does must not.

tests/ is no package (pytest runs with ``--import-mode=importlib``, nothing on ``sys.path``):
test modules load this file by path, as tests/bench loads bench/ modules::

    spec = importlib.util.spec_from_file_location("hls_rules", TESTS / "hls_rules.py")
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import pairwise

import m3u8

TOLERANCE = 0.002  # s: program date-times are printed to the millisecond


def check_segments(
    playlist: m3u8.M3U8,
    *,
    following: Mapping[str, str],
    origins: Sequence[str],
    where: str,
) -> None:
    """What holds within any one media playlist, live or on demand."""
    segments = playlist.segments
    target = playlist.target_duration
    assert segments, where
    for segment in segments:  # §4.3.3.1: each EXTINF, rounded, at most the target duration
        assert math.floor(segment.duration + 0.5) <= target, (where, segment.duration)
        assert segment.uri.startswith(tuple(origins)) and "../" not in segment.uri, where
    for before, segment in pairwise(segments):  # §4.3.2.3: a tag at every item change
        expected = following.get(before.uri) != segment.uri
        assert segment.discontinuity == expected, (where, segment)
        if segment.discontinuity:  # the timeline restarts: a date says where (§4.3.2.6)
            assert segment.program_date_time is not None, where
    assert segments[0].program_date_time is not None, where
    for before, segment in pairwise(segments):  # explicit dates agree with the durations
        expected = before.current_program_date_time + timedelta(seconds=before.duration)
        gap = (segment.current_program_date_time - expected).total_seconds()
        assert abs(gap) < TOLERANCE, (where, segment)


def check_live(
    renders: Sequence[tuple[datetime, str]],
    *,
    following: Mapping[str, str],
    young_until: datetime,
    origins: Sequence[str] = ("/media/",),
) -> None:
    """Consecutive live playlists of one rendition rendered at increasing times: what a client
    polling them could see (from one process, or alternately from several)."""
    uris: dict[int, str] = {}
    dates: dict[int, datetime] = {}
    previous = None
    target = None
    for now, text in renders:
        playlist = m3u8.loads(text)
        segments = playlist.segments
        first = playlist.media_sequence
        where = f"at {now.isoformat()}"
        assert not playlist.is_endlist and "#EXT-X-ENDLIST" not in text, where
        assert playlist.playlist_type is None, where  # a live window has no type
        target = target or playlist.target_duration
        assert playlist.target_duration == target, where  # §6.2.1: constant
        check_segments(playlist, following=following, origins=origins, where=where)
        for offset, segment in enumerate(segments):  # §6.2.2: one number, one URI, one time
            sequence = first + offset
            assert uris.setdefault(sequence, segment.uri) == segment.uri, (where, sequence)
            start = segment.current_program_date_time
            assert abs((dates.setdefault(sequence, start) - start).total_seconds()) < TOLERANCE
        edge = segments[-1].current_program_date_time  # the live edge is the segment on air
        assert edge <= now < edge + timedelta(seconds=segments[-1].duration + TOLERANCE), where
        if now >= young_until + timedelta(seconds=3 * target):  # §6.2.2: 3 target durations
            assert sum(s.duration for s in segments) >= 3 * target - 0.001, where
        if previous is not None:
            _check_succession(previous, playlist, following, where)
        previous = playlist


def _check_succession(
    previous: m3u8.M3U8, playlist: m3u8.M3U8, following: Mapping[str, str], where: str
) -> None:
    """§6.2.2: numbers never go back, windows overlap, and the discontinuity sequence counts
    the tags that left (a tag on the new first segment is gone too: that segment's number is
    now the sequence's)."""
    first, segments = playlist.media_sequence, playlist.segments
    old_first, old_segments = previous.media_sequence, previous.segments
    assert first >= old_first, where
    assert first <= old_first + len(old_segments), f"{where}: windows do not overlap"
    gone = sum(1 for n, s in enumerate(old_segments) if s.discontinuity and
               old_first + n <= first)  # fmt: skip
    if first == old_first + len(old_segments):
        gone += following.get(old_segments[-1].uri) != segments[0].uri
    assert playlist.discontinuity_sequence - previous.discontinuity_sequence == gone, where


def check_vod(
    text: str,
    *,
    following: Mapping[str, str],
    origins: Sequence[str] = ("/media/",),
    where: str = "on demand",
) -> m3u8.M3U8:
    """An on-demand playlist (catch-up): VOD type (§4.3.3.5), numbered from 0, the segments'
    rules, date-times in order, and ``#EXT-X-ENDLIST`` (§4.3.3.4). Returns it parsed."""
    playlist = m3u8.loads(text)
    assert playlist.playlist_type == "vod", where
    assert playlist.is_endlist and text.rstrip("\n").endswith("#EXT-X-ENDLIST"), where
    assert text.count("#EXT-X-ENDLIST") == 1, where
    assert playlist.media_sequence == 0 and not playlist.discontinuity_sequence, where
    check_segments(playlist, following=following, origins=origins, where=where)
    dates = [s.current_program_date_time for s in playlist.segments]
    assert dates == sorted(dates) and len(set(dates)) == len(dates), where
    return playlist

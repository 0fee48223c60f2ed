"""bench/zap.py: zap figures from a probe's record and the relay's requests, summaries, verdict.

Pure figures only: no player, no backend, no timing asserted.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    # By path, not by sys.path: bench/ holds a tv_client.py that would shadow the package.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


for _dependency in ("wrk", "catalog_report", "servers", "runner"):
    _load(_dependency)
zap = _load("zap")

EDGE = ["/media/b/180p/seg_001.ts", "/media/b/180p/seg_002.ts", "/media/b/180p/seg_003.ts"]


def _fetch(session, path, started, done, *, uris=None, status=200):
    entry = {"session": session, "path": path, "status": status, "started": started, "done": done}
    return entry | ({"uris": uris} if uris is not None else {})


def test_a_zap_is_split_where_its_time_went():
    record = {"to": "b", "press_at": 10.0, "tune_at": 10.45, "opened_at": 10.455, "frame_at": 10.6}
    fetches = [
        _fetch(1, "/media/a/seg_9.ts", 10.3, 10.46),  # the channel before: started earlier
        _fetch(2, "/live/b/master.m3u8", 10.46, 10.47, uris=["180p.m3u8"]),
        _fetch(2, "/live/b/180p.m3u8", 10.48, 10.49, uris=EDGE),
        _fetch(2, EDGE[1], 10.49, 10.5),
        _fetch(3, "/live/c/master.m3u8", 12.0, 12.01, uris=["180p.m3u8"]),  # the next zap
    ]
    found = zap.zap_figures(record, fetches)
    expected = {
        "zap_s": 0.6,
        "tune_s": 0.15,
        "settle_s": 0.45,
        "stop_s": 0.005,
        "master_s": 0.02,
        "media_s": 0.04,
        "segment_s": 0.05,
        "decode_s": 0.1,
    }
    assert {k: found[k] for k in expected} == pytest.approx(expected)
    assert found["variant"] == "180p.m3u8"
    assert found["behind_edge"] == 2  # seg_002 of seg_001..003: one before the newest


@pytest.mark.parametrize(
    ("after", "still", "gap"),
    [
        ([0.14, 0.18, 0.22, 1.02, 1.06], 0.14, 0.8),  # stands 0.14 s, then a 0.8 s freeze
        ([0.04], 0.04, None),  # one more picture before the next key: no gap to tell
        ([], None, None),  # none
    ],
)
def test_how_long_the_first_picture_stands_and_the_longest_gap_after(after, still, gap):
    record = {"tune_at": 1.0, "opened_at": 1.01, "frame_at": 1.2, "pictures_after": after}
    found = zap.zap_figures(record, [])
    assert found["still_s"] == pytest.approx(still)
    assert found["gap_s"] == pytest.approx(gap)


def test_plain_libvlc_has_no_breakdown_and_a_missing_picture_is_none():
    found = zap.zap_figures({"to": "b", "press_at": 1.0, "tune_at": 1.0, "opened_at": 1.01}, [])
    assert found["settle_s"] == 0.0
    assert found["zap_s"] is None and found["tune_s"] is None
    assert found["master_s"] is None and found["behind_edge"] is None


def test_the_first_tune_has_no_key_so_its_zap_is_its_tune():
    found = zap.zap_figures({"tune_at": 2.0, "opened_at": 2.01, "frame_at": 2.3}, [])
    assert found["zap_s"] == found["tune_s"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("values", "p50", "p95", "top", "missed"),
    [
        ([0.5], 0.5, 0.5, 0.5, 0),
        ([0.1, 0.2, 0.3, 0.4, None], 0.25, 0.385, 0.4, 1),
        ([1.0, 0.0], 0.5, 0.95, 1.0, 0),
    ],
)
def test_summary(values, p50, p95, top, missed):
    found = zap.summary(values)
    assert (found["p50"], found["p95"], found["max"]) == pytest.approx((p50, p95, top))
    assert found["missed"] == missed
    assert found["n"] == len(values) - missed


def test_a_summary_of_nothing_is_nan():
    found = zap.summary([None, None])
    assert found["n"] == 0 and found["missed"] == 2
    assert math.isnan(found["p50"]) and math.isnan(found["max"])


def test_summaries_leave_out_figures_no_zap_has_and_count_edge_offsets():
    zaps = [
        {"zap_s": 0.6, "tune_s": 0.1, "behind_edge": 4},
        {"zap_s": 0.7, "tune_s": 0.2, "behind_edge": 4},
        {"zap_s": None, "tune_s": None, "behind_edge": 3},
    ]
    found = zap.summaries(zaps)
    assert set(found) == {"zap_s", "tune_s", "behind_edge"}
    assert found["zap_s"]["p50"] == pytest.approx(0.65)
    assert found["behind_edge"] == {3: 1, 4: 2}


@pytest.mark.parametrize(
    ("p50", "missed", "passed"),
    [(0.6, 0, True), (1.0, 0, False), (0.6, 1, False)],
)
def test_verdict_is_edutvs_p50_under_one_second_with_every_picture_shown(p50, missed, passed):
    report = {
        "config": {"timeout": 10.0},
        "summaries": {zap.EDUTV: {"zap_s": {"n": 24, "missed": missed, "p50": p50}}},
    }
    (verdict,) = zap.verdicts(report)
    assert verdict.passed is passed


@pytest.mark.parametrize(
    ("total", "parts", "expected"),
    [(24, 2, [12, 12]), (25, 2, [13, 12]), (3, 5, [1, 1, 1]), (7, 1, [7])],
)
def test_zaps_are_split_evenly_over_rounds(total, parts, expected):
    assert zap._split(total, parts) == expected

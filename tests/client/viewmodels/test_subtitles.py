"""WebVTT parsing for subtitles the player draws in the app's own font."""

from __future__ import annotations

import pytest

from tv_client.viewmodels.subtitles import Cue, cue_at, parse, seconds

VTT = """WEBVTT
X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000

NOTE a comment --> not a cue

1
00:00:01.000 --> 00:00:04.500 line:90%
同学们好！<b>今天</b>学习分数。

00:00:04.500 --> 00:00:08.000
把一个蛋糕平均分成 4 份，
每份是它的 &lt;四分之一&gt;。

00:01:00.000 --> 00:00:59.000
backwards: skipped

garbage --> 00:00:10.000
skipped too
"""


@pytest.mark.parametrize(
    ("stamp", "value"),
    [("00:01.000", 1.0), ("01:02.500", 62.5), ("1:00:00.250", 3600.25), ("00:00:04,500", 4.5)],
)
def test_times(stamp, value):
    assert seconds(stamp) == value


def test_bad_time_is_refused():
    with pytest.raises(ValueError):
        seconds("4.5")


def test_cues_are_parsed_with_tags_and_settings_dropped():
    assert parse(VTT) == [
        Cue(1.0, 4.5, "同学们好！今天学习分数。"),
        Cue(4.5, 8.0, "把一个蛋糕平均分成 4 份， 每份是它的 <四分之一>。"),
    ]


@pytest.mark.parametrize(
    ("t", "shown"),
    [(0.5, ""), (1.0, "同学们好！今天学习分数。"), (4.49, "同学们好！今天学习分数。"),
     (4.5, "把一个蛋糕平均分成 4 份， 每份是它的 <四分之一>。"), (8.0, ""), (100, "")],
)  # fmt: skip
def test_the_cue_on_screen(t, shown):
    assert cue_at(parse(VTT), t) == shown


def test_overlapping_cues_show_together():
    cues = [Cue(0, 5, "一"), Cue(1, 3, "二")]
    assert cue_at(cues, 2) == "一\n二" and cue_at(cues, 4) == "一"

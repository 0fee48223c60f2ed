"""The guide's values refuse what they cannot mean: naive times, empty titles, bad ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from epg.model import Channel, EpgError, Episode, Programme, pick_text, utc, zone

SHANGHAI = zone("Asia/Shanghai")


def test_programme_times_become_utc_and_on_air_is_half_open():
    p = Programme("hn-1", datetime(2026, 9, 1, 8, tzinfo=SHANGHAI),
                  datetime(2026, 9, 1, 8, 40, tzinfo=SHANGHAI), {"zh": "第一节 数学"})  # fmt: skip
    assert p.start == datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
    assert p.duration == timedelta(minutes=40)
    assert p.on_air(p.start) and not p.on_air(p.stop)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stop": datetime(2026, 9, 1, 0, tzinfo=UTC)}, "stop is not after start"),
        ({"title": {"zh": ""}}, "has no title"),
        ({"source": "rtmp://x/live"}, "is not HTTP"),
    ],
)
def test_programmes_refuse_what_they_cannot_mean(kwargs, message):
    fields = {"channel": "hn-1", "start": datetime(2026, 9, 1, 0, tzinfo=UTC),
              "stop": datetime(2026, 9, 1, 1, tzinfo=UTC), "title": {"zh": "数学"}}  # fmt: skip
    with pytest.raises(EpgError, match=message):
        Programme(**(fields | kwargs))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": "has space"}, "channel id"),
        ({"number": 0}, "is not 1-9999"),
        ({"names": {}}, "has no name"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"catchup_days": 31}, "catch-up"),
    ],
)
def test_channels_refuse_what_they_cannot_mean(kwargs, message):
    fields = {"id": "hn-1", "number": 1, "names": {"zh": "湖南教育一套"}}
    with pytest.raises(EpgError, match=message):
        Channel(**(fields | kwargs))


def test_naive_times_and_zero_episode_numbers_are_refused():
    with pytest.raises(EpgError, match="no time zone"):
        utc(datetime(2026, 9, 1, 8))
    with pytest.raises(EpgError, match="episode must be 1 or more"):
        Episode(episode=0)


@pytest.mark.parametrize(
    ("texts", "language", "expected"),
    [({"zh": "数学", "en": "Maths"}, "en", "Maths"), ({"zh": "数学"}, "en", "数学"),
     ({"en": "Maths"}, "zh", "Maths"), ({"fr": "Maths"}, "zh", "Maths"), ({}, "zh", "")],
)  # fmt: skip
def test_a_text_falls_back_to_chinese_then_english_then_any(texts, language, expected):
    assert pick_text(texts, language) == expected

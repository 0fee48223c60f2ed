"""The home view-model: rows of cards from the home JSON, and its loading/empty/error states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tv_client.viewmodels import Status, offline_banner, text
from tv_client.viewmodels.home import PLACEHOLDER_COLOR, HomeState

COURSE = {
    "id": 7,
    "title": {"zh": "时分秒", "en": "Hours, Minutes, Seconds"},
    "poster": "/media/posters/time.jpg",
    "grade": {"code": "g3", "name": {"zh": "三年级", "en": "Grade 3"}},
    "subject": {"code": "math", "name": {"zh": "数学", "en": "Maths"}, "color": "#3B7DDD"},
}
HOME = {
    "rows": [
        {
            "kind": "latest",
            "title": {"zh": "最新课程", "en": "New"},
            "series": None,
            "items": [COURSE, {**COURSE, "id": 8, "subject": None, "grade": None}],
        },
        {
            "kind": "series",
            "title": {"zh": "同步课堂", "en": "In Step"},
            "series": {"code": "tongbu", "color": "#112233"},
            "items": [COURSE],
        },
        {
            "kind": "series",
            "title": {"zh": "空", "en": "Empty"},
            "series": {"code": "empty"},
            "items": [],
        },
    ]
}


def test_rows_become_cards_with_stable_unique_keys():
    state = HomeState.from_data(HOME, "zh")
    assert state.status is Status.READY
    assert [row.key for row in state.rows] == ["latest-0", "series-tongbu"]
    keys = [card.key for row in state.rows for card in row.cards]
    assert keys == ["latest-0/0", "latest-0/1", "series-tongbu/0", "series-tongbu/1"]
    more = state.rows[1].cards[-1]  # a series row ends with "see all", which opens its page
    assert (more.more_series, more.course_id, more.title) == ("tongbu", 0, "查看全部 ›")
    assert all(card.more_series is None for card in state.rows[0].cards)
    first = state.rows[0].cards[0]
    assert (first.course_id, first.title, first.subtitle) == (7, "时分秒", "三年级 · 数学")
    assert first.poster == "/media/posters/time.jpg" and first.color == "#3B7DDD"
    assert state.rows[0].cards[1].color == PLACEHOLDER_COLOR
    assert state.rows[1].color == "#112233"


def test_english():
    state = HomeState.from_data(HOME, "en")
    assert state.rows[0].title == "New"
    assert state.rows[0].cards[0].subtitle == "Grade 3 · Maths"


@pytest.mark.parametrize("data", [{"rows": []}, {}, {"rows": [HOME["rows"][2]]}])
def test_no_courses_is_empty_with_a_message(data):
    state = HomeState.from_data(data, "zh")
    assert state.status is Status.EMPTY and state.message == "暂时没有课程"


def test_loading_and_errors_have_visible_text():
    assert HomeState.loading("zh").message == "正在加载…"
    assert HomeState.failed("boom", "en").message == "Something went wrong: boom"
    offline = HomeState.failed("refused", "zh", offline=True)
    assert offline.status is Status.ERROR and offline.offline and "无法连接" in offline.message


def test_offline_copy_carries_the_banner_and_online_drops_it():
    at = datetime(2026, 3, 1, 14, 5).timestamp()
    state = HomeState.from_data(HOME, "zh", offline=True, fetched_at=at)
    assert state.banner == "离线：显示 14:05 的内容"
    assert state.online().banner == "" and not state.online().offline


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh", "离线：显示 09:30 的内容"), ("en", "Offline: showing content from 09:30")],
)
def test_offline_banner(language, expected):
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp()
    assert offline_banner(at, language, UTC) == expected


@pytest.mark.parametrize(
    ("names", "language", "expected"),
    [
        ({"zh": "数学", "en": "Maths"}, "en", "Maths"),
        ({"zh": "数学", "en": ""}, "en", "数学"),
        ({"en": "Maths"}, "zh", "Maths"),
        (None, "zh", ""),
        ("plain", "en", "plain"),
    ],
)
def test_text_falls_back_to_chinese_then_anything(names, language, expected):
    assert text(names, language) == expected


def test_courses_being_watched_come_first_as_a_continue_row():
    state = HomeState.from_data(HOME, "en", continuing=[{**COURSE, "id": 9}])
    assert [row.key for row in state.rows] == ["continue", "latest-0", "series-tongbu"]
    assert state.rows[0].title == "Continue watching"
    assert [card.course_id for card in state.rows[0].cards] == [9]
    assert HomeState.from_data(HOME, "en").rows[0].key == "latest-0"


LIVE = {
    "channels": {
        "channels": [
            {"id": "xiaoxue.hnedu.tv", "number": 1, "name": {"zh": "小学", "en": "Primary"}},
            {"id": "off.hnedu.tv", "number": 2, "name": {"zh": "停播"}},
            {"id": "sangeketang.hnedu.tv", "number": 6, "name": {"zh": "三个课堂"}},
        ]
    },
    "now": {
        "channels": [
            {"id": "sangeketang.hnedu.tv", "now": {"title": {"zh": "理性看待学业压力"}}},
            {"id": "off.hnedu.tv", "now": None},
            {
                "id": "xiaoxue.hnedu.tv",
                "now": {"title": {"zh": "《浏阳河》", "en": "Liuyang River"}},
            },
        ]
    },
}


def test_live_now_is_a_row_of_channels_before_the_series_rows():
    state = HomeState.from_data(HOME, "zh", live=LIVE)
    assert [row.key for row in state.rows] == ["latest-0", "live", "series-tongbu"]
    live = state.rows[1]
    assert live.title == "正在直播"
    assert [(c.channel, c.title, c.subtitle, c.course_id) for c in live.cards] == [
        ("xiaoxue.hnedu.tv", "1 《浏阳河》", "小学", 0),  # channel order; one with nothing on
        ("sangeketang.hnedu.tv", "6 理性看待学业压力", "三个课堂", 0),  # is left out
    ]
    assert HomeState.from_data(HOME, "en", live=LIVE).rows[1].cards[0].title == "1 Liuyang River"


@pytest.mark.parametrize("live", [None, {}, {"channels": LIVE["channels"]}, {"now": LIVE["now"]}])
def test_no_live_row_until_both_answers_are_there(live):
    state = HomeState.from_data(HOME, "zh", live=live)
    assert [row.key for row in state.rows] == ["latest-0", "series-tongbu"]

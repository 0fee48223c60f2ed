"""The guide grid's remote rules: focus across programmes and rows, scrolling, loads, day jumps,
the now line, what OK does, and reminders. Times are UTC; the display zone is Asia/Shanghai."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tv_client.navigation.keys import Action, KeyPress
from tv_client.viewmodels.guide import (
    Command,
    GuideProgramme,
    GuideViewModel,
    Reminders,
    floor_time,
    iso,
    parse_time,
    reminder_text,
)

OK, BACK, HOME = KeyPress(Action.OK), KeyPress(Action.BACK), KeyPress(Action.HOME)
UP, DOWN = KeyPress(Action.UP), KeyPress(Action.DOWN)
LEFT, RIGHT = KeyPress(Action.LEFT), KeyPress(Action.RIGHT)
RED, GREEN, YELLOW = KeyPress(Action.RED), KeyPress(Action.GREEN), KeyPress(Action.YELLOW)
CH_UP, CH_DOWN = KeyPress(Action.CHANNEL_UP), KeyPress(Action.CHANNEL_DOWN)


def t(hhmm: str, day: int = 3) -> datetime:
    """A UTC time on May ``day`` 2024: ``t("02:10")`` is 10:10 in Shanghai."""
    return datetime.fromisoformat(f"2024-05-{day:02d}T{hhmm}:00+00:00")


NOW = t("02:10")  # Friday 3 May 2024, 10:10 in Shanghai

# Channel a: 01:00-02:30 (on now), 02:30-03:00, 03:00-05:00, 05:00-05:30, then nothing.
# Channel b: 00:00-02:15, 02:15-02:45, 02:45-04:30. No catch-up.
# Channel c: 02:00-03:00, then nothing. One day of catch-up.
# Channels d..h: no programmes (for the rows).
SCHEDULE = {
    "a": (
        1,
        7,
        [
            ("01:00", "02:30", "A1"),
            ("02:30", "03:00", "A2"),
            ("03:00", "05:00", "A3"),
            ("05:00", "05:30", "A4"),
        ],
    ),
    "b": (2, 0, [("00:00", "02:15", "B1"), ("02:15", "02:45", "B2"), ("02:45", "04:30", "B3")]),
    "c": (3, 1, [("02:00", "03:00", "C1")]),
    **{cid: (n, 0, []) for n, cid in enumerate("defgh", start=4)},
}


def _programme(start: str, stop: str, title: str, **extra) -> dict:
    return {
        "start": iso(t(start)),
        "stop": iso(t(stop)),
        "title": {"zh": f"{title}节目", "en": f"{title} show"},
        "description": {"zh": f"{title}简介", "en": f"About {title}"},
        "lesson_id": None,
        "course_id": None,
        "live": False,
        "filler": False,
        **extra,
    }


def channels_json() -> dict:
    return {
        "channels": [
            {
                "id": cid,
                "number": number,
                "name": {"zh": f"频道{cid}", "en": f"Channel {cid}"},
                "logo": None,
                "group": "edu",
                "stream": f"/live/{cid}/master.m3u8",
                "catchup_days": days,
            }
            for cid, (number, days, _) in SCHEDULE.items()
        ]
    }


def guide_json(ids=None, next_offset=None) -> dict:
    return {
        "start": iso(t("00:00")),
        "stop": iso(t("06:00")),
        "channels": [
            {
                "id": cid,
                "number": number,
                "name": {"zh": f"频道{cid}"},
                "programmes": [_programme(*p) for p in progs],
            }
            for cid, (number, _, progs) in SCHEDULE.items()
            if ids is None or cid in ids
        ],
        "next_offset": next_offset,
    }


def opened(lang: str = "zh", **kwargs) -> GuideViewModel:
    vm = GuideViewModel(lang=lang, **kwargs)
    vm.apply_channels(channels_json())
    [load] = vm.open(NOW)
    assert vm.apply_guide(load, guide_json()) == []
    return vm


def press(vm: GuideViewModel, *keys: KeyPress, now: datetime = NOW) -> list:
    commands = []
    for key in keys:
        commands += vm.press(key, now) or []
    return commands


def focused(vm: GuideViewModel, now: datetime = NOW):
    return vm.view(now).focused


def focused_span(vm: GuideViewModel) -> tuple[str, str]:
    cell = focused(vm)
    return cell.start.strftime("%H:%M"), cell.stop.strftime("%H:%M")


# ---------------------------------------------------------------------- opening


def test_opening_asks_for_the_chunk_around_now_once():
    vm = GuideViewModel()
    vm.apply_channels(channels_json())
    assert vm.open(NOW) == [Command("load", start=t("00:00"), hours=6)]
    assert vm.view(NOW).loading is True
    assert vm.press(YELLOW, NOW) == []  # already loading: not asked again


def test_opening_shows_two_hours_from_the_half_hour_before_now():
    view = opened().view(NOW)
    assert [label for _, label in view.columns] == ["10:00", "10:30", "11:00", "11:30"]
    assert [x for x, _ in view.columns] == [0, 0.25, 0.5, 0.75]
    assert view.now_x == pytest.approx(10 / 120)
    assert view.day == "今天 5月3日 周五"
    assert view.loading is False


def test_opening_focuses_what_plays_now_clipped_to_the_grid():
    cell = focused(opened())
    assert (cell.title, cell.time) == ("A1节目", "09:00–10:30")
    assert (cell.x, cell.width) == (0, 0.25)  # 10:00-10:30 of 09:00-10:30
    assert (cell.on_now, cell.past, cell.focused, cell.gap) == (True, False, True, False)


def test_opening_on_a_channel_focuses_its_row():
    vm = GuideViewModel(rows=3)
    vm.apply_channels(channels_json())
    vm.open(NOW, channel_id="e")
    view = vm.view(NOW)
    assert [r.focused for r in view.rows] == [False, False, True]
    assert view.rows[-1].number == "05"
    assert view.first_row == 2


def test_rows_are_drawn_as_clipped_cells_with_flags():
    view = opened().view(NOW)
    assert [r.number for r in view.rows] == ["01", "02", "03", "04", "05", "06"]
    b = view.rows[1]
    assert [(c.title, c.x, c.width) for c in b.cells] == [
        ("B1节目", 0, 0.125),
        ("B2节目", 0.125, 0.25),
        ("B3节目", 0.375, 0.625),
    ]
    assert [(c.past, c.on_now) for c in b.cells] == [(False, True), (False, False), (False, False)]


def test_time_without_programmes_shows_half_hour_gap_cells():
    c = opened().view(NOW).rows[2]
    assert [(c.title, c.gap, c.x, c.width) for c in c.cells] == [
        ("C1节目", False, 0, 0.5),
        ("暂无节目信息", True, 0.5, 0.25),
        ("暂无节目信息", True, 0.75, 0.25),
    ]


def test_english_titles_and_day():
    view = opened(lang="en").view(NOW)
    assert view.focused.title == "A1 show"
    assert view.description == "About A1"
    assert view.day == "Today, Fri 3 May"
    assert view.rows[0].name == "Channel a"


# ---------------------------------------------------------------------- left and right


@pytest.mark.parametrize(
    ("keys", "span", "first_column"),
    [
        ([], ("01:00", "02:30"), "10:00"),
        ([RIGHT], ("02:30", "03:00"), "10:00"),
        ([RIGHT, RIGHT], ("03:00", "05:00"), "10:00"),  # starts inside the grid: no scroll
        ([RIGHT] * 3, ("05:00", "05:30"), "11:30"),  # starts at 13:00: scroll to show it all
        ([RIGHT] * 3 + [LEFT], ("03:00", "05:00"), "11:30"),  # still on screen: no scroll
        ([RIGHT] * 3 + [LEFT, LEFT], ("02:30", "03:00"), "10:30"),  # scroll back to show it
        ([RIGHT] * 4, ("05:30", "06:00"), "12:00"),  # after the last: half-hour gap cells
        ([LEFT], ("00:30", "01:00"), "08:30"),  # before the first programme: a gap
    ],
)
def test_left_and_right_move_programme_by_programme_and_scroll(keys, span, first_column):
    vm = opened()
    press(vm, *keys)
    assert focused_span(vm) == span
    assert vm.view(NOW).columns[0][1] == first_column


def test_a_long_programme_scrolls_to_show_its_first_two_hours():
    vm = opened()
    press(vm, DOWN, RIGHT, RIGHT)  # b: B3 02:45-04:30, on screen
    assert focused_span(vm) == ("02:45", "04:30")
    press(vm, RIGHT)  # gap at 04:30
    assert focused_span(vm) == ("04:30", "05:00")
    assert vm.view(NOW).columns[0][1] == "11:00"  # 03:00-05:00 UTC


def test_focus_time_is_the_visible_start_of_a_programme_entered_mid_way():
    vm = opened()
    press(vm, DOWN)  # b at 02:10: B1, which began at 00:00, off screen
    assert focused_span(vm) == ("00:00", "02:15")
    assert vm.focus_time == t("02:10")
    press(vm, LEFT)  # before B1 there is nothing: a gap column before 00:00
    assert focused_span(vm) == ("23:30", "00:00")
    assert vm.view_start == t("23:30", day=2)  # scrolled just enough to show it
    assert vm.view(NOW).day == "今天 5月3日 周五"  # 07:30 in Shanghai: still today there


def test_leaving_the_loaded_window_asks_for_the_next_chunk_once():
    vm = opened()
    assert press(vm, *[RIGHT] * 4) == []  # up to 06:00, the end of the chunk, still inside
    assert vm.view_start == t("04:00")
    assert press(vm, RIGHT) == [Command("load", start=t("06:00"), hours=6)]
    assert vm.view(NOW).rows[0].cells[-1].title == "正在加载…"
    assert press(vm, RIGHT, LEFT, RIGHT) == []


# ---------------------------------------------------------------------- up and down


def test_up_and_down_keep_the_focus_time_not_the_start_of_each_programme():
    vm = opened()
    press(vm, RIGHT, RIGHT)  # a: A3 03:00-05:00
    press(vm, DOWN)  # b at 03:00: B3 02:45-04:30
    assert focused_span(vm) == ("02:45", "04:30")
    press(vm, DOWN)  # c at 03:00: the gap column
    assert focused(vm).gap
    press(vm, UP, UP)  # back on a at 03:00, not at B3's 02:45 (A2)
    assert focused_span(vm) == ("03:00", "05:00")


def test_rows_stop_at_the_ends_and_scroll_to_keep_focus_visible():
    vm = opened()
    press(vm, UP)
    assert vm.focus_row == 0
    press(vm, *[DOWN] * 7)
    view = vm.view(NOW)
    assert (vm.focus_row, view.first_row) == (7, 2)
    assert [r.number for r in view.rows] == ["03", "04", "05", "06", "07", "08"]
    assert view.rows[-1].focused
    press(vm, DOWN)
    assert vm.focus_row == 7
    press(vm, *[UP] * 6)
    assert (vm.focus_row, vm.view(NOW).first_row) == (1, 1)


def test_channel_keys_page_the_rows():
    vm = opened(rows=3)
    press(vm, CH_DOWN)
    assert (vm.focus_row, vm.top_row) == (3, 3)
    press(vm, CH_DOWN, CH_DOWN)
    assert (vm.focus_row, vm.top_row) == (7, 5)
    press(vm, CH_UP)
    assert (vm.focus_row, vm.top_row) == (4, 2)


# ---------------------------------------------------------------------- days and now


def test_green_and_red_jump_a_day_at_the_same_time_and_yellow_comes_back():
    vm = opened()
    press(vm, RIGHT)  # focus 02:30
    assert press(vm, GREEN) == [Command("load", start=t("00:00", day=4), hours=6)]
    view = vm.view(NOW)
    assert (vm.view_start, vm.focus_time) == (t("02:00", day=4), t("02:30", day=4))
    assert view.day == "明天 5月4日 周六"
    assert view.now_x is None
    assert view.columns[0][1] == "10:00"
    press(vm, RED, RED)
    assert vm.view(NOW).day == "昨天 5月2日 周四"
    assert vm.focus_time == t("02:30", day=2)
    press(vm, YELLOW)
    assert (vm.view_start, vm.focus_time) == (t("02:00"), NOW)
    assert focused(vm).title == "A1节目"


def test_day_jumps_stop_at_the_guide_limits():
    vm = opened(past_days=1, future_days=1)
    press(vm, RED)
    assert vm.view_start == t("02:00", day=2)
    press(vm, RED)  # two days back is beyond the limit: nothing happens
    assert vm.view_start == t("02:00", day=2)
    press(vm, YELLOW, GREEN, GREEN)
    assert vm.view_start == t("02:00", day=4)


def test_the_now_line_follows_now_and_leaves_the_grid():
    vm = opened()
    assert vm.view(t("02:00")).now_x == 0
    assert vm.view(t("03:30")).now_x == 0.75
    assert vm.view(t("04:00")).now_x is None
    assert vm.view(t("01:59")).now_x is None


def test_past_and_now_flags_follow_now():
    cells = opened().view(t("02:40")).rows[0].cells
    assert [(c.title, c.past, c.on_now) for c in cells] == [
        ("A1节目", True, False),
        ("A2节目", False, True),
        ("A3节目", False, False),
    ]


# ---------------------------------------------------------------------- OK


@pytest.mark.parametrize(
    ("keys", "now", "kind", "channel", "message"),
    [
        ([], NOW, "tune", "a", ""),  # on now
        ([RIGHT, RIGHT], NOW, "remind", "a", ""),  # future
        ([], t("06:00"), "catchup", "a", ""),  # ended, a keeps 7 days
        ([], t("00:30", day=10), "catchup", "a", ""),  # 6 days 23.5 h after its start
        ([], t("01:30", day=10), "message", "a", "已过期"),  # 7 days 30 min after its start
        ([DOWN], t("06:00"), "message", "b", "这个频道不能回看"),  # b keeps no catch-up
        ([DOWN, DOWN], t("01:00", day=4), "catchup", "c", ""),  # within c's one day
        ([DOWN, DOWN], t("03:00", day=4), "message", "c", "已过期"),
    ],
)
def test_ok_tunes_reminds_or_plays_catch_up(keys, now, kind, channel, message):
    vm = opened()
    press(vm, *keys)
    [command] = vm.press(OK, now)
    assert (command.kind, command.channel.id, command.text) == (kind, channel, message)
    if kind in ("remind", "catchup"):
        assert command.programme == focused(vm, now).programme


def test_ok_on_a_future_programme_toggles_its_reminder():
    vm = opened()
    press(vm, RIGHT, RIGHT)
    assert vm.view(NOW).hint == "按 OK 预约"
    [set_] = press(vm, OK)
    assert set_.kind == "remind"
    assert focused(vm).reminder
    assert set_.programme in vm.reminders
    assert vm.view(NOW).hint == "按 OK 取消预约"
    [cleared] = press(vm, OK)
    assert cleared.kind == "unremind"
    assert not focused(vm).reminder
    assert len(vm.reminders) == 0


def test_ok_does_nothing_on_gaps_and_future_fillers():
    vm = opened()
    press(vm, DOWN, DOWN, RIGHT)  # c: gap after C1
    assert focused(vm).gap
    assert press(vm, OK) == []
    vm = GuideViewModel()
    [load] = vm.open(NOW)
    filler = _programme("03:00", "04:00", "F", filler=True)
    vm.apply_guide(load, {"channels": [{"id": "x", "number": 9, "programmes": [filler]}]})
    press(vm, RIGHT, RIGHT)  # two half-hour gaps, then the filler
    assert focused(vm).title == "F节目"
    assert press(vm, OK) == []
    assert len(vm.reminders) == 0


@pytest.mark.parametrize("key", [BACK, HOME])
def test_back_and_home_are_the_screens(key):
    assert opened().press(key, NOW) is None


# ---------------------------------------------------------------------- data


def test_pages_of_channels_are_asked_for_until_the_last():
    vm = GuideViewModel()
    vm.apply_channels(channels_json())
    [load] = vm.open(NOW)
    more = vm.apply_guide(load, guide_json(ids={"a", "b"}, next_offset=2))
    assert more == [Command("load", start=t("00:00"), hours=6, offset=2)]
    assert vm.view(NOW).loading
    assert vm.view(NOW).rows[2].cells[-1].title == "正在加载…"
    assert vm.apply_guide(more[0], guide_json(ids={"c"})) == []
    view = vm.view(NOW)
    assert not view.loading
    assert view.rows[2].cells[0].title == "C1节目"


def test_a_failed_load_is_asked_again_on_the_next_move():
    vm = GuideViewModel()
    vm.apply_channels(channels_json())
    [load] = vm.open(NOW)
    vm.fail_load(load)
    assert vm.view(NOW).rows[0].cells[0].title == "暂无节目信息"
    assert press(vm, RIGHT) == [load]


def test_guide_pages_keep_the_channels_streams_and_catch_up():
    vm = GuideViewModel()
    [load] = vm.open(NOW)
    vm.apply_guide(load, guide_json())
    assert vm.channels[0].catchup_days == 0  # only the guide is known
    vm.apply_channels(channels_json())
    vm.apply_guide(load, guide_json())
    assert (vm.channels[0].catchup_days, vm.channels[0].stream) == (7, "/live/a/master.m3u8")


def test_columns_start_on_the_local_half_hour():
    kathmandu = __import__("zoneinfo").ZoneInfo("Asia/Kathmandu")  # UTC+5:45
    assert floor_time(t("02:10"), timedelta(minutes=30), kathmandu) == t("01:45")
    assert floor_time(t("02:10"), timedelta(hours=6)) == t("00:00")
    assert parse_time("2024-05-03T02:10:00Z") == NOW
    assert NOW.tzinfo is not None and parse_time("2024-05-03T10:10:00+08:00") == NOW


# ---------------------------------------------------------------------- reminders


def _reminded(start: str, stop: str, channel: str = "a") -> GuideProgramme:
    return GuideProgramme.from_json(channel, _programme(start, stop, "R"))


def test_reminders_come_due_at_their_start_once():
    reminders = Reminders()
    early, late = _reminded("03:00", "04:00"), _reminded("05:00", "06:00", "b")
    reminders.set(late)
    reminders.set(early)
    assert reminders.due(t("02:59")) == []
    [due] = reminders.due(t("03:00"))
    assert (due.key, due.channel_id) == (early.key, "a")
    assert reminders.due(t("03:01")) == []
    assert [r.key for r in reminders] == [late.key]
    assert reminder_text(due, "zh") == "「R节目」开始了"
    assert reminder_text(due, "en") == "“R show” is starting"


def test_a_reminder_missed_while_the_tv_was_off_is_dropped():
    reminders = Reminders()
    reminders.set(_reminded("03:00", "04:00"))
    assert reminders.due(t("04:00")) == []
    assert len(reminders) == 0


def test_reminders_survive_json_and_bad_files_count_as_none():
    reminders = Reminders()
    reminders.set(_reminded("03:00", "04:00"))
    reminders.set(_reminded("05:00", "06:00", "b"))
    back = Reminders.from_json(reminders.to_json())
    assert [(r.key, r.stop, r.title["zh"]) for r in back] == [
        (r.key, r.stop, r.title["zh"]) for r in reminders
    ]
    assert json.loads(reminders.to_json())["format"] == "edutv.reminders"
    assert len(Reminders.from_json("{not json")) == 0
    assert len(Reminders.from_json('{"format": "other", "reminders": []}')) == 0
    bad = {
        "format": "edutv.reminders",
        "reminders": [{"channel_id": "a"}, *json.loads(reminders.to_json())["reminders"][:1]],
    }
    assert len(Reminders.from_json(json.dumps(bad))) == 1


def test_clearing_and_toggling():
    reminders = Reminders()
    programme = _reminded("03:00", "04:00")
    assert reminders.toggle(programme) is True
    assert programme.key in reminders
    assert reminders.clear(programme) is True
    assert reminders.clear(programme.key) is False
    assert reminders.toggle(programme) is True
    assert reminders.toggle(programme) is False
    assert t("00:00").tzinfo is UTC

"""Timeline queries answer like a scan would, checks word their findings for the operator, and
repairs follow their documented rules."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from epg.model import EpgError, Programme
from epg.timeline import (
    STANDARD_RULES,
    Action,
    DropCovered,
    DropDuplicates,
    FillGaps,
    Guide,
    IssueKind,
    LaterStartWins,
    Span,
    Timeline,
    by_channel,
    check,
    filler,
    local_date,
    local_day,
    repair,
    sort_programmes,
)

DAY = datetime(2026, 3, 29, tzinfo=UTC)
SPAN = Span(DAY, DAY + timedelta(days=1))


def at(clock: str) -> datetime:
    """``"08:30"`` on DAY; ``"+1 01:00"`` a day later; ``"-1 23:00"`` a day before."""
    days = 0
    if " " in clock:
        offset, clock = clock.split(" ")
        days = int(offset)
    hours, minutes = (int(part) for part in clock.split(":"))
    return DAY + timedelta(days=days, hours=hours, minutes=minutes)


def prog(title: str, start: str, stop: str, channel: str = "CCTV-1", **fields) -> Programme:
    return Programme(channel, at(start), at(stop), {"en": title}, **fields)


def brief(programmes) -> list[tuple[str, str, str, str]]:
    """(channel, title, start, stop) as HH:MM, for readable expectations."""
    return [
        (p.channel, p.title_in("en"), p.start.strftime("%H:%M"), p.stop.strftime("%H:%M"))
        for p in programmes
    ]


A = prog("A", "08:00", "09:00")
B = prog("B", "09:00", "10:00")
C = prog("C", "10:30", "11:00")
TIMELINE = Timeline("CCTV-1", (C, A, B))  # given unsorted on purpose


# -- now/next -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "current", "upcoming"),
    [
        (at("07:00"), None, A),  # before the first
        (at("08:00"), A, B),  # exactly at a start: on air
        (at("08:59") + timedelta(seconds=59), A, B),
        (at("09:00"), B, C),  # exactly at a stop: the next one is on air
        (at("10:00"), None, C),  # a gap starts at B's stop
        (at("10:15"), None, C),  # inside the gap
        (at("10:30"), C, None),  # the last one
        (at("11:00"), None, None),  # exactly at the last stop
        (at("+1 00:00"), None, None),  # long after
        (datetime(2026, 3, 29, 16, 30, tzinfo=timezone(timedelta(hours=8))), A, B),  # 08:30 UTC
    ],
)
def test_now_next_at_the_boundaries(now, current, upcoming):
    answer = TIMELINE.now_next(now)
    assert (answer.current, answer.next) == (current, upcoming)
    assert answer.channel == "CCTV-1" and answer.now == now and answer.now.tzinfo is UTC
    assert TIMELINE.at(now) == current


def test_an_empty_timeline_has_nothing_on_air():
    empty = Timeline("CCTV-1")
    answer = empty.now_next(at("08:00"))
    assert (answer.current, answer.next) == (None, None)
    assert empty.window(at("00:00"), at("+1 00:00")) == []
    assert empty.span is None and len(empty) == 0


def test_a_naive_now_is_refused():
    with pytest.raises(EpgError, match="has no time zone"):
        TIMELINE.now_next(datetime(2026, 3, 29, 8))


# -- windows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "stop", "clip", "expected"),
    [
        ("07:00", "08:00", False, []),  # ends where A starts
        ("07:00", "08:01", False, [("A", "08:00", "09:00")]),
        ("09:00", "09:01", False, [("B", "09:00", "10:00")]),  # starts where A stops
        ("08:59", "09:00", False, [("A", "08:00", "09:00")]),
        (
            "08:30",
            "10:45",
            False,
            [("A", "08:00", "09:00"), ("B", "09:00", "10:00"), ("C", "10:30", "11:00")],
        ),
        ("10:00", "10:30", False, []),  # exactly the gap
        ("11:00", "12:00", False, []),  # after the last
        (
            "00:00",
            "+1 00:00",
            False,
            [("A", "08:00", "09:00"), ("B", "09:00", "10:00"), ("C", "10:30", "11:00")],
        ),
        ("08:30", "09:30", True, [("A", "08:30", "09:00"), ("B", "09:00", "09:30")]),
        ("08:15", "08:45", True, [("A", "08:15", "08:45")]),  # one programme cut both sides
        ("10:00", "12:00", True, [("C", "10:30", "11:00")]),  # nothing to cut
    ],
)
def test_window_returns_what_overlaps_it(start, stop, clip, expected):
    found = TIMELINE.window(at(start), at(stop), clip=clip)
    assert [row[1:] for row in brief(found)] == expected


def test_an_unclipped_window_returns_the_programmes_themselves():
    assert TIMELINE.window(at("08:30"), at("09:30"))[0] is A


@pytest.mark.parametrize(("start", "stop"), [("09:00", "09:00"), ("10:00", "09:00")])
def test_an_empty_or_reversed_window_is_refused(start, stop):
    with pytest.raises(EpgError, match="stop is not after start"):
        TIMELINE.window(at(start), at(stop))


@pytest.mark.parametrize(
    ("programmes", "error"),
    [
        (
            [A, prog("X", "08:30", "09:30")],
            r"timeline of CCTV-1: 2026-03-29 08:30-09:00 UTC is covered by 'A' and 'X'",
        ),
        ([A, A], r"08:00-09:00 UTC is covered by 'A' and 'A'"),
        ([A, prog("Y", "08:00", "08:30", channel="CCTV-2")], r"'Y' at .* is on CCTV-2"),
    ],
)
def test_a_timeline_refuses_overlaps_and_other_channels(programmes, error):
    with pytest.raises(EpgError, match=error):
        Timeline("CCTV-1", tuple(programmes))


def test_a_timeline_keeps_its_programmes_sorted():
    assert TIMELINE.programmes == (A, B, C)
    assert TIMELINE.span == Span(at("08:00"), at("11:00"))


# -- many channels ------------------------------------------------------------------------------

D = prog("D", "07:30", "08:30", channel="CCTV-2")
E = prog("E", "08:30", "10:00", channel="CCTV-2")
GUIDE = Guide.of([E, C, D, A, B], channels=["CETV-4"])


@pytest.mark.parametrize(
    ("now", "channels", "expected"),
    [
        ("08:30", None, {"CCTV-1": ("A", "B"), "CCTV-2": ("E", None), "CETV-4": (None, None)}),
        ("07:00", ["CCTV-2", "CCTV-1"], {"CCTV-2": (None, "D"), "CCTV-1": (None, "A")}),
        ("10:00", ["CCTV-2"], {"CCTV-2": (None, None)}),
        ("10:00", [], {}),
    ],
)
def test_now_next_for_many_channels(now, channels, expected):
    answers = GUIDE.now_next(at(now), channels)
    titles = {
        channel: tuple(p.title_in("en") if p else None for p in (a.current, a.next))
        for channel, a in answers.items()
    }
    assert titles == expected
    assert list(answers) == list(expected)  # in the order asked


@pytest.mark.parametrize(
    ("start", "stop", "channels", "clip", "expected"),
    [
        ("08:00", "09:00", None, False, {"CCTV-1": ["A"], "CCTV-2": ["D", "E"], "CETV-4": []}),
        ("08:45", "09:15", ["CCTV-2", "CCTV-1"], False, {"CCTV-2": ["E"], "CCTV-1": ["A", "B"]}),
        ("10:00", "10:30", ["CCTV-1"], False, {"CCTV-1": []}),
    ],
)
def test_window_for_many_channels(start, stop, channels, clip, expected):
    rows = GUIDE.window(at(start), at(stop), channels, clip=clip)
    assert {c: [p.title_in("en") for p in ps] for c, ps in rows.items()} == expected
    assert list(rows) == list(expected)


def test_a_clipped_guide_window_cuts_every_channel():
    rows = GUIDE.window(at("08:15"), at("08:45"), clip=True)
    assert [brief(ps) for ps in rows.values()] == [
        [("CCTV-1", "A", "08:15", "08:45")],
        [("CCTV-2", "D", "08:15", "08:30"), ("CCTV-2", "E", "08:30", "08:45")],
        [],
    ]


def test_a_guide_names_its_channels_and_refuses_unknown_ones():
    assert GUIDE.channels == ("CCTV-1", "CCTV-2", "CETV-4")
    assert GUIDE.timeline("CCTV-2").programmes == (D, E)
    with pytest.raises(EpgError, match="guide has no channel 'CCTV-9'"):
        GUIDE.now_next(at("08:00"), ["CCTV-1", "CCTV-9"])
    with pytest.raises(EpgError, match="the timeline under CCTV-1 is of CCTV-2"):
        Guide({"CCTV-1": Timeline("CCTV-2")})


def test_sorting_and_grouping_by_channel_then_start():
    shuffled = [E, C, D, B, A]
    assert sort_programmes(shuffled) == [A, B, C, D, E]
    grouped = by_channel(shuffled)
    assert list(grouped) == ["CCTV-1", "CCTV-2"]
    assert grouped == {"CCTV-1": [A, B, C], "CCTV-2": [D, E]}


# -- checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("programmes", "span", "channels", "summary", "messages"),
    [
        pytest.param([A, B], None, (), "1 channel, 2 programmes: no issues", [], id="clean"),
        pytest.param(
            [A, prog("B", "08:30", "09:30")],
            None,
            (),
            "1 channel, 2 programmes: 1 overlap",
            ["CCTV-1: 2026-03-29 08:30-09:00 UTC is covered by 'A' and 'B'"],
            id="overlap",
        ),
        pytest.param(
            [
                prog("A", "08:00", "09:00"),
                prog("B", "08:30", "09:30"),
                prog("C", "08:45", "09:15"),
            ],
            None,
            (),
            "1 channel, 3 programmes: 3 overlaps",
            [
                "CCTV-1: 2026-03-29 08:30-08:45 UTC is covered by 'A' and 'B'",
                "CCTV-1: 2026-03-29 08:45-09:00 UTC is covered by 'A', 'B' and 'C'",
                "CCTV-1: 2026-03-29 09:00-09:15 UTC is covered by 'B' and 'C'",
            ],
            id="three-way",
        ),
        pytest.param(
            [A, B, A, A],
            None,
            (),
            "1 channel, 4 programmes: 1 duplicate",
            ["CCTV-1: 2026-03-29 08:00-09:00 UTC: 'A' is listed 3 times"],
            id="duplicate counts once",
        ),
        pytest.param(
            [A, prog("A2", "08:00", "09:00")],
            None,
            (),
            "1 channel, 2 programmes: 1 overlap",
            ["CCTV-1: 2026-03-29 08:00-09:00 UTC is covered by 'A' and 'A2'"],
            id="same times, different programme",
        ),
        pytest.param(
            [C, A, B],
            None,
            (),
            "1 channel, 3 programmes: 1 gap",
            ["CCTV-1: 2026-03-29 10:00-10:30 UTC has no programme (between 'B' and 'C')"],
            id="unsorted gap",
        ),
        pytest.param(
            [B, A],
            SPAN,
            ("CETV-4",),
            "2 channels, 2 programmes over 2026-03-29 00:00-24:00 UTC: 3 gaps",
            [
                "CCTV-1: 2026-03-29 00:00-08:00 UTC has no programme (before 'A')",
                "CCTV-1: 2026-03-29 10:00-24:00 UTC has no programme (after 'B')",
                "CETV-4: 2026-03-29 00:00-24:00 UTC has no programme",
            ],
            id="span edges and an empty channel",
        ),
        pytest.param(
            [
                prog("Late", "-1 23:00", "00:30"),
                prog("Early", "00:00", "01:00"),
                prog("Night", "23:30", "+1 01:00"),
                prog("Tomorrow", "+1 00:30", "+1 02:00"),
            ],
            SPAN,
            (),
            "1 channel, 4 programmes over 2026-03-29 00:00-24:00 UTC: 1 overlap, 1 gap",
            [
                "CCTV-1: 2026-03-29 00:00-00:30 UTC is covered by 'Late' and 'Early'",
                "CCTV-1: 2026-03-29 01:00-23:30 UTC has no programme (between 'Early' and 'Night')",
            ],
            id="cut to the span",
        ),
        pytest.param(
            [prog("A", "23:00", "+1 01:00"), prog("B", "23:30", "+1 02:00")],
            None,
            (),
            "1 channel, 2 programmes: 1 overlap",
            ["CCTV-1: 2026-03-29 23:30 to 2026-03-30 01:00 UTC is covered by 'A' and 'B'"],
            id="across midnight",
        ),
        pytest.param(
            [D, A, prog("F", "08:15", "08:45", channel="CCTV-2")],
            None,
            (),
            "2 channels, 3 programmes: 1 overlap",
            ["CCTV-2: 2026-03-29 08:15-08:30 UTC is covered by 'D' and 'F'"],
            id="channels are checked apart",
        ),
    ],
)
def test_check_reports_in_words(programmes, span, channels, summary, messages):
    report = check(programmes, span=span, channels=channels)
    assert report.summary == summary
    assert [issue.message for issue in report.issues] == messages
    assert report.ok is (not messages)
    assert str(report).splitlines() == [summary, *messages]


def test_an_issue_names_its_programmes_and_speaks_the_asked_language():
    zh_a = Programme("CCTV-1", at("08:00"), at("09:00"), {"zh": "数学", "en": "Maths"})
    zh_b = Programme("CCTV-1", at("08:30"), at("09:30"), {"zh": "语文", "en": "Chinese"})
    (issue,) = check([zh_b, zh_a]).issues
    assert issue.kind is IssueKind.OVERLAP
    assert (issue.start, issue.stop, issue.programmes) == (at("08:30"), at("09:00"), (zh_a, zh_b))
    assert issue.message == "CCTV-1: 2026-03-29 08:30-09:00 UTC is covered by '数学' and '语文'"
    assert issue.describe("en").endswith("covered by 'Maths' and 'Chinese'")


def test_a_report_filters_by_kind():
    report = check([A, A, prog("B", "08:30", "09:30"), C])
    assert [i.kind for i in report.issues] == ["duplicate", "overlap", "gap"]
    assert report.of(IssueKind.GAP)[0].programmes[1] == C
    assert report.of(IssueKind.DUPLICATE)[0].programmes == (A, A)


# -- repairs ------------------------------------------------------------------------------------

CARD = filler({"en": "Card"})


@pytest.mark.parametrize(
    ("programmes", "rules", "expected", "changes"),
    [
        pytest.param(
            [B, A, A],
            [DropDuplicates()],
            [("A", "08:00", "09:00"), ("B", "09:00", "10:00")],
            ["CCTV-1: dropped a duplicate of 'A' at 2026-03-29 08:00-09:00 UTC"],
            id="drop duplicates",
        ),
        pytest.param(
            [
                prog("Block", "08:00", "10:00"),
                prog("In", "08:30", "09:00"),
                prog("Out", "09:30", "11:00"),
            ],
            [DropCovered()],
            [("Block", "08:00", "10:00"), ("Out", "09:30", "11:00")],
            [
                (
                    "CCTV-1: dropped 'In' at 2026-03-29 08:30-09:00 UTC, "
                    "covered by 'Block' at 2026-03-29 08:00-10:00 UTC"
                )
            ],
            id="drop covered, partial overlap left",
        ),
        pytest.param(
            [prog("First", "08:00", "09:00"), prog("Second", "08:00", "09:00")],
            [DropCovered()],
            [("First", "08:00", "09:00")],
            [
                (
                    "CCTV-1: dropped 'Second' at 2026-03-29 08:00-09:00 UTC, "
                    "covered by 'First' at 2026-03-29 08:00-09:00 UTC"
                )
            ],
            id="drop covered, same times: first listed kept",
        ),
        pytest.param(
            [prog("A", "08:00", "09:00"), prog("B", "08:30", "09:30")],
            [LaterStartWins()],
            [("A", "08:00", "08:30"), ("B", "08:30", "09:30")],
            ["CCTV-1: trimmed 'A' at 2026-03-29 08:00-09:00 UTC to end at 08:30, where 'B' starts"],
            id="later start wins",
        ),
        pytest.param(
            [prog("Block", "08:00", "10:00"), prog("In", "08:30", "09:00")],
            [LaterStartWins()],
            [("Block", "08:00", "08:30"), ("In", "08:30", "09:00")],
            [
                (
                    "CCTV-1: trimmed 'Block' at 2026-03-29 08:00-10:00 UTC "
                    "to end at 08:30, where 'In' starts"
                )
            ],
            id="later start wins over a block",
        ),
        pytest.param(
            [
                prog("Short", "08:00", "08:15"),
                prog("Long", "08:00", "09:00"),
                prog("Other", "08:00", "09:00"),
            ],
            [LaterStartWins()],
            [("Long", "08:00", "09:00")],
            [
                (
                    "CCTV-1: dropped 'Short' at 2026-03-29 08:00-08:15 UTC, "
                    "which has the same start as 'Long'"
                ),
                (
                    "CCTV-1: dropped 'Other' at 2026-03-29 08:00-09:00 UTC, "
                    "which has the same times as 'Long'"
                ),
            ],
            id="same start: the longest, then the first listed",
        ),
        pytest.param(
            [C, A],
            [FillGaps(CARD)],
            [("A", "08:00", "09:00"), ("Card", "09:00", "10:30"), ("C", "10:30", "11:00")],
            ["CCTV-1: filled 2026-03-29 09:00-10:30 UTC with 'Card'"],
            id="fill between",
        ),
        pytest.param(
            [A],
            [FillGaps(CARD, Span(at("07:00"), at("10:00")))],
            [("Card", "07:00", "08:00"), ("A", "08:00", "09:00"), ("Card", "09:00", "10:00")],
            [
                "CCTV-1: filled 2026-03-29 07:00-08:00 UTC with 'Card'",
                "CCTV-1: filled 2026-03-29 09:00-10:00 UTC with 'Card'",
            ],
            id="fill to the span's edges",
        ),
        pytest.param(
            [C, A, B],
            [DropDuplicates(), LaterStartWins()],
            [("A", "08:00", "09:00"), ("B", "09:00", "10:00"), ("C", "10:30", "11:00")],
            [],
            id="leave gaps: nothing to do",
        ),
        pytest.param(
            [
                prog("Block", "08:00", "10:00"),
                prog("In", "08:30", "09:00"),
                prog("Next", "09:30", "10:30"),
                prog("Block", "08:00", "10:00"),
            ],
            [
                DropDuplicates(),
                DropCovered(),
                LaterStartWins(),
                FillGaps(CARD, Span(at("08:00"), at("11:00"))),
            ],
            [("Block", "08:00", "09:30"), ("Next", "09:30", "10:30"), ("Card", "10:30", "11:00")],
            [
                "CCTV-1: dropped a duplicate of 'Block' at 2026-03-29 08:00-10:00 UTC",
                (
                    "CCTV-1: dropped 'In' at 2026-03-29 08:30-09:00 UTC, "
                    "covered by 'Block' at 2026-03-29 08:00-10:00 UTC"
                ),
                (
                    "CCTV-1: trimmed 'Block' at 2026-03-29 08:00-10:00 UTC "
                    "to end at 09:30, where 'Next' starts"
                ),
                "CCTV-1: filled 2026-03-29 10:30-11:00 UTC with 'Card'",
            ],
            id="rules in order",
        ),
    ],
)
def test_each_repair_rule(programmes, rules, expected, changes):
    repaired = repair(programmes, rules)
    assert [row[1:] for row in brief(repaired.programmes)] == expected
    assert [change.message for change in repaired.changes] == changes


def test_repair_records_before_after_and_cause():
    a, b = prog("A", "08:00", "09:00"), prog("B", "08:30", "09:30")
    repaired = repair([b, a, a], STANDARD_RULES)
    dropped, trimmed = repaired.changes
    assert (dropped.action, dropped.rule, dropped.before, dropped.after, dropped.cause) == (
        Action.DROPPED,
        "drop-duplicates",
        a,
        None,
        a,
    )
    assert (trimmed.action, trimmed.rule, trimmed.before, trimmed.cause) == (
        Action.TRIMMED,
        "later-start-wins",
        a,
        b,
    )
    assert trimmed.after is not None and trimmed.after.stop == b.start
    assert repaired.summary == "1 dropped, 1 trimmed"
    assert repair([A, B]).summary == "no changes"


def test_fillers_are_flagged_and_cover_channels_without_programmes():
    day = Span(at("00:00"), at("+1 00:00"))
    repaired = repair([D], [FillGaps(CARD, day)], channels=["CCTV-1", "CCTV-2"])
    assert brief(repaired.programmes) == [
        ("CCTV-1", "Card", "00:00", "00:00"),
        ("CCTV-2", "Card", "00:00", "07:30"),
        ("CCTV-2", "D", "07:30", "08:30"),
        ("CCTV-2", "Card", "08:30", "00:00"),
    ]
    assert [p.filler for p in repaired.programmes] == [True, True, False, True]
    assert check(repaired.programmes, span=day, channels=["CCTV-1", "CCTV-2"]).ok


@pytest.mark.parametrize(
    "factory",
    [
        lambda channel, start, stop: Programme(channel, start, stop, {"en": "Not flagged"}),
        lambda channel, start, stop: Programme(
            channel, start, stop + timedelta(minutes=1), {"en": "Long"}, filler=True
        ),
        lambda channel, start, stop: Programme(
            "CCTV-9", start, stop, {"en": "Elsewhere"}, filler=True
        ),
    ],
)
def test_a_filler_factory_must_fill_exactly_the_gap(factory):
    with pytest.raises(EpgError, match=r"fill-gaps on CCTV-1 at 2026-03-29 09:00-10:30 UTC"):
        repair([A, C], [FillGaps(factory)])


REPAIR_INPUT = [
    A,
    A,
    B,
    prog("X", "08:30", "09:30"),
    prog("Nested", "08:45", "09:15"),
    prog("Short", "09:00", "09:10"),
    C,
    D,
    E,
    prog("F", "08:00", "09:00", channel="CCTV-2"),
]


@pytest.mark.parametrize("rules", [STANDARD_RULES, [DropCovered(), LaterStartWins()]])
@pytest.mark.parametrize("seed", range(4))
def test_repair_does_not_depend_on_the_input_order(rules, seed):
    """Only programmes with the same start and stop are told apart by their order."""
    shuffled = REPAIR_INPUT[:]
    random.Random(seed).shuffle(shuffled)
    expected = repair(REPAIR_INPUT, rules)
    again = repair(shuffled, rules)
    assert again.programmes == expected.programmes
    assert [c.message for c in again.changes] == [c.message for c in expected.changes]
    assert expected.changes  # the input does need repairs


# -- local days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "zone", "start", "hours"),
    [
        (date(2026, 3, 29), "Europe/Berlin", datetime(2026, 3, 28, 23, tzinfo=UTC), 23),
        (date(2026, 10, 25), "Europe/Berlin", datetime(2026, 10, 24, 22, tzinfo=UTC), 25),
        (date(2026, 6, 1), "Europe/Berlin", datetime(2026, 5, 31, 22, tzinfo=UTC), 24),
        (date(2026, 3, 29), "Asia/Shanghai", datetime(2026, 3, 28, 16, tzinfo=UTC), 24),
        # Chile skips midnight: the day starts when the clocks jump, 00:00 -04 = 01:00 -03.
        (date(2026, 9, 6), "America/Santiago", datetime(2026, 9, 6, 4, tzinfo=UTC), 23),
        (date(2026, 4, 4), "America/Santiago", datetime(2026, 4, 4, 3, tzinfo=UTC), 25),
        (date(2026, 3, 29), UTC, datetime(2026, 3, 29, tzinfo=UTC), 24),
    ],
)
def test_a_local_day_runs_midnight_to_midnight(day, zone, start, hours):
    span = local_day(day, zone)
    assert span.start == start
    assert span.duration == timedelta(hours=hours)
    assert local_date(span.start, zone) == day
    assert local_date(span.stop - timedelta(microseconds=1), zone) == day
    assert local_date(span.stop, zone) == day + timedelta(days=1)
    assert local_day(day + timedelta(days=1), zone).start == span.stop  # days tile


def test_an_unknown_zone_is_refused():
    with pytest.raises(EpgError, match="unknown time zone 'Mars/Olympus'"):
        local_day(date(2026, 3, 29), "Mars/Olympus")


def test_a_span_holds_its_start_not_its_stop():
    span = Span(at("08:00"), at("09:00"))
    assert at("08:00") in span and at("09:00") not in span
    assert str(span) == "2026-03-29 08:00-09:00 UTC"


# -- random data against a brute-force scan -----------------------------------------------------

CHANNELS = ("CCTV-1", "CCTV-2", "CETV-4")
TITLES = ("Maths", "Chinese", "English", "Physics")


def random_programmes(rng: random.Random, count: int) -> list[Programme]:
    """Minute-aligned programmes around DAY, with copies, in random order."""
    programmes = []
    for _ in range(count):
        start = DAY + timedelta(minutes=rng.randrange(-90, 24 * 60 + 30, 5))
        length = timedelta(minutes=rng.choice((5, 10, 15, 30, 45, 60, 120)))
        programmes.append(
            Programme(rng.choice(CHANNELS), start, start + length, {"en": rng.choice(TITLES)})
        )
    programmes += rng.sample(programmes, count // 10)
    rng.shuffle(programmes)
    return programmes


def minutes(start: datetime, stop: datetime) -> set[datetime]:
    return {start + timedelta(minutes=m) for m in range(int((stop - start) / timedelta(minutes=1)))}


@pytest.mark.parametrize("seed", range(8))
def test_check_matches_a_minute_by_minute_scan(seed):
    rng = random.Random(seed)
    programmes = random_programmes(rng, 120)
    report = check(programmes, span=SPAN, channels=CHANNELS)
    for channel in CHANNELS:
        unique: list[Programme] = []
        for p in sorted((p for p in programmes if p.channel == channel), key=lambda p: p.start):
            if p not in unique:
                unique.append(p)
        cover = {m: 0 for m in minutes(SPAN.start, SPAN.stop)}
        for p in unique:
            for m in minutes(p.start, p.stop):
                if m in cover:
                    cover[m] += 1
        issues = [i for i in report.issues if i.channel == channel]
        overlapped = set().union(*(minutes(i.start, i.stop) for i in issues if i.kind == "overlap"))
        empty = set().union(*(minutes(i.start, i.stop) for i in issues if i.kind == "gap"))
        assert overlapped == {m for m, n in cover.items() if n > 1}
        assert empty == {m for m, n in cover.items() if n == 0}
        for issue in issues:
            if issue.kind == "overlap":
                on_air = [p for p in unique if p.on_air(issue.start)]
                assert len(issue.programmes) == len(on_air) > 1
                assert all(p in on_air for p in issue.programmes)
                assert all(p.on_air(issue.stop - timedelta(minutes=1)) for p in issue.programmes)


@pytest.mark.parametrize("seed", range(8))
def test_repaired_data_is_clean_and_queries_match_a_scan(seed):
    rng = random.Random(seed)
    programmes = random_programmes(rng, 150)
    rules = [DropDuplicates(), LaterStartWins(), FillGaps(CARD, SPAN)]
    repaired = repair(programmes, rules, channels=CHANNELS)

    drops = sum(c.action is Action.DROPPED for c in repaired.changes)
    fills = sum(c.action is Action.FILLED for c in repaired.changes)
    assert len(repaired.programmes) == len(programmes) - drops + fills
    assert check(repaired.programmes, span=SPAN, channels=CHANNELS).ok
    assert list(repaired.programmes) == sort_programmes(repaired.programmes)
    assert repair(repaired.programmes, rules, channels=CHANNELS).changes == ()

    guide = Guide.of(repaired.programmes)
    assert guide.channels == CHANNELS
    everything = repaired.programmes
    for _ in range(100):
        now = DAY + timedelta(minutes=rng.randrange(-180, 26 * 60), seconds=rng.choice((0, 30)))
        answers = guide.now_next(now)
        for channel in CHANNELS:
            mine = [p for p in everything if p.channel == channel]
            on_air = [p for p in mine if p.start <= now < p.stop]
            later = [p for p in mine if p.start > now]
            assert answers[channel].current == (on_air[0] if on_air else None)
            assert len(on_air) <= 1
            assert answers[channel].next == min(later, key=lambda p: p.start, default=None)

        start = now
        stop = start + timedelta(minutes=rng.randrange(1, 6 * 60))
        rows = guide.window(start, stop)
        clipped = guide.window(start, stop, clip=True)
        for channel in CHANNELS:
            scan = [
                p for p in everything if p.channel == channel and p.start < stop and p.stop > start
            ]
            assert rows[channel] == scan
            assert [(max(p.start, start), min(p.stop, stop)) for p in scan] == [
                (p.start, p.stop) for p in clipped[channel]
            ]

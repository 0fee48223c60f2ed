"""epg.xmltv: the lenient importer (real files, hostile files) and the strict exporter."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epg.model import CHANNEL_ID, Channel, EpgError, Episode, Programme
from epg.xmltv import (
    XMLTV_ID,
    format_xmltv_time,
    parse_xmltv_time,
    read_xmltv,
    write_xmltv,
)

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_XMLTV = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "xmltv"
SHANGHAI = ZoneInfo("Asia/Shanghai")
AT_IN_IDS = bool(CHANNEL_ID.fullmatch("TMA.gp@SD"))  # iptv-org's feed suffix, if the model allows


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def xmltv(body: str, doctype: str = "") -> bytes:
    """A document whose body starts on line 2 (or 3, after a DOCTYPE line)."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<tv>{body}\n</tv>\n'.encode()


def programme_xml(channel: str, start: str, stop: str | None, title: str, extra: str = "") -> str:
    stop_attr = f' stop="{stop}"' if stop else ""
    return (
        f'<programme channel="{channel}" start="{start}"{stop_attr}>'
        f"<title>{title}</title>{extra}</programme>"
    )


# ---------------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20260301083000 +0800", at(0, 30)),
        ("20260301083000 -0300", at(11, 30)),
        ("20260301083000+0800", at(0, 30)),
        ("20260301083000 +08:00", at(0, 30)),
        ("202603010830 +0800", at(0, 30)),  # without seconds
        ("20260301083000", at(0, 30)),  # without offset: the default zone (Shanghai)
        ("202603010830", at(0, 30)),
        ("20260301", datetime(2026, 2, 28, 16, tzinfo=UTC)),  # only a date: local midnight
        ("20260301083000 UTC", at(8, 30)),
        ("20010829000500 BST", datetime(2001, 8, 28, 23, 5, tzinfo=UTC)),
        ("20260301083000 Europe/Paris", at(7, 30)),
        ("  20260301083000 +0000  ", at(8, 30)),
    ],
)
def test_xmltv_times_in_every_form_files_use(text: str, expected: datetime) -> None:
    assert parse_xmltv_time(text, SHANGHAI) == expected


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-03-01 08:30", "20261301000000 +0000", "20260301 CST", "+0800"]
)
def test_bad_xmltv_times_are_refused(text: str) -> None:
    with pytest.raises(EpgError, match=r"date|time zone"):
        parse_xmltv_time(text, SHANGHAI)


def test_times_are_written_local_to_the_channel_with_offset() -> None:
    assert format_xmltv_time(at(0, 30), SHANGHAI) == "20260301083000 +0800"
    assert format_xmltv_time(at(0, 30), ZoneInfo("America/Sao_Paulo")) == "20260228213000 -0300"
    assert format_xmltv_time(at(0, 30), ZoneInfo("UTC")) == "20260301003000 +0000"


# ---------------------------------------------------------------------------------- fixtures


def test_iso_8859_1_is_decoded_from_the_declaration() -> None:
    result = read_xmltv((FIXTURES / "latin1.xml").read_bytes())
    assert result.channels[0].names == {"fr": "Arte Français"}
    (programme,) = result.programmes
    assert programme.title == {"fr": "Café des Élèves"}
    assert programme.description == {"fr": "Prix : 5 £, 20 % de réduction."}
    assert (programme.start, programme.stop) == (at(19), at(20, 15))


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("gb2312", "少儿频道"),
        ("GB2312", "镕"),  # only in GBK: files labelled GB2312 routinely are GBK
        ("gb18030", "少儿频道"),
        ("big5", "少兒頻道"),
        ("shift_jis", "こども"),
        ("windows-1251", "Детский"),
        ("utf-16", "少儿 Детский"),
        ("utf-8", "少儿 Детский"),
    ],
)
def test_declared_encodings_are_read_multi_byte_ones_too(encoding: str, name: str) -> None:
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<tv><channel id="c.example.cn"><display-name lang="zh">{name}</display-name>'
        "</channel></tv>"
    )
    data = document.encode("gbk" if encoding == "GB2312" else encoding)
    assert read_xmltv(io.BytesIO(data)).channels[0].names == {"zh": name}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0" encoding="x-unheard-of"?><tv/>', "unknown encoding 'x-unheard-of'"),
        (b'<?xml version="1.0" encoding="shift_jis"?><tv>\x81</tv>', "not shift_jis"),
        (
            b'<?xml version="1.0" encoding="utf-8"?><tv>\xff</tv>',
            "line 1, column 43: not well-formed",
        ),
    ],
)
def test_bytes_that_are_not_the_declared_encoding_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(EpgError, match=message):
        read_xmltv(data)


def test_extension_elements_are_ignored_and_counted() -> None:
    with (FIXTURES / "extension.xml").open("rb") as stream:  # a stream, read in chunks
        result = read_xmltv(stream)
    (channel,) = result.channels
    assert (channel.id, channel.number, channel.logo) == (
        "kids.example.cn",
        12,  # <lcn>
        "https://example.cn/kids.png",
    )
    (programme,) = result.programmes
    assert programme.title == {"zh": "自然探秘"}
    assert programme.description == {"zh": "第 3 讲：森林里的动物"}  # text around <x-fig-roll/>
    assert programme.categories == ("科学",)
    assert programme.episode == Episode(season=2, episode=3)  # onscreen S02E03
    assert programme.live  # <live/>
    assert result.skipped == ()
    assert result.ignored == {"x-provider-info": 1, "x-region": 1, "x-teacher": 1, "new": 1}


def test_elements_out_of_the_dtds_order_are_read_all_the_same() -> None:
    result = read_xmltv((FIXTURES / "out_of_order.xml").read_bytes())
    (channel,) = result.channels
    assert (channel.names, channel.number, channel.logo) == (
        {"en": "Order"},
        7,  # a display-name of digits
        "https://example.org/order.png",
    )
    first, second = result.programmes  # sorted by start, whatever the file's order
    assert first.title == {"en": "Maths 3"}
    assert second.title == {"en": "Maths 4", "zh": "数学 4"}
    assert second.description == {"en": "Fractions, slowly."}
    assert second.categories == ("Maths",)
    assert second.rating == "G"
    assert second.episode == Episode(season=2, episode=5, episodes=12)
    assert (second.start, second.stop) == (at(1), at(1, 45))  # no offset: Shanghai


# ---------------------------------------------------------------------------------- hostile


@pytest.mark.parametrize(
    ("name", "entity"), [("billion_laughs.xml", "'lol'"), ("external_entity.xml", "'x'")]
)
def test_entity_declarations_are_refused(name: str, entity: str) -> None:
    with pytest.raises(EpgError, match=f"declares entity {entity}.*refused"):
        read_xmltv((FIXTURES / name).read_bytes())


def test_a_parameter_entity_is_refused_before_anything_is_fetched() -> None:
    doctype = '<!DOCTYPE tv [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>\n'
    with pytest.raises(EpgError, match=r"line 2: .*entity 'remote'"):
        read_xmltv(xmltv("", doctype))


def test_an_external_dtd_is_never_read_and_its_entities_are_left_out() -> None:
    doctype = '<!DOCTYPE tv SYSTEM "http://127.0.0.1:9/xmltv.dtd">\n'
    body = '<channel id="a.example.org"><display-name>Caf&eacute;</display-name></channel>'
    result = read_xmltv(xmltv(body, doctype))
    assert result.channels[0].names == {"und": "Caf"}
    assert result.ignored == {"&eacute;": 1}


class EndlessGuide(io.RawIOBase):
    """An endless XMLTV stream, past any limit, made on demand; counts what was read."""

    def __init__(self) -> None:
        self.served = 0
        self._pending = b'<?xml version="1.0"?>\n<tv>\n'
        self._item = programme_xml("a.b", "20260301000000 +0000", "20260301010000 +0000", "x")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            self._pending += (self._item + "\n").encode() * 256
        size = len(buffer)
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        self.served += size
        return size


def test_a_huge_stream_is_refused_after_reading_little_more_than_the_limit() -> None:
    stream = EndlessGuide()
    with pytest.raises(EpgError, match="larger than 1048576 bytes"):
        read_xmltv(io.BufferedReader(stream), max_bytes=1 << 20)
    assert stream.served <= (1 << 20) + 2 * 64 * 1024 + io.DEFAULT_BUFFER_SIZE


def test_too_many_bytes_are_refused_before_parsing() -> None:
    with pytest.raises(EpgError, match="larger than 100 bytes"):
        read_xmltv(b"<tv>" + b" " * 200 + b"</tv>", max_bytes=100)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?>\n<tv>\n<channel id="a.b">\n<display-name>x</channel>\n</tv>',
         "malformed XML at line 4, column 18: mismatched tag"),
        (b"", "malformed XML at line 1, column 1: no element found"),
        (b"<tv><programme>&undeclared;</programme></tv>", "line 1.*undefined entity"),
        (b"<html><body/></html>", "line 1: the root element is <html>, not XMLTV's <tv>"),
    ],
)  # fmt: skip
def test_malformed_or_foreign_documents_are_refused_with_where(data: bytes, message: str) -> None:
    with pytest.raises(EpgError, match=message):
        read_xmltv(data)


def test_a_text_stream_is_refused() -> None:
    with pytest.raises(EpgError, match="binary mode"):
        read_xmltv(io.StringIO("<tv/>"))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- channels


def test_channels_are_numbered_by_lcn_digits_or_file_order_around_taken_numbers() -> None:
    body = """
      <channel id="one.example.org"><display-name>One</display-name></channel>
      <channel id="lcn.example.org"><display-name>L</display-name><lcn>1</lcn></channel>
      <channel id="digits.example.org"><display-name lang="en">D</display-name>
        <display-name>3</display-name></channel>
      <channel id="two.example.org"><display-name>Two</display-name></channel>
      <channel id="big.example.org"><display-name>B</display-name><lcn>10000</lcn></channel>
    """
    result = read_xmltv(xmltv(body))
    assert [(c.id, c.number) for c in result.channels] == [
        ("one.example.org", 2),
        ("lcn.example.org", 1),
        ("digits.example.org", 3),
        ("two.example.org", 4),
        ("big.example.org", 5),  # 10000 is not a channel number
    ]
    assert result.channels[2].names == {"en": "D"}  # the number is not a name


@pytest.mark.parametrize(
    ("channels", "reason"),
    [
        ('<channel id="***"><display-name>X</display-name></channel>',
         "channel id '***': '*' not allowed"),
        ('<channel><display-name>X</display-name></channel>', "channel without an id"),
        ('<channel id="a.b"><display-name>X</display-name></channel>'
         '<channel id="a.b"><display-name>Y</display-name></channel>',
         "'a.b' is already declared at line 2"),
    ],
)  # fmt: skip
def test_unusable_channels_are_skipped_with_the_reason(channels: str, reason: str) -> None:
    result = read_xmltv(xmltv(channels))
    assert [n.element for n in result.skipped] == ["channel"]
    assert reason in result.skipped[0].reason
    assert result.skipped[0].line == 2


def test_a_channel_without_display_name_is_named_by_its_id_and_langless_texts_get_a_default():
    body = '<channel id="bare.example.org"/>' + programme_xml(
        "bare.example.org", "20260301080000 +0800", "20260301090000 +0800", "Hi"
    )
    result = read_xmltv(xmltv(body), default_language="zh", default_timezone="UTC")
    assert result.channels[0].names == {"zh": "bare.example.org"}
    assert result.channels[0].timezone == "UTC"
    assert result.programmes[0].title == {"zh": "Hi"}


# ---------------------------------------------------------------------------------- programmes


def test_a_missing_stop_is_the_length_or_the_next_start_else_the_programme_is_skipped() -> None:
    body = "\n".join(
        [
            programme_xml("c.example.org", "20260301080000 +0000", None, "A"),
            programme_xml(
                "c.example.org", "20260301090000 +0000", None, "B",
                '<length units="minutes">30</length>',
            ),
            programme_xml("c.example.org", "20260301100000 +0000", None, "C"),
        ]
    )  # fmt: skip
    result = read_xmltv(xmltv(body))
    assert [(p.title_in(), p.start, p.stop) for p in result.programmes] == [
        ("A", at(8), at(9)),
        ("B", at(9), at(9, 30)),
    ]
    assert [n.reason for n in result.adjusted] == [
        "'A' on c.example.org: stop taken from the next programme's start",
        "'B' on c.example.org: stop taken from its <length>",
    ]
    assert [(n.line, n.reason) for n in result.skipped] == [
        (4, "'C' on c.example.org: no stop, and nothing after it on its channel")
    ]
    assert result.unknown_channels == ("c.example.org",)  # kept; no channel is invented


def test_duplicates_same_starts_and_overlaps_leave_one_programme_at_a_time() -> None:
    body = "\n".join(
        [
            programme_xml("c.example.org", "20260301080000 +0000", "20260301090000 +0000", "A"),
            programme_xml("c.example.org", "20260301080000 +0000", "20260301090000 +0000", "A"),
            programme_xml("c.example.org", "20260301080000 +0000", "20260301081000 +0000", "Z"),
            programme_xml("c.example.org", "20260301083000 +0000", "20260301093000 +0000", "B"),
            programme_xml("c.example.org", "20260301100000 +0000", "20260301100000 +0000", "0"),
        ]
    )
    result = read_xmltv(xmltv(body))
    assert [(p.title_in(), p.start, p.stop) for p in result.programmes] == [
        ("A", at(8), at(8, 30)),  # cut where B starts
        ("B", at(8, 30), at(9, 30)),
    ]
    assert [(n.line, n.reason.split(": ", 1)[1]) for n in result.skipped] == [
        (3, "a duplicate of the programme at line 2"),
        (4, "starts with the programme at line 2"),
        (6, "stop is not after start"),
    ]
    assert result.adjusted[0].reason.endswith("stop cut to the start of line 5 (overlap)")


def test_ids_real_feeds_write_with_spaces_are_used_with_dashes_and_said_so() -> None:
    result = read_xmltv(xmltv(
        '<channel id="Canal 13.cl"><display-name>Canal 13</display-name></channel>'
        '<programme channel="Canal 13.cl" start="20260301080000 +0000" '
        'stop="20260301090000 +0000"><title>Noticias</title></programme>'
    ))  # fmt: skip
    assert [c.id for c in result.channels] == ["Canal-13.cl"]
    assert [p.channel for p in result.programmes] == ["Canal-13.cl"]
    assert not result.unknown_channels
    assert "id 'Canal 13.cl' is used as 'Canal-13.cl'" in result.adjusted[0].reason


@pytest.mark.parametrize(
    ("attrs_and_body", "reason"),
    [
        ('channel="***" start="20260301080000"><title>T</title>', "channel id '***'"),
        ('channel="c.d"><title>T</title>', "no start"),
        ('channel="c.d" start="soon"><title>T</title>', "'soon' is not an XMLTV date"),
        ('channel="c.d" start="20260301080000" stop="later"><title>T</title>', "'later'"),
        ('channel="c.d" start="20260301080000" stop="20260301090000"><title> </title>',
         "no title"),
    ],
)  # fmt: skip
def test_unusable_programmes_are_skipped_with_line_and_reason(
    attrs_and_body: str, reason: str
) -> None:
    result = read_xmltv(xmltv(f"<programme {attrs_and_body}</programme>"))
    assert result.programmes == ()
    (note,) = result.skipped
    assert (note.line, note.element) == (2, "programme")
    assert reason in note.reason


@pytest.mark.parametrize(
    ("episode_nums", "expected"),
    [
        ('<episode-num system="xmltv_ns">2 . 9 . 0/1</episode-num>',
         Episode(season=3, episode=10, part=1, parts=1)),
        ('<episode-num system="xmltv_ns">.4/10.</episode-num>', Episode(episode=5, episodes=10)),
        ('<episode-num system="xmltv_ns">0/3.0.</episode-num>', Episode(season=1, episode=1)),
        ('<episode-num>S01E05</episode-num>', Episode(season=1, episode=5)),
        ('<episode-num system="onscreen">3x07</episode-num>', Episode(season=3, episode=7)),
        ('<episode-num system="onscreen">Ep. 12</episode-num>', Episode(episode=12)),
        ('<episode-num system="onscreen">第2季 第8集</episode-num>', Episode(season=2, episode=8)),
        ('<episode-num system="onscreen">E0</episode-num>', None),  # not countable from 1
        ('<episode-num system="dd_progid">EP0123</episode-num>', None),
        ('<episode-num system="onscreen">S9E9</episode-num>'
         '<episode-num system="xmltv_ns">0.0.</episode-num>', Episode(season=1, episode=1)),
    ],
)  # fmt: skip
def test_episode_numbers_xmltv_ns_first_then_onscreen(
    episode_nums: str, expected: Episode | None
) -> None:
    body = programme_xml("c.d", "20260301080000", "20260301090000", "T", episode_nums)
    assert read_xmltv(xmltv(body)).programmes[0].episode == expected


def test_texts_per_language_first_wins_and_whitespace_is_trimmed() -> None:
    extra = (
        '<title lang="en">  Second  </title><desc lang="zh">\n  说明\n</desc>'
        '<desc lang="zh">另一个</desc><category>a</category><category>a</category>'
        '<rating system="CSA"><value>Tout public</value></rating><rating><value>G</value></rating>'
    )
    body = programme_xml("c.d", "20260301080000", "20260301090000", " 第一 ", extra)
    (programme,) = read_xmltv(xmltv(body)).programmes
    assert programme.title == {"und": "第一", "en": "Second"}
    assert programme.description == {"zh": "说明"}
    assert programme.categories == ("a",)
    assert programme.rating == "Tout public"


# ---------------------------------------------------------------------------------- export

CHANNELS = [
    Channel(
        "kids.edutv.cn", 1, {"zh": '少儿 & "频道"', "en": "Kids <1>"}, logo="https://x/a?b=1&c=2"
    ),
    Channel("math.edutv.cn", 12, {"zh": "数学"}),
    Channel("empty.edutv.cn", 30, {"zh": "空"}),
]
PROGRAMMES = [
    Programme(
        "kids.edutv.cn", at(1), at(2),
        title={"zh": "第一课：<动物> & 植物", "en": "Lesson 1"},
        description={"zh": "第一行\n第二行 'quoted' \"double\"", "en": "a\r\nb"},
        lesson_id=301, course_id=17, categories=("科学", "Science & Nature"),
        stage="primary", grade=3, subject="science", rating="G",
        episode=Episode(season=1, episode=2, episodes=10, part=1, parts=2),
        live=True, source="https://origin.example/live/kids/index.m3u8",
    ),
    Programme("kids.edutv.cn", at(0), at(1), title={"zh": "早间"}, filler=True),
    Programme("math.edutv.cn", at(0), at(0, 45), title={"zh": "分数"}, episode=Episode(episode=4)),
]  # fmt: skip


def by_channel_then_start(programmes: list[Programme]) -> tuple[Programme, ...]:
    order = {c.id: i for i, c in enumerate(CHANNELS)}
    return tuple(sorted(programmes, key=lambda p: (order[p.channel], p.start)))


def test_export_is_strict_xmltv_in_the_dtds_order() -> None:
    text = write_xmltv(CHANNELS, PROGRAMMES, include_sources=True).decode("utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">'
    )
    assert '<tv generator-info-name="EduTV">' in text
    assert '<display-name lang="zh">少儿 &amp; "频道"</display-name>' in text
    assert '<icon src="https://x/a?b=1&amp;c=2"/>' in text
    assert "<display-name>12</display-name>" in text
    assert "empty.edutv.cn" not in text  # no programmes: the validator would count an error
    assert 'start="20260301090000 +0800" stop="20260301100000 +0800"' in text
    assert "第一课：&lt;动物&gt; &amp; 植物" in text
    assert "a&#13;\nb" in text
    assert '<episode-num system="xmltv_ns">0.1/10.0/2</episode-num>' in text
    assert '<episode-num system="xmltv_ns">.3.</episode-num>' in text
    lesson = text.rindex("<programme", 0, text.index("Lesson 1"))
    block = text[lesson : text.index("</programme>", lesson)]
    # the DTD's order: title+, desc*, category*, url*, episode-num*, rating*
    assert re.findall(r"<([a-z-]+)", block) == [
        *["programme", "title", "title", "desc", "desc", "category", "category", "url"],
        *["episode-num"] * 7,  # xmltv_ns, lesson, course, stage, grade, subject, live
        *["rating", "value"],
    ]


def test_export_then_import_gives_our_values_back() -> None:
    exported = write_xmltv(CHANNELS, PROGRAMMES, include_sources=True)
    result = read_xmltv(exported)
    assert result.channels == tuple(CHANNELS[:2])
    assert result.programmes == by_channel_then_start(PROGRAMMES)
    assert (result.skipped, result.adjusted, result.ignored) == ((), (), {})


def test_sources_are_exported_only_when_asked() -> None:
    assert b"origin.example" not in write_xmltv(CHANNELS, PROGRAMMES)
    (lesson,) = [p for p in read_xmltv(write_xmltv(CHANNELS, PROGRAMMES)).programmes if p.live]
    assert lesson.source is None
    assert lesson.lesson_id == 301


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=40), lang=st.sampled_from(["zh", "en", "und"]))
def test_any_text_survives_export_and_import_as_trimmed_xml_text(text: str, lang: str) -> None:
    expected = "".join(c for c in text if c in "\t\n\r" or not _dropped(c)).strip()
    if not expected:
        return
    programme = Programme(
        "math.edutv.cn", at(0), at(1), title={lang: text}, description={lang: text}
    )
    (back,) = read_xmltv(write_xmltv(CHANNELS, [programme])).programmes
    assert back.title == {lang: expected}
    assert back.description == {lang: expected}


def _dropped(char: str) -> bool:
    code = ord(char)
    return (
        code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
    )


def test_an_empty_guide_is_a_valid_empty_tv_element() -> None:
    exported = write_xmltv([], [], generator='Edu "TV"')
    assert exported.endswith(b'<tv generator-info-name="Edu &quot;TV&quot;">\n</tv>\n')
    result = read_xmltv(exported)
    assert (result.channels, result.programmes, result.generator) == ((), (), 'Edu "TV"')


@pytest.mark.parametrize(
    ("channels", "programmes", "message"),
    [
        ([Channel("cctv1", 1, {"zh": "一"})], [], "'cctv1' is not an XMLTV id"),
        ([Channel("a_b.cn", 1, {"zh": "一"})], [], "'a_b.cn' is not an XMLTV id"),
        ([CHANNELS[1], CHANNELS[1]], [], "'math.edutv.cn' is given twice"),
        ([CHANNELS[1]], [PROGRAMMES[0]], "channel 'kids.edutv.cn', which is not among"),
    ],
)
def test_export_refuses_what_would_not_validate(channels, programmes, message: str) -> None:
    with pytest.raises(EpgError, match=message):
        write_xmltv(channels, programmes)


def test_xmltv_ids_are_what_the_validator_accepts() -> None:
    assert XMLTV_ID.fullmatch("cctv-1.edutv.cn")
    assert not XMLTV_ID.fullmatch("cctv1")
    assert not XMLTV_ID.fullmatch("a_b.cn")


# ---------------------------------------------------------------------------------- validator

VALIDATOR = shutil.which("tv_validate_file")
SUPPLEMENT = Path("/usr/share/xmltv")


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XMLTV_SUPPLEMENT": str(SUPPLEMENT)}  # the DTD, never fetched
    return subprocess.run(
        [VALIDATOR or "tv_validate_file", path.name],
        cwd=path.parent, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


needs_validator = pytest.mark.skipif(
    VALIDATOR is None or not (SUPPLEMENT / "xmltv.dtd").exists(),
    reason="tv_validate_file is absent: apt-get install xmltv-util",
)


@needs_validator
def test_the_xmltv_projects_validator_accepts_our_export(tmp_path: Path) -> None:
    path = tmp_path / "epg.xml"
    channels = [*CHANNELS, Channel("london.edutv.uk", 99, {"en": "L"}, timezone="Europe/London")]
    programmes = [*PROGRAMMES, Programme("london.edutv.uk", at(0), at(1), title={"en": "x\x01"})]
    path.write_bytes(write_xmltv(channels, programmes, include_sources=True))
    run = validate(path)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, "Validated ok.", "")


@needs_validator
def test_the_validator_catches_what_the_exporter_guards_against(tmp_path: Path) -> None:
    """The check above is real: the same export with one id broken fails it."""
    path = tmp_path / "epg.xml"
    path.write_bytes(write_xmltv(CHANNELS, PROGRAMMES).replace(b"math.edutv.cn", b"math"))
    run = validate(path)
    assert run.returncode == 1
    assert "Invalid channel-id 'math'" in run.stdout


# ---------------------------------------------------------------------------------- shared

# file: (channels, programmes) as imported; with '@' allowed in ids, the second pair
EXPECTED: dict[str, tuple[tuple[int, int], tuple[int, int] | None]] = {
    "iptvorg_energeek.cl.xml": ((5, 294), None),  # ids with spaces, used with "-" for them
    "iptvorg_epg.iptvx.one.xml": ((1, 230), None),
    "iptvorg_epg.tmacaraibes.com.xml": ((0, 0), (1, 318)),
    "iptvorg_epgshare01.online.xml": ((2, 203), None),
    "iptvorg_makrodigitaltelevision.com.xml": ((1, 64), None),
    "iptvorg_nzxmltv.com.xml": ((1, 2), None),
    "iptvorg_test_base.guide.xml": ((3, 4), (4, 6)),
    "iptvorg_vantagetv.ee.xml": ((3, 332), None),
    "iptvorg_workers_load_guide.xml": ((0, 0), (1, 27)),
    "iptvorg_x1co.com.br.xml": ((1, 91), None),
    "xmltv_t_data_amp.xml": ((0, 1), None),
    "xmltv_t_data_attrs.xml": ((0, 1), None),
    "xmltv_t_data_clump.xml": ((0, 1), None),
    "xmltv_t_data_dups.xml": ((0, 2), None),
    "xmltv_t_data_empty.xml": ((0, 0), None),
    "xmltv_t_data_intervals.xml": ((0, 3), None),
    "xmltv_t_data_length.xml": ((0, 1), None),
    "xmltv_t_data_overlap.xml": ((0, 5), None),
    "xmltv_t_data_simple.xml": ((0, 0), None),  # no stops, one programme per channel
    "xmltv_t_data_sort.xml": ((0, 3), None),
    "xmltv_t_data_test.xml": ((2, 1), None),
    "xmltv_t_data_test_livre.xml": ((0, 0), None),
    "xmltv_t_data_whitespace.xml": ((0, 0), None),
    "xmltv_t_data_x-whatever.xml": ((0, 0), None),
}
# reasons each deliberately broken file must give (a substring of some skipped note)
REASONS = {
    "iptvorg_makrodigitaltelevision.com.xml": ["a duplicate of"],
    "xmltv_t_data_amp.xml": ["'Ampersand Land' on bbc2.bbc.co.uk: no stop"],
    "xmltv_t_data_clump.xml": ["'Second in clump' on foo: starts with"],
    "xmltv_t_data_dups.xml": ["'A' on 1: a duplicate of the programme at line 5", "no stop"],
    "xmltv_t_data_intervals.xml": ["stop is not after start", "starts with"],
    "xmltv_t_data_overlap.xml": ["starts with", "stop is not after start", "no stop"],
    "xmltv_t_data_simple.xml": ["'King of the Hill' on channel4.com: no stop"],
    "xmltv_t_data_sort.xml": ["'ITV Nightscreen' on carlton.com: no stop"],
    "xmltv_t_data_test_livre.xml": ["'£' on south-east.bbc1.bbc.co.uk"],  # ISO-8859-1 decoded
    "xmltv_t_data_whitespace.xml": ["'T' on foo.tv"],  # "    T  " trimmed
    "xmltv_t_data_x-whatever.xml": ["'The Phil Silvers Show'"],
}


@pytest.fixture
def shared_xmltv() -> Path:
    if not SHARED_XMLTV.is_dir():
        pytest.skip(f"{SHARED_XMLTV} is absent (tests marked 'shared' need ../shared)")
    return SHARED_XMLTV


@pytest.mark.shared
def test_every_shared_fixture_is_in_the_table(shared_xmltv: Path) -> None:
    assert sorted(p.name for p in shared_xmltv.glob("*.xml")) == sorted(EXPECTED)


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_fixture_imports(shared_xmltv: Path, name: str) -> None:
    with (shared_xmltv / name).open("rb") as stream:
        result = read_xmltv(stream)
    plain, with_at = EXPECTED[name]
    expected = with_at if (with_at and AT_IN_IDS) else plain
    assert (len(result.channels), len(result.programmes)) == expected
    for reason in REASONS.get(name, []) if expected == plain else []:
        assert any(reason in note.reason for note in result.skipped), (reason, result.skipped)
    if with_at and not AT_IN_IDS:  # skipped for the '@' alone, and said so
        assert any("channel id" in n.reason and "@" in n.reason for n in result.skipped)
    if name not in REASONS and with_at is None:
        assert [n for n in result.skipped if "duplicate" not in n.reason] == []
    for channel in {p.channel for p in result.programmes}:
        mine = [p for p in result.programmes if p.channel == channel]
        assert all(a.stop <= b.start for a, b in itertools.pairwise(mine))
    declared = {c.id for c in result.channels}
    assert set(result.unknown_channels) == {p.channel for p in result.programmes} - declared


@pytest.mark.shared
@needs_validator
def test_a_real_guide_reexported_passes_the_validator(shared_xmltv: Path, tmp_path: Path) -> None:
    imported = read_xmltv((shared_xmltv / "iptvorg_epgshare01.online.xml").read_bytes())
    path = tmp_path / "epg.xml"
    path.write_bytes(write_xmltv(imported.channels, imported.programmes))
    run = validate(path)
    assert (run.returncode, run.stdout.strip()) == (0, "Validated ok.")
    assert read_xmltv(path.read_bytes()).programmes == imported.programmes


def test_lazy_stream_helper_serves_well_formed_xml() -> None:
    """The endless stream above is XMLTV indeed: cut short it parses (so the refusal is the
    size, not a syntax error)."""
    stream = EndlessGuide()
    head = stream.read(4096)
    cut = head[: head.rindex(b"</programme>") + len(b"</programme>")] + b"\n</tv>"
    result = read_xmltv(cut)
    assert len(result.programmes) == 1  # the same slot over and over: one kept
    assert result.skipped and all("duplicate" in n.reason for n in result.skipped)

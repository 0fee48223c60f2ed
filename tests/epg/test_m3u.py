"""epg.m3u: the playlist players load next to the XMLTV guide, written and read back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epg.m3u import M3uEntry, read_m3u, read_m3u_header, write_m3u
from epg.model import Channel, EpgError, Programme, pick_text
from epg.xmltv import read_xmltv, write_xmltv

CHANNELS = [
    Channel(
        "math.edutv.cn", 2, {"zh": "数学", "en": "Maths"}, logo="https://cdn.example/math.png",
        group={"zh": "课程", "en": "Courses"}, catchup_days=7,
    ),
    Channel("news.edutv.cn", 15, {"zh": '少儿 "新闻", 早间版'}, catchup_days=0),
    Channel("kids_1", 31, {"en": "Kids"}, group={"en": "Kids"}, catchup_days=3),
]  # fmt: skip


def stream_url(channel: Channel) -> str:
    return f"https://tv.example/live/{channel.id}/index.m3u8"


def catchup_url(channel: Channel) -> str:
    return f"https://tv.example/live/{channel.id}/catchup.m3u8?start={{utc}}&end={{utcend}}"


def playlist(**overrides) -> str:
    options = {"stream_url": stream_url, "guide_url": "https://tv.example/epg.xml"}
    options["catchup_url"] = catchup_url
    return write_m3u(CHANNELS, **{**options, **overrides})


def kodi_name(extinf: str) -> str:
    """The channel name as Kodi's IPTV Simple client finds it (PlaylistLoader::ParseIntoChannel):
    after the first comma that follows the last double quote, else after the last comma."""
    comma = extinf.rfind(",")
    quote = extinf.rfind('"')
    if quote >= 0 and extinf[quote + 1 :].strip().startswith(","):
        comma = quote + extinf[quote + 1 :].find(",") + 1
    return extinf[comma + 1 :].strip()


# ---------------------------------------------------------------------------------- writing


def test_the_playlist_has_the_attributes_players_read() -> None:
    lines = playlist().splitlines()
    assert lines[0] == (
        '#EXTM3U x-tvg-url="https://tv.example/epg.xml" url-tvg="https://tv.example/epg.xml"'
    )
    assert lines[1] == (
        '#EXTINF:-1 tvg-id="math.edutv.cn" tvg-name="数学" tvg-logo="https://cdn.example/math.png"'
        ' tvg-chno="2" group-title="课程" catchup="default" catchup-days="7"'
        ' catchup-source="https://tv.example/live/math.edutv.cn/catchup.m3u8?start={utc}&end={utcend}"'
        ",数学"
    )
    assert lines[2] == "https://tv.example/live/math.edutv.cn/index.m3u8"
    assert lines[3] == (  # no catch-up (0 days), no logo, no group: no such attributes
        '#EXTINF:-1 tvg-id="news.edutv.cn" tvg-name="少儿 \'新闻\', 早间版" tvg-chno="15"'
        ",少儿 '新闻', 早间版"
    )
    assert len(lines) == 1 + 2 * len(CHANNELS)


def test_a_query_template_is_appended_and_no_template_means_no_catchup() -> None:
    appended = playlist(catchup_url=lambda c: "?utc={utc}&lutc={lutc}", language="en")
    assert ' catchup="append" catchup-days="7" catchup-source="?utc={utc}&lutc={lutc}",Maths' in (
        appended
    )
    assert 'group-title="Courses"' in appended
    assert "catchup" not in playlist(catchup_url=None)
    assert "catchup" not in playlist(catchup_url=lambda c: None)
    assert "x-tvg-url" not in write_m3u(CHANNELS, stream_url=stream_url)


@pytest.mark.parametrize(
    "name",
    ['Say "hi"', "a, b, c", 'comma, and "quote"', "line\nbreak", "cr\r\n#EXTINF:-1,evil", "tab\t"],
)
def test_names_cannot_break_the_line_or_kodis_name_parsing(name: str) -> None:
    channel = Channel("odd.edutv.cn", 1, {"zh": name})
    text = write_m3u([channel], stream_url=stream_url)
    header, extinf, url = text.splitlines()
    expected = " ".join(name.replace('"', "'").split())
    assert kodi_name(extinf) == read_m3u(text)[0].name == expected
    assert url == stream_url(channel)
    assert header == "#EXTM3U"


@pytest.mark.parametrize(
    ("stream", "template", "message"),
    [
        ("", None, "stream URL '' is empty"),
        ("https://a/b\nhttps://evil", None, "stream URL .* spans lines"),
        ("https://a/b", "?t={utc}\r\n#EXTINF", "catch-up source .* spans lines"),
    ],
)
def test_urls_that_would_break_the_playlist_are_refused(stream, template, message) -> None:
    with pytest.raises(EpgError, match=f"channel math.edutv.cn: {message}"):
        write_m3u(CHANNELS[:1], stream_url=lambda c: stream, catchup_url=lambda c: template)


def test_written_then_read_gives_every_channel_back() -> None:
    entries = read_m3u(playlist())
    assert [(e.tvg_id, e.tvg_name, e.name, e.number, e.logo, e.group, e.url) for e in entries] == [
        (c.id, _m3u(c.name()), _m3u(c.name()), c.number, c.logo, _group(c), stream_url(c))
        for c in CHANNELS
    ]
    assert [(e.catchup, e.catchup_days, e.catchup_source) for e in entries] == [
        ("default", 7, catchup_url(CHANNELS[0])),
        (None, None, None),
        ("default", 3, catchup_url(CHANNELS[2])),
    ]
    assert read_m3u_header(playlist()) == {
        "x-tvg-url": "https://tv.example/epg.xml",
        "url-tvg": "https://tv.example/epg.xml",
    }


def _m3u(name: str) -> str:
    return name.replace('"', "'")  # M3U has no escape for a double quote


def _group(channel: Channel) -> str | None:
    return pick_text(channel.group) or None


def test_tvg_ids_are_the_xmltv_channel_ids() -> None:
    channels = CHANNELS[:2]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    programmes = [
        Programme(c.id, start, start.replace(hour=1), title={"zh": "课"}) for c in channels
    ]
    guide = read_xmltv(write_xmltv(channels, programmes))
    entries = read_m3u(write_m3u(channels, stream_url=stream_url))
    assert (
        [e.tvg_id for e in entries]
        == [c.id for c in guide.channels]
        == [
            "math.edutv.cn",
            "news.edutv.cn",
        ]
    )
    assert [e.number for e in entries] == [c.number for c in guide.channels]


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_any_name_reads_back_as_written(name: str) -> None:
    channel = Channel("any.edutv.cn", 1, {"zh": name})
    text = write_m3u([channel], stream_url=stream_url)
    (entry,) = read_m3u(text)
    assert entry.url == stream_url(channel)
    assert entry.tvg_id == "any.edutv.cn"
    assert entry.name == entry.tvg_name or not entry.tvg_name
    assert '"' not in entry.name
    assert len(text.splitlines()) == 3


# ---------------------------------------------------------------------------------- reading

REAL_WORLD = (
    '\ufeff#EXTM3U url-tvg="http://epg.example/guide.xml.gz" tvg-shift=0\r\n'
    "\r\n"
    "#EXTINF:-1 tvg-ID=\"CCTV1.cn\" tvg-name=CCTV-1 tvg-logo='http://l.example/1.png' "
    'group-title="央视, 高清" tvg-chno=1.1,CCTV-1 综合, 高清\r\n'
    "#EXTVLCOPT:http-user-agent=Mozilla/5.0\r\n"
    "http://iptv.example/cctv1.m3u8\r\n"
    "#EXTINF:0,Plain Radio\r\n"
    "#EXTGRP:Radio\r\n"
    "http://iptv.example/radio.mp3\r\n"
    '#EXTINF:-1 catchup-type="flussonic" tvg-rec="3" tvg-id="" junk tvg-chno=x,\r\n'
    "http://iptv.example/archive\r\n"
    "  http://iptv.example/bare.ts  \r\n"
    '#EXTINF:-1 tvg-id="unterminated tvg-name="x",Name\r\n'
    "rtmp://iptv.example/u\r\n"
)


def test_real_world_variants_are_read() -> None:
    first, radio, archive, bare, odd = read_m3u(REAL_WORLD)
    assert first == M3uEntry(
        line=3,
        name="CCTV-1 综合, 高清",
        url="http://iptv.example/cctv1.m3u8",
        attributes={
            "tvg-id": "CCTV1.cn",  # tvg-ID, as some providers write it
            "tvg-name": "CCTV-1",  # unquoted
            "tvg-logo": "http://l.example/1.png",  # single quotes
            "group-title": "央视, 高清",
            "tvg-chno": "1.1",
        },
        duration=-1,
        group="央视, 高清",
        options=("#EXTVLCOPT:http-user-agent=Mozilla/5.0",),
    )
    assert first.number == 1  # a sub-channel 1.1 tunes 1
    assert (radio.name, radio.group, radio.duration, radio.attributes) == (
        "Plain Radio",
        "Radio",  # #EXTGRP
        0,
        {},
    )
    assert (archive.catchup, archive.catchup_days, archive.tvg_id, archive.number) == (
        "flussonic",
        3,
        None,
        None,
    )
    assert (archive.name, archive.line) == ("", 9)
    assert (bare.name, bare.url, bare.line) == ("", "http://iptv.example/bare.ts", 11)
    assert (odd.name, odd.url) == ("Name", "rtmp://iptv.example/u")  # a stray quote costs little
    assert read_m3u_header(REAL_WORLD) == {
        "url-tvg": "http://epg.example/guide.xml.gz",
        "tvg-shift": "0",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#EXTM3U\n#EXTINF:-1,A\n#EXTINF:-1,B\nhttp://b\n",
         "line 2: #EXTINF without a URL before line 3"),
        ("#EXTM3U\n#EXTINF:-1,A\nhttp://a\n#EXTINF:-1,B\n# a comment\n\n",
         r"line 4: #EXTINF without a URL \(the playlist ends\)"),
    ],
)  # fmt: skip
def test_an_entry_without_url_is_an_error_naming_its_line(text: str, message: str) -> None:
    with pytest.raises(EpgError, match=message):
        read_m3u(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", []), ("#EXTM3U\n", []), ("\ufeff#EXTM3U\r\n\r\n", [])],
)
def test_empty_playlists_have_no_entries(text: str, expected: list[M3uEntry]) -> None:
    assert read_m3u(text) == expected
    assert read_m3u_header(text) == {}


def test_lines_are_counted_as_editors_count_them() -> None:
    text = "#EXTM3U\r#EXTINF:-1,A\u2028B\x85C\rhttp://a\r\r#EXTINF:-1,D\n"
    with pytest.raises(EpgError, match=r"^line 5: #EXTINF without a URL"):
        read_m3u(text)
    entry, _ = read_m3u(text.replace("#EXTINF:-1,D\n", "#EXTINF:-1,D\nhttp://b\n"))
    assert (entry.line, entry.name, entry.url) == (2, "A\u2028B\x85C", "http://a")

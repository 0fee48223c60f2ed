"""Extended M3U codec: the channel list IPTV players load next to the XMLTV guide.

There is no formal standard; this follows the attributes Kodi's IPTV Simple client documents,
which other IPTV players read the same way:

    #EXTM3U x-tvg-url="https://example.org/epg.xml" url-tvg="https://example.org/epg.xml"
    #EXTINF:-1 tvg-id="math.edutv.cn" tvg-name="数学" tvg-logo="..." tvg-chno="2" group-title="课程"
    catchup="default" catchup-days="7" catchup-source="https://.../catchup.m3u8?start={utc}&end={utcend}",数学
    https://example.org/live/math.edutv.cn/index.m3u8

(the #EXTINF line is one line). ``tvg-id`` is the channel id, the XMLTV ``<channel id>`` of the
same channel, which is how players join the list to the guide. The guide's address is written
both as ``x-tvg-url`` and ``url-tvg``: players read one or the other.

Catch-up: ``catchup="default"`` with a full ``catchup-source`` URL, or ``catchup="append"`` when
the template is a query (it starts with ``?`` or ``&``) that players append to the stream URL.
Templates should use ``{utc}`` and ``{utcend}``, the programme's start and end in Unix seconds:
Kodi's placeholders (it also takes ``${start}`` and ``${end}``), which players that follow its
catch-up attributes substitute alike. A channel with ``catchup_days == 0`` gets no catch-up.

Quoting: M3U has no escape. Attribute values are written in double quotes, so a ``"`` in a
value (or in the name, which Kodi finds after the last quote) becomes ``'``; line breaks and
other control characters become spaces, so no value can start a line of its own.

Errors: `epg.model.EpgError`, naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from epg.model import Channel, EpgError, pick_text

__all__ = ["M3uEntry", "read_m3u", "read_m3u_header", "write_m3u"]

CatchupUrl = Callable[[Channel], str | None]


@dataclass(frozen=True)
class M3uEntry:
    """One channel of a playlist as it was written; the typed fields are read from
    ``attributes`` (keys in lower case), which keeps everything the #EXTINF line had."""

    line: int  # of the #EXTINF (or of the URL, for a bare entry)
    name: str
    url: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    duration: float = -1
    group: str | None = None  # group-title, else #EXTGRP
    options: tuple[str, ...] = ()  # other directives of the entry (#EXTVLCOPT, #KODIPROP, ...)

    @property
    def tvg_id(self) -> str | None:
        return self.attributes.get("tvg-id") or None

    @property
    def tvg_name(self) -> str | None:
        return self.attributes.get("tvg-name") or None

    @property
    def logo(self) -> str | None:
        return self.attributes.get("tvg-logo") or None

    @property
    def number(self) -> int | None:
        """tvg-chno (or channel-number); "5.1" (a sub-channel) gives 5."""
        text = self.attributes.get("tvg-chno") or self.attributes.get("channel-number") or ""
        match = re.fullmatch(r"\s*(\d+)(?:\.\d+)?\s*", text)
        return int(match.group(1)) if match else None

    @property
    def catchup(self) -> str | None:
        return self.attributes.get("catchup") or self.attributes.get("catchup-type") or None

    @property
    def catchup_days(self) -> int | None:
        text = self.attributes.get("catchup-days") or self.attributes.get("tvg-rec") or ""
        return int(text) if text.strip().isdigit() else None

    @property
    def catchup_source(self) -> str | None:
        return self.attributes.get("catchup-source") or None


# ---------------------------------------------------------------------------------- writing

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", value).replace('"', "'").strip()


def _attributes(pairs: Iterable[tuple[str, str | None]]) -> str:
    return "".join(f' {key}="{_clean(value)}"' for key, value in pairs if value)


def _url(value: str, channel: Channel, what: str) -> str:
    url = value.strip()
    if not url or _CONTROL.search(url):
        raise EpgError(f"channel {channel.id}: {what} {value!r} is empty or spans lines")
    return url


def _extinf(channel: Channel, language: str, catchup_url: CatchupUrl | None) -> str:
    name = _clean(channel.name(language))
    pairs: list[tuple[str, str | None]] = [
        ("tvg-id", channel.id),
        ("tvg-name", name),
        ("tvg-logo", channel.logo),
        ("tvg-chno", str(channel.number)),
        ("group-title", pick_text(channel.group, language)),
    ]
    template = catchup_url(channel) if catchup_url and channel.catchup_days else None
    if template:
        source = _url(template, channel, "catch-up source")
        mode = "append" if source.startswith(("?", "&")) else "default"
        pairs += [
            ("catchup", mode),
            ("catchup-days", str(channel.catchup_days)),
            ("catchup-source", source),
        ]
    return f"#EXTINF:-1{_attributes(pairs)},{name}"


def write_m3u(
    channels: Iterable[Channel],
    *,
    stream_url: Callable[[Channel], str],
    guide_url: str | None = None,
    catchup_url: CatchupUrl | None = None,
    language: str = "zh",
) -> str:
    """The playlist of ``channels`` in the given order (players list them so, or by tvg-chno).

    Args:
        stream_url: each channel's live stream (the backend's /live/<channel>/... playlist).
        guide_url: the XMLTV guide, for players to load with the list.
        catchup_url: each channel's catch-up template (see the module docstring), or None.
        language: which of the channel's names and groups to write (M3U holds one).

    Raises:
        EpgError: a stream or catch-up URL that is empty or contains a line break.
    """
    header = "#EXTM3U"
    if guide_url:
        header += _attributes([("x-tvg-url", guide_url), ("url-tvg", guide_url)])
    lines = [header]
    for channel in channels:
        lines.append(_extinf(channel, language, catchup_url))
        lines.append(_url(stream_url(channel), channel, "stream URL"))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- reading

_ATTRIBUTE = re.compile(
    r"""\s*([A-Za-z][A-Za-z0-9_:.-]*)\s*=\s*(?:"([^"]*)"?|'([^']*)'|([^\s,"']*))"""
)
_DURATION = re.compile(r"\s*(-?\d+(?:\.\d+)?)?")
_JUNK = re.compile(r"\s*[^\s,]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what editors count (str.splitlines splits on more)


def _lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text.removeprefix("\ufeff"))


def _parse_attributes(text: str) -> tuple[dict[str, str], str]:
    """Attributes at the start of ``text`` and what follows them (the name, after a comma).

    Values may be double-, single- or un-quoted; the first of a repeated key wins. Text that is
    neither an attribute nor the comma is skipped a word at a time."""
    attributes: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _ATTRIBUTE.match(text, position)
        if match:
            key = match.group(1).lower()
            value = next((g for g in match.groups()[1:] if g is not None), "")
            attributes.setdefault(key, value.strip())
            position = match.end()
            continue
        rest = text[position:].lstrip()
        if rest.startswith(","):
            return attributes, rest[1:].strip()
        junk = _JUNK.match(text, position)
        if not junk:
            break
        position = junk.end()
    return attributes, ""


def _extinf_fields(line: str) -> tuple[float, dict[str, str], str]:
    body = line[len("#EXTINF:") :]
    match = _DURATION.match(body)
    duration = float(match.group(1)) if match and match.group(1) else -1
    attributes, name = _parse_attributes(body[match.end() if match else 0 :])
    return duration, attributes, name


def read_m3u_header(text: str) -> dict[str, str]:
    """The #EXTM3U line's attributes (``x-tvg-url``, ``url-tvg``, ``catchup``, ...); empty when
    the playlist has none."""
    for line in _lines(text):
        if line.strip().upper().startswith("#EXTM3U"):
            return _parse_attributes(line.strip()[len("#EXTM3U") :])[0]
        if line.strip():
            break
    return {}


def read_m3u(text: str) -> list[M3uEntry]:
    """The entries of a playlist, leniently: CRLF or LF, a byte-order mark, a missing #EXTM3U,
    attributes quoted or not, #EXTGRP for the group, bare URLs without #EXTINF.

    Raises:
        EpgError: an #EXTINF with no URL after it (the line is named).
    """
    entries: list[M3uEntry] = []
    pending: tuple[int, str] | None = None  # the #EXTINF waiting for its URL
    extras: list[str] = []
    for number, raw in enumerate(_lines(text), start=1):
        line = raw.strip()
        if not line or line.upper().startswith("#EXTM3U"):
            continue
        if line.upper().startswith("#EXTINF:"):
            if pending:
                raise EpgError(f"line {pending[0]}: #EXTINF without a URL before line {number}")
            pending, extras = (number, line), []
        elif line.startswith("#"):
            extras.append(line)
        else:
            entries.append(_entry(pending, extras, line, number))
            pending, extras = None, []
    if pending:
        raise EpgError(f"line {pending[0]}: #EXTINF without a URL (the playlist ends)")
    return entries


def _entry(extinf: tuple[int, str] | None, extras: list[str], url: str, number: int) -> M3uEntry:
    duration, attributes, name = _extinf_fields(extinf[1]) if extinf else (-1.0, {}, "")
    groups = [e.split(":", 1)[1].strip() for e in extras if e.upper().startswith("#EXTGRP:")]
    group = attributes.get("group-title") or next((g for g in groups if g), None)
    options = tuple(e for e in extras if not e.upper().startswith("#EXTGRP:"))
    return M3uEntry(
        line=extinf[0] if extinf else number,
        name=name or attributes.get("tvg-name", ""),
        url=url,
        attributes=attributes,
        duration=duration,
        group=group,
        options=options,
    )

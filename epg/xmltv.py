"""XMLTV codec: a lenient importer for guide files from the wild, a strict exporter for ours.

Standards: the XMLTV format as its DTD (``xmltv.dtd``, as shipped in Debian's xmltv-util) defines
it, and the checks of the XMLTV project's validator ``tv_validate_file``, which the exporter's
output passes with no error. Times are XMLTV dates, ``YYYYMMDDhhmmss +hhmm`` (components may be
left off from the right; a missing offset means the importer's ``default_timezone``).

Importing is lenient about what real files get wrong (element order, extension elements such as
``<lcn>``, texts without ``lang``, missing stop times, duplicates and overlaps) and reports what
it could not use in ``XmltvImport.skipped`` and what it had to infer in ``XmltvImport.adjusted``.
It is strict about what could hurt the importing process: entity declarations (entity expansion
bombs, external entities), input past ``max_bytes`` and malformed XML are refused with
`EpgError` and nothing is returned. Nothing is ever fetched: expat reads no external DTD.
Encodings are the XML declaration's: expat reads UTF-8, UTF-16 and single-byte ones; others
(GB2312/GBK/GB18030, Big5, Shift_JIS, ...) are decoded here first.

Mapping, both ways:

- channel: ``id``, ``<display-name lang>`` to ``names``, the number as a display-name made of
  digits only (the DTD's own advice; ``<lcn>`` is read too), the first ``<icon src>`` as ``logo``.
  XMLTV carries no time zone, group, line-up or catch-up: the importer gives every channel
  ``default_timezone`` and the model's defaults for the rest.
- programme: ``<title>``, ``<desc>``, ``<category>``, the first ``<rating><value>``,
  ``<episode-num system="xmltv_ns">`` (0-based, converted) or ``onscreen``. EduTV's own fields
  travel as ``<episode-num system="edutv.lesson|course|stage|grade|subject|live|filler">``, the
  DTD's place for provider identifiers (as ``dd_progid`` is for others); other readers ignore
  systems they do not know. A live class's upstream ``source`` is written as
  ``<url system="edutv.source">`` only when asked (``include_sources``): it is not for players.

Errors: every refusal is `epg.model.EpgError`, its message naming what and where (line, column).
"""

from __future__ import annotations

import codecs
import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import BinaryIO
from xml.parsers import expat
from zoneinfo import ZoneInfo

from epg.model import CHANNEL_ID, Channel, EpgError, Episode, Programme, Texts, pick_text, zone

__all__ = [
    "DEFAULT_MAX_BYTES",
    "XMLTV_ID",
    "Note",
    "XmltvImport",
    "format_xmltv_time",
    "parse_xmltv_time",
    "read_xmltv",
    "usable_id",
    "write_xmltv",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # a week of a few hundred channels; callers may raise it
_CHUNK = 64 * 1024
# What tv_validate_file accepts as a channel id (RFC 2838's DNS-like form): at least one dot.
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._@-]+")
XMLTV_ID = re.compile(r"[-a-zA-Z0-9]+(\.[-a-zA-Z0-9]+)+")
_EDUTV = "edutv."


@dataclass(frozen=True)
class Note:
    """Something the importer skipped or adjusted: where (line of the start tag) and why."""

    line: int
    element: str
    reason: str


@dataclass(frozen=True)
class XmltvImport:
    """What a file gave: channels in file order; programmes by channel (file order, then
    channels the file never declared), each channel's by start, overlap-free."""

    channels: tuple[Channel, ...]
    programmes: tuple[Programme, ...]
    skipped: tuple[Note, ...] = ()  # not imported, with the reason
    adjusted: tuple[Note, ...] = ()  # imported, with a stop the file did not give as such
    ignored: Mapping[str, int] = field(default_factory=dict)  # element name -> count not used
    unknown_channels: tuple[str, ...] = ()  # programmes' channel ids without a <channel>
    generator: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "channels": len(self.channels),
            "programmes": len(self.programmes),
            "skipped": len(self.skipped),
            "adjusted": len(self.adjusted),
            "ignored": sum(self.ignored.values()),
        }


# ---------------------------------------------------------------------------------- times

_TIME = re.compile(
    r"(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"\s*(?:([+-])(\d{2}):?(\d{2})?|([A-Za-z]{1,5}|[A-Za-z]+/[A-Za-z_/+-]+))?"
)
# Abbreviations seen in XMLTV files, each with one meaning only (CST and IST have several).
_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60,
    "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "HKT": 480, "SGT": 480, "AWST": 480,
    "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
}  # fmt: skip


def parse_xmltv_time(text: str, default_zone: ZoneInfo) -> datetime:
    """An XMLTV date in UTC. Without an offset the time is local to ``default_zone``: the DTD
    says so, and files from one broadcaster routinely leave it off."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise EpgError(f"{text!r} is not an XMLTV date (YYYYMMDDhhmmss +hhmm)")
    year, month, day, hour, minute, second, sign, oh, om, name = match.groups()
    tz = default_zone if not (sign or name) else _offset_zone(sign, oh, om, name)
    try:
        clock = (int(part or 0) for part in (hour, minute, second))
        local = datetime(int(year), int(month or 1), int(day or 1), *clock, tzinfo=tz)
        return local.astimezone(UTC)
    except ValueError as error:
        raise EpgError(f"{text!r} is not a date: {error}") from error


def _offset_zone(sign: str | None, hours: str, minutes: str | None, name: str | None) -> tzinfo:
    if sign:
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta >= timedelta(hours=24):
            raise EpgError(f"offset {sign}{hours}{minutes or ''} is not a time zone")
        return timezone(-delta if sign == "-" else delta)
    if name and name.upper() in _ABBREVIATIONS:
        return timezone(timedelta(minutes=_ABBREVIATIONS[name.upper()]))
    if name and "/" in name:
        return zone(name)
    raise EpgError(f"time zone {name!r} is not an offset or a known abbreviation")


def format_xmltv_time(moment: datetime, tz: ZoneInfo) -> str:
    """``moment`` as an XMLTV date local to ``tz`` with its offset (readers show local times
    without converting). Whole seconds: XMLTV has no fractions."""
    local = moment.astimezone(tz)
    offset = local.utcoffset() or timedelta()
    if offset % timedelta(minutes=1):  # historical LMT offsets have seconds: +hhmm cannot say
        local = moment.astimezone(UTC)
    return local.strftime("%Y%m%d%H%M%S %z")


# ---------------------------------------------------------------------------------- parsing


class _Node:
    """An element of a <channel> or <programme>; small, mutable, only while reading."""

    __slots__ = ("attrs", "children", "line", "name", "parts")

    def __init__(self, name: str, attrs: dict[str, str], line: int) -> None:
        self.name, self.attrs, self.line = name, attrs, line
        self.children: list[_Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def all(self, name: str) -> list[_Node]:
        return [child for child in self.children if child.name == name]


_DECLARED = re.compile(
    rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"""
)
# Expat reads UTF-8 and UTF-16 itself, and single-byte encodings through Python; Chinese files
# come in GB2312/GBK/GB18030, Japanese and others in multi-byte encodings it cannot read, so
# everything else is decoded here and handed to expat as UTF-8. GB2312 labels usually mean GBK
# in practice, which GB18030 contains: it decodes them all.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030"}


def _chunks(data: bytes | BinaryIO, max_bytes: int) -> Iterator[bytes]:
    """The input in chunks, refused as soon as it passes ``max_bytes``."""
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > max_bytes:
            raise _too_large(max_bytes)
        view = memoryview(data)
        for offset in range(0, len(view), _CHUNK):
            yield bytes(view[offset : offset + _CHUNK])
        return
    total = 0
    while chunk := data.read(_CHUNK):
        if not isinstance(chunk, bytes | bytearray):
            raise EpgError("XMLTV is read from bytes: open the file in binary mode")
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        yield bytes(chunk)


def _head(chunks: Iterator[bytes], size: int = 1024) -> bytes:
    """The first ``size`` bytes or more, enough to hold the XML declaration."""
    head = b""
    while len(head) < size:
        chunk = next(chunks, None)
        if chunk is None:
            break
        head += chunk
    return head


def _transcoder(head: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for the declared encoding when expat cannot be left to read it."""
    declared = _DECLARED.match(head)
    if not declared:
        return None
    label = declared.group(1).decode("ascii")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        raise EpgError(f"line 1: unknown encoding {label!r}") from None
    if name == "utf-8" or name.startswith("utf-16"):
        return None
    return codecs.getincrementaldecoder(_WIDER.get(name, name))()


class _Reader:
    """Streams bytes through expat, keeping each top-level <channel> and <programme>."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.stack: list[_Node | None] = []  # None: inside an element that is not kept
        self.channels: list[_Node] = []
        self.programmes: list[_Node] = []
        self.ignored: Counter[str] = Counter()
        self.generator: str | None = None

    def _make_parser(self, encoding: str | None) -> None:
        self.parser = parser = expat.ParserCreate(encoding)
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.SkippedEntityHandler = self._skipped_entity

    def feed(self, data: bytes | BinaryIO, max_bytes: int) -> None:
        chunks = _chunks(data, max_bytes)
        head = _head(chunks)
        decoder = _transcoder(head)
        self._make_parser("UTF-8" if decoder else None)
        try:
            for chunk in itertools.chain([head], chunks):
                self.parser.Parse(decoder.decode(chunk).encode() if decoder else chunk, False)
            self.parser.Parse(decoder.decode(b"", True).encode() if decoder else b"", True)
        except expat.ExpatError as error:
            message = expat.ErrorString(error.code)
            raise EpgError(
                f"malformed XML at line {error.lineno}, column {error.offset + 1}: {message}"
            ) from None
        except UnicodeDecodeError as error:
            raise EpgError(f"XMLTV input is not {error.encoding}: {error.reason}") from None

    def _where(self) -> str:
        return f"line {self.parser.CurrentLineNumber}"

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        line = self.parser.CurrentLineNumber
        if not self.stack:
            if name != "tv":
                raise EpgError(f"line {line}: the root element is <{name}>, not XMLTV's <tv>")
            self.generator = attrs.get("generator-info-name")
            self.stack.append(_Node(name, attrs, line))
            return
        parent = self.stack[-1]
        if parent is None or (len(self.stack) == 1 and name not in ("channel", "programme")):
            if parent is not None:
                self.ignored[name] += 1
            self.stack.append(None)
            return
        node = _Node(name, attrs, line)
        if len(self.stack) > 1:
            parent.children.append(node)
        self.stack.append(node)

    def _end(self, name: str) -> None:
        node = self.stack.pop()
        if node is not None and len(self.stack) == 1:
            (self.channels if name == "channel" else self.programmes).append(node)

    def _characters(self, text: str) -> None:
        if self.stack and self.stack[-1] is not None:
            self.stack[-1].parts.append(text)

    def _entity(self, name: str, *_: object) -> None:
        raise EpgError(
            f"{self._where()}: the document declares entity {name!r}; entity declarations are"
            " refused (entity expansion and external entities)"
        )

    def _external(self, _context: str, _base: str | None, system: str | None, _public) -> int:
        raise EpgError(f"{self._where()}: external entity {system!r} refused (nothing is fetched)")

    def _skipped_entity(self, name: str, _is_parameter: bool) -> None:
        self.ignored[f"&{name};"] += 1  # declared in an external DTD that is never read


@dataclass
class _Log:
    """What the conversion tells the caller besides the values."""

    ignored: Counter[str]
    skipped: list[Note] = field(default_factory=list)
    adjusted: list[Note] = field(default_factory=list)


def _too_large(max_bytes: int) -> EpgError:
    return EpgError(f"XMLTV input is larger than {max_bytes} bytes: refused")


# ---------------------------------------------------------------------------------- channels


def _texts(node: _Node, name: str, language: str) -> Texts:
    """The first non-empty text per language (earlier ones are the more canonical, says the
    DTD)."""
    texts: Texts = {}
    for child in node.all(name):
        lang = child.attrs.get("lang", "").strip() or language
        if child.text and lang not in texts:
            texts[lang] = child.text
    return texts


def _number(node: _Node) -> int | None:
    """<lcn> (an extension of iptv-org and NZ files), else a display-name of digits only, one
    without ``lang`` first (ours are written so)."""
    names = node.all("display-name")
    candidates = [c.text for c in node.all("lcn")]
    candidates += [c.text for c in names if "lang" not in c.attrs]
    candidates += [c.text for c in names if "lang" in c.attrs]
    for text in candidates:
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 9999:
            return int(text)
    return None


def _channel_fields(node: _Node, language: str) -> dict[str, object]:
    names: Texts = {}
    for child in node.all("display-name"):
        digits_only = child.text.isascii() and child.text.isdigit() and "lang" not in child.attrs
        lang = child.attrs.get("lang", "").strip() or language
        if child.text and not digits_only and lang not in names:
            names[lang] = child.text
    logo = next((c.attrs["src"].strip() for c in node.all("icon") if c.attrs.get("src")), None)
    return {"names": names or _texts(node, "display-name", language), "logo": logo or None}


def _read_channels(nodes: list[_Node], tz_name: str, language: str, log: _Log) -> list[Channel]:
    """Usable channels in file order, numbered: their own number, else the first free one."""
    seen: dict[str, int] = {}
    kept: list[tuple[_Node, dict[str, object], int | None]] = []
    for node in nodes:
        raw = node.attrs.get("id", "").strip()
        ident = usable_id(raw)
        reason = _channel_problem(ident, seen) if ident else _channel_problem(raw, seen)
        if reason:
            log.skipped.append(Note(node.line, "channel", reason))
            continue
        if ident != raw:
            log.adjusted.append(Note(node.line, "channel", f"id {raw!r} is used as {ident!r}"))
        node.attrs["id"] = ident
        seen[ident] = node.line
        _count_unused(node, {"display-name", "icon", "lcn"}, log.ignored)
        kept.append((node, _channel_fields(node, language), _number(node)))
    used = {number for _, _, number in kept if number is not None}
    free = (n for n in range(1, 10000) if n not in used)
    channels = []
    for node, fields, number in kept:
        ident = node.attrs["id"].strip()
        names = fields["names"] or {language: ident}
        try:
            number = number or next(free)
            channels.append(Channel(ident, number, names, tz_name, logo=fields["logo"]))
        except (StopIteration, EpgError) as error:
            log.skipped.append(Note(node.line, "channel", str(error) or "no number left"))
    return channels


def usable_id(raw: str) -> str:
    """``raw`` as a `CHANNEL_ID`: runs of other characters (spaces, say) become one "-".

    Real feeds use ids such as "Canal 13.cl"; the same rule applies to a programme's channel
    attribute, so programmes still find their channel. "" when nothing usable is left.
    """
    if CHANNEL_ID.fullmatch(raw):
        return raw
    ident = _NOT_IN_ID.sub("-", raw).strip("-._@")[:128]
    return ident if CHANNEL_ID.fullmatch(ident) else ""


def _channel_problem(ident: str, seen: dict[str, int]) -> str | None:
    if not ident:
        return "channel without an id"
    if not CHANNEL_ID.fullmatch(ident):
        return _unusable_id(ident)
    if ident in seen:
        return f"channel {ident!r} is already declared at line {seen[ident]}"
    return None


def _unusable_id(ident: str) -> str:
    """Why ``ident`` is no `CHANNEL_ID`, naming the characters (the pattern may grow)."""
    bad = sorted({c for c in ident if not CHANNEL_ID.fullmatch("a" + c)})
    what = " ".join(repr(c) for c in bad) if bad else "its first character or length"
    return f"channel id {ident!r}: {what} not allowed in a channel id"


def _count_unused(node: _Node, used: set[str], ignored: Counter[str]) -> None:
    for child in node.children:
        if child.name not in used:
            ignored[child.name] += 1


# ---------------------------------------------------------------------------------- episodes

_XMLTV_NS = re.compile(  # season[/seasons] . episode[/episodes] . part[/parts], 0-based
    r"\s*(\d*)\s*(?:/\s*\d*)?\s*\.\s*(\d*)\s*(?:/\s*(\d*))?\s*\.\s*(\d*)\s*(?:/\s*(\d*))?\s*"
)
_ONSCREEN = (
    re.compile(r"S(?:eason)?\s*(?P<s>\d+)\s*[,.-]?\s*E(?:p(?:isode)?)?\.?\s*(?P<e>\d+)", re.I),
    re.compile(r"(?P<s>\d+)x(?P<e>\d+)"),
    re.compile(r"(?:E(?:p(?:isode)?)?\.?\s*)(?P<e>\d+)", re.I),
    re.compile(r"(?:第(?P<s>\d+)季)?\s*第(?P<e>\d+)集"),
)  # fmt: skip


def _episode(node: _Node) -> Episode | None:
    """xmltv_ns first (it is exact), else an on-screen form such as S01E05 or 第5集."""
    values = {c.attrs.get("system", "onscreen"): c.text for c in reversed(node.all("episode-num"))}
    ns = _XMLTV_NS.fullmatch(values.get("xmltv_ns", ""))
    if ns and any(ns.groups()):
        season, episode, episodes, part, parts = (int(g) if g else None for g in ns.groups())
        return _make_episode(
            season=_plus_one(season),
            episode=_plus_one(episode),
            episodes=episodes or None,
            part=_plus_one(part),
            parts=parts or None,
        )
    for pattern in _ONSCREEN:
        found = pattern.search(values.get("onscreen", ""))
        if found:
            numbers = {k: int(v) for k, v in found.groupdict().items() if v}
            return _make_episode(season=numbers.get("s"), episode=numbers.get("e"))
    return None


def _plus_one(number: int | None) -> int | None:
    return None if number is None else number + 1


def _make_episode(**numbers: int | None) -> Episode | None:
    try:
        return Episode(**numbers)
    except EpgError:
        return None


def _xmltv_ns(episode: Episode) -> str:
    def zero_based(number: int | None, total: int | None = None) -> str:
        text = "" if number is None else str(number - 1)
        return text + ("" if total is None else f"/{total}")

    return ".".join(
        (
            zero_based(episode.season),
            zero_based(episode.episode, episode.episodes),
            zero_based(episode.part, episode.parts),
        )
    )


# ---------------------------------------------------------------------------------- programmes


@dataclass
class _Draft:
    """A programme before its stop is settled (files leave it off, or overlap)."""

    line: int
    channel: str
    start: datetime
    stop: datetime | None
    length: timedelta | None
    fields: dict[str, object]
    inferred: str = ""  # where the stop came from when the file did not give it

    def note(self, reason: str) -> Note:
        title = pick_text(self.fields["title"])  # type: ignore[arg-type]
        return Note(self.line, "programme", f"{title!r} on {self.channel}: {reason}")


_PROGRAMME_USED = {"title", "desc", "category", "rating", "episode-num", "length", "live", "url"}
_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600}


def _draft(node: _Node, tz: ZoneInfo, language: str, ignored: Counter[str]) -> _Draft:
    """The programme's fields, or `EpgError` saying why it cannot be imported."""
    raw = node.attrs.get("channel", "").strip()
    channel = usable_id(raw)
    if not channel:
        raise EpgError(_unusable_id(raw))
    if "start" not in node.attrs:
        raise EpgError("no start")
    start = parse_xmltv_time(node.attrs["start"], tz)
    stop = parse_xmltv_time(node.attrs["stop"], tz) if node.attrs.get("stop") else None
    title = _texts(node, "title", language)
    if not title:
        raise EpgError("no title")
    _count_unused(node, _PROGRAMME_USED, ignored)
    fields: dict[str, object] = {
        "title": title,
        "description": _texts(node, "desc", language),
        "categories": tuple(dict.fromkeys(c.text for c in node.all("category") if c.text)),
        "rating": next(
            (v.text for r in node.all("rating") for v in r.all("value") if v.text), None
        ),
        "episode": _episode(node),
        "live": bool(node.all("live")),
    }
    fields.update(_edutv_fields(node, ignored))
    return _Draft(node.line, channel, start, stop, _length(node), fields)


def _length(node: _Node) -> timedelta | None:
    for child in node.all("length"):
        unit = _UNITS.get(child.attrs.get("units", ""))
        if unit and child.text.isdigit() and int(child.text) > 0:
            return timedelta(seconds=int(child.text) * unit)
    return None


def _edutv_fields(node: _Node, ignored: Counter[str]) -> dict[str, object]:
    """EduTV's own fields from ``edutv.*`` episode-nums (and url), as written by `write_xmltv`."""
    fields: dict[str, object] = {}
    for child in node.all("episode-num"):
        key = child.attrs.get("system", "").removeprefix(_EDUTV)
        if not child.attrs.get("system", "").startswith(_EDUTV):
            continue
        if key in ("lesson", "course", "grade") and child.text.isdigit():
            fields[key if key == "grade" else f"{key}_id"] = int(child.text)
        elif key in ("stage", "subject") and child.text:
            fields[key] = child.text
        elif key in ("live", "filler"):
            fields[key] = child.text == "yes"
    for child in node.all("url"):
        if child.attrs.get("system") == f"{_EDUTV}source" and child.text.startswith("http"):
            fields["source"] = child.text
        else:
            ignored["url"] += 1
    return fields


def _settle(drafts: list[_Draft], log: _Log) -> list[_Draft]:
    """One channel's drafts by start, each with a stop, none overlapping."""
    timed = _timed(sorted(drafts, key=lambda d: d.start), log.skipped)
    timed.sort(key=lambda d: (d.start, bool(d.inferred)))
    kept = _without_overlaps(timed, log)
    log.adjusted += [d.note(f"stop taken from {d.inferred}") for d in kept if d.inferred]
    return kept


def _timed(drafts: list[_Draft], skipped: list[Note]) -> list[_Draft]:
    """Drafts with a stop after their start: a missing stop is the <length>, else the next
    start on the channel (the DTD's own reading of a file without stops)."""
    starts = sorted({d.start for d in drafts})
    timed: list[_Draft] = []
    for draft in drafts:
        if draft.stop is None:
            at = bisect_right(starts, draft.start)
            later = starts[at] if at < len(starts) else None
            if draft.length is None and later is None:
                skipped.append(draft.note("no stop, and nothing after it on its channel"))
                continue
            draft.stop = draft.start + draft.length if draft.length else later
            draft.inferred = "its <length>" if draft.length else "the next programme's start"
        if draft.stop <= draft.start:
            skipped.append(draft.note("stop is not after start"))
            continue
        timed.append(draft)
    return timed


def _without_overlaps(drafts: list[_Draft], log: _Log) -> list[_Draft]:
    """Of programmes at the same start the first with a stop of its own is kept (the others are
    duplicates, or a clump the guide cannot show); an overlap ends the earlier programme where
    the later one starts: a channel plays one programme at a time."""
    kept: list[_Draft] = []
    for draft in drafts:
        last = kept[-1] if kept else None
        if last and draft.start == last.start:
            same = draft.stop == last.stop and draft.fields["title"] == last.fields["title"]
            what = "a duplicate of" if same else "starts with"
            log.skipped.append(draft.note(f"{what} the programme at line {last.line}"))
            continue
        if last and draft.start < last.stop:
            last.stop = draft.start
            log.adjusted.append(last.note(f"stop cut to the start of line {draft.line} (overlap)"))
        kept.append(draft)
    return kept


def _read_programmes(
    nodes: list[_Node], tz: ZoneInfo, language: str, log: _Log
) -> dict[str, list[Programme]]:
    """Usable programmes by channel id (in order of first appearance), each list by start."""
    by_channel: dict[str, list[_Draft]] = {}
    for node in nodes:
        try:
            draft = _draft(node, tz, language, log.ignored)
        except EpgError as error:
            log.skipped.append(Note(node.line, "programme", str(error)))
            continue
        by_channel.setdefault(draft.channel, []).append(draft)
    result: dict[str, list[Programme]] = {}
    for channel, drafts in by_channel.items():
        programmes = result.setdefault(channel, [])
        for draft in _settle(drafts, log):
            try:
                programmes.append(Programme(channel, draft.start, draft.stop, **draft.fields))
            except EpgError as error:
                log.skipped.append(draft.note(str(error)))
    return result


def read_xmltv(
    data: bytes | BinaryIO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    default_timezone: str = "Asia/Shanghai",
    default_language: str = "und",
) -> XmltvImport:
    """Import an XMLTV document (bytes, or a binary stream read in chunks).

    Args:
        data: the document; its XML declaration names the encoding (UTF-8 when it does not;
            a GB2312 label is read as GB18030, which also holds the GBK such files carry).
        max_bytes: refuse input past this size, having read at most one chunk more.
        default_timezone: the zone of times without an offset, and of the channels made.
        default_language: the language of texts without ``lang`` (BCP 47 "und": undetermined).

    Raises:
        EpgError: hostile or malformed input; nothing is imported then.
    """
    tz = zone(default_timezone)
    reader = _Reader()
    reader.feed(data, max_bytes)
    log = _Log(reader.ignored)
    channels = _read_channels(reader.channels, default_timezone, default_language, log)
    groups = _read_programmes(reader.programmes, tz, default_language, log)
    known = [c.id for c in channels]
    unknown = [ident for ident, items in groups.items() if items and ident not in set(known)]
    programmes = [p for ident in known + unknown for p in groups.get(ident, ())]
    return XmltvImport(
        channels=tuple(channels),
        programmes=tuple(programmes),
        skipped=tuple(sorted(log.skipped, key=lambda n: n.line)),
        adjusted=tuple(sorted(log.adjusted, key=lambda n: n.line)),
        ignored=dict(log.ignored),
        unknown_channels=tuple(unknown),
        generator=reader.generator,
    )


# ---------------------------------------------------------------------------------- writing

# XML 1.0 forbids most C0 controls; tv_validate_file also flags C1 ones. Neither means anything
# in a title, so they are dropped rather than refused.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    value = _NOT_XML.sub("", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(value: str) -> str:
    escaped = _text(value).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\t", "&#9;")


def _element(name: str, text: str, indent: str = "    ", **attrs: str | None) -> str:
    attributes = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items() if v)
    return f"{indent}<{name}{attributes}>{_text(text)}</{name}>"


def _texts_out(name: str, texts: Texts) -> list[str]:
    return [_element(name, text, lang=lang) for lang, text in texts.items() if text.strip()]


def _channel_xml(channel: Channel) -> list[str]:
    lines = [f'  <channel id="{_attr(channel.id)}">', *_texts_out("display-name", channel.names)]
    lines.append(_element("display-name", str(channel.number)))
    if channel.logo:
        lines.append(f'    <icon src="{_attr(channel.logo)}"/>')
    return [*lines, "  </channel>"]


def _programme_xml(programme: Programme, tz: ZoneInfo, include_sources: bool) -> list[str]:
    start = format_xmltv_time(programme.start, tz)
    stop = format_xmltv_time(programme.stop, tz)
    lines = [
        f'  <programme start="{start}" stop="{stop}" channel="{_attr(programme.channel)}">',
        *_texts_out("title", programme.title),
        *_texts_out("desc", programme.description),
        *(_element("category", c) for c in programme.categories if c.strip()),
    ]
    if include_sources and programme.source:
        lines.append(_element("url", programme.source, system=f"{_EDUTV}source"))
    if programme.episode and _xmltv_ns(programme.episode) != "..":
        lines.append(_element("episode-num", _xmltv_ns(programme.episode), system="xmltv_ns"))
    for key, value in _edutv_values(programme):
        lines.append(_element("episode-num", value, system=f"{_EDUTV}{key}"))
    if programme.rating and programme.rating.strip():
        lines += ["    <rating>", _element("value", programme.rating, "      "), "    </rating>"]
    return [*lines, "  </programme>"]


def _edutv_values(programme: Programme) -> Iterable[tuple[str, str]]:
    values = {
        "lesson": programme.lesson_id,
        "course": programme.course_id,
        "stage": programme.stage,
        "grade": programme.grade,
        "subject": programme.subject,
        "live": "yes" if programme.live else None,
        "filler": "yes" if programme.filler else None,
    }
    return [(k, str(v)) for k, v in values.items() if v is not None and str(v).strip()]


def write_xmltv(
    channels: Iterable[Channel],
    programmes: Iterable[Programme],
    *,
    generator: str = "EduTV",
    include_sources: bool = False,
) -> bytes:
    """A strict XMLTV document (UTF-8, the DTD's element order) that tv_validate_file accepts.

    The channels come first, in the given order, then each channel's programmes by start; a
    channel without programmes is left out (the validator counts it as an error, and players
    match channels by id anyway). Times are local to each channel's zone, to the second.

    Raises:
        EpgError: a channel id that is not an XMLTV id (``name.domain``, no '_'), a channel
            given twice, or a programme on a channel not given.
    """
    by_id: dict[str, Channel] = {}
    for channel in channels:
        if not XMLTV_ID.fullmatch(channel.id):
            raise EpgError(
                f"channel id {channel.id!r} is not an XMLTV id: letters, digits and '-' in"
                " dot-separated parts, at least two (such as 'cctv1.edutv.cn')"
            )
        if channel.id in by_id:
            raise EpgError(f"channel {channel.id!r} is given twice")
        by_id[channel.id] = channel
    grouped: dict[str, list[Programme]] = {ident: [] for ident in by_id}
    for programme in programmes:
        if programme.channel not in grouped:
            raise EpgError(
                f"programme {programme.title_in()!r} at {programme.start.isoformat()} is on"
                f" channel {programme.channel!r}, which is not among the channels"
            )
        grouped[programme.channel].append(programme)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tv SYSTEM "xmltv.dtd">',
        f'<tv generator-info-name="{_attr(generator)}">',
    ]
    lines += [line for i, p in grouped.items() if p for line in _channel_xml(by_id[i])]
    for ident, items in grouped.items():
        tz = by_id[ident].tz
        for programme in sorted(items, key=lambda p: p.start):
            lines += _programme_xml(programme, tz, include_sources)
    lines.append("</tv>\n")
    return "\n".join(lines).encode("utf-8")

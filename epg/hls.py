"""A small reader of the HLS playlists EduTV's lessons are made of (RFC 8216), and the few
formatting rules the linear channel writes them back with.

Only what a lesson's master and media playlists hold is read (our own output,
``tv_backend/media/playlists.py``): ``#EXT-X-STREAM-INF`` and its URI (RFC 8216 §4.3.4.2),
``#EXTINF`` and its URI (§4.3.2.1), ``#EXT-X-DISCONTINUITY`` (§4.3.2.3) and
``#EXT-X-INDEPENDENT-SEGMENTS`` (§4.3.5.1). Anything that would change what a segment URI means
(byte ranges, keys, initialisation sections, alternative renditions) is refused by name rather
than silently dropped: the linear channel would otherwise play something else than the lesson.
Unknown tags are ignored, as §6.3.1 asks of clients.

URIs are made absolute here (§4.1: a relative URI is relative to the playlist that holds it),
against the absolute location the caller gives: a lesson's ``../../../bodies/...`` segments
then mean the same thing from ``/live/<channel>/...`` as from the lesson's own directory.
Durations are kept as whole microseconds so that sums and comparisons are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from epg.model import EpgError

__all__ = [
    "MasterPlaylist",
    "Segment",
    "Variant",
    "attributes",
    "format_date",
    "format_duration",
    "parse_master",
    "parse_media",
    "rendition_name",
    "resolve",
]

MICROS = 1_000_000
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"\r\n]*"|[^",\s]*)(?:,|$)')
_RESOLUTION = re.compile(r"[0-9]+x[0-9]+")
_RENDITION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_UNSUPPORTED = {
    "#EXT-X-BYTERANGE": "byte ranges",
    "#EXT-X-MAP": "initialisation sections (fMP4)",
    "#EXT-X-MEDIA:": "alternative renditions",
    "#EXT-X-I-FRAME-STREAM-INF": "I-frame playlists",
    "#EXT-X-SESSION-KEY": "encryption",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Variant:
    """One ``#EXT-X-STREAM-INF`` of a master playlist, its URI made absolute.

    ``name`` is the rendition's name (``180p``), the key that matches renditions across
    lessons; see `rendition_name`.
    """

    name: str
    uri: str
    bandwidth: int
    average_bandwidth: int | None = None
    resolution: str | None = None
    codecs: str | None = None
    frame_rate: float | None = None


@dataclass(frozen=True)
class MasterPlaylist:
    variants: tuple[Variant, ...]
    independent: bool  # #EXT-X-INDEPENDENT-SEGMENTS: every segment starts with a key frame


@dataclass(frozen=True)
class Segment:
    """One media segment: absolute URI, duration in microseconds, and whether a
    ``#EXT-X-DISCONTINUITY`` precedes it in its playlist."""

    uri: str
    duration: int
    discontinuity: bool = False


def attributes(text: str, where: str) -> dict[str, str]:
    """An attribute list (RFC 8216 §4.2) as strings, quoted values unquoted."""
    found: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _ATTRIBUTE.match(text, position)
        if match is None:
            raise EpgError(f"{where}: cannot read the attribute list at {text[position:]!r}")
        name, value = match.groups()
        if name in found:
            raise EpgError(f"{where}: attribute {name} appears twice")
        found[name] = value[1:-1] if value.startswith('"') else value
        position = match.end()
    return found


def resolve(base: str, reference: str) -> str:
    """``reference`` made absolute against ``base`` (RFC 3986 §5.2, as RFC 8216 §4.1 asks).

    ``base`` is an absolute path (``/media/lessons/k/180p/index.m3u8``) or an absolute URL. A
    relative reference that climbs above the root is refused: RFC 3986 would quietly clamp it
    at ``/``, which here always means the base was given wrong.
    """
    if urlsplit(reference).scheme or reference.startswith("/"):
        return reference
    parts = urlsplit(base)
    if not (parts.scheme or parts.path.startswith("/")):
        raise EpgError(f"playlist location {base!r} is not absolute (a path from / or a URL)")
    ref = urlsplit(reference)
    path = _merge(parts.path, ref.path, base, reference) if ref.path else parts.path
    query = ref.query if ref.path or ref.query else parts.query
    return urlunsplit((parts.scheme, parts.netloc, path, query, ref.fragment))


def _merge(base_path: str, ref_path: str, base: str, reference: str) -> str:
    stack = (base_path or "/").split("/")[:-1]  # the base's directory; stack[0] is the root
    pieces = ref_path.split("/")
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if piece == "..":
            if len(stack) <= 1:
                raise EpgError(f"{reference!r} climbs above the root from {base!r}")
            stack.pop()
            if last:
                stack.append("")
        elif piece == ".":
            if last:
                stack.append("")
        else:
            stack.append(piece)
    return "/".join(stack)


def rendition_name(reference: str) -> str:
    """The rendition a variant URI names: ``180p/index.m3u8`` and ``180p.m3u8`` are ``180p``.

    Taken from the URI as the master writes it, so that every lesson built with the same ladder
    (``lessons/<key>/<rendition>/index.m3u8``) gives the same names.
    """
    path = urlsplit(reference).path.rstrip("/")
    head, _, leaf = path.rpartition("/")
    in_directory = leaf == "index.m3u8" and head
    name = head.rpartition("/")[2] if in_directory else leaf.removesuffix(".m3u8")
    if not _RENDITION.fullmatch(name):
        raise EpgError(f"variant URI {reference!r} does not name a rendition ([A-Za-z0-9._-])")
    return name


def parse_master(text: str, uri: str) -> MasterPlaylist:
    """The variants of the master playlist ``text`` found at ``uri`` (absolute)."""
    lines = _lines(text, uri)
    variants: list[Variant] = []
    independent = False
    pending: dict[str, str] | None = None
    for number, line in lines:
        where = f"{uri} line {number}"
        _refuse_unsupported(line, where)
        if line.startswith("#EXTINF:"):
            raise EpgError(f"{where}: a media playlist where a master playlist was expected")
        if line == "#EXT-X-INDEPENDENT-SEGMENTS":
            independent = True
        elif line.startswith("#EXT-X-STREAM-INF:"):
            if pending is not None:
                raise EpgError(f"{where}: #EXT-X-STREAM-INF follows one that had no URI")
            pending = attributes(line[len("#EXT-X-STREAM-INF:") :], where)
        elif not line.startswith("#"):
            if pending is None:
                raise EpgError(f"{where}: URI {line!r} has no #EXT-X-STREAM-INF")
            variants.append(_variant(pending, line, uri, where))
            pending = None
    if pending is not None:
        raise EpgError(f"{uri}: the last #EXT-X-STREAM-INF has no URI")
    if not variants:
        raise EpgError(f"{uri}: no #EXT-X-STREAM-INF")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise EpgError(f"{uri}: two variants name the same rendition ({', '.join(names)})")
    return MasterPlaylist(tuple(variants), independent)


def _variant(attrs: dict[str, str], reference: str, uri: str, where: str) -> Variant:
    try:
        bandwidth = int(attrs["BANDWIDTH"])
        average = int(attrs["AVERAGE-BANDWIDTH"]) if "AVERAGE-BANDWIDTH" in attrs else None
        frame_rate = float(attrs["FRAME-RATE"]) if "FRAME-RATE" in attrs else None
    except KeyError as missing:
        raise EpgError(f"{where}: #EXT-X-STREAM-INF has no {missing.args[0]}") from None
    except ValueError as error:
        raise EpgError(f"{where}: #EXT-X-STREAM-INF: {error}") from None
    resolution = attrs.get("RESOLUTION")
    if resolution is not None and not _RESOLUTION.fullmatch(resolution):
        raise EpgError(f"{where}: RESOLUTION {resolution!r} is not WIDTHxHEIGHT")
    return Variant(
        name=rendition_name(reference),
        uri=resolve(uri, reference),
        bandwidth=bandwidth,
        average_bandwidth=average,
        resolution=resolution,
        codecs=attrs.get("CODECS"),
        frame_rate=frame_rate,
    )


def parse_media(text: str, uri: str) -> tuple[Segment, ...]:
    """The segments of the media playlist ``text`` found at ``uri`` (absolute)."""
    segments: list[Segment] = []
    duration: int | None = None
    discontinuity = False
    for number, line in _lines(text, uri):
        where = f"{uri} line {number}"
        _refuse_unsupported(line, where)
        if line.startswith("#EXT-X-STREAM-INF:"):
            raise EpgError(f"{where}: a master playlist where a media playlist was expected")
        if line.startswith("#EXT-X-KEY:"):
            if attributes(line[len("#EXT-X-KEY:") :], where).get("METHOD") != "NONE":
                raise EpgError(f"{where}: encrypted segments are not supported")
        elif line.startswith("#EXTINF:"):
            duration = _duration(line[len("#EXTINF:") :].split(",", 1)[0], where)
        elif line == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif not line.startswith("#"):
            if duration is None:
                raise EpgError(f"{where}: segment {line!r} has no #EXTINF")
            segments.append(Segment(resolve(uri, line), duration, discontinuity))
            duration, discontinuity = None, False
    if duration is not None:
        raise EpgError(f"{uri}: the last #EXTINF has no URI")
    if not segments:
        raise EpgError(f"{uri}: no segments")
    return tuple(segments)


def _duration(text: str, where: str) -> int:
    try:
        seconds = float(text)
    except ValueError:
        raise EpgError(f"{where}: #EXTINF duration {text!r} is not a number") from None
    micros = round(seconds * MICROS)
    if not 0 < micros < 3600 * MICROS:
        raise EpgError(f"{where}: #EXTINF duration {text} is not a segment's (0 to 1 h)")
    return micros


def _lines(text: str, uri: str) -> list[tuple[int, str]]:
    """Non-blank lines with their numbers; the first must be ``#EXTM3U`` (§4.3.1.1)."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines or lines[0][1] != "#EXTM3U":
        raise EpgError(f"{uri}: not an HLS playlist (no #EXTM3U first)")
    return lines[1:]


def _refuse_unsupported(line: str, where: str) -> None:
    for tag, what in _UNSUPPORTED.items():
        if line.startswith(tag):
            raise EpgError(f"{where}: {what} are not supported in linear channels")


def format_duration(micros: int) -> str:
    """An ``#EXTINF`` duration: decimal seconds, exact to the microsecond (version 3)."""
    return f"{micros // MICROS}.{micros % MICROS:06d}"


def format_date(micros: int) -> str:
    """An ``#EXT-X-PROGRAM-DATE-TIME`` value (ISO 8601 / RFC 3339, UTC, milliseconds)."""
    moment = _EPOCH + timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

"""Channels and programmes: the values every part of the guide speaks in.

Times are aware datetimes in UTC (`utc` converts and checks); a channel's own time zone
(an IANA name, through zoneinfo) is only used to place local slots and to show times.
Texts are per language (``{"zh": "...", "en": "..."}``), Chinese first by convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CHANNEL_ID",
    "Channel",
    "EpgError",
    "Episode",
    "Programme",
    "Texts",
    "pick_text",
    "utc",
    "zone",
]

Texts = dict[str, str]  # language code -> text
# XMLTV channel ids and M3U tvg-ids ("@" as in iptv-org's "Name.cc@HD")
CHANNEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")


class EpgError(ValueError):
    """Input the guide cannot use; the message says what and where."""


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; naive datetimes are refused (their zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EpgError(f"{moment.isoformat()} has no time zone")
    return moment.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Shanghai``), or `EpgError`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise EpgError(f"unknown time zone {name!r}") from error


def pick_text(texts: Texts, language: str = "zh") -> str:
    """The text in ``language``, else Chinese, else English, else any; "" when none."""
    for lang in (language, "zh", "en"):
        if texts.get(lang):
            return texts[lang]
    return next((t for t in texts.values() if t), "")


@dataclass(frozen=True)
class Episode:
    """Where a programme sits in its series; numbers count from 1 (XMLTV's xmltv_ns counts
    from 0: the codec converts)."""

    season: int | None = None
    episode: int | None = None
    episodes: int | None = None  # in the season
    part: int | None = None
    parts: int | None = None

    def __post_init__(self) -> None:
        for name in ("season", "episode", "episodes", "part", "parts"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise EpgError(f"episode {name} must be 1 or more, not {value}")


@dataclass(frozen=True)
class Channel:
    """One channel of a line-up."""

    id: str  # stable across exports: XMLTV channel id and M3U tvg-id
    number: int  # what the remote's digits tune (M3U tvg-chno)
    names: Texts
    timezone: str = "Asia/Shanghai"
    logo: str | None = None
    group: Texts = field(default_factory=dict)  # M3U group-title, the guide's filter
    lineups: tuple[str, ...] = ()  # regions or packages that carry it; empty: everywhere
    catchup_days: int = 7  # past programmes stay playable this long (0: no catch-up)

    def __post_init__(self) -> None:
        if not CHANNEL_ID.fullmatch(self.id):
            raise EpgError(f"channel id {self.id!r}: letters, digits, '.', '_' or '-'")
        if not 1 <= self.number <= 9999:
            raise EpgError(f"channel {self.id}: number {self.number} is not 1-9999")
        if not pick_text(self.names):
            raise EpgError(f"channel {self.id} has no name")
        zone(self.timezone)
        if not 0 <= self.catchup_days <= 30:
            raise EpgError(f"channel {self.id}: catch-up of {self.catchup_days} days is not 0-30")

    def name(self, language: str = "zh") -> str:
        return pick_text(self.names, language)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)


@dataclass(frozen=True)
class Programme:
    """One item of a channel's timeline, ``start`` inclusive, ``stop`` exclusive (UTC)."""

    channel: str
    start: datetime
    stop: datetime
    title: Texts
    description: Texts = field(default_factory=dict)
    lesson_id: int | None = None  # what plays: a catalog lesson ...
    course_id: int | None = None
    categories: tuple[str, ...] = ()
    stage: str | None = None
    grade: int | None = None
    subject: str | None = None
    rating: str | None = None  # an age rating such as "G" or "6+"
    episode: Episode | None = None
    live: bool = False  # a live class: ``source`` is its upstream HLS when on air
    source: str | None = None
    filler: bool = False  # placed to fill a gap, not programmed

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", utc(self.start))
        object.__setattr__(self, "stop", utc(self.stop))
        if self.stop <= self.start:
            raise EpgError(
                f"programme on {self.channel} at {self.start.isoformat()}: stop is not after start"
            )
        if not pick_text(self.title):
            raise EpgError(f"programme on {self.channel} at {self.start.isoformat()} has no title")
        if self.source is not None and not self.source.startswith(("http://", "https://")):
            raise EpgError(f"programme on {self.channel}: live source {self.source!r} is not HTTP")

    @property
    def duration(self) -> timedelta:
        return self.stop - self.start

    def on_air(self, now: datetime) -> bool:
        return self.start <= utc(now) < self.stop

    def title_in(self, language: str = "zh") -> str:
        return pick_text(self.title, language)

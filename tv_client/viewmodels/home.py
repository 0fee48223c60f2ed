"""The home screen's state: rows of course cards from ``GET /api/v1/home``.

``HomeState.loading()`` while the request runs, then ``HomeState.from_data(...)`` (ready or
empty) or ``HomeState.failed(...)``. Cards carry what a poster card draws: the title, a subtitle
(grade and subject), the poster path and the subject colour for the placeholder. A "continue
watching" row (from the progress store) comes first; each series row ends with "see all".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tv_client.viewmodels import Status, message, offline_banner, text

PLACEHOLDER_COLOR = "#455A64"
LIVE_COLOR = "#C62828"  # live TV's red


@dataclass(frozen=True)
class Card:
    """One course on a row. ``key`` is unique on the screen (a course may be in several rows)."""

    key: str
    course_id: int
    title: str
    subtitle: str
    poster: str | None
    color: str
    more_series: str | None = None  # a "see all" card: OK opens this series' page, no course
    channel: str | None = None  # a "live now" card: OK tunes this channel, no course


@dataclass(frozen=True)
class Row:
    """One titled row of cards; ``key`` is stable across reloads (kind plus series)."""

    key: str
    title: str
    color: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class HomeState:
    """Everything the home screen draws."""

    status: Status
    rows: tuple[Row, ...] = ()
    message: str = ""
    offline: bool = False
    banner: str = ""

    @classmethod
    def loading(cls, language: str) -> HomeState:
        return cls(Status.LOADING, message=message("loading", language))

    @classmethod
    def failed(cls, error: str, language: str, *, offline: bool = False) -> HomeState:
        if offline:
            return cls(Status.ERROR, message=message("offline_nothing", language), offline=True)
        return cls(Status.ERROR, message=message("error", language, error))

    @classmethod
    def from_data(
        cls,
        data: Mapping[str, Any],
        language: str,
        *,
        offline: bool = False,
        fetched_at: float = 0.0,
        continuing: Sequence[Mapping[str, Any]] = (),
        live: Mapping[str, Any] | None = None,
    ) -> HomeState:
        """The rows of a home answer; ``continuing`` (courses in the API's shape, most recent
        first) becomes a "continue watching" row on top; ``live`` (``channels`` and ``now``,
        the answers of /api/v1/channels and /api/v1/guide/now) a "live now" row before the
        series rows."""
        rows = [continue_row(continuing, language), *home_rows(data, language)]
        at = next((i for i, row in enumerate(rows) if row.key.startswith("series-")), len(rows))
        rows.insert(at, live_row(live or {}, language))
        rows = tuple(row for row in rows if row.cards)
        banner = offline_banner(fetched_at, language) if offline else ""
        if not rows:
            return cls(
                Status.EMPTY,
                message=message("empty_home", language),
                offline=offline,
                banner=banner,
            )
        return cls(Status.READY, rows=rows, offline=offline, banner=banner)

    def online(self) -> HomeState:
        """The same content, no longer marked offline."""
        return replace(self, offline=False, banner="")


def continue_row(courses: Sequence[Mapping[str, Any]], language: str) -> Row:
    """The courses this child is in the middle of (from the progress store), or no cards."""
    cards = tuple(card(item, f"continue/{n}", language) for n, item in enumerate(courses))
    return Row("continue", message("continue_row", language), PLACEHOLDER_COLOR, cards)


def live_row(live: Mapping[str, Any], language: str) -> Row:
    """What plays now on each channel, in channel order (a channel with nothing on is left
    out); no cards until both answers are there."""
    now = {
        entry["id"]: entry["now"]
        for entry in (live.get("now") or {}).get("channels") or ()
        if entry.get("now")
    }
    cards = []
    for channel in (live.get("channels") or {}).get("channels") or ():
        programme = now.get(channel["id"])
        if programme is None:
            continue
        name = text(channel.get("name"), language)
        title = text(programme.get("title"), language)
        cards.append(
            Card(
                key=f"live/{len(cards)}",
                course_id=0,
                title=f"{channel.get('number', '')} {title}".strip(),
                subtitle=name,
                poster=None,
                color=LIVE_COLOR,
                channel=channel["id"],
            )
        )
    return Row("live", message("live_row", language), LIVE_COLOR, tuple(cards))


def home_rows(data: Mapping[str, Any], language: str) -> list[Row]:
    """The rows of a home answer, in order, each with a stable key.

    A series row ends with a "see all" card that opens the series' page.
    """
    rows = []
    for index, raw in enumerate(data.get("rows") or ()):
        series = raw.get("series") or {}
        key = f"{raw.get('kind', 'row')}-{series.get('code') or index}"
        cards = [card(item, f"{key}/{n}", language) for n, item in enumerate(raw["items"])]
        color = series.get("color") or PLACEHOLDER_COLOR
        if series.get("code") and cards:
            more = message("see_all", language)
            cards.append(Card(f"{key}/{len(cards)}", 0, more, "", None, color, series["code"]))
        rows.append(Row(key, text(raw.get("title"), language), color, tuple(cards)))
    return rows


def card(item: Mapping[str, Any], key: str, language: str) -> Card:
    """A card for one course summary of the API."""
    subject = item.get("subject") or {}
    parts = [text((item.get(k) or {}).get("name"), language) for k in ("grade", "subject")]
    return Card(
        key=key,
        course_id=int(item["id"]),
        title=text(item.get("title"), language),
        subtitle=" · ".join(p for p in parts if p),
        poster=item.get("poster"),
        color=subject.get("color") or PLACEHOLDER_COLOR,
    )

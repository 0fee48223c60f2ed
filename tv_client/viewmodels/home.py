"""The home screen's state: rows of course cards from ``GET /api/v1/home``.

``HomeState.loading()`` while the request runs, then ``HomeState.from_data(...)`` (ready or
empty) or ``HomeState.failed(...)``. Cards carry what a poster card draws: the title, a subtitle
(grade and subject), the poster path and the subject colour for the placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tv_client.viewmodels import Status, message, offline_banner, text

PLACEHOLDER_COLOR = "#455A64"


@dataclass(frozen=True)
class Card:
    """One course on a row. ``key`` is unique on the screen (a course may be in several rows)."""

    key: str
    course_id: int
    title: str
    subtitle: str
    poster: str | None
    color: str


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
    ) -> HomeState:
        rows = tuple(row for row in home_rows(data, language) if row.cards)
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


def home_rows(data: Mapping[str, Any], language: str) -> list[Row]:
    """The rows of a home answer, in order, each with a stable key."""
    rows = []
    for index, raw in enumerate(data.get("rows") or ()):
        series = raw.get("series") or {}
        key = f"{raw.get('kind', 'row')}-{series.get('code') or index}"
        cards = tuple(card(item, f"{key}/{n}", language) for n, item in enumerate(raw["items"]))
        color = series.get("color") or PLACEHOLDER_COLOR
        rows.append(Row(key, text(raw.get("title"), language), color, cards))
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

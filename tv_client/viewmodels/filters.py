"""The browse screen's filter chips: by stage (stage -> grade -> subject), or one series.

`Filters` holds the chip rows (`Filters.levels`): a mode row (按学段 by stage / 按系列 by
series), then either stage, grade and subject, or the series. Only what has courses is offered:
``GET /api/v1/taxonomy`` lists the subjects each stage, grade and series has courses in, so a
stage offers its own grades and subjects, and a grade its own subjects; a stage, grade or series
without courses is left out. (A backend that does not list them offers everything.) The grade
and subject rows start with 全部 "all"; a choice the new stage or grade lacks becomes 全部.

Choices are kept by code, so rows can change under them. Focus is on one row: left/right move
along it, up/down between rows (entering a row on its selected chip), OK chooses.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tv_client.navigation.focus import Direction
from tv_client.viewmodels import text

_MESSAGES = {
    "all": {"zh": "全部", "en": "All"},
    "stages": {"zh": "按学段", "en": "By stage"},
    "series": {"zh": "按系列", "en": "By series"},
}


class Level(enum.Enum):
    """A chip row, or the grid of courses."""

    MODE = "mode"
    STAGE = "stage"
    GRADE = "grade"
    SUBJECT = "subject"
    SERIES = "series"
    GRID = "grid"


class Mode(enum.Enum):
    """Browsing by stage, grade and subject, or one series at a time (a series page)."""

    STAGES = "stages"
    SERIES = "series"


CHIP_LEVELS = (Level.MODE, Level.STAGE, Level.GRADE, Level.SUBJECT, Level.SERIES)
MODE_ROWS = {
    Mode.STAGES: (Level.STAGE, Level.GRADE, Level.SUBJECT),
    Mode.SERIES: (Level.SERIES,),
}


@dataclass(frozen=True)
class Chip:
    """One filter value; ``code`` None means every value (全部)."""

    code: str | None
    label: str
    color: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ChipView:
    """What a view draws for one chip."""

    label: str
    selected: bool
    focused: bool
    color: str | None


@dataclass(frozen=True)
class Query:
    """The courses to show: ``GET /api/v1/courses`` with these filters."""

    stage: str | None = None
    grade: str | None = None
    subject: str | None = None
    series: str | None = None


def _has_courses(place: Mapping[str, Any]) -> bool:
    """False only when the taxonomy says a stage, grade or series has no subject with courses."""
    return place.get("subjects") != []


class Filters:
    """The chip rows: what each offers, what is chosen, which row and chip have focus."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang
        self.focus = Level.STAGE
        self._stages: tuple[Mapping[str, Any], ...] = ()
        self._subjects: tuple[Chip, ...] = ()
        self._series: tuple[Chip, ...] = ()
        self._chosen: dict[Level, str | None] = dict.fromkeys(CHIP_LEVELS)
        self._cursor = dict.fromkeys(CHIP_LEVELS, 0)

    def load(self, data: Mapping[str, Any]) -> None:
        """Take a taxonomy answer; every choice starts over."""
        self._stages = tuple(
            s for s in data.get("stages") or () if s.get("code") and _has_courses(s)
        )
        self._subjects = tuple(self._chip(s) for s in data.get("subjects") or ())
        self._series = tuple(
            self._chip(s) for s in data.get("series") or () if s.get("code") and _has_courses(s)
        )
        self._chosen = dict.fromkeys(CHIP_LEVELS)
        self._cursor = dict.fromkeys(CHIP_LEVELS, 0)

    @property
    def ready(self) -> bool:
        """Whether there is anything to browse."""
        return bool(self._stages or self._series)

    @property
    def mode(self) -> Mode:
        return Mode(self._chosen[Level.MODE] or Mode.STAGES.value)

    def levels(self) -> tuple[Level, ...]:
        """The chip rows on screen, top to bottom (the mode row only when both modes exist)."""
        if not self.ready:
            return ()
        rows = MODE_ROWS[self.mode]
        return (Level.MODE, *rows) if self._stages and self._series else rows

    def values(self, level: Level) -> tuple[Chip, ...]:
        """The chips of a row, in order."""
        if not self.ready or level is Level.GRID:
            return ()
        if level is Level.MODE:
            return tuple(Chip(mode.value, self._say(mode.value)) for mode in Mode)
        if level is Level.SERIES:
            return self._series
        if not self._stages:
            return ()
        if level is Level.STAGE:
            return tuple(self._chip(stage) for stage in self._stages)
        if level is Level.GRADE:
            grades = [g for g in self._stage().get("grades") or () if _has_courses(g)]
            return (self._all(), *(self._chip(grade) for grade in grades))
        return (self._all(), *self._offered_subjects())

    def chips(self, level: Level, *, focused: bool = True) -> tuple[ChipView, ...]:
        """A row as drawn; the focused chip is marked only when ``focused`` (not in the grid)."""
        cursor = self._cursor[level] if focused and self.focus is level else None
        selected = self._selected_index(level)
        return tuple(
            ChipView(chip.label, n == selected, n == cursor, chip.color)
            for n, chip in enumerate(self.values(level))
        )

    def selected(self, level: Level) -> str | None:
        """The chosen code of a row (None for 全部, or when the row is empty)."""
        values = self.values(level)
        return values[self._selected_index(level)].code if values else None

    def query(self) -> Query:
        if self.mode is Mode.SERIES:
            return Query(series=self.selected(Level.SERIES))
        return Query(*(self.selected(level) for level in MODE_ROWS[Mode.STAGES]))

    @property
    def description(self) -> str:
        """On a series page, what the series is about; else empty."""
        if self.mode is not Mode.SERIES or not self._series:
            return ""
        return self._series[self._selected_index(Level.SERIES)].description

    def focus_id(self) -> str | None:
        """``"grade/g3"``, ``"subject/all"``; None before the taxonomy."""
        values = self.values(self.focus)
        if not values:
            return None
        return f"{self.focus.value}/{values[self._cursor[self.focus]].code or 'all'}"

    # Transitions.

    def start(self, series: str | None) -> None:
        """Show the page of ``series`` if it is offered, else browse by stage; focus its top row."""
        known = any(chip.code == series for chip in self._series)
        mode = Mode.SERIES if known or not self._stages else Mode.STAGES
        self._chosen[Level.MODE] = mode.value
        if known:
            self._chosen[Level.SERIES] = series
        self._settle()
        self.enter(MODE_ROWS[mode][0])

    def enter(self, level: Level) -> None:
        """Focus ``level``, on its selected chip."""
        self.focus = level
        self._cursor[level] = self._selected_index(level)

    def enter_last(self) -> None:
        """Focus the bottom row (coming up or back from the grid)."""
        self.enter(self.levels()[-1])

    def move(self, direction: Direction) -> bool:
        """Move focus; False for down from the bottom row (the grid's turn)."""
        if not direction.vertical:
            step = 1 if direction is Direction.RIGHT else -1
            last = len(self.values(self.focus)) - 1
            self._cursor[self.focus] = min(max(0, self._cursor[self.focus] + step), last)
            return True
        rows = self.levels()
        index = rows.index(self.focus) + (1 if direction is Direction.DOWN else -1)
        if index >= len(rows):
            return False
        self.enter(rows[max(0, index)])
        return True

    def choose(self) -> None:
        """OK: choose the focused chip and move on to the next row (the bottom row stays)."""
        level = self.focus
        code = self.values(level)[self._cursor[level]].code
        if code != self.selected(level):
            self._chosen[level] = code
            if level is Level.STAGE:
                self._chosen[Level.GRADE] = None
            self._settle()
        rows = self.levels()
        if level is Level.MODE:
            self.enter(MODE_ROWS[self.mode][0])
        elif level is not rows[-1]:
            self.enter(rows[rows.index(level) + 1])

    def _settle(self) -> None:
        """Keep what is shown as the choice: a subject the new stage or grade lacks is 全部."""
        for level in CHIP_LEVELS:
            self._chosen[level] = self.selected(level)

    def _stage(self) -> Mapping[str, Any]:
        """The chosen stage (the first until one is chosen)."""
        code = self._chosen[Level.STAGE]
        return next((s for s in self._stages if s["code"] == code), self._stages[0])

    def _offered_subjects(self) -> tuple[Chip, ...]:
        """The subjects with courses in the chosen grade, or in the chosen stage."""
        stage = self._stage()
        grade = self._chosen[Level.GRADE]
        place = next((g for g in stage.get("grades") or () if g.get("code") == grade), stage)
        codes = place.get("subjects")
        if codes is None:  # a backend that does not say: every subject
            return self._subjects
        return tuple(chip for chip in self._subjects if chip.code in codes)

    def _selected_index(self, level: Level) -> int:
        codes = [chip.code for chip in self.values(level)]
        chosen = self._chosen[level]
        return codes.index(chosen) if chosen in codes else 0

    def _chip(self, raw: Mapping[str, Any]) -> Chip:
        name, about = text(raw.get("name"), self.lang), text(raw.get("description"), self.lang)
        return Chip(raw["code"], name, raw.get("color"), about)

    def _all(self) -> Chip:
        return Chip(None, self._say("all"))

    def _say(self, key: str) -> str:
        return text(_MESSAGES[key], self.lang)

"""Who is watching: the household's child profiles, or one local guest.

A profile carries what the TV tailors to a child: a name, a grade (home's "recommended for you"
row asks the backend for it) and a colour for the avatar. Progress and "continue watching" are
kept per profile. When the box is signed in to a household (the households issue), the backend's
profiles are written to ``profiles.json`` in the client's data directory and the TV asks "who's
watching?" on start when there is more than one; otherwise the one local guest profile is used
and nothing is asked::

    {"format": "edutv.profiles", "version": 1, "last": "p2",
     "profiles": [{"id": "p1", "name": "小明", "grade": "g3", "color": "#42A5F5"}, ...]}

A missing or damaged file means the guest (with a warning in the log): a box must always start.
Standard library only (no Kivy), so view-models and tests use it as it is.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tv_client.files import write_atomically

log = logging.getLogger(__name__)

FILE_NAME = "profiles.json"
FORMAT = "edutv.profiles"
VERSION = 1
GUEST_ID = "guest"
AVATAR_COLORS = ("#42A5F5", "#EF5350", "#66BB6A", "#FFA726", "#AB47BC", "#26C6DA")


@dataclass(frozen=True)
class Profile:
    """One child (or the guest). ``grade`` is a taxonomy grade code such as ``g3``, or None."""

    id: str
    name: str
    grade: str | None = None
    color: str = AVATAR_COLORS[0]

    @property
    def initial(self) -> str:
        """The character drawn in the avatar: a Chinese name's last (小明 is 明, as families
        call them; most start with 小), a Latin name's first."""
        if not self.name:
            return "?"
        return self.name[-1] if ord(self.name[-1]) >= 0x2E80 else self.name[0].upper()


GUEST = Profile(GUEST_ID, "访客", None, "#78909C")


@dataclass(frozen=True)
class Household:
    """The profiles on this box and the one chosen last (offered first next time)."""

    profiles: tuple[Profile, ...] = (GUEST,)
    last: str | None = None

    @property
    def ask(self) -> bool:
        """Whether to ask "who's watching?" on start: only with more than one profile."""
        return len(self.profiles) > 1

    def get(self, profile_id: str | None) -> Profile:
        """The profile ``profile_id``, else the last chosen, else the first."""
        by_id = {p.id: p for p in self.profiles}
        return by_id.get(profile_id) or by_id.get(self.last) or self.profiles[0]

    def chose(self, profile_id: str) -> Household:
        return replace(self, last=profile_id)


class ProfileStore:
    """``profiles.json`` in ``directory``: loaded leniently, saved atomically."""

    def __init__(self, directory: Path | str) -> None:
        self.path = Path(directory) / FILE_NAME

    def load(self) -> Household:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Household()
        except (OSError, ValueError) as exc:
            log.warning("ignoring the profiles in %s: %s", self.path, exc)
            return Household()
        try:
            return _household(raw)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring the profiles in %s: %s", self.path, exc)
            return Household()

    def save(self, household: Household) -> None:
        body = {
            "format": FORMAT,
            "version": VERSION,
            "last": household.last,
            "profiles": [asdict(p) for p in household.profiles],
        }
        write_atomically(self.path, json.dumps(body, ensure_ascii=False))


def household_from_api(profiles: list[dict[str, Any]], last: str | None = None) -> Household:
    """The household's child profiles as ``/api/v1/me`` lists them; none: the guest."""
    chosen = tuple(
        Profile(str(p["id"]), str(p["name"]), p.get("grade"), AVATAR_COLORS[n % len(AVATAR_COLORS)])
        for n, p in enumerate(profiles)
    )
    return Household(chosen, last) if chosen else Household()


def _household(raw: Any) -> Household:
    if raw.get("format") != FORMAT:
        raise ValueError(f"not an {FORMAT} file")
    profiles = []
    for n, item in enumerate(raw["profiles"]):
        name = str(item["name"]).strip()
        if not name:
            raise ValueError(f"profile {n} has no name")
        grade = item.get("grade") or None
        color = item.get("color") or AVATAR_COLORS[n % len(AVATAR_COLORS)]
        profiles.append(Profile(str(item["id"]), name, grade, color))
    if not profiles:
        return Household()
    if len({p.id for p in profiles}) != len(profiles):
        raise ValueError("two profiles share an id")
    return Household(tuple(profiles), raw.get("last"))

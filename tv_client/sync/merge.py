"""The backend's progress of a viewer merged into the box's `ProgressStore` (`Syncer.pull`).

Per lesson the newer ``updated_at`` wins, and a completed lesson, on either side, stays
completed: the local store knows "done" only from the position, so a lesson completed on the
backend is recorded at its end. The "continue" row's courses give the local store their names
and posters, so home's row can draw a course this box never opened. Malformed lessons are
skipped (with a warning), never raised: the answer comes from the network.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tv_client.progress import CourseSummary, Entry, ProgressStore, State

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Remote:
    """One lesson of the backend's answer, its time in epoch seconds."""

    course_id: int
    lesson_id: int
    position_s: float
    duration_s: float
    completed: bool
    updated_at: float

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Remote:
        return cls(
            course_id=int(item["course_id"]),
            lesson_id=int(item["lesson_id"]),
            position_s=max(0.0, float(item.get("position_s") or 0.0)),
            duration_s=max(0.0, float(item.get("duration_s") or 0.0)),
            completed=bool(item.get("completed")),
            updated_at=epoch(item["updated_at"]),
        )


def merge(store: ProgressStore, profile_id: str, answer: Mapping[str, Any]) -> int:
    """Merge a pull ``answer`` into ``store`` for ``profile_id``; how many lessons changed."""
    entries, courses = _known(store, profile_id)
    summaries = {**courses, **_continue_courses(answer, courses)}
    changed = skipped = 0
    for item in _list(answer, "lessons"):
        try:
            remote = Remote.parse(item)
        except (KeyError, TypeError, ValueError):
            skipped += 1
            continue
        update = merged(entries.get(remote.lesson_id), remote)
        if update is not None:
            course = summaries.get(remote.course_id) or CourseSummary(remote.course_id)
            store.record(profile_id, course, remote.lesson_id, *update)
            changed += 1
    if skipped:
        log.warning("skipped %d malformed lessons in the backend's progress", skipped)
    return changed


def merged(local: Entry | None, remote: Remote) -> tuple[float, float, float] | None:
    """``(position_s, duration_s, updated_at)`` to record for ``remote``, or None to keep
    ``local``: the newer wins, and a completed lesson (on either side) stays completed."""
    duration_s = remote.duration_s or (local.duration_s if local else 0.0)
    if local is not None and local.mark.state is State.DONE:
        return None
    if remote.completed and duration_s > 0:
        updated_at = max(remote.updated_at, local.updated_at if local else remote.updated_at)
        return duration_s, duration_s, updated_at
    if local is None or remote.updated_at > local.updated_at:
        return remote.position_s, duration_s, remote.updated_at
    return None


def epoch(value: Any) -> float:
    """Seconds since the epoch from an RFC 3339 string (naive: UTC) or a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _continue_courses(
    answer: Mapping[str, Any], known: Mapping[int, CourseSummary]
) -> dict[int, CourseSummary]:
    """The course summaries of the answer's "continue" row (keeping known lesson orders)."""
    summaries = {}
    for item in _list(answer, "continue"):
        try:
            summary = CourseSummary.from_course(item["course"])
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        previous = known.get(summary.id)
        if not summary.lesson_ids and previous is not None:
            summary = dataclasses.replace(summary, lesson_ids=previous.lesson_ids)
        summaries[summary.id] = summary
    return summaries


def _known(
    store: ProgressStore, profile_id: str
) -> tuple[dict[int, Entry], dict[int, CourseSummary]]:
    """The store's lessons and courses of ``profile_id``.

    ProgressStore has no public read of its entries (their ``updated_at``) yet; this is the one
    place that reaches inside it, until it grows one.
    """
    with store._lock:
        profile = store._profile(profile_id)
        return dict(profile.lessons), dict(profile.courses)


def _list(answer: Mapping[str, Any], key: str) -> list[Any]:
    value = answer.get(key)
    return value if isinstance(value, list) else []

"""The merge of the backend's progress into the box's: the rule, and the backend's times."""

from __future__ import annotations

import pytest

from tv_client.progress import Entry
from tv_client.sync.merge import Remote, epoch, merged


def local(position: float, updated_at: float, duration: float = 1800.0) -> Entry:
    return Entry(3, 12, position, duration, updated_at)


def remote(position: float, updated_at: float, completed=False, duration=1800.0) -> Remote:
    return Remote(3, 12, position, duration, completed, updated_at)


@pytest.mark.parametrize(
    ("here", "there", "recorded"),
    [
        (None, remote(700, 50), (700, 1800, 50)),  # new here
        (local(100, 10), remote(700, 50), (700, 1800, 50)),  # there is newer
        (local(900, 60), remote(700, 50), None),  # here is newer
        (local(900, 50), remote(700, 50), None),  # a tie keeps what is here
        (local(1800, 10), remote(60, 50), None),  # done here stays done
        (local(900, 60), remote(700, 50, completed=True), (1800, 1800, 60)),  # done there
        (None, remote(700, 50, completed=True), (1800, 1800, 50)),
        (local(5, 10, duration=0), remote(60, 50, duration=0), (60, 0, 50)),  # length unknown
        (local(5, 10), remote(60, 50, completed=True, duration=0), (1800, 1800, 50)),
    ],
)
def test_the_merge_rule(here, there, recorded):
    assert merged(here, there) == recorded


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2026-01-01T12:00:00+08:00", 1767240000.0),
        ("2026-01-01T04:00:00Z", 1767240000.0),
        ("2026-01-01T04:00:00", 1767240000.0),  # no offset: UTC
        (1767240000, 1767240000.0),
    ],
)
def test_times_from_the_backend(value, seconds):
    assert epoch(value) == seconds

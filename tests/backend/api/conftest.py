"""Fixtures of the HTTP tests: a clock the accounts and the device flow read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    """The time the use-cases see; ``tick`` moves it on."""

    def __init__(self) -> None:
        self.at = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def tick(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock(services) -> Clock:
    clock = Clock()
    services.device_flow.now = clock
    services.accounts.now = clock
    return clock

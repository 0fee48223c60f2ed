"""Fixtures for every test: paths and the shared fixtures folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared next to the checkout; tests that need it skip, visibly, where it is absent."""
    if not (SHARED / "fixtures").is_dir():
        pytest.skip(f"{SHARED}/fixtures is absent (tests marked 'shared' need it)")
    return SHARED


def _wait_until(predicate, limit: float = 5.0, poll: float = 0.01) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll)
    return False


@pytest.fixture(scope="session")
def wait_until():
    """``wait_until(predicate, limit=5.0)``: poll until true; False if the limit passes."""
    return _wait_until

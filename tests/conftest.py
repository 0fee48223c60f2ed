"""Fixtures for every test: paths and the shared fixtures folder."""

from __future__ import annotations

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

"""The demo catalog, built once per machine: media under .cache/demo-media is reused.

Building from nothing takes a couple of minutes on two cores; later runs reuse the media
(``build_lessons`` skips lessons that are already built) and take seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tv_backend.app import create_app
from tv_backend.demo.seed import seed
from tv_backend.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
MEDIA_CACHE = Path(os.environ.get("TV_TEST_MEDIA_CACHE", ROOT / ".cache" / "demo-media"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(app, seed report) of the full demo catalog on a fresh SQLite database."""
    data = tmp_path_factory.mktemp("demo")
    settings = Settings(data_dir=data, media_dir=MEDIA_CACHE)
    app = create_app(settings, migrate=True)
    report = seed(app.extensions["edutv"], jobs=2, echo=lambda _line: None)
    yield app, report
    app.extensions["edutv"].close()

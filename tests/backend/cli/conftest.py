"""``run(*args)``: the ``edutv`` command line in-process, on the test's database and cache."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tv_backend.cli import main


@pytest.fixture
def run(settings):
    env = {
        "TV_DATA_DIR": str(settings.data_dir),
        "TV_DATABASE_URL": settings.database_url,
        "TV_REDIS_URL": settings.redis_url,
        "TV_LOG_LEVEL": "warning",
    }

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke

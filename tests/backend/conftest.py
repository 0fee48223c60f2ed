"""Backend fixtures: an app per test on a fresh database, SQLite and PostgreSQL alike.

Every test that uses ``app`` or ``client`` runs twice: on SQLite with the in-process cache,
and on PostgreSQL with the real Redis cache. The services come from ``TV_TEST_POSTGRES_URL``
(default ``postgresql+psycopg://postgres@127.0.0.1/postgres``) and ``TV_TEST_REDIS_URL``
(default ``redis://127.0.0.1:6379/15``); ``make test`` starts both. Each PostgreSQL test gets a
new database cloned from a migrated template, so tests never share rows.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tv_backend.app import create_app
from tv_backend.settings import Settings
from tv_backend.storage import db

POSTGRES_URL = os.environ.get(
    "TV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"
)
REDIS_URL = os.environ.get("TV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not answering ({exc}); `make test` starts it.")
    return REDIS_URL


class PostgresDatabases:
    """Creates databases from a migrated template and drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.url = make_url(admin_url)
        self.template = f"edutv_tpl_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def setup(self) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = db.make_engine(self.url.set(database=self.template).render_as_string(False))
        db.upgrade(engine)
        engine.dispose()

    def new(self) -> str:
        name = f"edutv_t_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
            # The template carries one epoch; each clone gets its own, as a new database would.
        url = self.url.set(database=name).render_as_string(False)
        engine = create_engine(url)
        with engine.begin() as c:
            c.execute(text("UPDATE catalog_state SET epoch = :e"), {"e": uuid.uuid4().hex})
        engine.dispose()
        self.created.append(name)
        return url

    def drop(self, name: str) -> None:
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def teardown(self) -> None:
        for name in [*self.created, self.template]:
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(POSTGRES_URL)
    try:
        databases.setup()
    except Exception as exc:  # any driver error means: no server to test against
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not usable ({exc}); `make test` starts it.")
    yield databases
    databases.teardown()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request, tmp_path: Path) -> Settings:
    """Settings for one test: SQLite + in-process cache, or PostgreSQL + Redis."""
    media = tmp_path / "media"
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path, media_dir=media)
    url = request.getfixturevalue("postgres").new()
    return Settings(
        data_dir=tmp_path,
        media_dir=media,
        database_url=url,
        redis_url=request.getfixturevalue("redis_url"),
    )


@pytest.fixture
def app(settings: Settings):
    app = create_app(settings, migrate=True)
    app.config["TESTING"] = True
    yield app
    app.extensions["edutv"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def services(app):
    return app.extensions["edutv"]


@pytest.fixture
def small_feed(fixtures_dir: Path) -> dict:
    return json.loads((fixtures_dir / "feed_small.json").read_text(encoding="utf-8"))


@pytest.fixture
def catalog(services, small_feed):
    """The small test feed imported; returns the services."""
    from tv_backend.schemas.catalog_feed import load_feed

    services.catalog_import.run(load_feed(small_feed))
    return services

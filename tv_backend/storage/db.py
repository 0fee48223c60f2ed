"""SQL engine, sessions and migrations.

The engine is built once per process by the composition root. SQLite gets WAL mode, a busy
timeout and foreign keys; PostgreSQL uses psycopg 3 with pre-ping.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``, with the per-dialect settings EduTV relies on."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str:
    """The newest migration this code knows."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


class DatabaseNotReady(RuntimeError):
    """The database is not at the schema this code expects."""


def check_revision(engine: Engine) -> None:
    """Raise DatabaseNotReady, saying what to run, unless the schema is at head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise DatabaseNotReady(
            f"The database is at schema revision {current or 'none'} but this EduTV needs "
            f"{head}: run `edutv db upgrade` (`edutv serve` does it on start)."
        )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class VersionedWrite:
    """One transaction whose commit also bumps a version row (``state``: a model whose row 1
    holds ``version``): the writes and the new version land together or not at all. Caches
    key on that version, so readers never see new data under an old label."""

    state: type  # CatalogState, EpgState, ...

    def __init__(self, session: Session) -> None:
        self.session = session
        self.version: int | None = None

    def __enter__(self):
        self.session.begin()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.version = self._bump()
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def _bump(self) -> int:
        state = self.state
        self.session.execute(update(state).where(state.id == 1).values(version=state.version + 1))
        return self.session.execute(select(state.version).where(state.id == 1)).scalar_one()

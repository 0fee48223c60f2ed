"""The progress outbox: events waiting for the backend, in SQLite on the box.

The player's reporter `add`s an event; the syncer sends a `batch` (oldest first) and `remove`s
what the backend acknowledged. Nothing else deletes an event, so an event is lost only with the
box's storage. One table::

    events(id TEXT PRIMARY KEY, body TEXT (the event as JSON), created_at REAL (epoch seconds),
           attempts INTEGER (sends that were not acknowledged))

Durability. The journal is a WAL with ``synchronous=FULL``: every commit syncs the log before
`add` returns. With ``NORMAL`` a WAL is synced only at checkpoints, so a commit survives the app
crashing but not the power going, and a set-top box is unplugged, not shut down; the promise "a
power cut loses at most 10 s" needs the event written 10 s ago to be on the flash. ``FULL`` costs
one fsync per event, and there is one every 10 s of playing plus one per pause, seek or stop.

Never fatal. A damaged database (not a database, or failing ``quick_check`` on open, or found
malformed later) is moved aside as ``<name>.broken-<UTC time>`` (with its ``-wal`` and ``-shm``)
and an empty outbox starts, with a warning. A file that cannot be opened at all (a read-only
disk) gives an outbox in memory, kept until the app stops. Any other SQLite error in an operation
is logged and the operation does nothing. The local progress file holds what the screens show
either way.

Thread-safe: one connection, used under a lock (the player adds, the syncer's thread sends).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

FILE_NAME = "outbox.db"  # in the client's data directory
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
)
"""
_DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
T = TypeVar("T")


class _Damaged(sqlite3.DatabaseError):
    """The database opened but its pages are inconsistent (``quick_check`` said so)."""


class Outbox:
    """Events as JSON objects with an ``"id"``, kept in ``path`` until removed."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = self._open()

    @classmethod
    def in_data_dir(cls, data_dir: Path | str, **kwargs: Any) -> Outbox:
        """The outbox in the client's data directory (``<data dir>/outbox.db``)."""
        return cls(Path(data_dir) / FILE_NAME, **kwargs)

    def add(self, event: Mapping[str, Any]) -> bool:
        """Store ``event``, durably, before returning; False (logged) when it could not be.

        An id already stored is ignored: adding is idempotent.
        """
        row = (str(event["id"]), json.dumps(event, ensure_ascii=False), self._clock())
        sql = "INSERT OR IGNORE INTO events (id, body, created_at) VALUES (?, ?, ?)"

        def work(db: sqlite3.Connection) -> bool:
            db.execute(sql, row)
            return True

        return self._run("store an event", work, False)

    def batch(self, limit: int = 200) -> list[dict[str, Any]]:
        """Up to ``limit`` events, the oldest first (in the order they were added)."""
        sql = "SELECT id, body FROM events ORDER BY rowid LIMIT ?"
        rows = self._run("read events", lambda db: db.execute(sql, (limit,)).fetchall(), [])
        events, unreadable = [], []
        for event_id, body in rows:
            try:
                events.append(json.loads(body))
            except ValueError:
                unreadable.append(event_id)
        if unreadable:
            log.warning("dropping %d unreadable events from the outbox", len(unreadable))
            self.remove(unreadable)
        return events

    def remove(self, ids: Iterable[str]) -> None:
        """Forget the events ``ids`` (the backend has them); unknown ids are ignored."""
        self._many("DELETE FROM events WHERE id = ?", ids, "remove events")

    def attempted(self, ids: Iterable[str]) -> None:
        """Count one more unacknowledged send of the events ``ids``."""
        sql = "UPDATE events SET attempts = attempts + 1 WHERE id = ?"
        self._many(sql, ids, "count attempts")

    def attempts(self, event_id: str) -> int:
        """How many sends of ``event_id`` went unacknowledged (0 when it is not stored)."""
        sql = "SELECT attempts FROM events WHERE id = ?"
        rows = self._run("read attempts", lambda db: db.execute(sql, (event_id,)).fetchall(), [])
        return rows[0][0] if rows else 0

    def count(self) -> int:
        """How many events wait."""
        sql = "SELECT count(*) FROM events"
        return self._run("count events", lambda db: db.execute(sql).fetchone()[0], 0)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _many(self, sql: str, ids: Iterable[str], what: str) -> None:
        rows = [(str(event_id),) for event_id in ids]

        def work(db: sqlite3.Connection) -> None:
            with db:  # one transaction: commits, or rolls back on an error
                db.execute("BEGIN")
                db.executemany(sql, rows)

        if rows:
            self._run(what, work, None)

    def _run(self, what: str, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``work(connection)`` under the lock; a damaged file is replaced and tried once more."""
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.DatabaseError as exc:
                if not _damaged(exc):
                    return self._failed(what, exc, default)
                self._db.close()
                self._db = self._replace_damaged(exc)
            try:
                return work(self._db)
            except sqlite3.DatabaseError as exc:
                return self._failed(what, exc, default)

    def _failed(self, what: str, exc: BaseException, default: T) -> T:
        log.warning("the outbox %s could not %s: %s", self.path, what, exc)
        return default

    def _open(self) -> sqlite3.Connection:
        try:
            return _connect(self.path)
        except sqlite3.DatabaseError as exc:
            if _damaged(exc):
                return self._replace_damaged(exc)
            return self._in_memory(exc)
        except OSError as exc:
            return self._in_memory(exc)

    def _replace_damaged(self, exc: BaseException) -> sqlite3.Connection:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self._clock()))
        aside = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        log.warning(
            "the outbox %s is damaged (%s): moved to %s, starting empty", self.path, exc, aside
        )
        for suffix in ("", "-wal", "-shm"):  # a stale WAL must not be replayed into the new file
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        try:
            return _connect(self.path)
        except (sqlite3.Error, OSError) as again:
            return self._in_memory(again)

    def _in_memory(self, exc: BaseException) -> sqlite3.Connection:
        log.warning(
            "cannot open the outbox %s (%s): progress waits in memory until the app stops",
            self.path,
            exc,
        )
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.execute(_SCHEMA)
        return db


def _connect(path: Path) -> sqlite3.Connection:
    """The outbox database at ``path``, checked, in WAL mode with full syncs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit (isolation_level=None): every statement outside BEGIN commits, and syncs, alone.
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # see the module docstring: power cuts
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise _Damaged("; ".join(problems[:3]))
        db.execute(_SCHEMA)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except BaseException:
        db.close()
        raise
    return db


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` says the file is not a (sound) SQLite database."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, _Damaged) or (code is not None and code & 0xFF in _DAMAGED_CODES)

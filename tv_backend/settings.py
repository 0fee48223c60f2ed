"""Typed, documented settings for the backend, read from ``TV_*`` environment variables.

Every setting is declared once here, with its type, default, environment variable and
description. ``Settings.from_env()`` is called inside the composition root (``create_app`` or
the CLI), never at import time; tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


def _setting(default, doc: str, *, env: str | None = None):
    return field(default=default, metadata={"doc": doc, "env": env})


@dataclass(frozen=True)
class Settings:
    """Backend configuration. Field metadata carries each variable's description."""

    data_dir: Path = _setting(
        Path("var"), "Directory for the embedded SQLite database and other local state."
    )
    database_url: str = _setting(
        "",
        "SQLAlchemy URL of the database. Empty: a SQLite file `edutv.sqlite3` in TV_DATA_DIR. "
        "PostgreSQL: `postgresql+psycopg://user@host/db`.",
    )
    redis_url: str = _setting(
        "",
        "Redis URL for the shared cache, e.g. `redis://127.0.0.1:6379/0`. Empty: an "
        "in-process cache (fine for one process; use Redis with several workers or hosts).",
    )
    redis_timeout: float = _setting(
        0.25, "Seconds to wait for Redis before treating it as down and reading from SQL."
    )
    redis_retry_after: float = _setting(
        5.0, "Seconds to stop asking Redis after a failure before trying it again."
    )
    media_dir: Path | None = _setting(
        None, "Directory holding HLS media and posters. Empty: `media` in TV_DATA_DIR."
    )
    media_url: str = _setting(
        "/media",
        "URL prefix under which clients fetch media: the backend's own /media in "
        "development, an nginx location or a CDN origin in production.",
    )
    serve_media: bool = _setting(
        True, "Serve TV_MEDIA_DIR at /media from the backend itself (development)."
    )
    secret_key: str = _setting(
        "", "Secret for signing sessions and tokens. Required in production (`serve`)."
    )
    cache_ttl: int = _setting(
        3600, "Seconds a cached catalog response lives in the cache (versioning invalidates it)."
    )
    http_max_age: int = _setting(
        60, "max-age in seconds of Cache-Control on catalog responses (clients revalidate)."
    )
    bind: str = _setting("127.0.0.1:8000", "Address `edutv serve` listens on.")
    workers: int = _setting(2, "gunicorn worker processes for `edutv serve`.")
    threads: int = _setting(4, "Threads per gunicorn worker for `edutv serve`.")
    log_level: str = _setting("info", "Log level: debug, info, warning or error.")
    public_url: str = _setting(
        "",
        "Absolute base URL parents reach the backend at, for the device flow's "
        "verification_uri (e.g. `https://tv.example.edu.cn`). Empty: the request's own host.",
    )
    access_token_ttl: int = _setting(3600, "Seconds a TV's access token is valid.")
    refresh_token_ttl: int = _setting(
        90 * 24 * 3600, "Seconds a TV's refresh token is valid (each refresh rotates it)."
    )
    device_code_ttl: int = _setting(
        600, "Seconds a device code and its user code wait for a parent's approval."
    )
    device_poll_interval: int = _setting(
        5, "Seconds a TV waits between token polls (RFC 8628 interval; slow_down adds 5)."
    )
    user_code_attempts: int = _setting(
        10, "Wrong user codes allowed per account and per network (IPv4 or IPv6 /64) per window."
    )
    user_code_window: int = _setting(
        900, "Seconds of the window TV_USER_CODE_ATTEMPTS and sign-in failures are counted in."
    )
    web_session_ttl: int = _setting(
        12 * 3600, "Seconds a parent stays signed in to the /device pages."
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL, with the embedded SQLite default filled in."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'edutv.sqlite3').resolve()}"

    @property
    def resolved_media_dir(self) -> Path:
        """The media directory, defaulting to ``media`` inside the data directory."""
        return self.media_dir if self.media_dir is not None else self.data_dir / "media"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``TV_<FIELD>`` variables; unset variables keep their defaults."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            name = env_name(f)
            if name in environ:
                values[f.name] = _parse(f, name, environ[name])
        return cls(**values)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """(variable, default, description) for every setting, for the README and `--help`."""
        rows = []
        for f in dataclasses.fields(cls):
            default = "" if f.default is None else str(f.default)
            rows.append((env_name(f), default, f.metadata["doc"]))
        return rows


def env_name(f: dataclasses.Field) -> str:
    """The environment variable that sets field ``f``."""
    return f.metadata.get("env") or f"TV_{f.name.upper()}"


def _parse(f: dataclasses.Field, name: str, raw: str):
    kind = f.type if isinstance(f.type, str) else f.type.__name__
    raw = raw.strip()
    try:
        if kind == "bool":
            return _parse_bool(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("Path"):
            return Path(raw) if raw else None if "None" in kind else Path(".")
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.split(' ')[0]}") from exc
    return raw


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(raw)

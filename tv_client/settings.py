"""Typed, documented settings for the TV client, read from ``TV_*`` environment variables.

Every setting is declared once here, with its type, default, environment variable and
description. ``Settings.from_env()`` is called only in the composition root (``TvApp.build``);
tests build ``Settings(...)`` directly. Standard library only: no Kivy, no backend imports.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("zh", "en")
PLAYERS = ("vlc", "null")


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


def _doc(doc: str, *, env: str | None = None) -> dict[str, str | None]:
    """Field metadata: the description, and the variable when it is not ``TV_<FIELD>``."""
    return {"doc": doc, "env": env}


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "edutv-tv"


@dataclass(frozen=True)
class Settings:
    """TV client configuration. Field metadata carries each variable's description."""

    backend_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=_doc("Base URL of the EduTV backend the TV talks to."),
    )
    client_data_dir: Path | None = field(
        default=None,
        metadata=_doc(
            "Directory for the client's disk cache (the last catalog, shown while offline). "
            "Empty: `edutv-tv` under XDG_CACHE_HOME (or ~/.cache)."
        ),
    )
    keymap: Path | None = field(
        default=None,
        metadata=_doc("A carrier's key-map override file (JSON, see tv_client.navigation.keys)."),
    )
    language: str = field(
        default="zh", metadata=_doc("Interface language: `zh` (default) or `en`.")
    )
    assets_dir: Path | None = field(
        default=None,
        metadata=_doc("Directory of fonts and images. Empty: the repository's `assets/`."),
    )

    player: str = field(
        default="vlc",
        metadata=_doc(
            "Video player: `vlc` (libVLC, drawn inside the app) or `null` (simulated time, no "
            "video: screen tests and boxes being set up without libVLC)."
        ),
    )
    vlc_options: str = field(
        default="",
        metadata=_doc(
            "Extra libVLC options, space-separated, for a box's quirks (e.g. `--aout=dummy` "
            "on a box without sound, `--network-caching=3000` on a very slow line)."
        ),
    )

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise SettingsError(f"TV_LANGUAGE={self.language!r} must be one of {LANGUAGES}")
        if self.player not in PLAYERS:
            raise SettingsError(f"TV_PLAYER={self.player!r} must be one of {PLAYERS}")

    @property
    def resolved_data_dir(self) -> Path:
        """The data directory, with the per-user cache default filled in."""
        return self.client_data_dir if self.client_data_dir is not None else _default_data_dir()

    @property
    def resolved_assets_dir(self) -> Path:
        """The assets directory, defaulting to the repository's ``assets/``."""
        if self.assets_dir is not None:
            return self.assets_dir
        return Path(__file__).resolve().parents[1] / "assets"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``TV_<FIELD>`` variables; unset or empty ones keep their defaults."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(env_name(f), "").strip()
            if raw:
                values[f.name] = Path(raw) if "Path" in str(f.type) else raw
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

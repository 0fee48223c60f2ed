"""What the family chose on the settings screen, kept on the box across restarts.

The environment (``TV_*``, `tv_client.settings.Settings`) gives a carrier's defaults; the
`Preferences` a user saved win over them. `PreferencesStore` keeps them as JSON in the client's
data directory (``preferences.json``), only the fields that differ from the defaults, so a
carrier's later change of a default still reaches every box whose user never chose otherwise::

    {"format": "edutv.preferences", "version": 1, "language": "en", "quality": "720p"}

A missing, unreadable or damaged file (or one bad field) means the defaults, with a warning in
the log: a box must start whatever is on its disk. Saving writes a temporary file beside it and
moves it over with ``os.replace``, so a power cut leaves the old file or the new, never half.

Standard library only (no Kivy), so view-models and tests use it as it is.

Exceptions::

    BackendUrlError (ValueError)   an address the backend cannot be at; ``message(lang)`` says
                                   why, in the screen's language
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from tv_client.files import write_atomically
from tv_client.settings import LANGUAGES, Settings

log = logging.getLogger(__name__)

FILE_NAME = "preferences.json"
FORMAT = "edutv.preferences"
VERSION = 1

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}  # each named in itself, as TVs do
AUTO = "auto"
# Playback quality: automatic, or a cap for slow lines (the player picks no taller rendition).
QUALITIES = (
    (AUTO, {"zh": "自动（按网速）", "en": "Auto (by connection)"}),
    ("1080p", {"zh": "最高 1080p 超清", "en": "Up to 1080p"}),
    ("720p", {"zh": "最高 720p 高清", "en": "Up to 720p"}),
    ("480p", {"zh": "最高 480p 标清", "en": "Up to 480p"}),
    ("360p", {"zh": "最高 360p 流畅", "en": "Up to 360p"}),
)


@dataclass(frozen=True)
class Preferences:
    """The user's choices. ``backend_url`` None means the environment's `Settings.backend_url`."""

    language: str = "zh"
    quality: str = AUTO
    backend_url: str | None = None

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")
        if self.quality not in dict(QUALITIES):
            raise ValueError(f"unknown playback quality {self.quality!r}")
        if self.backend_url is not None and check_backend_url(self.backend_url) != self.backend_url:
            raise ValueError(f"backend address {self.backend_url!r} is not in its checked form")

    @property
    def max_height(self) -> int | None:
        """The tallest video rendition to play (720 for ``"720p"``), None for automatic."""
        return None if self.quality == AUTO else int(self.quality.removesuffix("p"))

    @classmethod
    def defaults(cls, settings: Settings) -> Preferences:
        """What a box whose user chose nothing uses: the environment's (``TV_LANGUAGE``)."""
        return cls(language=settings.language)

    def backend(self, settings: Settings) -> str:
        """The backend address in force: the chosen one, else the environment's."""
        return self.backend_url or settings.backend_url


class BackendUrlError(ValueError):
    """A backend address that cannot work; ``messages`` holds the reason in each language."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.messages = {"zh": zh, "en": en}

    def message(self, language: str) -> str:
        return self.messages.get(language, self.messages["zh"])


_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?")


def check_backend_url(text: str) -> str:
    """``text`` as a backend base URL (``http(s)://host[:port][/path]``, no trailing slash).

    Raises:
        BackendUrlError: saying what is wrong, in Chinese and English.
    """
    url = text.strip()
    if any(char.isspace() for char in url):
        raise BackendUrlError("地址里不能有空格", "The address cannot contain spaces")
    if "?" in url or "#" in url:
        raise BackendUrlError("地址里不能有 ? 或 #", "The address cannot contain ? or #")
    if not url.lower().startswith(("http://", "https://")):
        raise BackendUrlError(
            "地址要以 http:// 或 https:// 开头", "The address must start with http:// or https://"
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ of an IPv6 address
        parts = None
    if parts is None or not _is_host(parts.hostname) or "@" in parts.netloc:
        raise BackendUrlError(
            "请在 http:// 后面填服务器名或 IP 地址，如 192.168.1.20",
            "Put the server's name or IP address after http://, e.g. 192.168.1.20",
        )
    if not _has_valid_port(parts):
        raise BackendUrlError(
            "端口要是 1 到 65535 的数字", "The port must be a number from 1 to 65535"
        )
    return url.rstrip("/")


def _is_host(host: str | None) -> bool:
    """A DNS name, an IPv4 address or a (bracketed in the URL) IPv6 address."""
    if not host:
        return False
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return _HOST_NAME.fullmatch(host) is not None


def _has_valid_port(parts: SplitResult) -> bool:
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        return False
    return port != 0 and not parts.netloc.endswith(":")


class PreferencesStore:
    """The saved preferences in one JSON file, over the environment's ``defaults``."""

    def __init__(self, path: Path | str, defaults: Preferences | None = None) -> None:
        self.path = Path(path)
        self.defaults = defaults or Preferences()

    @classmethod
    def for_settings(cls, settings: Settings) -> PreferencesStore:
        """``preferences.json`` in the client's data directory, over ``settings``' defaults."""
        return cls(settings.resolved_data_dir / FILE_NAME, Preferences.defaults(settings))

    def load(self) -> Preferences:
        """The defaults with every valid saved choice applied (a warning for each bad one)."""
        document = self._read()
        chosen = self.defaults
        for f in fields(Preferences):
            if document is not None and f.name in document:
                chosen = _with(chosen, f.name, document[f.name], self.path)
        return chosen

    def save(self, preferences: Preferences) -> None:
        """Keep what differs from the defaults, atomically.

        Raises:
            OSError: the file cannot be written (a full or read-only disk); nothing changed.
        """
        document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        for f in fields(Preferences):
            value = getattr(preferences, f.name)
            if value != getattr(self.defaults, f.name):
                document[f.name] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(document, ensure_ascii=False, indent=2))

    def _read(self) -> dict[str, Any] | None:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # the first start, or the user never chose anything
            log.info("no saved preferences at %s: the defaults apply", self.path)
            return None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            log.warning("ignoring unreadable preferences %s: %s", self.path, error)
            return None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            log.warning("ignoring preferences %s: not an %s document", self.path, FORMAT)
            return None
        if document.get("version") != VERSION:
            log.warning("ignoring preferences %s: version %r", self.path, document.get("version"))
            return None
        return document


def _with(preferences: Preferences, name: str, value: object, path: Path) -> Preferences:
    """``preferences`` with one saved field, unless that value is unusable (then a warning)."""
    try:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        if name == "backend_url":
            value = check_backend_url(value)
        return replace(preferences, **{name: value})
    except ValueError as error:
        log.warning("ignoring saved %s in %s: %s", name, path, error)
        return preferences

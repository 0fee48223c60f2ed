"""What live TV keeps on the box: the reminders set in the guide and the last channel watched.

Reminders are saved as JSON (`Reminders.to_json`) in ``reminders.json`` and the last channel's
id in ``live-channel.txt``, both in the client data dir and written with `write_atomically`.
A file that cannot be read counts as empty; one that cannot be written is logged and the value
holds until the app stops (a full disk must not stop the TV).
"""

from __future__ import annotations

import logging
from pathlib import Path

from tv_client.files import write_atomically
from tv_client.viewmodels.guide import Reminders

__all__ = ["LiveStore"]

log = logging.getLogger(__name__)


class LiveStore:
    """The reminders and the last channel, loaded once and saved on every change."""

    def __init__(self, data_dir: Path) -> None:
        self.reminders_path = data_dir / "reminders.json"
        self.channel_path = data_dir / "live-channel.txt"
        self.reminders = Reminders.from_json(_read(self.reminders_path) or "")
        self.last_channel: str | None = (_read(self.channel_path) or "").strip() or None

    def save_reminders(self) -> None:
        self._write(self.reminders_path, self.reminders.to_json())

    def remember_channel(self, channel_id: str) -> None:
        if channel_id != self.last_channel:
            self.last_channel = channel_id
            self._write(self.channel_path, channel_id)

    @staticmethod
    def _write(path: Path, data: str) -> None:
        try:
            write_atomically(path, data)
        except OSError as error:
            log.warning("cannot save %s: %s", path, error)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None

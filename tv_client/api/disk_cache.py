"""The last good answer to each catalog request, on disk, for ETag revalidation and offline use.

One JSON file per request key, named by the key's SHA-256 and holding the key itself, the body,
its ETag and when it was fetched. Writes go to a temporary file in the same directory and are
moved into place with ``os.replace``, so a reader sees the old entry or the new one, never half of
one; a file that does not parse (a power cut, a full disk, anything) counts as missing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tv_client.files import write_atomically

FORMAT = 1


@dataclass(frozen=True)
class CacheEntry:
    """A stored response: its JSON body, ETag (None if the server sent none) and fetch time."""

    data: Any
    etag: str | None
    fetched_at: float


class DiskCache:
    """Entries in ``directory``; safe to share between threads and processes."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def get(self, key: str) -> CacheEntry | None:
        """The entry stored for ``key``, or None when there is none or it is unreadable."""
        try:
            stored = json.loads(self.path(key).read_text(encoding="utf-8"))
            if stored["format"] != FORMAT or stored["key"] != key:
                return None
            return CacheEntry(stored["data"], stored["etag"], float(stored["fetched_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` under ``key`` atomically, replacing any earlier one."""
        record = {
            "format": FORMAT,
            "key": key,
            "etag": entry.etag,
            "fetched_at": entry.fetched_at,
            "data": entry.data,
        }
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        write_atomically(self.path(key), text)

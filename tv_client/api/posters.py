"""Poster images over HTTP, kept on disk so a restart or a dead line does not lose them.

``PosterFetcher.get(url)`` returns the image's bytes, or None when there is none to show: the
backend answered 404 or something that is not an image, or it cannot be reached and nothing is
stored. A poster that is missing is remembered for the session, so scrolling back and forth past
a course without one asks the backend once, not on every pass. Files are named by the URL's
SHA-256 and written atomically; past ``max_files`` the oldest half is dropped. Thread-safe; calls
are meant to run off the UI thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from pathlib import Path

import httpx

from tv_client.api.client import default_http
from tv_client.files import write_atomically

log = logging.getLogger(__name__)

IMAGE_TYPES = ("image/",)
MAX_BYTES = 4 * 1024 * 1024  # a poster larger than this is a mistake upstream, not a poster


class PosterFetcher:
    """Poster bytes by URL: from the disk store, else from the backend (then stored)."""

    def __init__(
        self, directory: Path | str, *, http: httpx.Client | None = None, max_files: int = 2000
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._owns_http = http is None
        self._http = http or default_http()
        self._max_files = max_files
        self._missing: set[str] = set()
        self._lock = threading.Lock()
        self._trim()

    def path(self, url: str) -> Path:
        return self.directory / hashlib.sha256(url.encode()).hexdigest()

    def get(self, url: str) -> bytes | None:
        """The poster at ``url``, or None when there is none to show."""
        with self._lock:
            if url in self._missing:
                return None
        with contextlib.suppress(OSError):
            return self.path(url).read_bytes()
        data = self._download(url)
        if data is None:
            return None
        self._store(url, data)
        return data

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def _download(self, url: str) -> bytes | None:
        try:
            response = self._http.get(url, headers={"Accept": "image/*"})
        except httpx.TransportError as exc:
            log.info("poster %s not fetched: %s", url, exc)
            return None  # not remembered: the line may come back
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith(IMAGE_TYPES):
            if response.status_code < 500:
                with self._lock:
                    self._missing.add(url)
            log.info("no poster at %s (%s %s)", url, response.status_code, kind)
            return None
        if len(response.content) > MAX_BYTES:
            with self._lock:
                self._missing.add(url)
            return None
        return response.content

    def _store(self, url: str, data: bytes) -> None:
        try:
            write_atomically(self.path(url), data)
        except OSError as exc:  # a full disk costs the copy, never the poster on screen
            log.warning("poster %s not stored: %s", url, exc)

    def _trim(self) -> None:
        files = [p for p in self.directory.iterdir() if not p.name.startswith(".")]
        if len(files) <= self._max_files:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - self._max_files // 2]:
            with contextlib.suppress(OSError):
                old.unlink()

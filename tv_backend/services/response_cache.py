"""Ready-to-send responses cached under the catalog version, built once per version and name.

A read costs one cache round trip when warm. On a miss exactly one builder per key renders the
response (others wait a moment for it, then build it themselves rather than wait longer than a
build takes), and when the cache is down every read goes straight to SQL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from tv_backend.storage.cache import Cache


@dataclass(frozen=True)
class Entry:
    """A response body with its strong ETag."""

    etag: str
    body: bytes

    @classmethod
    def of(cls, body: bytes) -> Entry:
        return cls('"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"', body)

    def pack(self) -> bytes:
        return self.etag.encode() + b"\n" + self.body

    @classmethod
    def unpack(cls, raw: bytes) -> Entry:
        etag, _, body = raw.partition(b"\n")
        return cls(etag.decode(), body)


class ResponseCache:
    """Looks up, builds and stores responses; publishes new catalog versions."""

    def __init__(
        self,
        cache: Cache,
        version_source: Callable[[], int],
        *,
        wait: float = 0.25,
        poll: float = 0.005,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache = cache
        self._version_source = version_source
        self._wait = wait
        self._poll = poll
        self._sleep = sleep

    def get(self, name: str, build: Callable[[], bytes]) -> Entry:
        """The cached entry for ``name``, building it with ``build()`` on a miss."""
        version, raw = self.cache.lookup(name)
        if raw is not None:
            return Entry.unpack(raw)
        if version is None:
            version = self._version_source()
            self.cache.publish_version(version)
            raw = self.cache.get(version, name)
            if raw is not None:
                return Entry.unpack(raw)
        return self._build(version, name, build)

    def peek(self, name: str) -> Entry | None:
        """The cached entry for ``name`` at the current version, or None (never builds)."""
        version, raw = self.cache.lookup(name)
        if raw is None and version is None:
            version = self._version_source()
            self.cache.publish_version(version)
            raw = self.cache.get(version, name)
        return Entry.unpack(raw) if raw is not None else None

    def publish(self, version: int) -> None:
        """Call after a catalog write committed ``version``."""
        self.cache.publish_version(version)

    def _build(self, version: int, name: str, build: Callable[[], bytes]) -> Entry:
        if self.cache.acquire(version, name):
            try:
                raw = self.cache.get(version, name)  # built while we were getting the lock?
                if raw is not None:
                    return Entry.unpack(raw)
                entry = Entry.of(build())
                self.cache.put(version, name, entry.pack())
                return entry
            finally:
                self.cache.release(version, name)
        waited = 0.0
        while waited < self._wait:
            self._sleep(self._poll)
            waited += self._poll
            raw = self.cache.get(version, name)
            if raw is not None:
                return Entry.unpack(raw)
        return Entry.of(build())

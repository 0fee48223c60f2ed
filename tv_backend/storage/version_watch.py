"""Follow the catalog version over Redis pub/sub, so cache hits need no round trip.

Every publish of a catalog version also PUBLISHes it on the namespace's channel. A watch
thread per process subscribes, then reads the version key (subscribed first, so no publish
can fall between the two), and keeps ``current`` up to date. While ``current`` is None (not
yet subscribed, connection lost, Redis down) nothing may be served from process memory. The
connection is pinged every ``ping_every`` seconds, so a silently dead link stops the local
copy within about that long. Each (re)subscription calls ``on_resubscribe``: the cache then
re-reads the version from SQL once, which repairs any publish that Redis missed meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

log = logging.getLogger(__name__)


class VersionWatch:
    def __init__(
        self,
        client: redis.Redis,
        *,
        channel: str,
        version_key: str,
        on_resubscribe: Callable[[], None] = lambda: None,
        ping_every: float = 1.0,
        retry_after: float = 1.0,
    ) -> None:
        self._client = client
        self._channel = channel
        self._version_key = version_key
        self._on_resubscribe = on_resubscribe
        self._ping_every = ping_every
        self._retry_after = retry_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: int | None = None

    def start(self) -> VersionWatch:
        self._thread = threading.Thread(target=self._run, name="edutv-version-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def note(self, raw: bytes | str | int | None) -> None:
        """Take a version seen anywhere (message, GET, publish); never go backwards."""
        if raw is None or self.current is None:
            return
        self.current = max(self.current, int(raw))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except (redis.RedisError, OSError, ValueError) as exc:
                log.debug("version watch lost its subscription: %s", exc)
            self.current = None
            self._stop.wait(self._retry_after)

    def _follow(self) -> None:
        pubsub = self._client.pubsub()
        try:
            pubsub.subscribe(self._channel)
            self._await(pubsub, "subscribe")
            self._on_resubscribe()
            raw = self._client.get(self._version_key)
            self.current = int(raw) if raw is not None else 0
            pinged = time.monotonic()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=self._ping_every / 2)
                if message and message["type"] == "message":
                    self.note(message["data"])
                if time.monotonic() - pinged >= self._ping_every:
                    pubsub.ping()
                    pinged = time.monotonic()
        finally:
            pubsub.close()

    def _await(self, pubsub, kind: str, limit: float = 5.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self._stop.is_set():
            message = pubsub.get_message(timeout=0.5)
            if message and message["type"] == kind:
                return
        raise redis.TimeoutError(f"no {kind} confirmation from Redis")

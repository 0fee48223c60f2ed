"""The response cache: ready-to-send bytes under a catalog version, in Redis or in-process.

Keys are ``<namespace>:v<version>:<name>``. A catalog write bumps the version in SQL (the
authority) and then publishes it here, so new reads land on new keys and old ones age out:
invalidation is precise and nothing is flushed. ``lookup`` returns the version the cache knows
and the entry under it in one round trip; a cache that does not know the version (in-process,
Redis restarted or just back from an outage) answers ``None`` and the caller reads it from SQL.

Redis failures never raise out of here: a breaker stops asking Redis for ``retry_after``
seconds after a failure (no retry storms), calls use short timeouts, and the caller falls
through to SQL. ``status()`` is what ``/readyz`` reports.

    Cache (interface)
    ├── MemoryCache   in-process, one per process (the embedded default)
    └── RedisCache    shared by every worker and host
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import redis

from tv_backend.storage.version_watch import VersionWatch

log = logging.getLogger(__name__)


class Cache(Protocol):
    """What the response cache needs from a store."""

    def lookup(self, name: str) -> tuple[int | None, bytes | None]:
        """The current version known to the cache (or None) and the entry under it."""

    def get(self, version: int, name: str) -> bytes | None: ...

    def put(self, version: int, name: str, value: bytes) -> None: ...

    def publish_version(self, version: int) -> None:
        """Make ``version`` current unless a newer one already is."""

    def acquire(self, version: int, name: str) -> bool:
        """Try to become the one builder of an entry (stampede protection)."""

    def release(self, version: int, name: str) -> None: ...

    def status(self) -> str:
        """``ok``, ``embedded`` (in-process) or ``degraded`` (Redis unreachable)."""

    def close(self) -> None:
        """Stop background work (the Redis version watch)."""


class MemoryCache:
    """An in-process LRU. It never knows the version: SQL stays the authority per process."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        self._builders: set[tuple[int, str]] = set()
        self._lock = threading.Lock()
        self._max = max_entries

    def lookup(self, name: str) -> tuple[int | None, bytes | None]:
        return None, None

    def get(self, version: int, name: str) -> bytes | None:
        with self._lock:
            value = self._entries.get((version, name))
            if value is not None:
                self._entries.move_to_end((version, name))
            return value

    def put(self, version: int, name: str, value: bytes) -> None:
        with self._lock:
            self._entries[(version, name)] = value
            self._entries.move_to_end((version, name))
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def publish_version(self, version: int) -> None:
        with self._lock:
            for key in [k for k in self._entries if k[0] < version]:
                del self._entries[key]

    def acquire(self, version: int, name: str) -> bool:
        with self._lock:
            if (version, name) in self._builders:
                return False
            self._builders.add((version, name))
            return True

    def release(self, version: int, name: str) -> None:
        with self._lock:
            self._builders.discard((version, name))

    def status(self) -> str:
        return "embedded"

    def close(self) -> None:
        pass


class Breaker:
    """Opens on a failure, stays open ``retry_after`` seconds, then lets one call probe."""

    def __init__(self, retry_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.retry_after = retry_after
        self._clock = clock
        self._open_until = 0.0
        self.tripped = False

    def allow(self) -> bool:
        if not self.tripped:
            return True
        if self._clock() >= self._open_until:
            self._open_until = self._clock() + self.retry_after  # one probe per period
            return True
        return False

    def failure(self) -> None:
        self.tripped = True
        self._open_until = self._clock() + self.retry_after

    def success(self) -> bool:
        """Close the breaker; True if it had been open (the cache may have missed writes)."""
        was_open, self.tripped = self.tripped, False
        return was_open

    def call(
        self, fn: Callable[[], object], default: object, *, down: str, back: str
    ) -> tuple[object, bool]:
        """``fn()`` unless the breaker is open; a Redis error opens it and gives ``default``.

        Logs ``down`` (with the error) when it opens and ``back`` when a call closes it again;
        returns the result and whether this call closed it (what was missed may need redoing).
        """
        if not self.allow():
            return default, False
        try:
            result = fn()
        except redis.RedisError as exc:
            if not self.tripped:
                log.warning("%s: %s", down, exc)
            self.failure()
            return default, False
        recovered = self.success()
        if recovered:
            log.warning("%s", back)
        return result, recovered


# KEYS[1] = version key; ARGV[1] = key prefix before the version, ARGV[2] = name
_LOOKUP = """
local v = redis.call('GET', KEYS[1])
if not v then return {false, false} end
return {v, redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])}
"""
# KEYS[1] = version key, KEYS[2] = version channel; ARGV[1] = the new version
_PUBLISH = """
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > v then
  redis.call('SET', KEYS[1], ARGV[1])
  v = new
end
redis.call('PUBLISH', KEYS[2], v)
return v
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisCache:
    """The shared cache. Every key carries the ``{namespace}`` hash tag (Cluster-safe).

    With ``watch=True`` a ``VersionWatch`` thread follows the version over pub/sub and hits
    are kept in process memory too, so a warm read costs no network round trip at all.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str,
        ttl: int = 3600,
        lock_ttl_ms: int = 5000,
        breaker: Breaker | None = None,
        watch: bool = False,
        local_entries: int = 1024,
    ) -> None:
        self._r = client
        self._prefix = f"{{{namespace}}}:v"
        self._version_key = f"{{{namespace}}}:version"
        self._channel = f"{{{namespace}}}:versions"
        self._ttl = ttl
        self._lock_ttl_ms = lock_ttl_ms
        self._breaker = breaker or Breaker(5.0)
        # Until this process has read the version from SQL once, Redis may hold a version
        # that missed writes made while it was unreachable.
        self._resync = True
        self._local = MemoryCache(local_entries)
        self._watch: VersionWatch | None = None
        if watch:
            self._watch = VersionWatch(
                client,
                channel=self._channel,
                version_key=self._version_key,
                on_resubscribe=self._need_resync,
            ).start()
        self._token = f"{id(self)}-{time.monotonic_ns()}"
        self._lookup = client.register_script(_LOOKUP)
        self._publish = client.register_script(_PUBLISH)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, *, timeout: float, retry_after: float, **kwargs) -> RedisCache:
        """A client with short timeouts and no retries: failing fast is the point."""
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            retry=None,
            health_check_interval=0,
        )
        return cls(client, breaker=Breaker(retry_after), **kwargs)

    def close(self) -> None:
        if self._watch is not None:
            self._watch.stop()

    def _need_resync(self) -> None:
        self._resync = True

    def _key(self, version: int, name: str) -> str:
        return f"{self._prefix}{version}:{name}"

    def _call(self, fn: Callable[[], object], default: object = None) -> object:
        result, recovered = self._breaker.call(
            fn, default, down="redis unavailable, serving from SQL", back="redis is back"
        )
        if recovered:
            self._resync = True
        return result

    def lookup(self, name: str) -> tuple[int | None, bytes | None]:
        if self._resync:
            return None, None
        known = self._watch.current if self._watch is not None else None
        if known is not None and not self._breaker.tripped:
            local = self._local.get(known, name)
            if local is not None:
                return known, local
        found = self._call(
            lambda: self._lookup(keys=[self._version_key], args=[self._prefix, name])
        )
        if not found or found[0] is None:
            return None, None
        version, value = int(found[0]), found[1]
        if value is not None and known is not None and version == known:
            self._local.put(version, name, value)
        return version, value

    def get(self, version: int, name: str) -> bytes | None:
        return self._call(lambda: self._r.get(self._key(version, name)))

    def put(self, version: int, name: str, value: bytes) -> None:
        self._call(lambda: self._r.set(self._key(version, name), value, ex=self._ttl))

    def publish_version(self, version: int) -> None:
        keys = [self._version_key, self._channel]
        current = self._call(lambda: self._publish(keys=keys, args=[version]))
        if current is not None:
            self._resync = False
            if self._watch is not None:
                self._watch.note(current)  # our own write is visible here at once
            self._local.publish_version(int(current))

    def acquire(self, version: int, name: str) -> bool:
        key = self._key(version, name) + ":lock"
        got = self._call(lambda: self._r.set(key, self._token, nx=True, px=self._lock_ttl_ms))
        return bool(got) or self._breaker.tripped

    def release(self, version: int, name: str) -> None:
        key = self._key(version, name) + ":lock"
        self._call(lambda: self._release(keys=[key], args=[self._token]))

    def status(self) -> str:
        if self._breaker.tripped:
            # A readiness probe should see recovery without waiting for traffic.
            self._call(self._r.ping)
        return "degraded" if self._breaker.tripped else "ok"

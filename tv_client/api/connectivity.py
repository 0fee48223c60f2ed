"""Online or offline, judged from call outcomes, and when to probe for recovery.

The app asks ``should_probe(now)`` on a timer while offline; when it says yes it calls
``CatalogClient.probe()`` (GET /healthz), whose outcome is recorded here. Probes back off
exponentially (``base``, doubling, up to ``cap`` seconds) so a dead network costs little, and the
first success flips the state back to online, so the client recovers by itself.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable


class Link(enum.Enum):
    """The state of the link to the backend."""

    ONLINE = "online"
    OFFLINE = "offline"


class ConnectivityMonitor:
    """Thread-safe: outcomes arrive from worker threads, the UI reads ``state``."""

    def __init__(
        self, *, base: float = 2.0, cap: float = 60.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.base = base
        self.cap = cap
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._next_probe = 0.0

    @property
    def state(self) -> Link:
        return Link.OFFLINE if self._failures else Link.ONLINE

    @property
    def next_probe_at(self) -> float | None:
        """When the next probe is due; None while online."""
        with self._lock:
            return self._next_probe if self._failures else None

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0

    def record_failure(self, now: float | None = None) -> None:
        """A call failed at ``now``: offline, and the next probe waits a little longer."""
        now = self._clock() if now is None else now
        with self._lock:
            self._failures += 1
            self._next_probe = now + min(self.cap, self.base * 2 ** (self._failures - 1))

    def should_probe(self, now: float | None = None) -> bool:
        """True when offline and the probe that follows the last failure is due."""
        now = self._clock() if now is None else now
        with self._lock:
            return bool(self._failures) and now >= self._next_probe

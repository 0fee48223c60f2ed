"""Blocking work off the UI thread, with only the latest result of each channel applied.

A screen calls ``tasks.run("home", fetch, on_result, on_error)``; ``fetch`` runs on a worker
thread, and ``on_result``/``on_error`` run later on the Kivy main thread, but only if no newer
call was made on the same channel meanwhile (a stale answer is dropped, as Textual does).
Workers never touch widgets.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kivy.clock import Clock

log = logging.getLogger(__name__)


class BackgroundTasks:
    """A small thread pool plus a "latest call wins" token per channel."""

    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="edutv-task")
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._latest: dict[str, int] = {}

    def run(
        self,
        channel: str,
        work: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run ``work`` in the background; hand its outcome to the main thread if still latest."""
        with self._lock:
            token = self._latest[channel] = next(self._counter)
        self._pool.submit(self._work, channel, token, work, on_result, on_error)

    def cancel(self, channel: str) -> None:
        """Forget the pending call of ``channel``: its result will be dropped."""
        with self._lock:
            self._latest.pop(channel, None)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _work(self, channel, token, work, on_result, on_error) -> None:
        try:
            outcome, handler = work(), on_result
        except Exception as exc:  # a worker is a process edge: hand every failure to the UI
            log.info("background task %s failed: %s", channel, exc)
            outcome, handler = exc, on_error
        Clock.schedule_once(lambda _dt: self._apply(channel, token, handler, outcome))

    def _apply(self, channel, token, handler, outcome) -> None:
        with self._lock:
            if self._latest.get(channel) != token:
                return
            del self._latest[channel]
        handler(outcome)

    def pending(self) -> bool:
        """True while some channel waits for its result (tests and benchmarks poll this)."""
        with self._lock:
            return bool(self._latest)
